//! `grader watch [EX]`: check on every save, with single keys for the rest of the loop.
//!
//! Starts at EX, or at the first exercise not passed yet. Each save of the exercise's files
//! (debounced: an editor's burst of writes is one save) runs the same check as `grader check EX`
//! and prints its report, numbered and timed (`check #4 at 14:03:12, 0.31 s`); between checks,
//! single keys (without Enter on a terminal: see
//! [`crate::terminal::keys`]): `n` next exercise, `h` hint, `l` list, `c` check again, `r` run the main scenario (its
//! transcript), `q` quit. Everything printed is the other commands' own output, told that it is
//! read inside watch (`Ctx::place`), so that it names keys where it would name commands: watch
//! only decides when to run them.

use crate::commands::cli::{Ctx, PASSED};
use crate::commands::how::Place;
use crate::outln;
use crate::report::Format;
use crate::student::progress::Progress;
use crate::student::standing::{self, Standing};
use crate::student::watcher::{Saves, Snapshot};
use crate::terminal::keys::{Key, Keys};
use anyhow::Result;
use std::collections::VecDeque;
use std::io::IsTerminal;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// How long a folder must stay quiet after a file event before it is read: editors write a
/// file in several steps (truncate, write, rename, chmod), and one save is one check.
const DEBOUNCE: Duration = Duration::from_millis(30);
/// The same, once a file open for writing has been closed (the save is complete; only a rename
/// into place may follow at once).
const SETTLED: Duration = Duration::from_millis(3);

enum Input {
    /// A file event; `true` when it closed a file written to.
    Saved(bool),
    Key(Key),
}

/// What a key does in watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Check,
    Next,
    Hint,
    List,
    Run,
    Quit,
}

