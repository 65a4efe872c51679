//! How a message tells the learner to do something: inside `grader watch`, the key that does it;
//! at a shell, the command to type. The one definition every message asks (the human report,
//! `hint`, `list`), so that what `watch` prints names its keys and what `check` prints names
//! commands, whichever command printed it.

use crate::commands::watch;
use crate::terminal::color::Paint;

/// Where the learner reads the grader's messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Place {
    /// A shell: every action is a command to type.
    #[default]
    Shell,
    /// Inside `grader watch`, watching exercise `exercise`, whose `n` moves on to exercise
    /// `next` (and checks it): single keys, for what one does.
    Watch { exercise: u32, next: Option<u32> },
}

/// Something a message may tell the learner how to do, about exercise `.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Check the exercise (again).
    Check(u32),
    /// Check the exercise again on the inputs seed `.1` draws.
    CheckSeed(u32, u64),
    /// The next hint.
    Hint(u32),
    /// Every hint seen so far.
    HintAll(u32),
    /// The transcript against the reference's.
    Diff(u32),
    /// The main scenario, drawn.
    Run(u32),
}

/// How to do an action here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum How {
    Key(char),
    Command(String),
}

impl Place {
    /// How to do `action` here: the key when watch has one for it, else the command.
    pub fn how(self, action: Action) -> How {
        match self.key(action) {
            Some(key) => How::Key(key),
            None => How::Command(command(action)),
        }
    }

    fn key(self, action: Action) -> Option<char> {
        let Place::Watch { exercise, next } = self else {
            return None;
        };
        // Keys act on the watched exercise, and `n` checks the next. Every check in one watch
        // draws its inputs from the same seed (the run's), so checking again is checking on the
        // same inputs.
        match action {
            Action::Check(n) | Action::CheckSeed(n, _) if n == exercise => {
                Some(watch::Action::Check.key())
            }
            Action::Check(n) if Some(n) == next => Some(watch::Action::Next.key()),
            Action::Hint(n) if n == exercise => Some(watch::Action::Hint.key()),
            Action::Run(n) if n == exercise => Some(watch::Action::Run.key()),
            _ => None,
        }
    }
}

impl How {
    /// For after a colon: "press h", or the command (bold, both).
    pub fn show(&self, p: Paint) -> String {
        match self {
            How::Key(k) => format!("press {}", p.bold(&k.to_string())),
            How::Command(c) => p.bold(c),
        }
    }
}

/// The command that does `action`, as a student types it.
pub fn command(action: Action) -> String {
    let grader = "cargo run -p grader --";
    match action {
        Action::Check(n) => format!("{grader} check {n:02}"),
        Action::CheckSeed(n, seed) => format!("{grader} check {n:02} --seed {seed}"),
        Action::Hint(n) => format!("{grader} hint {n:02}"),
        Action::HintAll(n) => format!("{grader} hint {n:02} --all"),
        Action::Diff(n) => format!("{grader} diff {n:02}"),
        Action::Run(n) => format!("{grader} run {n:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shell_gets_commands_for_everything() {
        let shell = Place::Shell;
        for action in [
            Action::Check(3),
            Action::CheckSeed(3, 7),
            Action::Hint(3),
            Action::HintAll(3),
            Action::Diff(3),
            Action::Run(3),
        ] {
            assert_eq!(shell.how(action), How::Command(command(action)));
        }
        assert_eq!(command(Action::Hint(3)), "cargo run -p grader -- hint 03");
        assert_eq!(
            command(Action::CheckSeed(12, 48213)),
            "cargo run -p grader -- check 12 --seed 48213"
        );
    }

    #[test]
    fn watch_gets_its_keys_for_the_watched_exercise_and_commands_for_the_rest() {
        let watch = Place::Watch {
            exercise: 5,
            next: Some(7),
        };
        assert_eq!(watch.how(Action::Hint(5)), How::Key('h'));
        assert_eq!(watch.how(Action::Check(5)), How::Key('c'));
        assert_eq!(watch.how(Action::CheckSeed(5, 9)), How::Key('c'));
        assert_eq!(watch.how(Action::Check(7)), How::Key('n'));
        // No key does these, or the key acts on another exercise.
        for action in [
            Action::HintAll(5),
            Action::Diff(5),
            Action::Hint(4),
            Action::Check(6),
            Action::Hint(7),
            Action::CheckSeed(7, 9),
        ] {
            assert_eq!(watch.how(action), How::Command(command(action)));
        }
        assert_eq!(How::Key('h').show(Paint(false)), "press h");
    }
}
