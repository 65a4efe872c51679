//! The command line: the contract users script against: README.md's command table is its documentation.
//!
//! Exit codes: 0 when everything selected passed, 1 when something failed, 2 for usage or
//! environment errors (a bad name, no course found, cargo missing).

use crate::build::state::State;
use crate::commands::how::Place;
use crate::course::Course;
use crate::report::Format;
use crate::run::runner::Limits;
use crate::run::session::Session;
use crate::terminal::color::{ColorChoice, Paint};
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

    /// Wall-clock limit per check, in seconds (default: the exercise's timeout_secs, else 10).
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Wall-clock limit on one build of the checks, in seconds.
    #[arg(long, global = true, value_name = "SECS", default_value = "600")]
    pub build_timeout: f64,

    /// Memory limit per check process, in MiB.
    #[arg(long, global = true, value_name = "MIB", default_value = "1024")]
    pub memory: u64,

    /// Which of your crate's compiler warnings the report shows: `async` (unused futures and
    /// results that must be used: the ones that break async code), `all`, or `none`.
    #[arg(long, global = true, value_enum, default_value = "async")]
    pub warnings: Warnings,

    /// How many checks start at once (default: one per CPU); unless N is 1 or the machine is
    /// busy, a check still running after 50 ms lets another start beside it, up to twice N.
    /// Checks that mostly wait on the real clock (exercise 10's) run beside them, up to 20 per
    /// CPU (3 on a busy machine), unless N is 1.
    #[arg(long, short = 'j', global = true, value_name = "N")]
    pub jobs: Option<usize>,

    /// The seed the checks draw their inputs from (durations, names, counts). Default: a new one
    /// every run, shown beside a failure; give it back here to run the same inputs again.
    #[arg(long, global = true, value_name = "N", env = "AWAITLINGS_SEED")]
    pub seed: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Every exercise, its status and score, and the next one to do.
    List,
    /// Build and run the hidden checks (all exercises when none is named).
    // The usage line is spelled out: clap would otherwise show a suggested option there, as if
    // it were required.
    #[command(override_usage = "grader check [OPTIONS] [EXERCISES]...")]
    Check {
        /// Exercises to check: 3, 03, interleaved-tasks or 03-interleaved-tasks.
        exercises: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Write the report to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// With `--format classroom`: also append `result=<base64>` to $GITHUB_OUTPUT.
        #[arg(long)]
        github_output: bool,
    },
    /// Check an exercise on every save (the first unfinished one by default), with single keys
    /// for next, hint, list, check again, run and quit.
    Watch {
        exercise: Option<String>,
        /// Read the folder on a timer instead of waiting for file events (automatic where events
        /// do not arrive, such as a Windows drive under WSL).
        #[arg(long)]
        poll: bool,
    },
    /// Run your code's main scenario (or the check CHECK's) under paused time and show its
    /// transcript: one column per task, one row per instant.
    Run {
        exercise: String,
        /// The check whose scenario to run (default: the main one); `check EX` names them all.
        check: Option<String>,
        /// Print the transcript as a flat list of lines, without the picture (for scripts).
        #[arg(long)]
        plain: bool,
        /// Also draw the picture as an SVG into FILE (without FILE: into the grader's folder of
        /// pictures, whose path it prints).
        #[arg(long, value_name = "FILE", num_args = 0..=1)]
        svg: Option<Option<PathBuf>>,
    },
    /// Your transcript against the reference solution's (or another submission's), in the main
    /// scenario or the check CHECK's.
    Diff {
        exercise: String,
        /// The check whose scenario to compare (default: the main one).
        check: Option<String>,
        /// `solution`, or the path of another submission (a course clone or an exercise crate).
        #[arg(long, default_value = "solution", value_name = "solution|PATH")]
        against: String,
        /// Only the diff of the lines, without the pictures side by side (for scripts).
        #[arg(long)]
        plain: bool,
        /// Also draw both pictures, on one time axis, as an SVG into FILE (without FILE: into
        /// the grader's folder of pictures, whose path it prints).
        #[arg(long, value_name = "FILE", num_args = 0..=1)]
        svg: Option<Option<PathBuf>>,
    },
    /// Show the next hint: for what the failing checks named, each failing check in turn, then
    /// the exercise.
    Hint {
        exercise: String,
        /// Only the hints for this check (and for the mistake its last failure named).
        check: Option<String>,
        /// Repeat every hint you have seen (shows no new one).
        #[arg(long)]
        all: bool,
    },
    /// Put an exercise back as shipped (your files are backed up first); list or restore backups.
    #[command(
        override_usage = "grader reset EX [--hints]\n       grader reset EX --restore [NAME]\n       grader reset --list [EX]"
    )]
    Reset {
        /// The exercise: 3, 03, interleaved-tasks or 03-interleaved-tasks.
        #[arg(required_unless_present = "list", value_name = "EX")]
        exercise: Option<String>,
        /// List the backups (of EX, or of every exercise).
        #[arg(long, conflicts_with_all = ["restore", "hints"])]
        list: bool,
        /// Restore the backup NAME (the latest when NAME is omitted); your current files are
        /// backed up first, so this can be undone too.
        #[arg(long, value_name = "NAME", num_args = 0..=1, conflicts_with = "hints")]
        restore: Option<Option<String>>,
        /// Also forget the hints shown for the exercise, so `hint` starts over.
        #[arg(long)]
        hints: bool,
    },
    /// For maintainers: every solution passes, every stub fails, every wrong solution fails as expected.
    Verify {
        exercises: Vec<String>,
        /// Run every check under seeds 1 to K (default 3). `--seed N` runs seed N alone.
        #[arg(long, value_name = "K")]
        seeds: Option<u64>,
    },
    /// For maintainers: regenerate the expected transcripts (fixtures/) from the solutions.
    Bless { exercises: Vec<String> },
    /// For instructors: write the student edition into DIR, a new folder: the repository students
    /// start from (no solutions, hidden checks, wrong solutions or maintainers' tests).
    Publish {
        /// A new (or empty) folder, outside the course.
        dir: PathBuf,
    },
    /// For instructors: grade students' clones with this (trusted) course's checks.
    Grade {
        /// The submissions: students' clones of the course (a shell glob works: `clones/*`).
        #[arg(required = true, value_name = "SUBMISSION")]
        submissions: Vec<PathBuf>,
        /// Grade only this exercise (repeat for more); all of them by default.
        #[arg(long = "exercise", short = 'e', value_name = "EX")]
        exercises: Vec<String>,
        #[command(flatten)]
        outputs: ClassOutputs,
        /// With one submission: append the autograding `result=<base64>` (the `classroom`
        /// document, whatever --format is), `points`, `max_score` and `status` to
        /// $GITHUB_OUTPUT, and print the points as the reporter's notice annotations.
        #[arg(long)]
        github_output: bool,
        /// Grade only the Kth of N shares of the submissions (round robin by position in the
        /// list: give every shard the same list), and write the shard's record for `grader
        /// merge` into --out.
        #[arg(long, value_name = "K/N")]
        shard: Option<crate::class::shard::Shard>,
        /// Once graded, remove the harness builds of submissions (kept results stay, so an
        /// unchanged submission is not built again): they are most of the state's size.
        #[arg(long)]
        clean: bool,
    },
    /// For instructors: put the shards of `grade --shard K/N` back together: the table, the
    /// gradebook, the summary and the reports one `grade` of the whole class gives.
    Merge {
        /// The shards' --out folders (or one folder their shard-K-of-N.json records were
        /// gathered into).
        #[arg(required = true, value_name = "SHARD_DIR")]
        shards: Vec<PathBuf>,
        #[command(flatten)]
        outputs: ClassOutputs,
    },
    /// For maintainers: make or change a known-wrong solution (or, with --right, an alternative
    /// correct design). Prints an editable copy of the solution (with the patch applied, if it
    /// exists); `--save` writes fixtures/wrong/<slug>/<mistake>.patch (fixtures/right/...) from it.
    Mistake {
        exercise: String,
        /// The mistake's name, in lowercase words joined by `-` (e.g. `sleeps-milliseconds`).
        mistake: String,
        /// An alternative correct design, which must pass every check (fixtures/right/).
        #[arg(long)]
        right: bool,
        /// Write the patch from the edited copy.
        #[arg(long, conflicts_with = "fresh")]
        save: bool,
        /// Start the copy over from the solution and the saved patch, dropping unsaved edits.
        #[arg(long)]
        fresh: bool,
    },
}

