//! Single keys from the keyboard, for watch mode, on Linux, macOS and Windows.
//!
//! On a terminal, keys are read as key events through crossterm, and the terminal is in raw mode
//! (no line buffering, no echo: `h` acts at once, with no Enter) only while watch waits for a key
//! ([`Keys::listen`]). Only then, because raw mode does more than that: on Unix a `\n` no longer
//! returns to the left edge, and everywhere Ctrl-C no longer raises SIGINT. So everything watch
//! prints (reports, hints, the list) is printed in the terminal's own mode, and a check runs
//! there too, where Ctrl-C stops it as it stops any command (see [`crate::process::signals`]).
//! A key pressed during a check waits in the terminal, and acts once the check is done. In raw
//! mode Ctrl-C arrives as a key, and does what SIGINT does.
//!
//! The terminal is given back on every way out: `q` (the [`Keys`] guard is dropped, and so is
//! each [`Listening`] one), Ctrl-C and the other signals ([`restore`], called by the signal
//! handling before it exits), and a panic (a hook calls [`restore`] before the panic is
//! reported, and the guards are dropped as it unwinds).
//!
//! Without a terminal (a pipe, a test), keys are read as bytes from standard input: whitespace is
//! skipped, so `h\n` works too.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::io::{IsTerminal, Read};
use std::marker::PhantomData;
use std::sync::mpsc::Sender;
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

/// What the keyboard says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    /// A letter with Ctrl held (`Control('Z')`), other than Ctrl-C.
    Control(char),
    /// Standard input closed: no more keys will come.
    Closed,
}

impl Key {
    /// The key as a student would name it: `` `x` ``, `Ctrl-Z`.
    pub fn name(self) -> String {
        match self {
            Key::Char(c) => format!("`{c}`"),
            Key::Control(c) => format!("Ctrl-{c}"),
            Key::Closed => "the end of the input".into(),
        }
    }
}

/// Keeps the keyboard for watch mode while it lives.
pub struct Keys {
    /// Whether standard input is a terminal (else keys are bytes, and there is no raw mode).
    terminal: bool,
}

/// Raw mode, while it lives (see [`Keys::listen`]).
pub struct Listening<'k> {
    _keys: PhantomData<&'k Keys>,
}

/// The terminal as watch holds it: whether it is held at all (a [`Keys`] lives on a terminal),
/// and whether raw mode is on now. One lock for both, so that raw mode is never turned on after
/// the terminal was given back for good.
struct Terminal {
    held: bool,
    raw: bool,
}

static TERMINAL: Mutex<Terminal> = Mutex::new(Terminal {
    held: false,
    raw: false,
});

fn terminal() -> MutexGuard<'static, Terminal> {
    TERMINAL.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Keys {
    /// Starts a thread that sends every key to `to`, as `wrap(key)`.
    pub fn start<T: Send + 'static>(to: Sender<T>, wrap: fn(Key) -> T) -> Keys {
        let terminal = std::io::stdin().is_terminal();
        if terminal {
            restore_on_panic();
            self::terminal().held = true;
            std::thread::spawn(move || read_events(&to, wrap));
        } else {
            std::thread::spawn(move || read_bytes(&to, wrap));
        }
        Keys { terminal }
    }

    /// Single keys, without Enter or echo, until the guard is dropped: hold it only while
    /// waiting for a key, and print nothing meanwhile (see the module's doc).
    pub fn listen(&self) -> Listening<'_> {
        if self.terminal {
            let mut t = terminal();
            if t.held && !t.raw {
                // Without raw mode keys still come, a line at a time: not worth failing for.
                t.raw = crossterm::terminal::enable_raw_mode().is_ok();
            }
        }
        Listening { _keys: PhantomData }
    }
}

impl Drop for Listening<'_> {
    fn drop(&mut self) {
        let mut t = terminal();
        raw_off(&mut t);
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        restore();
    }
}

fn raw_off(t: &mut Terminal) {
    if t.raw {
        let _ = crossterm::terminal::disable_raw_mode();
        t.raw = false;
    }
}

/// Gives the terminal back for good: raw mode off, and never on again. Returns whether watch
/// held it (it was watching, on a terminal).
pub fn restore() -> bool {
    let mut t = terminal();
    give_back(&mut t)
}

