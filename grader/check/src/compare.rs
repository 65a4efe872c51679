//! Comparing a transcript with the expected one.
//!
//! Tokio promises the order of events at *different* instants, but not the order of two timers
//! that fire at the same instant (in practice they wake in registration order, but that is not a
//! promise). So lines that share a timestamp form a group whose order is not judged; everything
//! else must match exactly. Untimed lines (`1: 0`, from exercise 02's hand-made executor) are each
//! a group of one: their order is always judged.

use crate::check::{Fail, Kind};

/// One transcript line split into its timestamp (`"1.000"`, if it has one) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub at: Option<&'a str>,
    pub text: &'a str,
}

/// Splits `"  1.000s  up 1"` into `at: Some("1.000"), text: "up 1"`.
pub fn parse(line: &str) -> Line<'_> {
    let trimmed = line.trim_start();
    if let Some((stamp, text)) = trimmed.split_once("s  ") {
        let is_time = stamp.split_once('.').is_some_and(|(s, ms)| {
            !s.is_empty()
                && ms.len() == 3
                && (s.to_owned() + ms).bytes().all(|b| b.is_ascii_digit())
        });
        if is_time {
            return Line {
                at: Some(stamp),
                text,
            };
        }
    }
    Line {
        at: None,
        text: line,
    }
}

/// Consecutive lines sharing a timestamp; each untimed line is a group of its own.
fn groups(lines: &[String]) -> Vec<Vec<&String>> {
    let mut out: Vec<Vec<&String>> = Vec::new();
    for line in lines {
        let at = parse(line).at;
        match out.last_mut() {
            Some(group) if at.is_some() && parse(group[0]).at == at => group.push(line),
            _ => out.push(vec![line]),
        }
    }
    out
}

fn sorted<'a>(group: &[&'a String]) -> Vec<&'a String> {
    let mut g = group.to_vec();
    g.sort();
    g
}

/// True when `actual` matches `expected`, up to the order of lines within one instant.
pub fn matches(expected: &[String], actual: &[String]) -> bool {
    let (e, a) = (groups(expected), groups(actual));
    e.len() == a.len() && e.iter().zip(&a).all(|(x, y)| sorted(x) == sorted(y))
}

/// `actual`, with each same-instant group put in the expected order where it holds the same lines.
/// Shown in diffs, so that a harmless reordering within one instant never shows up as a difference.
pub fn aligned(expected: &[String], actual: &[String]) -> Vec<String> {
    let e = groups(expected);
    let mut out = Vec::with_capacity(actual.len());
    for (i, group) in groups(actual).iter().enumerate() {
        match e.get(i) {
            Some(want) if sorted(want) == sorted(group) => {
                out.extend(want.iter().map(std::string::ToString::to_string));
            }
            _ => out.extend(group.iter().map(std::string::ToString::to_string)),
        }
    }
    out
}

/// Compares two transcripts and explains the first difference in async terms.
pub fn compare(expected: &[String], actual: &[String]) -> Result<(), Fail> {
    if matches(expected, actual) {
        return Ok(());
    }
    let shown = aligned(expected, actual);
    let fail = |kind, message: String| {
        Err(Fail::new(kind, message).with_transcripts(join(expected), join(&shown)))
    };
    let texts = |lines: &[String]| {
        lines
            .iter()
            .map(|l| parse(l).text.to_owned())
            .collect::<Vec<_>>()
    };
    let (et, at) = (texts(expected), texts(&shown));
    let mut es = et.clone();
    let mut as_ = at.clone();
    es.sort();
    as_.sort();

    if es != as_ {
        return fail(
            Kind::WrongValue,
            describe_value_difference(expected, &shown),
        );
    }
    let timed = expected
        .iter()
        .any(|l| parse(l).at.is_some_and(|t| t != "0.000"));
    let frozen = shown
        .iter()
        .all(|l| parse(l).at.is_none_or(|t| t == "0.000"));
    if timed && frozen {
        let why = crate::expect::frozen_clock("every line came at 0.000 s:");
        return fail(why.kind, why.message);
    }
    if et == at {
        // Same lines, same order: the times are off.
        let (i, want, got) = first_difference(expected, &shown);
        return fail(
            Kind::WrongTiming,
            format!(
                "the right lines in the right order, but at the wrong virtual times: line {} is \
                 `{}` at {} s, expected at {} s",
                i + 1,
                parse(&got).text,
                parse(&got).at.unwrap_or("?"),
                parse(&want).at.unwrap_or("?"),
            ),
        );
    }
    let (i, want, got) = first_difference(expected, &shown);
    let mut message = format!(
        "the right lines in the wrong order: line {} is `{}`, expected `{}`.",
        i + 1,
        got.trim_start(),
        want.trim_start()
    );
    if let Some(why) = describe_moved_lines(expected, &shown) {
        message.push(' ');
        message.push_str(&why);
    }
    fail(Kind::WrongOrder, message)
}