impl Action {
    /// Every action, its key and its name in the footer, in the footer's order: the one table of
    /// watch's keys (messages ask it through [`crate::commands::how`]).
    const KEYS: [(Action, char, &'static str); 6] = [
        (Action::Next, 'n', "next"),
        (Action::Hint, 'h', "hint"),
        (Action::List, 'l', "list"),
        (Action::Check, 'c', "check again"),
        (Action::Run, 'r', "run (transcript)"),
        (Action::Quit, 'q', "quit"),
    ];

    fn of(key: Key) -> Option<Action> {
        let Key::Char(key) = key else { return None };
        let key = key.to_ascii_lowercase();
        Self::KEYS
            .iter()
            .find(|&&(_, k, _)| k == key)
            .map(|&(a, _, _)| a)
    }

    /// The key that does this.
    pub fn key(self) -> char {
        Self::KEYS
            .iter()
            .find(|&&(a, _, _)| a == self)
            .map_or('?', |&(_, k, _)| k)
    }

    /// `n next · h hint · ...`, for the footer.
    fn legend() -> String {
        Self::KEYS
            .iter()
            .map(|(_, k, name)| format!("{k} {name}"))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// `n, h, l, c, r or q`.
    fn keys() -> String {
        let keys: Vec<String> = Self::KEYS.iter().map(|(_, k, _)| k.to_string()).collect();
        let (last, rest) = keys.split_last().expect("keys");
        format!("{} or {last}", rest.join(", "))
    }
}

/// The checks run in one watch, numbered from 1, so that each report says which one it is and
/// when it ran: two reports of unchanged code differ in that, and the learner sees that the key
/// did something.
#[derive(Default)]
struct Runs {
    count: u32,
}

pub fn run(ctx: &Ctx, name: Option<&str>, poll_only: bool) -> Result<u8> {
    let course = &ctx.course;
    if course.exercises.is_empty() {
        anyhow::bail!("course.toml lists no exercises: there is nothing to watch");
    }
    let mut index = match name {
        Some(name) => position(ctx, name)?,
        None => first_unfinished(ctx),
    };
    // Inside watch, messages name keys rather than commands (see `how`).
    let mut ctx = ctx.clone();
    let ctx = &mut ctx;
    let (tx, rx) = channel();
    let mut saves = Saves::new(tx.clone(), Input::Saved, poll_only);
    let keys = Keys::start(tx, Input::Key);
    let p = ctx.paint();
    let clear = std::io::stdout().is_terminal();
    let mut keyboard = true;
    let mut pending = VecDeque::new();
    let mut checked = Snapshot::default();
    let mut said_polling = false;
    let mut runs = Runs::default();
    saves.watch(&course.exercise_dir(&course.exercises[index]));

    let mut action = Action::Check;
    loop {
        let ex = &course.exercises[index];
        let number = format!("{:02}", ex.number);
        // Afresh each time: where `n` goes follows the progress, which a check changes.
        ctx.place = watching(ctx, index);
        match action {
            Action::Check => checked = check(ctx, index, clear, &mut runs),
            Action::Next => {
                if let Some(next) = next_index(ctx, index) {
                    index = next;
                    saves.watch(&course.exercise_dir(&course.exercises[index]));
                    action = Action::Check;
                    continue;
                }
                outln!("{} is the last exercise.", ex.label());
            }
            Action::Hint => {
                outln!();
                super::hint::run(ctx, &number, None, false)?;
            }
            Action::List => {
                outln!();
                super::list::run(ctx)?;
            }
            Action::Run => {
                outln!();
                if let Err(e) =
                    super::show::run(ctx, &number, None, super::show::picture(false, None))
                {
                    crate::errln!("error: {e:#}");
                }
            }
            Action::Quit => {
                drop(keys);
                return Ok(PASSED);
            }
        }
        say_polling(&saves, &mut said_polling, p);
        footer(ctx, index, keyboard);
        let mut input = Inputs {
            rx: &rx,
            pending: &mut pending,
            saves: &saves,
            keys: &keys,
            keyboard: &mut keyboard,
        };
        action = input.next_action(ctx, index, &checked);
    }
}

/// Once: that saves are seen by reading the folder now and then, and why (no file events here).
fn say_polling(saves: &Saves, said: &mut bool, p: crate::terminal::color::Paint) {
    if !*said && let Some(why) = &saves.polling_because {
        *said = true;
        outln!(
            "{}",
            p.dim(&format!(
                "Watching by reading the folder every {:.1} s: {why}.",
                saves.poll_every().as_secs_f64()
            ))
        );
    }
}

/// Where messages are read while exercise `index` is watched: what `c` checks and where `n`
/// goes.
fn watching(ctx: &Ctx, index: usize) -> Place {
    Place::Watch {
        exercise: ctx.course.exercises[index].number,
        next: next_index(ctx, index).map(|i| ctx.course.exercises[i].number),
    }
}

/// The index of the exercise `name` names.
fn position(ctx: &Ctx, name: &str) -> Result<usize> {
    let course = &ctx.course;
    let ex = course.resolve(name)?;
    Ok(course
        .exercises
        .iter()
        .position(|e| e.slug == ex.slug)
        .unwrap_or(0))
}

/// Checks exercise `index` as `grader check` does, on a cleared screen when `clear`, as the next
/// of `runs`; returns the files as they were checked.
fn check(ctx: &Ctx, index: usize, clear: bool, runs: &mut Runs) -> Snapshot {
    let ex = &ctx.course.exercises[index];
    let p = ctx.paint();
    let checked = Snapshot::of(&ctx.course.exercise_dir(ex));
    if clear {
        // Clear the screen and the scrollback: each report replaces the last.
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out
            .write_all(b"\x1b[H\x1b[2J\x1b[3J")
            .and_then(|()| out.flush());
    }
    runs.count += 1;
    let run = format!(
        "check #{} at {}",
        runs.count,
        crate::terminal::clock::time_of_day(std::time::SystemTime::now())
    );
    let started = std::time::Instant::now();
    // Said at once: the screen shows that the key or the save was taken before the build ends.
    outln!("{}", p.dim(&format!("{run}...")));
    let number = format!("{:02}", ex.number);
    if let Err(e) = super::check::run(
        ctx,
        std::slice::from_ref(&number),
        Format::Human,
        None,
        false,
    ) {
        crate::errln!("error: {e:#}");
    }
    outln!(
        "{}",
        p.dim(&format!("{run}, {:.2} s", started.elapsed().as_secs_f64()))
    );
    checked
}

/// The exercise `n` moves to from `index`: the next one not passed yet (what the pass message
/// offers), else simply the next in order: `n` always moves on, even past an exercise left
/// unfinished. `None` after the last.
fn next_index(ctx: &Ctx, index: usize) -> Option<usize> {
    let course = &ctx.course;
    standing::next_unfinished(course, &course.exercises[index])
        .and_then(|n| course.exercises.iter().position(|e| e.slug == n.slug))
        .or((index + 1 < course.exercises.len()).then_some(index + 1))
}

/// What the loop waits on: file events and keys.
struct Inputs<'a> {
    rx: &'a Receiver<Input>,
    pending: &'a mut VecDeque<Input>,
    saves: &'a Saves,
    keys: &'a Keys,
    /// Whether keys can still come (standard input is open).
    keyboard: &'a mut bool,
}

impl Inputs<'_> {
    /// Waits for what to do next while exercise `index` is watched: a check when its files
    /// differ from the `checked` ones, or a key's action.
    fn next_action(&mut self, ctx: &Ctx, index: usize, checked: &Snapshot) -> Action {
        let course = &ctx.course;
        let p = ctx.paint();
        let dir = course.exercise_dir(&course.exercises[index]);
        loop {
            // Single keys only while nothing is printed: see terminal::keys. A poll that finds
            // nothing changed prints nothing, so raw mode stays on through it: were it turned off
            // and on again, a key pressed in between would be read in line mode (Ctrl-Z would
            // suspend watch, Ctrl-C kill the shell's job).
            let waited = {
                let _listening = self.keys.listen();
                loop {
                    let waited = wait(self.rx, self.pending, self.saves, self.keyboard);
                    if !matches!(waited, Waited::Saved) || Snapshot::of(&dir) != *checked {
                        break waited;
                    }
                }
            };
            match waited {
                Waited::Saved => break Action::Check,
                Waited::Key(key) => match Action::of(key) {
                    Some(a) => break a,
                    None => outln!(
                        "{}",
                        p.dim(&format!(
                            "{} does nothing here: {}.",
                            key.name(),
                            Action::keys()
                        ))
                    ),
                },
                Waited::KeyboardGone => footer(ctx, index, *self.keyboard),
            }
        }
    }
}

