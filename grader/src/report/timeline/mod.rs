//! A transcript as a picture: one lane per task, one row per virtual instant.
//!
//! A flat transcript (`  0.300s  up 1`) says *when* each line was said; the recording also says
//! *which task* said it (see `awaitlings_check::recording::Said`). Put together, they give the table
//! lesson 03 draws by hand:
//!
//! ```text
//!     time  up    down    2^…
//!   0.000s  up 0  down 5  2^0 = 1
//!   0.300s  up 1
//!   0.500s        down 4
//! ```
//!
//! [`Timeline::build`] makes the lanes and rows; [`table`] lays them out for a terminal and
//! [`svg`] draws them as a standalone SVG. The reporters (`report::transcript`, `report::versus`)
//! decide when to show which.
//!
//! The rules, in order:
//! - **Lanes** follow the tasks: one lane per task, in the order of each task's first line, and
//!   a lane `main` for the lines said outside any spawned task (a check's body, `block_on`).
//! - A task's lane is named by the first word all its lines share (`up 0`, `up 1`: `up`;
//!   `ann hears ..`, `ann's connection ..`: `ann`), a word being letters and digits that start
//!   with a letter. When one word would name several tasks alike, more words all of each task's
//!   lines share may tell them apart, up to four: two name a task by both (`job 0 starts`, `job 1
//!   starts`: `job 0`, `job 1`), more by the first and the last (`server: GET /hello`,
//!   `server: GET /slow`: `server /hello`, `server /slow`); if not, tasks that took turns (never
//!   two of them at once, like the `toast` job of each round of exercise 05) are one role and
//!   share the lane. Anything else is `task N`, N counting tasks in the order they first spoke.
//! - **Lifetimes**: each task's first and last line make its span ([`Timeline::spans`]), which the
//!   SVG draws as a bar. The recording knows only when a task spoke, not when it was spawned or
//!   ended, so a task that said one line is a bar of no length.
//! - **No task at all** (exercise 02's hand-made executor polls futures itself; a check's
//!   `record_line`; a program that never spawns): lanes by first word when that makes 2 to 8 of
//!   them and each word starts at least two lines (a guess, and [`Timeline::by_word`] says so),
//!   else one lane, `main`. (A picture of one lane is the list again: the reporters then print
//!   the list.)
//! - **Rows** are the distinct virtual instants, in time order. Lines without a timestamp have
//!   no instant: then there is no picture ([`Timeline::build`] gives `None`), only the list.
//! - **Ties**: several lines of one lane at one instant *stack* in one cell, in the order they
//!   were said (the terminal gives the instant as many rows as its fullest cell, the time written
//!   once; the SVG puts the labels one under the other). Stacking, rather than a row per line,
//!   keeps one row per instant, so lines of different lanes at one instant always share a row,
//!   and tokio's unpromised order between them cannot make two runs look different.

pub mod svg;
pub mod table;

use std::collections::HashMap;

/// Lanes guessed from first words only when they come out between these many (inclusive): one
/// word is no split at all, and many are noise rather than lanes.
const WORD_LANES: std::ops::RangeInclusive<usize> = 2..=8;

/// A transcript laid out by lane and instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// The lanes' names, left to right.
    pub lanes: Vec<String>,
    /// The lanes come from the lines' first words, not from tasks (no line had a task).
    pub by_word: bool,
    /// Every instant at which something was said, in time order.
    pub rows: Vec<Row>,
    /// For each lane, the lifetime of each task in it as far as its lines show: the instants
    /// (milliseconds) of its first and last line, in the order the tasks first spoke. Empty for
    /// `main` and for lanes guessed from words, which are no task.
    pub spans: Vec<Vec<(u64, u64)>>,
}

/// What was said at one virtual instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The instant, in milliseconds of virtual time.
    pub ms: u64,
    /// One cell per lane: the texts (without their timestamps) that lane said at this instant,
    /// in the order they were said. Mostly empty or one line.
    pub cells: Vec<Vec<String>>,
}