/// What `grade` and `merge` write and print of a class: one definition, so a merge of shards
/// offers exactly what one run does.
#[derive(clap::Args, Debug)]
pub struct ClassOutputs {
    /// The format of each student's report in --out.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write one report per student into DIR (`<student>.<ext>`; with classroom50, also
    /// `<student>.release-body.md`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write the gradebook CSV (one row per student) to FILE.
    #[arg(long, value_name = "FILE")]
    gradebook: Option<PathBuf>,
    /// Per exercise, group the students by the transcript of its main scenario.
    #[arg(long)]
    summary: bool,
    /// Write the class report into DIR, a static site to open in a browser (index.html): the
    /// class, each exercise's students grouped by transcript with their pictures, each
    /// student's failing checks.
    #[arg(long, value_name = "DIR")]
    html: Option<PathBuf>,
}

impl ClassOutputs {
    pub fn outputs(&self) -> super::grade::Outputs<'_> {
        super::grade::Outputs {
            format: self.format,
            out: self.out.as_deref(),
            gradebook: self.gradebook.as_deref(),
            summary: self.summary,
            html: self.html.as_deref(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Warnings {
    Async,
    All,
    None,
}

impl Warnings {
    /// Whether a warning of `lint` is shown.
    pub fn shows(self, lint: Option<&str>) -> bool {
        match self {
            Warnings::All => true,
            Warnings::None => false,
            Warnings::Async => lint.is_some_and(|l| l == "unused_must_use"),
        }
    }
}

/// What every command needs.
#[derive(Clone)]
pub struct Ctx {
    pub course: Course,
    pub state: State,
    pub color: ColorChoice,
    pub limits: Limits,
    pub timeout_override: Option<Duration>,
    pub build_timeout: Duration,
    pub warnings: Warnings,
    pub jobs: usize,
    /// Where the learner reads what the command prints: a shell, or inside `watch` (whose
    /// messages name keys rather than commands; see [`crate::commands::how`]).
    pub place: Place,
}

impl Ctx {
    /// Colour for standard output.
    pub fn paint(&self) -> Paint {
        Paint(self.color.enabled(std::io::stdout().is_terminal()))
    }

    pub fn session(&self) -> Session<'_> {
        Session {
            course: &self.course,
            state: self.state.clone(),
            color: self.paint().0,
            limits: self.limits.clone(),
            timeout_override: self.timeout_override,
            build_timeout: self.build_timeout,
            jobs: self.jobs,
            reuse: false,
            offered: None,
        }
    }
}

pub fn main() -> ExitCode {
    // First, before any thread exists: Ctrl-C and SIGTERM stop every child we start.
    crate::process::signals::install();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            crate::errln!("error: {e:#}");
            ExitCode::from(USAGE)
        }
    }
}

