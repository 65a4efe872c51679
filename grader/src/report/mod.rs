//! Output formats. Each is a small consumer of the one event stream (`outcome::Event`).

pub mod human;
pub mod json;

use crate::outcome::{Event, ExerciseResult};

/// A consumer of events that writes a report.
pub trait Reporter {
    fn on(&mut self, event: &Event);
    /// Called once, after the last event, with every result.
    fn finish(&mut self, results: &[ExerciseResult]) -> std::io::Result<()>;
}