enum Waited {
    /// A save may have happened (the snapshot decides).
    Saved,
    Key(Key),
    KeyboardGone,
}

/// Waits for the next thing to act on. File events are debounced; keys that arrive meanwhile
/// keep their turn in `pending`. With no event for a while, the folder is polled.
fn wait(
    rx: &Receiver<Input>,
    pending: &mut VecDeque<Input>,
    saves: &Saves,
    keyboard: &mut bool,
) -> Waited {
    let input = match pending.pop_front() {
        Some(input) => input,
        None => match rx.recv_timeout(saves.poll_every()) {
            Ok(input) => input,
            Err(RecvTimeoutError::Timeout) => return Waited::Saved,
            // Both senders live as long as the loop: not reached, but never a busy loop.
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(saves.poll_every());
                return Waited::Saved;
            }
        },
    };
    match input {
        Input::Saved(written) => {
            let mut quiet = if written { SETTLED } else { DEBOUNCE };
            loop {
                match rx.recv_timeout(quiet) {
                    Ok(Input::Saved(true)) => quiet = SETTLED,
                    Ok(Input::Saved(false)) => {}
                    Ok(key) => pending.push_back(key),
                    Err(_) => break,
                }
            }
            Waited::Saved
        }
        Input::Key(Key::Closed) => {
            let was = std::mem::replace(keyboard, false);
            if was {
                Waited::KeyboardGone
            } else {
                Waited::Saved
            }
        }
        Input::Key(key) => Waited::Key(key),
    }
}

/// The line under every report: what is being watched, where it stands, and the keys.
fn footer(ctx: &Ctx, index: usize, keyboard: bool) {
    let p = ctx.paint();
    let course = &ctx.course;
    let ex = &course.exercises[index];
    let progress = Progress::load(&course.root);
    let standing = standing::standing(course, ex, progress.exercises.get(&ex.slug));
    if standing == Standing::NotStarted {
        outln!(
            "{} is not started: read its lesson, exercises/{}/README.md, then replace the \
             `todo!()`s in src/lib.rs. Every save is checked.",
            ex.label(),
            ex.dir_name()
        );
    }
    if standing.passed() {
        let next = standing::next_unfinished(course, ex);
        outln!(
            "{}",
            p.green(&format!(
                "✓ {} passes every check.{}",
                ex.label(),
                match next {
                    Some(n) => format!(" Press n for {}.", n.label()),
                    None => " Every exercise has passed: well done!".to_string(),
                }
            ))
        );
    }
    outln!(
        "{}",
        p.dim(&format!(
            "Watching exercises/{}/ : save a file to check it again.",
            ex.dir_name()
        ))
    );
    if keyboard {
        outln!("  {}", p.bold(&Action::legend()));
    } else {
        outln!("  {}", p.dim("(no keyboard input: Ctrl-C stops watching)"));
    }
}

/// The first exercise not passed yet for the files as they are now (the last one when all are).
fn first_unfinished(ctx: &Ctx) -> usize {
    let progress = Progress::load(&ctx.course.root);
    ctx.course
        .exercises
        .iter()
        .position(|e| !standing::standing(&ctx.course, e, progress.exercises.get(&e.slug)).passed())
        .unwrap_or(ctx.course.exercises.len() - 1)
}