fn seconds(flag: &str, value: f64) -> anyhow::Result<Duration> {
    if !(value > 0.0 && value <= crate::course::MAX_TIMEOUT_SECS as f64) {
        anyhow::bail!(
            "{flag} must be a number of seconds above 0 and at most {} (a day), not {value}",
            crate::course::MAX_TIMEOUT_SECS
        );
    }
    Ok(Duration::from_secs_f64(value))
}

fn run(mut cli: Cli) -> anyhow::Result<u8> {
    let ctx = context(&cli)?;
    dispatch(&ctx, cli.command.take().unwrap_or(Command::List))
}

/// What every command runs with, from the global options (checked here).
fn context(cli: &Cli) -> anyhow::Result<Ctx> {
    let timeout_override = cli.timeout.map(|t| seconds("--timeout", t)).transpose()?;
    let build_timeout = seconds("--build-timeout", cli.build_timeout)?;
    if cli.memory == 0 {
        anyhow::bail!("--memory must be a positive number of MiB");
    }
    if cli.jobs == Some(0) {
        anyhow::bail!("--jobs must be at least 1");
    }
    let course = Course::find(cli.course.as_deref())?;
    let ctx = Ctx {
        state: State::locate(&course.root),
        course,
        color: cli.color,
        limits: Limits {
            memory_bytes: cli.memory.saturating_mul(1 << 20),
            sandbox: crate::run::runner::sandbox_from_env().map_err(anyhow::Error::msg)?,
            seed: cli.seed.unwrap_or_else(crate::run::runner::draw_seed),
            seed_chosen: cli.seed.is_some(),
            ..Limits::default()
        },
        timeout_override,
        build_timeout,
        warnings: cli.warnings,
        jobs: cli.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
        }),
        place: Place::Shell,
    };
    Ok(ctx)
}

