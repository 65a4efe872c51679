//! The timeline as a standalone SVG (`grader run EX --svg FILE`): a time axis in virtual
//! seconds, one horizontal lane per task with its name, each task's lifetime a bar from its first
//! line to its last, and every line a dot at its instant with its text beside it. For `diff`, two
//! groups (the other side's and yours) on one shared axis.
//!
//! Written with `format!` (an SVG is a few element kinds; a crate would not earn its keep), so
//! everything that comes from a transcript goes through [`escape`]: student text is data, and
//! the file must stay well-formed XML whatever it holds.
//!
//! Labels never overlap: those that would in a lane (lines close in time, or said at one
//! instant) go one under the other, so a lane is as tall as it needs to be; a label longer than
//! [`LONGEST`] characters is cut, its whole text in a `<title>` (shown on hover). How much room a
//! label takes is estimated from its characters (wide ones, such as `日` or `🦀`, count twice),
//! and the tests hold every drawing to that estimate.

use super::Timeline;
use std::fmt::Write;

/// One picture in the file: a title over a timeline.
pub struct Group<'a> {
    pub title: &'a str,
    pub timeline: &'a Timeline,
}

/// Font size, and the width of one character of the monospace font at that size (an estimate:
/// how much room a label takes, so labels in one lane do not overlap).
const FONT: f64 = 12.0;
const CHAR: f64 = 7.3;
/// One label's row in a lane, and the room above and below a lane's rows.
const ROW: f64 = 17.0;
const PAD: f64 = 5.0;
/// Labels longer than this many characters are cut (their whole text in a `<title>`): a
/// picture, not a dump.
pub const LONGEST: usize = 60;
/// How far a task's bar reaches past its first and last dots.
const BAR_REACH: f64 = 5.0;
/// Lane colours, in turn: distinct for the usual colour blindnesses, readable on white.
const COLOURS: [&str; 8] = [
    "#0969da", "#cf222e", "#1a7f37", "#8250df", "#9a6700", "#0a7ea4", "#bc4c00", "#57606a",
];

/// A lane's labels, each in the label row it was packed into: where its dot is, its row, the
/// text shown and the whole text.
struct Packed {
    rows: usize,
    marks: Vec<(f64, usize, String, String)>,
}

/// The SVG document for `groups`, under `title`.
pub fn draw(title: &str, groups: &[Group]) -> String {
    let longest_name = groups
        .iter()
        .flat_map(|g| &g.timeline.lanes)
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0);
    let left = (longest_name as f64 * CHAR + 24.0).max(80.0);
    let end_ms = groups
        .iter()
        .map(|g| g.timeline.end_ms())
        .max()
        .unwrap_or(0)
        .max(1);
    // Wide enough to read the gaps between instants, never absurdly wide.
    let plot = (end_ms as f64 * 0.16).clamp(600.0, 8000.0);
    let x = |ms: u64| left + 10.0 + ms as f64 * plot / end_ms as f64;

    let mut body = String::new();
    let mut y = 44.0;
    let mut right = left + 10.0 + plot + 20.0;
    for group in groups {
        let _ = writeln!(
            body,
            r#"<text x="8" y="{:.1}" font-weight="bold">{}</text>"#,
            y + FONT,
            escape(group.title)
        );
        y += 22.0;
        let t = group.timeline;
        for (lane, name) in t.lanes.iter().enumerate() {
            let packed = pack(t, lane, &x);
            let height = packed.rows.max(1) as f64 * ROW + 2.0 * PAD;
            let bars: Vec<(f64, f64)> = t.spans[lane].iter().map(|&(a, b)| (x(a), x(b))).collect();
            let lane = Lane {
                y,
                height,
                left,
                index: lane,
                name,
            };
            right = right.max(lane.draw(&mut body, &bars, &packed));
            y += height;
        }
        y += 18.0;
    }

    // The axis, with a faint line up through every group at each tick.
    let top = 44.0;
    let axis = y;
    let ticks = ticks(end_ms, top, axis, &x);
    let width = right.ceil();
    let height = (axis + 44.0).ceil();
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="{FONT}" xml:space="preserve">
<title>{title}</title>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="8" y="20" font-size="14" font-weight="bold">{title}</text>
{body}{ticks}<line x1="{left:.1}" y1="{axis:.1}" x2="{axis_end:.1}" y2="{axis:.1}" stroke="#57606a"/>
<text x="{left:.1}" y="{caption:.1}" fill="#57606a">virtual time (tokio's clock, paused): one dot per line, one lane per task, a bar from a task's first line to its last</text>
</svg>
"##,
        title = escape(title),
        axis_end = x(end_ms) + 10.0,
        caption = axis + 36.0,
    )
}