impl Row {
    /// The most lines any one lane said at this instant (at least 1).
    pub fn height(&self) -> usize {
        self.cells.iter().map(Vec::len).max().unwrap_or(0).max(1)
    }
}

/// Who said a line, as far as the lanes go.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Main,
    Task(u32),
    Word(String),
}

impl Timeline {
    /// The picture of `lines`, where `tasks[i]` is the task that said `lines[i]` (`None`: outside
    /// any task; an empty `tasks` means none is known). `None` when there is nothing to draw: no
    /// lines, or a line without a timestamp.
    pub fn build(lines: &[String], tasks: &[Option<u32>]) -> Option<Timeline> {
        let stamped: Vec<(u64, &str)> = lines.iter().map(|l| stamp(l)).collect::<Option<_>>()?;
        if stamped.is_empty() {
            return None;
        }
        let task = |i: usize| tasks.get(i).copied().flatten();
        let any_task = (0..lines.len()).any(|i| task(i).is_some());
        let mut keys: Vec<Key> = (0..lines.len())
            .map(|i| match task(i) {
                Some(n) => Key::Task(n),
                None => Key::Main,
            })
            .collect();
        let mut by_word = false;
        if !any_task {
            let words: Vec<Key> = stamped
                .iter()
                .map(|(_, text)| Key::Word(words(text, 1).unwrap_or_default().to_string()))
                .collect();
            // A word said only once names no lane: it is an event, not someone who speaks.
            let lanes = distinct(&words);
            let recurring = lanes
                .iter()
                .all(|lane| words.iter().filter(|w| *w == lane).count() >= 2);
            if WORD_LANES.contains(&lanes.len()) && recurring {
                keys = words;
                by_word = true;
            }
        }
        // Each key's lines, and the lane (by name) it goes in.
        let order = distinct(&keys);
        let mut said: HashMap<&Key, Vec<(u64, &str)>> = HashMap::new();
        for (key, line) in keys.iter().zip(&stamped) {
            said.entry(key).or_default().push(*line);
        }
        let named = names(&order, &said);
        let lanes = distinct_names(&named);
        let lane_of: HashMap<&Key, usize> = order
            .iter()
            .zip(&named)
            .map(|(key, name)| (key, lanes.iter().position(|l| l == name).unwrap_or(0)))
            .collect();

        let mut instants: Vec<u64> = stamped.iter().map(|(ms, _)| *ms).collect();
        instants.sort_unstable();
        instants.dedup();
        let row_of: HashMap<u64, usize> = instants
            .iter()
            .enumerate()
            .map(|(i, ms)| (*ms, i))
            .collect();
        let mut rows: Vec<Row> = instants
            .iter()
            .map(|&ms| Row {
                ms,
                cells: vec![Vec::new(); lanes.len()],
            })
            .collect();
        for (key, (ms, text)) in keys.iter().zip(&stamped) {
            rows[row_of[ms]].cells[lane_of[key]].push(text.to_string());
        }
        let mut spans = vec![Vec::new(); lanes.len()];
        for key in order.iter().filter(|k| matches!(k, Key::Task(_))) {
            let times = said[key].iter().map(|(ms, _)| *ms);
            let span = (times.clone().min().unwrap_or(0), times.max().unwrap_or(0));
            spans[lane_of[key]].push(span);
        }
        Some(Timeline {
            lanes,
            by_word,
            rows,
            spans,
        })
    }

    /// The last instant, in milliseconds.
    pub fn end_ms(&self) -> u64 {
        self.rows.last().map_or(0, |r| r.ms)
    }

    /// How many lines the picture holds.
    pub fn line_count(&self) -> usize {
        self.rows.iter().flat_map(|r| &r.cells).map(Vec::len).sum()
    }
}

/// The keys in order of first appearance.
fn distinct(keys: &[Key]) -> Vec<Key> {
    let mut seen = std::collections::HashSet::new();
    keys.iter().filter(|k| seen.insert(*k)).cloned().collect()
}

