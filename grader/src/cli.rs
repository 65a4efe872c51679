//! The command line: the contract users script against (DESIGN.md section 3).
//!
//! Exit codes: 0 when everything selected passed, 1 when something failed, 2 for usage or
//! environment errors (a bad name, no course found, cargo missing).

use crate::color::{ColorChoice, Paint};
use crate::course::Course;
use crate::runner::Limits;
use crate::session::Session;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Named exit codes.
pub const PASSED: u8 = 0;
pub const FAILED: u8 = 1;
pub const USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "grader",
    version,
    about = "Checks your awaitlings exercises under paused tokio time: order and timing, exactly.",
    after_help = "Run with no command to see your progress. Exercises can be named 3, 03, interleaved-tasks \
                  or 03-interleaved-tasks."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// The course root (default: the nearest directory with a course.toml).
    #[arg(long, global = true, value_name = "DIR", env = "AWAITLINGS_COURSE")]
    pub course: Option<PathBuf>,

    /// Colour: auto (only on a terminal, and not when NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// Wall-clock limit per check, in seconds (a check is killed after it).
    #[arg(long, global = true, value_name = "SECS", default_value = "10")]
    pub timeout: f64,

    /// How many checks run at once (default: one per CPU).
    #[arg(long, short = 'j', global = true, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Every exercise, its status and score, and the next one to do.
    List,
    /// Build and run the hidden checks (all exercises when none is named).
    Check {
        /// Exercises to check: 3, 03, interleaved-tasks or 03-interleaved-tasks.
        exercises: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Write the report to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Run your code's main scenario under paused time and print its transcript.
    Run { exercise: String },
    /// Your transcript against the reference solution's (or another submission's).
    Diff {
        exercise: String,
        /// `solution`, or the path of another submission (a course clone or an exercise crate).
        #[arg(long, default_value = "solution", value_name = "solution|PATH")]
        against: String,
    },
    /// Show the next hint for an exercise.
    Hint { exercise: String },
    /// For maintainers: every solution passes, every stub fails, every wrong solution fails as expected.
    Verify { exercises: Vec<String> },
    /// For maintainers: regenerate the expected transcripts (fixtures/) from the solutions.
    Bless { exercises: Vec<String> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// What every command needs.
pub struct Ctx {
    pub course: Course,
    pub color: ColorChoice,
    pub limits: Limits,
    pub jobs: usize,
}

impl Ctx {
    /// The grader's state directory: `$AWAITLINGS_TARGET_DIR`, else `awaitlings/` inside cargo's
    /// target directory.
    pub fn state_dir(&self) -> PathBuf {
        if let Some(dir) = std::env::var_os("AWAITLINGS_TARGET_DIR") {
            return PathBuf::from(dir);
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| self.course.root.join("target"), PathBuf::from);
        target.join("awaitlings")
    }

    /// Colour for standard output.
    pub fn paint(&self) -> Paint {
        Paint(self.color.enabled(std::io::stdout().is_terminal()))
    }

    pub fn session(&self, bless: bool) -> Session<'_> {
        Session {
            course: &self.course,
            state: self.state_dir(),
            color: self.paint().0,
            limits: self.limits.clone(),
            jobs: self.jobs,
            bless,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(USAGE)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    if !(cli.timeout > 0.0 && cli.timeout.is_finite()) {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    let ctx = Ctx {
        course: Course::find(cli.course.as_deref())?,
        color: cli.color,
        limits: Limits {
            timeout: Duration::from_secs_f64(cli.timeout),
            ..Limits::default()
        },
        jobs: cli
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
    };
    use crate::commands::*;
    match cli.command.unwrap_or(Command::List) {
        Command::List => list::run(&ctx),
        Command::Check {
            exercises,
            format,
            output,
        } => check::run(&ctx, &exercises, format, output.as_deref()),
        Command::Run { exercise } => show::run(&ctx, &exercise),
        Command::Diff { exercise, against } => show::diff(&ctx, &exercise, &against),
        Command::Hint { exercise } => hint::run(&ctx, &exercise),
        Command::Verify { exercises } => verify::run(&ctx, &exercises),
        Command::Bless { exercises } => verify::bless(&ctx, &exercises),
    }
}