/// One lane of a group: `height` tall from `y` down, its name right-aligned left of `left`, the
/// `index`-th of its group (which gives its colour and band).
struct Lane<'a> {
    y: f64,
    height: f64,
    left: f64,
    index: usize,
    name: &'a str,
}

impl Lane<'_> {
    /// The lane's band, name, task bars (from and to, in x) and labels. Returns where its
    /// rightmost label ends.
    fn draw(&self, body: &mut String, bars: &[(f64, f64)], packed: &Packed) -> f64 {
        let (y, height) = (self.y, self.height);
        let colour = COLOURS[self.index % COLOURS.len()];
        let band = if self.index.is_multiple_of(2) {
            "#f6f8fa"
        } else {
            "#ffffff"
        };
        let _ = writeln!(
            body,
            r#"<rect x="0" y="{y:.1}" width="100%" height="{height:.1}" fill="{band}"/>"#
        );
        for (from, to) in bars {
            let _ = writeln!(
                body,
                r#"<rect class="task" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="{colour}" fill-opacity="0.14"/>"#,
                from - BAR_REACH,
                y + 2.0,
                to - from + 2.0 * BAR_REACH,
                height - 4.0
            );
        }
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{colour}" font-weight="bold">{}</text>"#,
            self.left - 8.0,
            y + PAD + ROW / 2.0 + FONT / 3.0,
            escape(self.name)
        );
        let mut right = f64::MIN;
        for (at, row, text, whole) in &packed.marks {
            let cy = y + PAD + *row as f64 * ROW + ROW / 2.0;
            let title = if text == whole {
                String::new()
            } else {
                format!("<title>{}</title>", escape(whole))
            };
            let _ = writeln!(
                body,
                r#"<circle cx="{at:.1}" cy="{cy:.1}" r="3.5" fill="{colour}"/><text x="{:.1}" y="{:.1}">{}{title}</text>"#,
                at + 6.0,
                cy + FONT / 3.0,
                escape(text)
            );
            right = right.max(at + 6.0 + label_width(text) + 10.0);
        }
        right
    }
}

/// The axis's ticks up to `end_ms`, each with a faint line up to `top` from the `axis`.
fn ticks(end_ms: u64, top: f64, axis: f64, x: &dyn Fn(u64) -> f64) -> String {
    let mut ticks = String::new();
    let step = tick_step(end_ms);
    let mut ms = 0;
    while ms <= end_ms {
        let _ = writeln!(
            ticks,
            r##"<line x1="{0:.1}" y1="{top:.1}" x2="{0:.1}" y2="{axis:.1}" stroke="#d0d7de" stroke-width="0.5"/><line x1="{0:.1}" y1="{axis:.1}" x2="{0:.1}" y2="{1:.1}" stroke="#57606a"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle" fill="#57606a">{3}</text>"##,
            x(ms),
            axis + 5.0,
            axis + 19.0,
            seconds(ms)
        );
        ms += step;
    }
    ticks
}