fn distinct_names(names: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names.iter().filter(|n| seen.insert(*n)).cloned().collect()
}

/// Each key's lane name (see the module's rules); keys with one name share a lane.
fn names(order: &[Key], said: &HashMap<&Key, Vec<(u64, &str)>>) -> Vec<String> {
    let lines = |key: &Key| -> Vec<&str> { said[key].iter().map(|(_, text)| *text).collect() };
    // What all of a task's lines start with: one word, and two.
    let shared = |key: &Key, n: usize| match key {
        Key::Task(_) => shared_words(&lines(key), n),
        _ => None,
    };
    let one: Vec<Option<String>> = order.iter().map(|k| shared(k, 1)).collect();
    // The first and last instants a key said something at.
    let span = |key: &Key| {
        let times = said[key].iter().map(|(ms, _)| *ms);
        (times.clone().min().unwrap_or(0), times.max().unwrap_or(0))
    };
    let mut names: Vec<String> = order
        .iter()
        .enumerate()
        .map(|(i, key)| match key {
            Key::Main => "main".to_string(),
            Key::Word(w) if w.is_empty() => "(other)".to_string(),
            Key::Word(w) => w.clone(),
            Key::Task(n) => {
                let number = format!("task {n}");
                let Some(word) = &one[i] else {
                    // No word in common: what the lines start with may still say what the task
                    // is (`2^0 = 1`, `2^1 = 2`: `2^…`).
                    return shared_start(&lines(key)).unwrap_or(number);
                };
                if word == "main" {
                    return number;
                }
                let alike: Vec<usize> = (0..order.len())
                    .filter(|&j| one[j].as_ref() == Some(word))
                    .collect();
                if alike.len() == 1 {
                    return word.clone();
                }
                // One word would name several tasks alike. More words may tell them apart
                // (`job 0 starts`, `job 1 starts`: `job 0`, `job 1`; `server: GET /hello`,
                // `server: GET /slow`: `server /hello`, `server /slow`)...
                let keys: Vec<&Key> = alike.iter().map(|&j| &order[j]).collect();
                if let Some(name) = told_apart(&keys, key, &shared) {
                    return name;
                }
                // ...else tasks that take turns (each round's `toast ready`, never two at once)
                // are one role, and share a lane; tasks that overlap keep a lane each.
                let mut spans: Vec<(u64, u64)> = alike.iter().map(|&j| span(&order[j])).collect();
                spans.sort_unstable();
                if spans.windows(2).all(|w| w[1].0 > w[0].1) {
                    word.clone()
                } else {
                    number
                }
            }
        })
        .collect();
    // A name that came out twice for lanes that are not one role (two words happening to spell
    // `task 2`, say): the later one keeps its number.
    for i in 0..names.len() {
        let one_role =
            |j: usize| one[j].is_some() && one[j] == one[i] && one[i].as_ref() == Some(&names[i]);
        let clash = (0..i).any(|j| names[j] == names[i] && !one_role(j));
        if clash && let Key::Task(n) = order[i] {
            names[i] = format!("task {n}");
        }
    }
    names
}

/// How many words a name may take to tell tasks apart that one word names alike.
const MOST_WORDS: usize = 4;

/// The names that tell `alike` apart (tasks whose lines all start with one word), `key`'s among
/// them, from the fewest words all of each task's lines share that give each a name of its own:
/// two words name a task by both (`job 0`), more by the first and the last (`server /hello` for
/// `server: GET /hello`), the last with what leads it (`/`, `#`).
fn told_apart(
    alike: &[&Key],
    key: &Key,
    shared: &dyn Fn(&Key, usize) -> Option<String>,
) -> Option<String> {
    (2..=MOST_WORDS).find_map(|n| {
        let names: Vec<String> = alike
            .iter()
            .map(|k| shared(k, n).map(|start| short_name(&start, n)))
            .collect::<Option<_>>()?;
        let mut seen = std::collections::HashSet::new();
        if !names.iter().all(|name| seen.insert(name)) {
            return None;
        }
        let at = alike.iter().position(|k| *k == key)?;
        Some(names[at].clone())
    })
}

