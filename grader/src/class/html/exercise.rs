//! `exercises/NN-slug.html`: the students of one exercise grouped by what their main scenario
//! printed, the most common wrong group first; each group's timeline picture on one time axis
//! with the expected one, and the diff.

use super::{Site, diff, esc, page, plural, pre_head};
use crate::class::summary::Group;
use crate::report::timeline::{Timeline, svg};
use crate::report::transcript::timeline;
use crate::run::outcome::{CheckResult, ExerciseResult};
use std::fmt::Write;

/// Pictures of more lines than this are left out: a picture, not a dump (the diff and the
/// student's page still say what was printed).
const MOST_LINES: usize = 2000;

/// Diff lines shown under a group.
const DIFF_LINES: usize = 60;

/// The main scenario's check of a result whose checks ran.
pub fn main_check(r: &ExerciseResult) -> Option<&CheckResult> {
    if r.build.is_err() {
        return None;
    }
    r.checks.iter().find(|c| c.info.main)
}

/// The page of exercise `ei`, and its pictures (file name beside the page's folder, SVG).
pub fn render(site: &Site, ei: usize) -> (String, Vec<(String, String)>) {
    let ex = site.exercises[ei];
    let (groups, expected) = &site.groups[ei];
    let check_name = site
        .students
        .iter()
        .find_map(|s| main_check(&s.results[ei]))
        .map(|c| c.info.name.clone());
    let mut body = String::new();
    heading(site, ei, check_name.as_deref(), &mut body);
    let reference = expected_timeline(site, ei, expected.as_deref());
    if let Some(e) = expected {
        let _ = writeln!(
            body,
            "<details class=\"expected\"><summary>The expected transcript ({})</summary>\n{}</details>",
            plural(e.lines().count(), "line", "lines"),
            pre_head(e, 400, "transcript")
        );
    }
    if groups.is_empty() {
        body.push_str("<p>No student was graded on this exercise.</p>\n");
    }
    let mut page_of = ExercisePage {
        site,
        ei,
        check_name: check_name.as_deref(),
        expected: expected.as_deref(),
        reference: reference.as_ref(),
        body,
        pictures: Vec::new(),
    };
    for (k, g) in groups.iter().enumerate() {
        page_of.group(k, g);
    }
    let crumbs = format!(" › {}", esc(&ex.label()));
    (
        page(&ex.label(), "../", &crumbs, &page_of.body, false),
        page_of.pictures,
    )
}

/// The title, and how many of the class pass.
fn heading(site: &Site, ei: usize, check_name: Option<&str>, body: &mut String) {
    let ex = site.exercises[ei];
    let passed = site
        .students
        .iter()
        .filter(|s| s.results[ei].passed())
        .count();
    let _ = writeln!(
        body,
        "<h1>{} <span class=\"dim\">{}</span></h1>\n<p class=\"lede\">{passed} of {} pass every check. \
         Below, the students grouped by what the main scenario{} printed: the most common wrong \
         group first, then the passing ones.</p>",
        esc(&ex.label()),
        esc(&ex.title),
        plural(site.students.len(), "student", "students"),
        check_name
            .map(|c| format!(" (<code>{}</code>)", esc(c)))
            .unwrap_or_default(),
    );
}

/// The expected picture: the lanes of a student whose main scenario passed (the tasks are known
/// there), else the expected transcript's lines, lanes guessed from first words.
fn expected_timeline(site: &Site, ei: usize, expected: Option<&str>) -> Option<Timeline> {
    site.students
        .iter()
        .filter_map(|s| main_check(&s.results[ei]))
        .filter(|c| c.outcome.passed())
        .find_map(|c| timeline(&c.outcome))
        .or_else(|| {
            let lines: Vec<String> = expected?.lines().map(str::to_string).collect();
            Timeline::build(&lines, &[])
        })
        .filter(|t| t.line_count() <= MOST_LINES)
}

/// One exercise's page as it is written, group after group.
struct ExercisePage<'a> {
    site: &'a Site<'a>,
    ei: usize,
    check_name: Option<&'a str>,
    expected: Option<&'a str>,
    reference: Option<&'a Timeline>,
    body: String,
    /// The pictures drawn so far: file name beside the page's folder, SVG.
    pictures: Vec<(String, String)>,
}