/// Packs lane `lane`'s labels into rows, each label in the first row where it does not overlap
/// the one before it.
fn pack(t: &Timeline, lane: usize, x: &dyn Fn(u64) -> f64) -> Packed {
    let mut ends: Vec<f64> = Vec::new();
    let mut marks = Vec::new();
    for row in &t.rows {
        let at = x(row.ms);
        for whole in &row.cells[lane] {
            let text = shorten(whole);
            let end = at + 6.0 + label_width(&text) + 8.0;
            let slot = match ends.iter().position(|&e| e <= at - 4.0) {
                Some(i) => i,
                None => {
                    ends.push(0.0);
                    ends.len() - 1
                }
            };
            ends[slot] = end;
            marks.push((at, slot, text, whole.clone()));
        }
    }
    Packed {
        rows: ends.len(),
        marks,
    }
}

/// How wide a label is drawn, estimated: [`CHAR`] per character, twice that for a wide one.
pub fn label_width(text: &str) -> f64 {
    text.chars().map(columns).sum::<usize>() as f64 * CHAR
}

/// How many columns of a monospace font a character takes: two for the East Asian wide ranges
/// and emoji, one for the rest (an estimate, for room only, not a Unicode width table).
pub fn columns(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= LONGEST {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(LONGEST - 1).collect();
    cut.push('…');
    cut
}

/// Milliseconds between two ticks: 1, 2 or 5 times a power of ten, at most ten ticks.
fn tick_step(end_ms: u64) -> u64 {
    let mut unit = 1;
    loop {
        for step in [unit, 2 * unit, 5 * unit] {
            if end_ms / step <= 10 {
                return step;
            }
        }
        unit *= 10;
    }
}

/// A tick's label: `0 s`, `0.5 s`, `1.25 s`.
fn seconds(ms: u64) -> String {
    let text = format!("{}.{:03}", ms / 1000, ms % 1000);
    format!("{} s", text.trim_end_matches('0').trim_end_matches('.'))
}

/// `text` as XML character data (or an attribute value): the JUnit report's escaping (markup
/// characters escaped, characters XML 1.0 forbids replaced by `�`), with line breaks as spaces,
/// since an SVG label is one line.
pub fn escape(text: &str) -> String {
    crate::report::junit::escape(&text.replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline(text: &str, tasks: &[Option<u32>]) -> Timeline {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        Timeline::build(&lines, tasks).unwrap()
    }

    fn parse(svg: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML ({e}):\n{svg}"))
    }

    /// A `<text>`'s box, estimated from its font size and characters as the drawing does:
    /// left, top, right, bottom.
    fn text_box(n: roxmltree::Node) -> (f64, f64, f64, f64) {
        let number = |name: &str| n.attribute(name).map(|v| v.parse::<f64>().unwrap());
        let size = n
            .ancestors()
            .find_map(|a| a.attribute("font-size"))
            .map_or(FONT, |v| v.parse().unwrap());
        // Only its own text: a `<title>` inside is not drawn.
        let text: String = n
            .children()
            .filter(roxmltree::Node::is_text)
            .filter_map(|c| c.text())
            .collect();
        let w = label_width(&text) * size / FONT;
        let (x, y) = (number("x").unwrap(), number("y").unwrap());
        let left = match n.attribute("text-anchor") {
            Some("end") => x - w,
            Some("middle") => x - w / 2.0,
            _ => x,
        };
        (left, y - 0.8 * size, left + w, y + 0.2 * size)
    }

    /// Every drawn text of `svg` as its box, asserting that no two overlap.
    pub(crate) fn assert_no_overlap(svg: &str) {
        let doc = parse(svg);
        let boxes: Vec<(String, (f64, f64, f64, f64))> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| (n.text().unwrap_or_default().to_string(), text_box(n)))
            .collect();
        for (i, (a, p)) in boxes.iter().enumerate() {
            for (b, q) in &boxes[i + 1..] {
                let apart =
                    p.2 <= q.0 + 0.5 || q.2 <= p.0 + 0.5 || p.3 <= q.1 + 0.5 || q.3 <= p.1 + 0.5;
                assert!(apart, "{a:?} at {p:?} overlaps {b:?} at {q:?}");
            }
        }
    }

    fn texts(doc: &roxmltree::Document) -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(str::to_string))
            .collect()
    }

    #[test]
    fn escaping_keeps_any_text_well_formed() {
        assert_eq!(
            escape("a < b && c > \"d\" 'e'"),
            "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;"
        );
        assert_eq!(
            escape("bell\x07 nul\0 esc\x1b[31m"),
            "bell\u{fffd} nul\u{fffd} esc\u{fffd}[31m"
        );
        assert_eq!(escape("tab\tnew\nline"), "tab new line");
        assert_eq!(escape("ünï 🦀 \u{ffff}"), "ünï 🦀 \u{fffd}");
        assert_eq!(
            escape("]]> <![CDATA[ &amp;"),
            "]]&gt; &lt;![CDATA[ &amp;amp;"
        );
    }

    #[test]
    fn hostile_text_is_drawn_as_text() {
        let nasty = "</text><script>alert(1)</script> & \x01 \"q\" <!-- x -->";
        let t = timeline(
            &format!("  0.000s  {nasty}\n  1.000s  a <b>"),
            &[Some(1), Some(2)],
        );
        let svg = draw(
            "title <&>",
            &[Group {
                title: "yours & theirs",
                timeline: &t,
            }],
        );
        let doc = parse(&svg);
        assert_no_overlap(&svg);
        assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
        let texts = texts(&doc);
        assert!(
            texts.iter().any(|s| s.starts_with("</text><script>")),
            "{texts:?}"
        );
        assert!(texts.iter().any(|s| s == "a <b>"));
        assert!(texts.iter().any(|s| s == "yours & theirs"));
        assert!(texts.iter().any(|s| s == "title <&>"));
    }

    #[test]
    fn every_lane_is_named_and_every_line_drawn_on_one_axis() {
        let t = timeline(
            "  0.000s  up 0\n  0.000s  down 2\n  0.300s  up 1\n  0.500s  down 1\n  1.000s  down 0",
            &[Some(1), Some(2), Some(1), Some(2), Some(2)],
        );
        let svg = draw(
            "03 interleaved-tasks",
            &[Group {
                title: "yours",
                timeline: &t,
            }],
        );
        let doc = parse(&svg);
        assert_no_overlap(&svg);
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let texts = texts(&doc);
        for name in [
            "up", "down", "up 0", "down 2", "up 1", "down 1", "down 0", "0 s", "1 s",
        ] {
            assert!(texts.iter().any(|s| s == name), "no {name:?} in {texts:?}");
        }
        let dots = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .count();
        assert_eq!(dots, 5);
    }

    #[test]
    fn two_groups_share_the_axis() {
        let fast = timeline(
            "  0.000s  a 0\n  0.000s  b 0\n  1.000s  a 1",
            &[Some(1), Some(2), Some(1)],
        );
        let slow = timeline(
            "  0.000s  a 0\n  1.000s  a 1\n  3.000s  b 0",
            &[Some(1), Some(1), Some(2)],
        );
        let svg = draw(
            "diff",
            &[
                Group {
                    title: "solution",
                    timeline: &fast,
                },
                Group {
                    title: "yours",
                    timeline: &slow,
                },
            ],
        );
        let doc = parse(&svg);
        assert_no_overlap(&svg);
        let texts = texts(&doc);
        assert!(texts.iter().any(|s| s == "solution") && texts.iter().any(|s| s == "yours"));
        // One axis, to the later end: 3 s.
        assert_eq!(texts.iter().filter(|s| *s == "3 s").count(), 1);
        // The same instant is the same x in both groups.
        let xs_of = |label: &str| -> Vec<String> {
            doc.descendants()
                .filter(|n| n.has_tag_name("text") && n.text() == Some(label))
                .map(|n| n.attribute("x").unwrap().to_string())
                .collect()
        };
        let a1 = xs_of("a 1");
        assert_eq!(a1.len(), 2);
        assert_eq!(a1[0], a1[1]);
    }

    #[test]
    fn labels_at_one_instant_stack_instead_of_overlapping() {
        let t = timeline("  0.000s  a 1\n  0.000s  a 2\n  0.000s  a 3", &[]);
        let svg = draw(
            "ties",
            &[Group {
                title: "x",
                timeline: &t,
            }],
        );
        let doc = parse(&svg);
        assert_no_overlap(&svg);
        let ys: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .map(|n| n.attribute("cy").unwrap())
            .collect();
        assert_eq!(ys.len(), 3);
        assert!(ys[0] != ys[1] && ys[1] != ys[2] && ys[0] != ys[2], "{ys:?}");
    }

    #[test]
    fn ticks_are_round_and_few() {
        assert_eq!(tick_step(1), 1);
        assert_eq!(tick_step(4900), 500);
        assert_eq!(tick_step(10_000), 1000);
        assert_eq!(tick_step(16_000), 2000);
        assert_eq!(tick_step(90), 10);
        assert_eq!(seconds(0), "0 s");
        assert_eq!(seconds(500), "0.5 s");
        assert_eq!(seconds(1250), "1.25 s");
        assert_eq!(seconds(12_000), "12 s");
    }

    /// A small generator of crowded transcripts (no dependency for it): the same every run.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }
    }

    #[test]
    fn crowded_lanes_and_wide_characters_never_overlap() {
        let words = [
            "tick",
            "日本語",
            "🦀 crab",
            "http://127.0.0.1:8080/hello: 200",
            "a",
        ];
        for seed in 0..40 {
            let mut r = Lcg(seed);
            let mut lines = Vec::new();
            let mut tasks = Vec::new();
            let mut ms = 0;
            for i in 0..=r.below(60) {
                // Mostly at one instant or a few milliseconds apart: the crowded case.
                ms += [0, 0, 1, 3, 40, 700][r.below(6) as usize];
                let word = words[r.below(words.len() as u64) as usize];
                let text = format!("{word} {}", "x".repeat(r.below(80) as usize));
                lines.push(format!("{}  {text} {i}", super::super::format_ms(ms)));
                tasks.push([None, Some(1), Some(2), Some(3)][r.below(4) as usize]);
            }
            let t = Timeline::build(&lines, &tasks).unwrap();
            let svg = draw(
                "crowded",
                &[Group {
                    title: "yours",
                    timeline: &t,
                }],
            );
            assert_no_overlap(&svg);
        }
    }

    #[test]
    fn every_exercise_s_expected_transcript_draws_without_overlap() {
        let fixtures = crate::repository().join("fixtures");
        let mut drawn = 0;
        for entry in std::fs::read_dir(&fixtures).unwrap() {
            let dir = entry.unwrap().path();
            for file in std::fs::read_dir(&dir).into_iter().flatten() {
                let file = file.unwrap().path();
                if file.extension().is_none_or(|e| e != "txt") {
                    continue;
                }
                let text = std::fs::read_to_string(&file).unwrap();
                let lines: Vec<String> = text.lines().map(str::to_string).collect();
                let Some(t) = Timeline::build(&lines, &[]) else {
                    continue;
                };
                let svg = draw(
                    &file.display().to_string(),
                    &[
                        Group {
                            title: "solution",
                            timeline: &t,
                        },
                        Group {
                            title: "yours",
                            timeline: &t,
                        },
                    ],
                );
                assert_no_overlap(&svg);
                drawn += 1;
            }
        }
        assert!(
            drawn >= 12,
            "only {drawn} transcripts drawn from {}",
            fixtures.display()
        );
    }

    /// Every exercise's main scenario, with its real tasks (see
    /// grader/tests/data/main-scenarios): one bar per task, and no label over another.
    #[test]
    fn every_exercise_s_main_scenario_draws_a_bar_per_task_without_overlap() {
        let Some(data) = crate::report::main_scenarios() else {
            return;
        };
        let mut drawn = 0;
        for entry in std::fs::read_dir(&data).unwrap() {
            let file = entry.unwrap().path();
            if file.extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let (lines, tasks): (Vec<String>, Vec<Option<u32>>) = text
                .lines()
                .map(|l| {
                    let (task, line) = l.split_once('\t').unwrap();
                    (line.to_string(), task.parse().ok())
                })
                .unzip();
            let Some(t) = Timeline::build(&lines, &tasks) else {
                continue;
            };
            let svg = draw(
                &file.display().to_string(),
                &[Group {
                    title: "yours",
                    timeline: &t,
                }],
            );
            assert_no_overlap(&svg);
            let mut known: Vec<u32> = tasks.iter().flatten().copied().collect();
            known.sort_unstable();
            known.dedup();
            let bars = parse(&svg)
                .descendants()
                .filter(|n| n.attribute("class") == Some("task"))
                .count();
            assert_eq!(bars, known.len(), "{}", file.display());
            drawn += 1;
        }
        assert!(drawn >= 11, "only {drawn} drawn from {}", data.display());
    }

    #[test]
    fn each_task_is_a_bar_from_its_first_line_to_its_last() {
        // Two `toast` tasks take turns in one lane: two bars there; `main` is no task: none.
        let t = timeline(
            "  0.000s  round 1\n  1.000s  toast ready\n  1.500s  toast done\n  2.000s  round 2\n\
             \x20 3.000s  toast ready\n  4.000s  toast done",
            &[None, Some(1), Some(1), None, Some(2), Some(2)],
        );
        assert_eq!(t.spans, [vec![], vec![(1000, 1500), (3000, 4000)]]);
        let svg = draw(
            "bars",
            &[Group {
                title: "yours",
                timeline: &t,
            }],
        );
        let doc = parse(&svg);
        assert_no_overlap(&svg);
        let bars: Vec<(f64, f64)> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("task"))
            .map(|n| {
                let x: f64 = n.attribute("x").unwrap().parse().unwrap();
                (x, x + n.attribute("width").unwrap().parse::<f64>().unwrap())
            })
            .collect();
        let dot = |label: &str| -> f64 {
            let text = doc
                .descendants()
                .find(|n| n.has_tag_name("text") && n.text() == Some(label))
                .unwrap();
            text.prev_sibling_element()
                .unwrap()
                .attribute("cx")
                .unwrap()
                .parse()
                .unwrap()
        };
        assert_eq!(bars.len(), 2, "{svg}");
        // The first bar spans the first toast's two dots, no more than a dot's reach past them.
        let (from, to) = (dot("toast ready"), dot("toast done"));
        assert!(
            bars[0].0 < from && from - bars[0].0 <= 6.0,
            "{bars:?} {from}"
        );
        assert!(bars[0].1 > to && bars[0].1 - to <= 6.0, "{bars:?} {to}");
        assert_no_overlap(&svg);
    }

    #[test]
    fn a_long_label_is_cut_with_its_whole_text_in_a_title() {
        let long = format!("start {}", "y".repeat(200));
        let t = timeline(
            &format!("  0.000s  {long}\n  1.000s  b 1"),
            &[Some(1), Some(2)],
        );
        let svg = draw(
            "long",
            &[Group {
                title: "yours",
                timeline: &t,
            }],
        );
        let doc = parse(&svg);
        assert_no_overlap(&svg);
        let label = doc
            .descendants()
            .find(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.starts_with("start ")))
            .unwrap();
        assert_eq!(label.text().unwrap().chars().count(), LONGEST);
        let title = label.children().find(|c| c.has_tag_name("title")).unwrap();
        assert_eq!(title.text(), Some(long.as_str()));
        assert_no_overlap(&svg);
    }
}