fn give_back(t: &mut Terminal) -> bool {
    raw_off(t);
    std::mem::replace(&mut t.held, false)
}

/// A panic anywhere gives the terminal back before its message is printed (so the message is
/// readable, and the shell after it usable). The lock is only tried: the panicking thread may be
/// the one holding it, and then the [`Listening`] guard it unwinds through turns raw mode off.
fn restore_on_panic() {
    static HOOKED: std::sync::Once = std::sync::Once::new();
    HOOKED.call_once(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            match TERMINAL.try_lock() {
                Ok(mut t) => {
                    give_back(&mut t);
                }
                Err(TryLockError::Poisoned(p)) => {
                    give_back(&mut p.into_inner());
                }
                Err(TryLockError::WouldBlock) => {}
            }
            before(info);
        }));
    });
}

/// What one key event means to watch.
#[derive(Debug, PartialEq, Eq)]
enum Meaning {
    Key(Key),
    /// Ctrl-C, which raw mode delivers as a key instead of SIGINT.
    Interrupt,
    /// Nothing: a release (Windows reports those), Enter, space, an arrow...
    Nothing,
}

fn meaning(event: KeyEvent) -> Meaning {
    if event.kind != KeyEventKind::Press {
        return Meaning::Nothing;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    match event.code {
        KeyCode::Char(c) if ctrl && c.eq_ignore_ascii_case(&'c') => Meaning::Interrupt,
        KeyCode::Char(c) if ctrl => Meaning::Key(Key::Control(c.to_ascii_uppercase())),
        KeyCode::Char(c) if !c.is_whitespace() => Meaning::Key(Key::Char(c)),
        _ => Meaning::Nothing,
    }
}

/// The keys of a terminal, as crossterm's key events.
fn read_events<T>(to: &Sender<T>, wrap: fn(Key) -> T) {
    loop {
        let key = match crossterm::event::read() {
            Ok(Event::Key(event)) => match meaning(event) {
                Meaning::Key(key) => key,
                Meaning::Interrupt => {
                    crate::process::signals::stop(crate::process::signals::SIGINT)
                }
                Meaning::Nothing => continue,
            },
            // A resize, focus or mouse event.
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => Key::Closed,
        };
        if to.send(wrap(key)).is_err() || key == Key::Closed {
            return;
        }
    }
}

/// The keys of a pipe or a file: its bytes, whitespace skipped.
fn read_bytes<T>(to: &Sender<T>, wrap: fn(Key) -> T) {
    let mut stdin = std::io::stdin().lock();
    let mut byte = [0u8; 1];
    loop {
        match stdin.read(&mut byte) {
            Ok(1) if !byte[0].is_ascii_whitespace() => {
                if to.send(wrap(Key::Char(char::from(byte[0])))).is_err() {
                    return;
                }
            }
            Ok(1) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            _ => {
                let _ = to.send(wrap(Key::Closed));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn letters_are_keys_and_ctrl_c_interrupts() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            meaning(press(KeyCode::Char('h'), none)),
            Meaning::Key(Key::Char('h'))
        );
        assert_eq!(
            meaning(press(KeyCode::Char('Q'), KeyModifiers::SHIFT)),
            Meaning::Key(Key::Char('Q'))
        );
        for c in ['c', 'C'] {
            assert_eq!(
                meaning(press(KeyCode::Char(c), KeyModifiers::CONTROL)),
                Meaning::Interrupt
            );
        }
        assert_eq!(
            meaning(press(KeyCode::Char('z'), KeyModifiers::CONTROL)),
            Meaning::Key(Key::Control('Z'))
        );
        assert_eq!(Key::Control('Z').name(), "Ctrl-Z");
        assert_eq!(Key::Char('x').name(), "`x`");
    }

    #[test]
    fn releases_enter_space_and_arrows_mean_nothing() {
        let none = KeyModifiers::NONE;
        let mut release = press(KeyCode::Char('h'), none);
        release.kind = KeyEventKind::Release;
        for event in [
            release,
            press(KeyCode::Enter, none),
            press(KeyCode::Char(' '), none),
            press(KeyCode::Up, none),
            press(KeyCode::Tab, none),
        ] {
            assert_eq!(meaning(event), Meaning::Nothing, "{event:?}");
        }
    }
}