/// Runs the command.
fn dispatch(ctx: &Ctx, command: Command) -> anyhow::Result<u8> {
    use crate::commands::*;
    match command {
        Command::List => list::run(ctx),
        Command::Check {
            exercises,
            format,
            output,
            github_output,
        } => check::run(ctx, &exercises, format, output.as_deref(), github_output),
        Command::Watch { exercise, poll } => watch::run(ctx, exercise.as_deref(), poll),
        Command::Run {
            exercise,
            check,
            plain,
            svg,
        } => {
            let svg = show::svg_file(ctx, "run", &exercise, check.as_deref(), svg)?;
            show::run(ctx, &exercise, check.as_deref(), show::picture(plain, svg))
        }
        Command::Diff {
            exercise,
            check,
            against,
            plain,
            svg,
        } => {
            let svg = show::svg_file(ctx, "diff", &exercise, check.as_deref(), svg)?;
            show::diff(
                ctx,
                &exercise,
                check.as_deref(),
                &against,
                show::picture(plain, svg),
            )
        }
        Command::Hint {
            exercise,
            check,
            all,
        } => hint::run(ctx, &exercise, check.as_deref(), all),
        Command::Reset {
            exercise,
            list,
            restore,
            hints,
        } => reset::run(
            ctx,
            reset_action(exercise.as_deref(), list, restore.as_ref(), hints),
        ),
        Command::Verify { exercises, seeds } => verify::run(ctx, &exercises, seeds),
        Command::Bless { exercises } => verify::bless(ctx, &exercises),
        Command::Publish { dir } => publish::run(ctx, &dir),
        grade @ Command::Grade { .. } => grade_class(ctx, grade),
        Command::Merge { shards, outputs } => merge::run(ctx, &shards, &outputs.outputs()),
        Command::Mistake {
            exercise,
            mistake,
            right,
            save,
            fresh,
        } => mistake::run(ctx, &exercise, &mistake, right, save, fresh),
    }
}

/// `grade`, from its options.
fn grade_class(ctx: &Ctx, command: Command) -> anyhow::Result<u8> {
    let Command::Grade {
        submissions,
        exercises,
        outputs,
        github_output,
        shard,
        clean,
    } = command
    else {
        unreachable!("grade_class is given `grade` only")
    };
    let o = outputs.outputs();
    crate::commands::grade::run(
        ctx,
        crate::commands::grade::Args {
            submissions: &submissions,
            exercises: &exercises,
            format: o.format,
            out: o.out,
            gradebook: o.gradebook,
            summary: o.summary,
            html: o.html,
            github_output,
            shard,
            clean,
        },
    )
}

/// What `reset` is asked to do, from its options.
fn reset_action<'a>(
    exercise: Option<&'a str>,
    list: bool,
    restore: Option<&'a Option<String>>,
    hints: bool,
) -> crate::commands::reset::Action<'a> {
    match (exercise, list, restore) {
        (exercise, true, _) => crate::commands::reset::Action::List { exercise },
        (Some(exercise), false, Some(name)) => crate::commands::reset::Action::Restore {
            exercise,
            name: name.as_deref(),
        },
        (Some(exercise), false, None) => crate::commands::reset::Action::Reset { exercise, hints },
        // clap requires EX unless --list is given.
        (None, false, _) => unreachable!("clap requires an exercise without --list"),
    }
}
