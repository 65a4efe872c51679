//! The command line ([`cli`]: clap, exit codes, the context every command shares), [`how`] (how
//! a message tells the learner to do something: a key inside watch, else a command), and one
//! module per command. Each returns the process exit code.

pub mod cli;

pub mod check;
pub mod edition_proof;
pub mod expected;
pub mod grade;
pub mod hint;
pub mod how;
pub mod list;
pub mod merge;
pub mod mistake;
pub mod publish;
pub mod reset;
pub mod show;
pub mod verify;
pub mod watch;