/// What the times of reordered lines show (timed lines only; untimed ones have nothing to add):
/// a transcript that ends later than expected is what work run one piece after another looks
/// like; lines said earlier than expected did not wait for what they follow; otherwise the lines
/// came at other instants, and only that is said.
fn describe_moved_lines(expected: &[String], actual: &[String]) -> Option<String> {
    let millis = |line: &String| -> Option<u64> {
        let (s, ms) = parse(line).at?.split_once('.')?;
        Some(s.parse::<u64>().ok()? * 1000 + ms.parse::<u64>().ok()?)
    };
    let end = |lines: &[String]| lines.iter().filter_map(millis).max();
    let (expected_end, actual_end) = (end(expected)?, end(actual)?);
    let at = |ms: u64| format!("{}.{:03} s", ms / 1000, ms % 1000);
    // Each line's instant, by its text, for the lines that moved: the first one that came at
    // another instant than expected, earlier and later.
    let mut earlier = None;
    let mut later = None;
    let mut seen: Vec<&str> = Vec::new();
    for line in actual {
        let text = parse(line).text;
        let nth = seen.iter().filter(|&&t| t == text).count();
        seen.push(text);
        let Some(want) = expected
            .iter()
            .filter(|l| parse(l).text == text)
            .nth(nth)
            .and_then(millis)
        else {
            continue;
        };
        let Some(got) = millis(line) else { continue };
        if got < want && earlier.is_none() {
            earlier = Some((text, got, want));
        } else if got > want && later.is_none() {
            later = Some((text, got, want));
        }
    }
    if actual_end > expected_end {
        return Some(format!(
            "The transcript ends at {}, expected at {}: work that should overlap may be running one \
             piece after another.",
            at(actual_end),
            at(expected_end)
        ));
    }
    if let Some((text, got, want)) = earlier {
        return Some(format!(
            "Lines came at other instants than expected: `{text}` at {}, expected at {}. A line \
             said earlier than expected was said before what it should wait for was done.",
            at(got),
            at(want)
        ));
    }
    later.map(|(text, got, want)| {
        format!(
            "Lines came at other instants than expected: `{text}` at {}, expected at {}.",
            at(got),
            at(want)
        )
    })
}

fn describe_value_difference(expected: &[String], actual: &[String]) -> String {
    let texts_of = |lines: &[String]| {
        lines
            .iter()
            .map(|l| parse(l).text.to_owned())
            .collect::<Vec<_>>()
    };
    let (et, at) = (texts_of(expected), texts_of(actual));
    if let Some(missing) = et.iter().find(|t| !at.contains(t)) {
        if actual.is_empty() {
            return format!(
                "nothing was printed; expected {} lines, starting with `{}`.",
                expected.len(),
                expected[0].trim_start()
            );
        }
        return format!(
            "the line `{missing}` never appeared (your transcript has {}, the expected one {}).",
            lines(actual.len()),
            lines(expected.len())
        );
    }
    if let Some(extra) = at.iter().find(|t| !et.contains(t)) {
        return format!("your transcript has a line that should not be there: `{extra}`.");
    }
    format!(
        "some lines appear a different number of times (your transcript has {}, the expected one \
         {}).",
        lines(actual.len()),
        lines(expected.len())
    )
}

fn lines(n: usize) -> String {
    if n == 1 {
        "1 line".into()
    } else {
        format!("{n} lines")
    }
}

fn first_difference(expected: &[String], actual: &[String]) -> (usize, String, String) {
    let n = expected.len().max(actual.len());
    for i in 0..n {
        let (e, a) = (expected.get(i), actual.get(i));
        if e != a {
            return (
                i,
                e.cloned().unwrap_or_default(),
                a.cloned().unwrap_or_default(),
            );
        }
    }
    (n, String::new(), String::new())
}

