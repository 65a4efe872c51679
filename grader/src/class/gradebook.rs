//! The gradebook CSV: one row per student, the points of each exercise, the total, the maximum
//! and the integrity flags.

use super::Student;
use crate::course::Exercise;
use crate::run::outcome::ExerciseResult;

/// One row per student: the points of each exercise, the total, and the integrity flags.
pub fn render(exercises: &[&Exercise], students: &[Student]) -> String {
    let mut out = String::from("student,commit");
    for ex in exercises {
        out.push(',');
        out.push_str(&csv(&ex.dir_name()));
    }
    out.push_str(",total,max,flags\n");
    for s in students {
        out.push_str(&csv(&s.name));
        out.push(',');
        out.push_str(&csv(s.subject.commit.as_deref().unwrap_or("")));
        for r in &s.results {
            out.push_str(&format!(",{}", r.points()));
        }
        let total: u32 = s.results.iter().map(ExerciseResult::points).sum();
        let max: u32 = s.results.iter().filter_map(|r| r.max_points).sum();
        out.push_str(&format!(
            ",{total},{max},{}\n",
            csv(&s.subject.flags.join("; "))
        ));
    }
    out
}

/// A CSV field (RFC 4180), and never a formula a spreadsheet would run.
fn csv(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}
