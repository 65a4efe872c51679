//! The table of the class `grade` prints: one line per student, points per exercise, total, and
//! the first integrity flag.

use super::Student;
use crate::course::Exercise;
use crate::outln;
use crate::run::outcome::ExerciseResult;
use crate::terminal::color::Paint;

pub fn print(p: Paint, exercises: &[&Exercise], students: &[Student]) {
    let width = students
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut head = format!("{:<width$}", "student");
    for ex in exercises {
        head.push_str(&format!(" {:>5}", format!("{:02}", ex.number)));
    }
    outln!("{}  {:>7}  flags", p.bold(&head), "total");
    for s in students {
        let mut line = format!("{:<width$}", s.name);
        for r in &s.results {
            // `?`: the course could not list the exercise's checks (said below the table).
            let max = r.max_points.map_or("?".to_string(), |m| m.to_string());
            let cell = format!("{:>5}", format!("{}/{max}", r.points()));
            line.push(' ');
            line.push_str(&if r.passed() { p.green(&cell) } else { cell });
        }
        let total: u32 = s.results.iter().map(ExerciseResult::points).sum();
        let max: u32 = s.results.iter().filter_map(|r| r.max_points).sum();
        let flags = match s.subject.flags.len() {
            0 => String::new(),
            n => p.yellow(&format!("{n}: {}", s.subject.flags[0])),
        };
        outln!("{line}  {:>7}  {flags}", format!("{total}/{max}"));
    }
}