/// Lines joined with a newline after each: the on-disk form of a transcript.
pub fn join(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(lines: &[&str]) -> Vec<String> {
        lines.iter().map(std::string::ToString::to_string).collect()
    }

    #[test]
    fn parses_timestamps() {
        assert_eq!(
            parse("  1.000s  up 1"),
            Line {
                at: Some("1.000"),
                text: "up 1"
            }
        );
        assert_eq!(
            parse("1: 0"),
            Line {
                at: None,
                text: "1: 0"
            }
        );
        assert_eq!(
            parse("says  hi"),
            Line {
                at: None,
                text: "says  hi"
            }
        );
    }

    #[test]
    fn order_within_one_instant_is_not_judged() {
        let e = t(&["  0.000s  a", "  0.000s  b", "  1.000s  c"]);
        let a = t(&["  0.000s  b", "  0.000s  a", "  1.000s  c"]);
        assert!(compare(&e, &a).is_ok());
        assert_eq!(aligned(&e, &a), e);
    }

    #[test]
    fn untimed_lines_are_ordered() {
        let e = t(&["1: 0", "2: 0"]);
        let a = t(&["2: 0", "1: 0"]);
        assert_eq!(compare(&e, &a).unwrap_err().kind, Kind::WrongOrder);
    }

    #[test]
    fn sequential_runs_are_a_wrong_order() {
        let e = t(&[
            "  0.000s  a 0",
            "  0.000s  b 0",
            "  1.000s  a 1",
            "  1.000s  b 1",
        ]);
        let a = t(&[
            "  0.000s  a 0",
            "  1.000s  a 1",
            "  1.000s  b 0",
            "  2.000s  b 1",
        ]);
        let fail = compare(&e, &a).unwrap_err();
        assert_eq!(fail.kind, Kind::WrongOrder);
        assert!(fail.message.contains("line 2"), "{}", fail.message);
    }

    #[test]
    fn sequential_runs_say_the_transcript_ends_late() {
        let e = t(&[
            "  0.000s  a 0",
            "  0.000s  b 0",
            "  1.000s  a 1",
            "  1.000s  b 1",
        ]);
        let a = t(&[
            "  0.000s  a 0",
            "  1.000s  a 1",
            "  1.000s  b 0",
            "  2.000s  b 1",
        ]);
        let message = compare(&e, &a).unwrap_err().message;
        assert!(
            message.contains("ends at 2.000 s, expected at 1.000 s")
                && message.contains("one piece after another"),
            "{message}"
        );
    }

    #[test]
    fn lines_said_too_early_are_not_called_sequential() {
        // Results said as each job finishes, instead of all at the end in the order given.
        let e = t(&["  0.000s  start", "  0.800s  slow", "  0.800s  quick"]);
        let a = t(&["  0.000s  start", "  0.200s  quick", "  0.800s  slow"]);
        let fail = compare(&e, &a).unwrap_err();
        assert_eq!(fail.kind, Kind::WrongOrder);
        assert!(
            fail.message
                .contains("`quick` at 0.200 s, expected at 0.800 s")
                && fail.message.contains("earlier than expected")
                && !fail.message.contains("one after another")
                && !fail.message.contains("one piece after another"),
            "{}",
            fail.message
        );
    }

    #[test]
    fn untimed_reorderings_say_only_what_differs() {
        let fail = compare(&t(&["1: 0", "2: 0"]), &t(&["2: 0", "1: 0"])).unwrap_err();
        assert_eq!(
            fail.message,
            "the right lines in the wrong order: line 1 is `2: 0`, expected `1: 0`."
        );
    }

    #[test]
    fn shifted_times_are_wrong_timing() {
        let e = t(&["  0.000s  a", "  1.000s  b"]);
        let a = t(&["  0.000s  a", "  2.000s  b"]);
        let fail = compare(&e, &a).unwrap_err();
        assert_eq!(fail.kind, Kind::WrongTiming);
        assert!(
            fail.message.contains("`b` at 2.000 s, expected at 1.000 s"),
            "{}",
            fail.message
        );
    }

    #[test]
    fn frozen_clock_without_a_stall_is_a_missing_await() {
        let e = t(&["  0.000s  a", "  1.000s  b"]);
        let a = t(&["  0.000s  a", "  0.000s  b"]);
        let fail = compare(&e, &a).unwrap_err();
        assert_eq!(fail.kind, Kind::NeverWaited);
        assert!(
            fail.message.contains("`.await` missing"),
            "{}",
            fail.message
        );
    }

    #[test]
    fn missing_and_extra_lines_are_wrong_values() {
        let e = t(&["  0.000s  a", "  1.000s  b"]);
        let fail = compare(&e, &t(&["  0.000s  a"])).unwrap_err();
        assert_eq!(fail.kind, Kind::WrongValue);
        assert!(
            fail.message.contains("`b` never appeared"),
            "{}",
            fail.message
        );
        let fail = compare(&e, &t(&["  0.000s  a", "  1.000s  b", "  1.000s  c"])).unwrap_err();
        assert!(fail.message.contains("`c`"), "{}", fail.message);
        let fail = compare(&e, &[]).unwrap_err();
        assert!(
            fail.message.starts_with("nothing was printed"),
            "{}",
            fail.message
        );
    }
}
