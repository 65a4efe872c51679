//! `index.html`: the exercises at a glance, then the class, one row per student.

use super::{Site, esc, page, plural, score_class};
use crate::class::Student;
use crate::run::outcome::ExerciseResult;
use std::fmt::Write;

/// Flags listed in a student's row; the rest are on their page.
const FLAGS_SHOWN: usize = 2;

pub fn render(site: &Site) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<h1>Class report</h1>\n<p class=\"lede\">{} graded on {}, {}.</p>",
        plural(site.students.len(), "submission", "submissions"),
        plural(site.exercises.len(), "exercise", "exercises"),
        esc(&crate::report::now_rfc3339())
    );
    exercises(site, &mut body);
    students(site, &mut body);
    body.push_str(
        "<p class=\"dim\">Flags are what a submission changed outside its exercise crates: they \
         were never used, and they change no score.</p>\n",
    );
    page("Class report", "", "", &body, true)
}

/// The exercises: how many pass, and the most common wrong group.
fn exercises(site: &Site, body: &mut String) {
    let n = site.students.len();
    body.push_str(
        "<h2>Exercises</h2>\n<table class=\"exercises\">\n<thead><tr><th>exercise</th><th>passed</th>\
         <th class=\"num\">mean points</th><th>most common failure</th></tr></thead>\n<tbody>\n",
    );
    for (i, ex) in site.exercises.iter().enumerate() {
        let results: Vec<&ExerciseResult> = site.students.iter().map(|s| &s.results[i]).collect();
        let passed = results.iter().filter(|r| r.passed()).count();
        let max = results.iter().find_map(|r| r.max_points);
        let mean = if n == 0 {
            0.0
        } else {
            results.iter().map(|r| r.points()).sum::<u32>() as f64 / n as f64
        };
        let worst = site.groups[i].0.iter().find(|g| !g.passed).map_or_else(
            || "none".into(),
            |g| {
                format!(
                    "<a href=\"exercises/{}.html#g1\">{}: {}</a>",
                    ex.dir_name(),
                    esc(&g.verdict),
                    plural(g.members.len(), "student", "students")
                )
            },
        );
        let _ = writeln!(
            body,
            "<tr><td><a href=\"exercises/{}.html\">{}</a> <span class=\"dim\">{}</span></td>\
             <td><meter min=\"0\" max=\"{}\" value=\"{passed}\"></meter> {passed}/{n}</td>\
             <td class=\"num\">{mean:.1}/{}</td><td>{worst}</td></tr>",
            ex.dir_name(),
            esc(&ex.label()),
            esc(&ex.title),
            n.max(1),
            max.map_or("?".into(), |m| m.to_string()),
        );
    }
    body.push_str("</tbody>\n</table>\n");
}

/// The class: one row per student, the points of each exercise, the total and the flags.
fn students(site: &Site, body: &mut String) {
    body.push_str(
        "<h2>Students</h2>\n<p class=\"dim\">Click a heading to sort by it. A cell links to the \
         student's report of that exercise; a heading, to the exercise's groups.</p>\n\
         <div class=\"scroll\"><table class=\"class sortable\">\n<thead><tr><th>student</th>",
    );
    let commits = site.students.iter().any(|s| s.subject.commit.is_some());
    if commits {
        body.push_str("<th>commit</th>");
    }
    for ex in site.exercises {
        let _ = write!(
            body,
            "<th class=\"num\" title=\"{}\"><a href=\"exercises/{}.html\">{:02}</a></th>",
            esc(&format!("{}: {}", ex.label(), ex.title)),
            ex.dir_name(),
            ex.number
        );
    }
    body.push_str("<th class=\"num\">total</th><th>flags</th></tr></thead>\n<tbody>\n");
    for (si, s) in site.students.iter().enumerate() {
        student_row(site, si, s, commits, body);
    }
    body.push_str("</tbody>\n</table></div>\n");
}

/// Student `si`'s row (`s`), with a commit cell when the class has `commits`.
fn student_row(site: &Site, si: usize, s: &Student, commits: bool, body: &mut String) {
    let file = &site.files[si];
    let commit = s.subject.commit.as_deref().unwrap_or("");
    let _ = write!(
        body,
        "<tr><td><a href=\"students/{file}.html\">{}</a></td>",
        esc(&s.name)
    );
    if commits {
        let _ = write!(
            body,
            "<td class=\"commit\" title=\"{}\">{}</td>",
            esc(commit),
            esc(&commit.chars().take(8).collect::<String>())
        );
    }
    for (ei, r) in s.results.iter().enumerate() {
        let max = r.max_points.map_or("?".into(), |m| m.to_string());
        let points = r.points();
        let _ = write!(
            body,
            "<td class=\"num {}\" data-v=\"{points}\"><a href=\"students/{file}.html#ex-{}\">{points}/{max}</a></td>",
            score_class(points, r.max_points, r.passed()),
            site.exercises[ei].dir_name(),
        );
    }
    let total: u32 = s.results.iter().map(ExerciseResult::points).sum();
    let max: u32 = s.results.iter().filter_map(|r| r.max_points).sum();
    let _ = write!(
        body,
        "<td class=\"num total\" data-v=\"{total}\">{total}/{max}</td><td class=\"flags\" data-v=\"{}\">",
        s.subject.flags.len()
    );
    if !s.subject.flags.is_empty() {
        body.push_str("<ul>");
        for f in s.subject.flags.iter().take(FLAGS_SHOWN) {
            let _ = write!(body, "<li>{}</li>", esc(f));
        }
        if s.subject.flags.len() > FLAGS_SHOWN {
            let _ = write!(
                body,
                "<li><a href=\"students/{file}.html#flags\">and {} more</a></li>",
                s.subject.flags.len() - FLAGS_SHOWN
            );
        }
        body.push_str("</ul>");
    }
    body.push_str("</td></tr>\n");
}