/// The name of a task whose lines all start with `start`, its first `n` words: all of it for
/// two (`job 0`), else the first word and the last (`server /hello` for `server: GET /hello`).
fn short_name(start: &str, n: usize) -> String {
    if n <= 2 {
        return start.to_string();
    }
    let first = words(start, 1).unwrap_or(start);
    let last = start
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or(start);
    format!("{first} {}", last.trim_start_matches([',', ':', ';']))
}

/// What all of a task's lines (two or more) start with, as a name (`2^…`), when that is more than
/// a digit or two: the start is cut back to a whole token (never `up 1` from `up 1`, `up 12`).
fn shared_start(lines: &[&str]) -> Option<String> {
    let (first, rest) = lines.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let mut len = first.len();
    for line in rest {
        len = first
            .char_indices()
            .zip(line.chars())
            .take_while(|((i, a), b)| *i < len && a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0);
    }
    let start = &first[..len];
    // The shared part ends inside a number or a word that goes on differently: cut it back to
    // before that token's alphanumeric run.
    let start = start.trim_end_matches(char::is_alphanumeric).trim_end();
    (start.chars().count() >= 2 && start.chars().any(|c| !c.is_ascii_digit()))
        .then(|| format!("{start}…"))
}

/// The first `n` words all of `lines` start with (see [`words`]).
fn shared_words(lines: &[&str], n: usize) -> Option<String> {
    let first = words(lines.first()?, n)?;
    lines
        .iter()
        .all(|l| words(l, n) == Some(first))
        .then(|| first.to_string())
}

/// The start of `text` up to the end of its `n`-th word, where a word is a run of letters and
/// digits and the first must start with a letter: `words("ann's line", 1)` is `ann`,
/// `words("job 0 starts", 2)` is `job 0`, `words("kettle: 1/1 s", 1)` is `kettle`;
/// `words("2^0 = 1", 1)` is `None` (a number names nothing).
fn words(text: &str, n: usize) -> Option<&str> {
    let text = text.trim_start();
    if !text.chars().next()?.is_alphabetic() {
        return None;
    }
    let mut end = 0;
    let mut rest = text;
    for _ in 0..n {
        let start = rest.find(char::is_alphanumeric)?;
        let len = rest[start..]
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len() - start);
        end += start + len;
        rest = &text[end..];
    }
    Some(&text[..end])
}

/// A transcript line's instant (milliseconds) and text: `  1.500s  up 5` is `(1500, "up 5")`.
/// `None` for a line without a timestamp (a check's `record_line`).
pub fn stamp(line: &str) -> Option<(u64, &str)> {
    let (time, text) = line.trim_start_matches(' ').split_once("s  ")?;
    let (whole, millis) = time.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || millis.len() != 3 || !digits(millis) {
        return None;
    }
    let ms = whole.parse::<u64>().ok()?.checked_mul(1000)? + millis.parse::<u64>().ok()?;
    Some((ms, text))
}