impl ExercisePage<'_> {
    /// Group `k`'s section: who is in it, its picture, and how it differs from what was expected.
    fn group(&mut self, k: usize, g: &Group) {
        let id = format!("g{}", k + 1);
        let (mark, class) = if g.passed {
            ("✓", "pass")
        } else {
            ("✗", "fail")
        };
        let _ = writeln!(
            self.body,
            "<section class=\"group {class}\" id=\"{id}\">\n<h2><span class=\"mark\">{mark}</span> {}: {}</h2>",
            plural(g.members.len(), "student", "students"),
            esc(&g.verdict)
        );
        self.members(g);
        let first = &self.site.students[g.members[0]].results[self.ei];
        let mine = main_check(first)
            .and_then(|c| timeline(&c.outcome))
            .filter(|t| t.line_count() <= MOST_LINES);
        if let Some(mine) = &mine {
            self.picture(&id, g, mine);
        } else if !g.transcript.is_empty() {
            self.body.push_str("<p class=\"dim\">(No picture: the transcript has lines without a time, or too many.)</p>\n");
        }
        self.what_differs(g, first);
        self.body.push_str("</section>\n");
    }

    /// The group's students, each a link to their page.
    fn members(&mut self, g: &Group) {
        let site = self.site;
        let ex = site.exercises[self.ei];
        self.body.push_str("<p class=\"who\">");
        for (j, &si) in g.members.iter().enumerate() {
            if j > 0 {
                self.body.push_str(", ");
            }
            let _ = write!(
                self.body,
                "<a href=\"../students/{}.html#ex-{}\">{}</a>",
                site.files[si],
                ex.dir_name(),
                esc(&site.students[si].name)
            );
        }
        self.body.push_str("</p>\n");
    }

    /// The group's timeline (`mine`, its first student's) under the expected one, on one time
    /// axis; drawn as a file beside the page, which the page shows.
    fn picture(&mut self, id: &str, g: &Group, mine: &Timeline) {
        let site = self.site;
        let ex = site.exercises[self.ei];
        let who = format!(
            "{} ({})",
            if g.members.len() == 1 {
                site.students[g.members[0]].name.clone()
            } else {
                plural(g.members.len(), "student", "students")
            },
            g.verdict
        );
        let mut drawn = Vec::new();
        // A passing group's picture is the expected one: drawn alone.
        if let Some(reference) = self.reference.filter(|_| !g.passed) {
            drawn.push(svg::Group {
                title: "expected",
                timeline: reference,
            });
        }
        drawn.push(svg::Group {
            title: &who,
            timeline: mine,
        });
        let title = format!(
            "{}: `{}`, under paused time",
            ex.label(),
            self.check_name.unwrap_or("main scenario")
        );
        let file = format!("{id}.svg");
        let src = format!("{}/{file}", ex.dir_name());
        let alt = if drawn.len() == 2 {
            "timeline: the expected run above, this group's below, on one time axis"
        } else {
            "timeline of this group's run"
        };
        let _ = writeln!(
            self.body,
            "<figure class=\"picture\"><div class=\"scroll\"><img src=\"{src}\" alt=\"{alt}\"></div>\
             <figcaption>{alt}: one lane per task, one dot per line. \
             <a href=\"{src}\">The picture alone</a>.</figcaption></figure>"
        );
        self.pictures.push((file, svg::draw(&title, &drawn)));
    }

    /// How a failing group's run differs from the expected one: the diff, else what stopped it
    /// (`first` is the result of the group's first student); or, with nothing expected known,
    /// what the group printed.
    fn what_differs(&mut self, g: &Group, first: &ExerciseResult) {
        let body = &mut self.body;
        match (self.expected, g.passed, g.transcript.is_empty()) {
            (Some(e), false, false) => {
                let d = diff(e, &g.transcript, DIFF_LINES);
                if d.is_empty() {
                    body.push_str("<p class=\"dim\">The same lines as expected (in an order tokio allows): what failed is not in the transcript; see a student's page.</p>\n");
                } else {
                    body.push_str(&d);
                }
            }
            (_, _, true) if !g.passed => {
                // Nothing printed: the build failed, or the run stopped before a line was said.
                if let Some((_, message)) = first.build_failure() {
                    let _ = writeln!(
                        body,
                        "<details><summary>What the first of them got (each student's page has their own)</summary>\n{}</details>",
                        pre_head(message, 40, "output")
                    );
                } else if let Some(c) = main_check(first) {
                    let _ = writeln!(
                        body,
                        "<p>{}</p>",
                        esc(crate::report::human::unrepeated(
                            c.outcome
                                .kind()
                                .unwrap_or(crate::run::outcome::Kind::Crashed),
                            c.outcome.message()
                        ))
                    );
                }
            }
            (None, false, false) => {
                let _ = writeln!(
                    body,
                    "<details><summary>What they printed</summary>\n{}</details>",
                    pre_head(&g.transcript, 200, "transcript")
                );
            }
            _ => {}
        }
    }
}
