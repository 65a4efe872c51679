//! From built harnesses to results: list each harness's checks, run every check in a process of
//! its own, turn each finished process into a verdict, and emit the results as events in course
//! order.
//!
//! - [`session`]: build, list, run in parallel, and emit events in course order (its `schedule`:
//!   which check starts next, one per CPU, and checks that mostly wait beside them; its `order`:
//!   each check as soon as those before it are in, each exercise after its checks);
//! - [`runner`]: lists a harness's checks and runs one in a child process;
//! - [`verdict`]: turns a finished check process into an outcome;
//! - [`outcome`]: outcomes, results and the event stream (kinds come from the protocol);
//! - [`tamper`]: after every check process, notices a change to the grader's own files, puts it
//!   back and pins it on the one exercise whose checks made it.

pub mod outcome;
pub mod runner;
pub mod session;
pub mod tamper;
pub mod verdict;