/// An instant as the transcript writes it: `1500` is `  1.500s`.
pub fn format_ms(ms: u64) -> String {
    format!("{:>3}.{:03}s", ms / 1000, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    /// Lesson 03's run, as the solution's three tasks say it.
    fn run_all() -> (Vec<String>, Vec<Option<u32>>) {
        let said = lines(
            "  0.000s  up 0\n  0.000s  down 5\n  0.000s  2^0 = 1\n  0.300s  up 1\n  0.500s  down 4\n\
             \x20 0.600s  up 2\n  0.700s  2^1 = 2\n  1.500s  down 2\n  1.500s  up 5",
        );
        let tasks = [1, 2, 3, 1, 2, 1, 3, 2, 1].map(Some).to_vec();
        (said, tasks)
    }

    fn cell(t: &Timeline, ms: u64, lane: &str) -> Vec<String> {
        let lane = t.lanes.iter().position(|l| l == lane).unwrap();
        t.rows.iter().find(|r| r.ms == ms).unwrap().cells[lane].clone()
    }

    #[test]
    fn stamps_parse_exactly_and_untimed_lines_have_none() {
        assert_eq!(stamp("  1.500s  up 5"), Some((1500, "up 5")));
        assert_eq!(stamp("  0.000s  "), Some((0, "")));
        assert_eq!(stamp("125.000s  x  y"), Some((125_000, "x  y")));
        assert_eq!(stamp("1234.001s  x"), Some((1_234_001, "x")));
        assert_eq!(stamp("  0.000s  a\nb"), Some((0, "a\nb")));
        for untimed in [
            "poll 1: Pending",
            "1: 0",
            "Done!",
            "",
            "  1.5s  x",
            "  x.500s  y",
        ] {
            assert_eq!(stamp(untimed), None, "{untimed:?}");
        }
        assert_eq!(format_ms(1500), "  1.500s");
        assert_eq!(format_ms(125_000), "125.000s");
    }

    #[test]
    fn one_lane_per_task_named_by_its_first_word_in_order_of_first_line() {
        let (said, tasks) = run_all();
        let t = Timeline::build(&said, &tasks).unwrap();
        // `2^0 = 1`, `2^1 = 2`: no word in common, so the third task is named by what its
        // lines start with.
        assert_eq!(t.lanes, ["up", "down", "2^…"]);
        assert!(!t.by_word);
        let instants: Vec<u64> = t.rows.iter().map(|r| r.ms).collect();
        assert_eq!(instants, [0, 300, 500, 600, 700, 1500]);
        assert_eq!(
            t.rows[0].cells,
            [vec!["up 0"], vec!["down 5"], vec!["2^0 = 1"]]
        );
        assert_eq!(cell(&t, 300, "down"), Vec::<String>::new());
        assert_eq!(cell(&t, 1500, "up"), ["up 5"]);
        assert_eq!(cell(&t, 1500, "down"), ["down 2"]);
        assert_eq!(t.end_ms(), 1500);
        assert_eq!(t.line_count(), said.len());
    }

    #[test]
    fn lines_outside_any_task_are_the_main_lane() {
        let said = lines(
            "  0.000s  start\n  0.000s  job 0 starts\n  1.000s  job 0 done\n  1.000s  all done",
        );
        let t = Timeline::build(&said, &[None, Some(1), Some(1), None]).unwrap();
        assert_eq!(t.lanes, ["main", "job"]);
        assert_eq!(cell(&t, 1000, "main"), ["all done"]);
        assert_eq!(cell(&t, 1000, "job"), ["job 0 done"]);
    }

    #[test]
    fn a_word_two_lanes_share_gives_way_to_two_words_then_to_numbers() {
        // One task per job: every lane starts with `job`, so the lanes take two words.
        let said = lines(
            "  0.000s  job 0 starts\n  0.000s  job 1 starts\n  1.000s  job 1 done\n  2.000s  job 0 done",
        );
        let t = Timeline::build(&said, &[Some(1), Some(2), Some(2), Some(1)]).unwrap();
        assert_eq!(t.lanes, ["job 0", "job 1"]);
        // Two tasks that say the very same words at once cannot be told apart by them.
        let said = lines("  0.000s  tick\n  0.000s  tick\n  1.000s  tick");
        let t = Timeline::build(&said, &[Some(1), Some(2), Some(1)]).unwrap();
        assert_eq!(t.lanes, ["task 1", "task 2"]);
        // A task whose word is `main`, beside the main lane, keeps its number.
        let said = lines("  0.000s  main 1\n  0.000s  go");
        let t = Timeline::build(&said, &[Some(1), None]).unwrap();
        assert_eq!(t.lanes, ["task 1", "main"]);
        // A word ends where letters and digits do: `kettle:`, `ann's` are `kettle`, `ann`.
        let said = lines(
            "  0.000s  kettle: started\n  1.000s  kettle: done\n  0.000s  ann hears hi\n  1.000s  ann's gone",
        );
        let t = Timeline::build(&said, &[Some(1), Some(1), Some(2), Some(2)]).unwrap();
        assert_eq!(t.lanes, ["kettle", "ann"]);
        // A number is no word: `2^0 = 1`, `2^1 = 2` are named by the start they share, and
        // lines that share only a digit keep the task's number.
        let said = lines("  0.000s  2^0 = 1\n  0.700s  2^1 = 2");
        let t = Timeline::build(&said, &[Some(3), Some(3)]).unwrap();
        assert_eq!(t.lanes, ["2^…"]);
        let said = lines("  0.000s  10 = x\n  0.700s  12 = y\n  0.900s  + 1");
        let t = Timeline::build(&said, &[Some(3), Some(3), Some(4)]).unwrap();
        assert_eq!(t.lanes, ["task 3", "task 4"]);
    }

    #[test]
    fn tasks_alike_in_their_first_words_are_named_by_what_tells_them_apart() {
        // Exercise 11: a server task per connection, each saying what it was asked for. They
        // overlap, so no shared lane; the path tells them apart.
        let said = lines(
            "  0.000s  fetching 3 URLs\n  0.000s  server: GET /hello\n  0.000s  server: GET /slow\n\
             \x20 0.500s  server: GET /count?n=2\n  1.000s  http://h:8080/hello: 200",
        );
        let t = Timeline::build(&said, &[None, Some(1), Some(2), Some(3), None]).unwrap();
        assert_eq!(
            t.lanes,
            ["main", "server /hello", "server /slow", "server /count"]
        );
        // Past four words, numbers again.
        let said = lines("  0.000s  a b c d e 1\n  0.000s  a b c d e 2\n  1.000s  a b c d e 1");
        let t = Timeline::build(&said, &[Some(1), Some(2), Some(1)]).unwrap();
        assert_eq!(t.lanes, ["task 1", "task 2"]);
        // Each task's span is its first line to its last; main has none.
        let said = lines("  0.000s  go\n  0.000s  w 1 a\n  0.300s  w 2 a\n  0.900s  w 1 b");
        let t = Timeline::build(&said, &[None, Some(1), Some(2), Some(1)]).unwrap();
        assert_eq!(t.lanes, ["main", "w 1", "w 2"]);
        assert_eq!(t.spans, [vec![], vec![(0, 900)], vec![(300, 300)]]);
    }

    #[test]
    fn tasks_that_take_turns_in_one_role_share_a_lane() {
        // Exercise 05: each round spawns its own `toast` and `eggs` jobs, one round after another.
        let said = lines(
            "  0.000s  round 1\n  1.000s  toast ready\n  2.000s  eggs ready\n  2.000s  round 2\n\
             \x20 3.000s  toast ready\n  4.000s  eggs ready",
        );
        let tasks = [None, Some(1), Some(2), None, Some(3), Some(4)];
        let t = Timeline::build(&said, &tasks).unwrap();
        assert_eq!(t.lanes, ["main", "toast", "eggs"]);
        assert_eq!(cell(&t, 3000, "toast"), ["toast ready"]);
        assert_eq!(cell(&t, 4000, "eggs"), ["eggs ready"]);
        // Two `tick` tasks that overlap are two lanes: sharing one would hide that they ran at
        // the same time.
        let said = lines("  0.000s  tick\n  0.500s  tick\n  1.000s  tick\n  1.500s  tick");
        let t = Timeline::build(&said, &[Some(1), Some(2), Some(1), Some(2)]).unwrap();
        assert_eq!(t.lanes, ["task 1", "task 2"]);
        // Two words that spell another lane's number do not take its name.
        let said = lines(
            "  0.000s  a\n  0.000s  task 1 a\n  0.000s  task 9 b\n  0.000s  task 1 c\n  0.000s  b",
        );
        let t = Timeline::build(&said, &[Some(1), Some(2), Some(3), Some(2), Some(1)]).unwrap();
        assert_eq!(t.lanes, ["task 1", "task 2", "task 9"]);
    }

    #[test]
    fn ties_in_one_lane_stack_in_one_cell_in_the_order_said() {
        let said =
            lines("  0.000s  a 1\n  0.000s  a 2\n  0.000s  b 1\n  0.000s  a 3\n  1.000s  b 2");
        let t = Timeline::build(&said, &[Some(1), Some(1), Some(2), Some(1), Some(2)]).unwrap();
        assert_eq!(t.rows.len(), 2, "one row per instant");
        assert_eq!(cell(&t, 0, "a"), ["a 1", "a 2", "a 3"]);
        assert_eq!(cell(&t, 0, "b"), ["b 1"]);
        assert_eq!(t.rows[0].height(), 3);
        assert_eq!(t.rows[1].height(), 1);
    }

    #[test]
    fn rows_follow_time_even_when_the_lines_do_not() {
        // A transcript whose clock was reset: the picture is in time order all the same.
        let said = lines("  2.000s  late\n  0.000s  early");
        let t = Timeline::build(&said, &[]).unwrap();
        assert_eq!(t.rows.iter().map(|r| r.ms).collect::<Vec<_>>(), [0, 2000]);
    }

    #[test]
    fn without_tasks_lanes_come_from_first_words_when_that_makes_two_to_eight() {
        let said = lines(
            "  0.000s  start coffee\n  0.000s  start toast\n  1.000s  finish toast\n  1.000s  finish coffee",
        );
        let t = Timeline::build(&said, &[]).unwrap();
        assert_eq!(t.lanes, ["start", "finish"]);
        assert!(t.by_word);
        // `tasks` all `None` is the same as none known.
        assert_eq!(Timeline::build(&said, &[None; 4]), Some(t));

        // A word said once is no lane: `thinking`, `done` are one lane.
        let said = lines("  0.000s  thinking\n  1.000s  done");
        assert_eq!(Timeline::build(&said, &[]).unwrap().lanes, ["main"]);

        // One word: no split, one lane.
        let said = lines("  0.000s  tick 1\n  1.000s  tick 2");
        let t = Timeline::build(&said, &[]).unwrap();
        assert_eq!(t.lanes, ["main"]);
        assert!(!t.by_word);

        // Nine words: noise, one lane.
        let said: Vec<String> = (0..9).map(|i| format!("  0.000s  w{i} x")).collect();
        let t = Timeline::build(&said, &[]).unwrap();
        assert_eq!(t.lanes, ["main"]);
        assert_eq!(t.rows[0].cells[0].len(), 9);
    }

    #[test]
    fn untimed_or_empty_transcripts_have_no_picture() {
        assert_eq!(Timeline::build(&[], &[]), None);
        let said = lines("1: 0\n2: 0\nDone!");
        assert_eq!(Timeline::build(&said, &[]), None);
        // One untimed line among timed ones: no instant for it, so no picture.
        let said = lines("  0.000s  a\npoll 1: Pending");
        assert_eq!(Timeline::build(&said, &[Some(1), None]), None);
    }

    #[test]
    fn blank_lines_have_a_lane_too() {
        let said = lines(
            "  0.000s  \n  1.000s  x 1\n  2.000s  y 1\n  3.000s  *\n  4.000s  x 2\n  5.000s  y 2",
        );
        let t = Timeline::build(&said, &[]).unwrap();
        assert_eq!(t.lanes, ["(other)", "x", "y"]);
        assert_eq!(cell(&t, 3000, "(other)"), ["*"]);
        let t = Timeline::build(
            &said,
            &[Some(1), Some(2), Some(2), Some(1), Some(2), Some(2)],
        )
        .unwrap();
        assert_eq!(t.lanes, ["task 1", "task 2"]);
    }
}
