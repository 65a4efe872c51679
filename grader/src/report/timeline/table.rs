//! The timeline as a table for a terminal: the time, then one column per lane; for `diff`, the
//! other side's lanes, a bar, then yours, so a run that went one task after another shows as a
//! staircase beside a braid.
//!
//! On a terminal the table fits the width it is given (`COLUMNS`, else 100): columns as wide as
//! their widest cell, the widest ones cut down (with `…`) until the row fits, and no table at all
//! ([`NoFit`]) when even cells of a few characters would not fit: many lanes are better read as
//! the plain list. A cut keeps what tells a lane's lines apart: a long start most of them share
//! (`http://127.0.0.1:8080/`) gives way to `…` before their ends do. Off a terminal (a file, a
//! pipe, an editor's pane), nothing is cut: the table is as wide as its whole cells, up to
//! [`OFF_TERMINAL`] columns, else there is none and the lines are listed.
//!
//! For `diff`, the two sides go side by side when they fit, else into one table of the lanes
//! both have (by name), where a line only one side said is marked `-` (theirs) or `+` (yours).
//! It stops after `max_rows` rows and says how many more there were; the caller says where to
//! see them all.

use super::{Row, Timeline, format_ms};
use crate::terminal::color::Paint;
use std::collections::HashMap;

/// The narrowest a cell is cut to before the table gives up.
const MIN_CELL: usize = 6;
/// Lanes this narrow stay whole while wider ones can be cut to make the room.
const NARROW: usize = 16;
/// Between two columns.
const GAP: &str = "  ";
/// Between the other side's lanes and yours.
const BAR: &str = " │ ";
/// The widest a table is off a terminal, where nothing wraps: wider, and the lines are listed.
pub const OFF_TERMINAL: usize = 200;
/// The shortest start of a lane's lines worth eliding when its cells must be cut.
const MIN_ELIDED: usize = 8;
/// The least each line must keep after an elided start: less, and the start is what tells them
/// apart.
const MIN_KEPT: usize = 12;

/// How to lay a table out.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// Characters per line, at most.
    pub width: Width,
    /// Rows shown at most (an instant whose lines stack takes several).
    pub max_rows: usize,
    pub paint: Paint,
}

/// How wide a table may be, and whether its cells may be cut to fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Width {
    /// Characters per line, at most.
    pub columns: usize,
    /// Cells are never cut: when whole cells need more than `columns`, there is no table.
    pub whole: bool,
}

impl Width {
    /// Cells cut to fit `columns`.
    pub fn cut(columns: usize) -> Width {
        Width {
            columns,
            whole: false,
        }
    }

    /// Whole cells, in at most `columns`.
    pub fn whole(columns: usize) -> Width {
        Width {
            columns,
            whole: true,
        }
    }

    /// The width for output to a terminal or not (`terminal`), with `columns` the value of
    /// `COLUMNS` if any: a width asked for is kept (cells cut to it); else a terminal is taken to
    /// be 100 wide, and anything else gets whole cells, up to [`OFF_TERMINAL`]: a file or a pipe
    /// has no width to fit, and a cut cell there only hides what was said.
    pub fn choose(terminal: bool, columns: Option<&str>) -> Width {
        let asked = columns
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0);
        match (asked, terminal) {
            (Some(c), _) => Width::cut(c),
            (None, true) => Width::cut(100),
            (None, false) => Width::whole(OFF_TERMINAL),
        }
    }

    /// [`Width::choose`] for standard output, from `COLUMNS` (set by many shells for their
    /// children).
    pub fn of_stdout() -> Width {
        use std::io::IsTerminal;
        let columns = std::env::var("COLUMNS").ok();
        Width::choose(std::io::stdout().is_terminal(), columns.as_deref())
    }
}

/// A table, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub lines: Vec<String>,
    /// Rows left out after `max_rows`, and the instant the first of them is at.
    pub hidden: Option<(usize, u64)>,
}

/// The lanes do not fit across the width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoFit {
    pub lanes: usize,
    pub width: usize,
}

impl std::fmt::Display for NoFit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} lanes do not fit in {} columns",
            self.lanes, self.width
        )
    }
}

/// How a line is shown beside the other side's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tone {
    Same,
    /// Said by the other side at this instant, not by yours (red, like the diff's `-`).
    Missing,
    /// Said by yours at this instant, not by the other side (green, like the diff's `+`).
    Extra,
}

impl Tone {
    /// What marks the line in a table of both sides in one (colour aside, which may be off).
    fn sign(self) -> &'static str {
        match self {
            Tone::Same => "",
            Tone::Missing => "- ",
            Tone::Extra => "+ ",
        }
    }
}

/// The lines of one lane at one instant, each with its tone.
type Cell = Vec<(String, Tone)>;

/// One instant: the lines of every column, and whether the two sides differ there.
struct Line {
    ms: u64,
    differs: bool,
    cells: Vec<Cell>,
}

/// What a table is made of, whether of one timeline or of two side by side.
struct Grid {
    headers: Vec<String>,
    /// Columns per block: one block, or the other side's and yours.
    blocks: Vec<usize>,
    titles: Vec<String>,
    rows: Vec<Line>,
    /// Both sides in one block: a line one side alone said shows its [`Tone::sign`].
    signs: bool,
}

/// One timeline as a table.
pub fn single(t: &Timeline, layout: &Layout) -> Result<Table, NoFit> {
    let rows = t
        .rows
        .iter()
        .map(|r| Line {
            ms: r.ms,
            differs: false,
            cells: r
                .cells
                .iter()
                .map(|c| c.iter().map(|l| (l.clone(), Tone::Same)).collect())
                .collect(),
        })
        .collect();
    render(
        &Grid {
            headers: t.lanes.clone(),
            blocks: vec![t.lanes.len()],
            titles: Vec::new(),
            rows,
            signs: false,
        },
        layout,
    )
}

/// Two timelines on one time column: the other side's (`their_title`) and yours. Side by side
/// (theirs on the left) when that fits, else in one table of the lanes either has, matched by
/// name, a line only one side said marked `-` (theirs) or `+` (yours). An instant where the two
/// said different lines is marked `≠`, and the lines only one side said there are coloured as in
/// a diff.
pub fn versus(
    theirs: &Timeline,
    their_title: &str,
    mine: &Timeline,
    layout: &Layout,
) -> Result<Table, NoFit> {
    render(&side_by_side(theirs, their_title, mine), layout)
        .or_else(|_| render(&in_one(theirs, their_title, mine), layout))
}

/// Each instant either side said something at, with both sides' rows there (empty where one
/// said nothing).
fn instants(theirs: &Timeline, mine: &Timeline) -> Vec<(u64, Row, Row)> {
    let by_ms =
        |t: &Timeline| -> HashMap<u64, Row> { t.rows.iter().map(|r| (r.ms, r.clone())).collect() };
    let (their_rows, my_rows) = (by_ms(theirs), by_ms(mine));
    let mut instants: Vec<u64> = their_rows.keys().chain(my_rows.keys()).copied().collect();
    instants.sort_unstable();
    instants.dedup();
    let row = |rows: &HashMap<u64, Row>, t: &Timeline, ms| {
        rows.get(&ms).cloned().unwrap_or_else(|| Row {
            ms,
            cells: vec![Vec::new(); t.lanes.len()],
        })
    };
    instants
        .into_iter()
        .map(|ms| (ms, row(&their_rows, theirs, ms), row(&my_rows, mine, ms)))
        .collect()
}

/// The lines of one instant on both sides, toned: the lines of one instant are compared as a
/// set, as the grader does (tokio promises no order between them). Returns their cells and
/// yours.
fn toned(t: &Row, m: &Row) -> (Vec<Cell>, Vec<Cell>) {
    let mut unmatched: HashMap<&str, usize> = HashMap::new();
    for l in t.cells.iter().flatten() {
        *unmatched.entry(l).or_default() += 1;
    }
    let mine = mark(&m.cells, &mut unmatched, Tone::Same, Tone::Extra);
    // What is left unmatched on their side is what yours did not say then.
    let theirs = mark(&t.cells, &mut unmatched, Tone::Missing, Tone::Same);
    (theirs, mine)
}

fn differs(cells: &[Vec<(String, Tone)>]) -> bool {
    cells.iter().flatten().any(|(_, tone)| *tone != Tone::Same)
}

/// The other side's lanes, a bar, then yours.
fn side_by_side(theirs: &Timeline, their_title: &str, mine: &Timeline) -> Grid {
    let rows = instants(theirs, mine)
        .into_iter()
        .map(|(ms, t, m)| {
            let (theirs, mine) = toned(&t, &m);
            let cells: Vec<_> = theirs.into_iter().chain(mine).collect();
            Line {
                ms,
                differs: differs(&cells),
                cells,
            }
        })
        .collect();
    Grid {
        headers: theirs.lanes.iter().chain(&mine.lanes).cloned().collect(),
        blocks: vec![theirs.lanes.len(), mine.lanes.len()],
        titles: vec![their_title.to_string(), "yours".to_string()],
        rows,
        signs: false,
    }
}

/// Both sides in one block: their lanes, then those only yours has, each lane by name. A line
/// both said (at the instant, in any lane) shows once, in your lane; one only theirs said is
/// `-`, one only yours `+`.
fn in_one(theirs: &Timeline, their_title: &str, mine: &Timeline) -> Grid {
    let mut headers = theirs.lanes.clone();
    for lane in &mine.lanes {
        if !headers.contains(lane) {
            headers.push(lane.clone());
        }
    }
    let column = |lane: &String| headers.iter().position(|h| h == lane).unwrap_or(0);
    let their_columns: Vec<usize> = theirs.lanes.iter().map(column).collect();
    let my_columns: Vec<usize> = mine.lanes.iter().map(column).collect();
    let rows = instants(theirs, mine)
        .into_iter()
        .map(|(ms, t, m)| {
            let (their_cells, my_cells) = toned(&t, &m);
            let mut cells = vec![Vec::new(); headers.len()];
            for (lane, cell) in their_cells.into_iter().enumerate() {
                // Of theirs, only what yours did not say: a line both said shows once, in yours.
                let missing = cell.into_iter().filter(|(_, tone)| *tone == Tone::Missing);
                cells[their_columns[lane]].extend(missing);
            }
            for (lane, cell) in my_cells.into_iter().enumerate() {
                cells[my_columns[lane]].extend(cell);
            }
            Line {
                ms,
                differs: differs(&cells),
                cells,
            }
        })
        .collect();
    Grid {
        blocks: vec![headers.len()],
        headers,
        titles: vec![format!(
            "{their_title} and yours in one: - {their_title} only, + yours only"
        )],
        rows,
        signs: true,
    }
}

fn render(grid: &Grid, layout: &Layout) -> Result<Table, NoFit> {
    let columns = Columns::fit(grid, layout)?;
    let mut lines = Vec::new();
    if !grid.titles.is_empty() {
        lines.push(title_line(
            grid,
            &columns.widths,
            columns.time_width + columns.mark_width,
            layout.paint,
        ));
    }
    lines.extend(columns.heading());
    let mut shown = 0;
    let mut hidden = None;
    for (i, row) in grid.rows.iter().enumerate() {
        let height = row.cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        // Always at least one instant, however tall.
        if shown > 0 && shown + height > layout.max_rows {
            let rest: usize = grid.rows[i..]
                .iter()
                .map(|r| r.cells.iter().map(Vec::len).max().unwrap_or(0).max(1))
                .sum();
            hidden = Some((rest, row.ms));
            break;
        }
        columns.row(row, height, &mut lines);
        shown += height;
    }
    Ok(Table { lines, hidden })
}

/// The columns of a table, as wide as the layout lets them be.
struct Columns<'a> {
    grid: &'a Grid,
    paint: Paint,
    time_width: usize,
    /// The mark column (`≠`) only where two sides are compared.
    mark_width: usize,
    /// Each lane's.
    widths: Vec<usize>,
    /// Whether a lane named by its lines' first words drops those words from its cells.
    short: bool,
    /// Each lane's start of lines to elide first when a cell is cut (see [`elided_start`]).
    elide: Vec<Option<String>>,
}

impl<'a> Columns<'a> {
    fn fit(grid: &'a Grid, layout: &Layout) -> Result<Self, NoFit> {
        let columns = grid.headers.len();
        let no_fit = NoFit {
            lanes: columns,
            width: layout.width.columns,
        };
        let time_width = grid
            .rows
            .iter()
            .map(|r| format_ms(r.ms).chars().count())
            .max()
            .unwrap_or(0)
            .max("time".len());
        let mark_width = if grid.titles.is_empty() { 0 } else { 2 };
        // A gap before every column, but a bar instead before each block after the first.
        let bars = grid.blocks.len() - 1;
        let fixed =
            time_width + mark_width + GAP.len() * (columns - bars) + BAR.chars().count() * bars;
        let available = layout
            .width
            .columns
            .checked_sub(fixed)
            .ok_or(no_fit.clone())?;
        let natural = |short: bool| -> Vec<usize> {
            (0..columns)
                .map(|c| {
                    let header = &grid.headers[c];
                    grid.rows
                        .iter()
                        .flat_map(|r| &r.cells[c])
                        .map(|(l, tone)| {
                            let sign = if grid.signs { tone.sign() } else { "" };
                            width(sign) + width(without_name(l, header, short))
                        })
                        .chain([width(header)])
                        .max()
                        .unwrap_or(0)
                })
                .collect()
        };
        // When the whole lines do not fit, a lane named by its lines' first words drops those
        // words from its cells (`job 0 starts` under `job 0` is `starts`) before anything is cut.
        let short = natural(false).iter().sum::<usize>() > available;
        let natural = natural(short);
        let widths = if layout.width.whole {
            Some(natural.clone()).filter(|w| w.iter().sum::<usize>() <= available)
        } else {
            fit(&natural, available)
        }
        .ok_or(no_fit)?;
        let elide = (0..columns)
            .map(|c| {
                let texts = grid.rows.iter().flat_map(|r| &r.cells[c]);
                let texts: Vec<&str> = texts
                    .map(|(l, _)| without_name(l, &grid.headers[c], short))
                    .collect();
                (widths[c] < natural[c])
                    .then(|| elided_start(&texts))
                    .flatten()
            })
            .collect();
        Ok(Columns {
            grid,
            paint: layout.paint,
            time_width,
            mark_width,
            widths,
            short,
            elide,
        })
    }

    /// One line of the table: the time, the mark, then each block's cells.
    fn assemble(&self, time: String, mark: String, cells: Vec<String>) -> String {
        let mut line = format!("{time}{mark}");
        let mut column = 0;
        for (b, &n) in self.grid.blocks.iter().enumerate() {
            if b > 0 {
                line.push_str(BAR);
            } else {
                line.push_str(GAP);
            }
            for i in 0..n {
                if i > 0 {
                    line.push_str(GAP);
                }
                line.push_str(&cells[column]);
                column += 1;
            }
        }
        line.trim_end().to_string()
    }

    /// The lanes' names, and the rule under them.
    fn heading(&self) -> [String; 2] {
        let p = self.paint;
        let time_width = self.time_width;
        let blank_mark = " ".repeat(self.mark_width);
        let headers: Vec<String> = (0..self.grid.headers.len())
            .map(|c| {
                let h = cut(&self.grid.headers[c], self.widths[c], None);
                p.bold(&h) + &" ".repeat(self.widths[c] - width(&h))
            })
            .collect();
        [
            self.assemble(
                format!("{:>time_width$}", "time"),
                blank_mark.clone(),
                headers,
            ),
            self.assemble(
                p.dim(&"─".repeat(time_width)),
                blank_mark,
                self.widths.iter().map(|&w| p.dim(&"─".repeat(w))).collect(),
            ),
        ]
    }

    /// A line in column `c`, as shown: its sign where both sides are in one, cut to the
    /// column, coloured by its tone, padded.
    fn cell(&self, c: usize, text: &str, tone: Tone) -> String {
        let p = self.paint;
        let sign = if self.grid.signs { tone.sign() } else { "" };
        let text = without_name(text, &self.grid.headers[c], self.short);
        let room = self.widths[c].saturating_sub(width(sign));
        let text = format!("{sign}{}", cut(text, room, self.elide[c].as_deref()));
        let shown = match tone {
            Tone::Same => text.clone(),
            Tone::Missing => p.red(&text),
            Tone::Extra => p.green(&text),
        };
        shown + &" ".repeat(self.widths[c].saturating_sub(width(&text)))
    }

    /// The `height` lines of one instant (its lines stack in their lanes).
    fn row(&self, row: &Line, height: usize, lines: &mut Vec<String>) {
        let time_width = self.time_width;
        for k in 0..height {
            let time = if k == 0 {
                format!("{:>time_width$}", format_ms(row.ms))
            } else {
                " ".repeat(time_width)
            };
            let mark = match (k, row.differs) {
                (0, true) => self.paint.yellow(" ≠"),
                _ => " ".repeat(self.mark_width),
            };
            let cells = (0..self.grid.headers.len())
                .map(|c| match row.cells[c].get(k) {
                    Some((text, tone)) => self.cell(c, text, *tone),
                    None => " ".repeat(self.widths[c]),
                })
                .collect();
            lines.push(self.assemble(time, mark, cells));
        }
    }
}

/// The line of block titles: each title starts over its block's first lane.
fn title_line(grid: &Grid, widths: &[usize], lead: usize, p: Paint) -> String {
    let mut line = " ".repeat(lead);
    let mut column = 0;
    for (b, &n) in grid.blocks.iter().enumerate() {
        line.push_str(if b > 0 { BAR } else { GAP });
        let span =
            widths[column..column + n].iter().sum::<usize>() + GAP.len() * n.saturating_sub(1);
        let title = cut(&grid.titles[b], span, None);
        line.push_str(&p.bold(&title));
        line.push_str(&" ".repeat(span - width(&title)));
        column += n;
    }
    line.trim_end().to_string()
}

/// Column widths that add up to at most `available`: the natural ones if they fit, else every
/// column wider than some cap cut to it (the largest cap that fits), so narrow lanes stay whole.
/// Lanes up to [`NARROW`] wide stay whole while the wider ones can make the room (07's `starts
/// (2 s)` beside its long results); only when they cannot is every lane cut alike. `None` if the
/// cap would be under [`MIN_CELL`].
fn fit(natural: &[usize], available: usize) -> Option<Vec<usize>> {
    let narrow: usize = natural.iter().filter(|&&w| w <= NARROW).sum();
    let capped = |cap: usize, keep: usize| -> Vec<usize> {
        natural
            .iter()
            .map(|&w| if w <= keep { w } else { w.min(cap) })
            .collect()
    };
    let total = |cap: usize, keep: usize| capped(cap, keep).iter().sum::<usize>();
    let keep = if total(MIN_CELL, NARROW) <= available && narrow > 0 {
        NARROW
    } else {
        0
    };
    let mut cap = natural.iter().copied().max().unwrap_or(0);
    while total(cap, keep) > available {
        if cap <= MIN_CELL {
            return None;
        }
        cap -= 1;
    }
    Some(capped(cap, keep))
}

/// A cell's text: all of it, or when `short`, without the words its lane is named by (`starts`
/// for `job 0 starts` in lane `job 0`; `GET /hello` for `server: GET /hello` in lane
/// `server /hello`, named by its first word and another; a lane whose lines do not all start so
/// keeps them whole).
fn without_name<'a>(text: &'a str, lane: &str, short: bool) -> &'a str {
    if !short {
        return text;
    }
    let first_word = lane.split(' ').next().unwrap_or(lane);
    let trimmed = text.trim_start();
    let rest = [lane, first_word]
        .iter()
        .filter_map(|name| trimmed.strip_prefix(name))
        .find(|rest| rest.starts_with([' ', ':', ',']));
    match rest {
        Some(rest) => {
            let rest = rest.trim_start_matches([' ', ':', ',']);
            if rest.is_empty() { text } else { rest }
        }
        None => text,
    }
}

/// The start worth eliding from a lane's lines when they are cut: the one that spares the most
/// characters, of the starts (up to a `/`, or through a `:` or blank, at least [`MIN_ELIDED`]
/// long) that two or more of them share, each keeping at least [`MIN_KEPT`] after it. `http://127.0.0.1:8080` for the results of exercise 11,
/// whose paths are what tells them apart.
fn elided_start(texts: &[&str]) -> Option<String> {
    // Each start: how many lines have it, and the least any of them keeps after it.
    let mut starts: HashMap<&str, (usize, usize)> = HashMap::new();
    for text in texts {
        for (i, c) in text.char_indices() {
            // Up to a `/` (kept: `…/hello` reads as a path), or through a `:` or blank.
            let end = match c {
                '/' => i,
                ':' | ' ' => i + 1,
                _ => continue,
            };
            if end >= MIN_ELIDED {
                let (n, kept) = starts.entry(&text[..end]).or_insert((0, usize::MAX));
                *n += 1;
                *kept = (*kept).min(width(&text[end..]));
            }
        }
    }
    // A start whose lines keep too little after it is what tells them apart, not what they
    // share (`starts (2 ` of `starts (2 s)`).
    starts
        .into_iter()
        .filter(|&(_, (n, kept))| n >= 2 && kept >= MIN_KEPT)
        .max_by_key(|&(start, (n, _))| ((width(start) - 1) * n, start))
        .map(|(start, _)| start.to_string())
}

/// How wide `text` shows, in columns (one per character: wide characters are rare in
/// transcripts, and a table slightly off beats a dependency).
fn width(text: &str) -> usize {
    text.chars().count()
}

/// `text` made safe for one cell and cut to `w` columns, with `…` where it was cut: in place of
/// `elide` when it starts so (a lane that must be cut), then at its end if still too wide. A newline shows as `⏎` and other
/// control characters as `�`: they would break the row, or the terminal.
fn cut(text: &str, w: usize, elide: Option<&str>) -> String {
    let clean: String = text
        .chars()
        .map(|c| match c {
            '\n' => '⏎',
            '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect();
    // Every line of a cut lane that starts so is elided, not only the longest: they stay
    // alike, and line up.
    let clean = match elide.and_then(|start| clean.strip_prefix(start)) {
        Some(rest) => format!("…{rest}"),
        None => clean,
    };
    if width(&clean) <= w {
        return clean;
    }
    let mut kept: String = clean.chars().take(w.saturating_sub(1)).collect();
    kept.push('…');
    kept
}

/// Each line of `cells` with a tone: `found` when `unmatched` still counts one like it (which
/// it then uses up), else `not_found`.
fn mark<'a>(
    cells: &'a [Vec<String>],
    unmatched: &mut HashMap<&'a str, usize>,
    found: Tone,
    not_found: Tone,
) -> Vec<Vec<(String, Tone)>> {
    cells
        .iter()
        .map(|c| {
            c.iter()
                .map(|l| match unmatched.get_mut(l.as_str()) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        (l.clone(), found)
                    }
                    _ => (l.clone(), not_found),
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::timeline::stamp;

    fn timeline(text: &str, tasks: &[Option<u32>]) -> Timeline {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        Timeline::build(&lines, tasks).unwrap()
    }

    fn layout(width: usize, max_rows: usize) -> Layout {
        Layout {
            width: Width::cut(width),
            max_rows,
            paint: Paint(false),
        }
    }

    fn interleaved() -> Timeline {
        timeline(
            "  0.000s  up 0\n  0.000s  down 2\n  0.000s  2^0 = 1\n  0.300s  up 1\n  0.500s  down 1\n\
             \x20 0.600s  up 2\n  0.700s  2^1 = 2\n  1.000s  down 0",
            &[1, 2, 3, 1, 2, 1, 3, 2].map(Some),
        )
    }

    #[test]
    fn one_column_per_lane_one_row_per_instant() {
        let table = single(&interleaved(), &layout(100, 50)).unwrap();
        assert_eq!(
            table.lines.join("\n"),
            "    time  up    down    2^…\n\
             ────────  ────  ──────  ───────\n\
             \x20 0.000s  up 0  down 2  2^0 = 1\n\
             \x20 0.300s  up 1\n\
             \x20 0.500s        down 1\n\
             \x20 0.600s  up 2\n\
             \x20 0.700s                2^1 = 2\n\
             \x20 1.000s        down 0"
        );
        assert_eq!(table.hidden, None);
    }

    #[test]
    fn a_tie_in_one_lane_stacks_with_the_time_written_once() {
        let t = timeline(
            "  0.000s  a 1\n  0.000s  a 2\n  0.000s  b 1\n  1.000s  b 2",
            &[Some(1), Some(1), Some(2), Some(2)],
        );
        let table = single(&t, &layout(100, 50)).unwrap();
        assert_eq!(
            table.lines[2..],
            ["  0.000s  a 1  b 1", "          a 2", "  1.000s       b 2"]
        );
    }

    #[test]
    fn wide_cells_are_cut_to_fit_and_narrow_ones_stay_whole() {
        let t = timeline(
            &format!("  0.000s  short\n  0.000s  {}", "long ".repeat(30)),
            &[Some(1), Some(2)],
        );
        let table = single(&t, &layout(60, 50)).unwrap();
        for line in &table.lines {
            assert!(line.chars().count() <= 60, "{line:?} is wider than 60");
        }
        assert!(
            table.lines[2].contains("short  long long"),
            "{:?}",
            table.lines
        );
        assert!(table.lines[2].ends_with('…'), "{:?}", table.lines);
    }

    #[test]
    fn when_lines_do_not_fit_a_lane_leaves_out_the_words_it_is_named_by() {
        let t = timeline(
            "  0.000s  job 0 starts (2 s)\n  0.000s  job 1 starts (3 s)\n  2.000s  job 0 done\n\
             \x20 3.000s  job 1 done\n  3.000s  result 0: Ok(\"job 0: 2 s of work\")",
            &[Some(1), Some(2), Some(1), Some(2), None],
        );
        let wide = single(&t, &layout(100, 50)).unwrap();
        assert!(
            wide.lines[2].contains("job 0 starts (2 s)  job 1 starts (3 s)"),
            "{:?}",
            wide.lines
        );
        let narrow = single(&t, &layout(56, 50)).unwrap();
        assert_eq!(
            narrow.lines,
            [
                "    time  job 0         job 1         main",
                "────────  ────────────  ────────────  ──────────────────",
                "  0.000s  starts (2 s)  starts (3 s)",
                "  2.000s  done",
                "  3.000s                done          result 0: Ok(\"job…",
            ]
        );
    }

    #[test]
    fn too_many_lanes_for_the_width_is_no_table() {
        let tasks: Vec<Option<u32>> = (1..=20).map(Some).collect();
        let text: String = (1..=20)
            .map(|i| format!("  0.000s  worker{i} says hello\n"))
            .collect();
        let t = timeline(&text, &tasks);
        assert_eq!(
            single(&t, &layout(100, 50)),
            Err(NoFit {
                lanes: 20,
                width: 100
            })
        );
        assert_eq!(
            NoFit {
                lanes: 20,
                width: 100
            }
            .to_string(),
            "20 lanes do not fit in 100 columns"
        );
        assert!(single(&t, &layout(400, 50)).is_ok());
    }

    #[test]
    fn long_runs_stop_at_the_row_limit_and_say_what_is_left() {
        let text: String = (0..30)
            .map(|i| format!("{:>7.3}s  tick {i}\n", i as f64))
            .collect();
        let t = timeline(&text, &[]);
        let table = single(&t, &layout(100, 10)).unwrap();
        assert_eq!(table.lines.len(), 2 + 10);
        assert_eq!(table.hidden, Some((20, 10_000)));
        // A first instant taller than the limit is shown all the same.
        let t = timeline("  0.000s  x 1\n  0.000s  x 2\n  0.000s  x 3", &[]);
        let table = single(&t, &layout(100, 1)).unwrap();
        assert_eq!(table.lines.len(), 2 + 3);
    }

    #[test]
    fn control_characters_cannot_break_a_row() {
        let t = Timeline::build(&["  0.000s  a\nb \x1b[31mred".to_string()], &[]).unwrap();
        let table = single(&t, &layout(100, 50)).unwrap();
        assert_eq!(table.lines[2], "  0.000s  a⏎b \u{fffd}[31mred");
    }

    #[test]
    fn versus_puts_the_sides_on_one_time_column_and_marks_where_they_differ() {
        let theirs = interleaved();
        // Yours ran up to the end, then down: at 0.000 s only `up 0` was said.
        let mine = timeline(
            "  0.000s  up 0\n  0.300s  up 1\n  0.600s  up 2\n  0.600s  down 2\n  1.100s  down 1",
            &[Some(1), Some(1), Some(1), Some(2), Some(2)],
        );
        let table = versus(&theirs, "solution", &mine, &layout(100, 50)).unwrap();
        let text = table.lines.join("\n");
        assert_eq!(table.lines[0].trim_start(), "solution              │ yours");
        assert!(
            table.lines[1].contains("up    down    2^…     │ up    down"),
            "{text}"
        );
        let row = |time: &str| -> &str {
            table
                .lines
                .iter()
                .find(|l| l.starts_with(time))
                .unwrap_or_else(|| panic!("no row at {time}:\n{text}"))
        };
        assert!(row("  0.000s ≠").ends_with("│ up 0"), "{text}");
        assert!(
            row("  0.300s    up 1").ends_with("│ up 1"),
            "the same: no mark\n{text}"
        );
        // Instants only one side has are rows too.
        assert!(row("  1.100s ≠").ends_with("│       down 1"), "{text}");
    }

    #[test]
    fn colour_tells_missing_from_extra_lines() {
        let theirs = timeline("  0.000s  a 0\n  0.000s  b 0", &[Some(1), Some(2)]);
        let mine = timeline("  0.000s  a 0\n  0.000s  c 0", &[Some(1), Some(2)]);
        let table = versus(
            &theirs,
            "solution",
            &mine,
            &Layout {
                paint: Paint(true),
                ..layout(100, 50)
            },
        )
        .unwrap();
        let row = &table.lines[3];
        assert!(
            row.contains("\x1b[31mb 0\x1b[0m"),
            "missing from yours, red: {row:?}"
        );
        assert!(
            row.contains("\x1b[32mc 0\x1b[0m"),
            "only yours, green: {row:?}"
        );
        assert!(
            !row.contains("\x1b[31ma 0") && !row.contains("\x1b[32ma 0"),
            "{row:?}"
        );
    }

    /// Exercise 07's demo: a task per job, results said in main.
    fn pool() -> Timeline {
        let mut text = String::new();
        let mut tasks = Vec::new();
        for (job, (from, to, secs)) in [
            (0, 2, 2),
            (0, 3, 3),
            (0, 1, 1),
            (1, 3, 2),
            (2, 3, 1),
            (3, 5, 2),
        ]
        .into_iter()
        .enumerate()
        {
            text += &format!("{from:>3}.000s  job {job} starts ({secs} s)\n");
            text += &format!("{to:>3}.000s  job {job} done\n");
            tasks.extend([Some(job as u32 + 1); 2]);
        }
        for job in 0..6 {
            text += &format!("  5.000s  result {job}: Ok(\"job {job}: 2 s of work\")\n");
            tasks.push(None);
        }
        // Lines sorted by time, as a transcript is.
        let mut said: Vec<(String, Option<u32>)> =
            text.lines().map(str::to_string).zip(tasks).collect();
        said.sort_by_key(|(l, _)| stamp(l).unwrap().0);
        let (lines, tasks): (Vec<String>, Vec<Option<u32>>) = said.into_iter().unzip();
        Timeline::build(&lines, &tasks).unwrap()
    }

    fn whole(width: usize) -> Layout {
        Layout {
            width: Width::whole(width),
            max_rows: 50,
            paint: Paint(false),
        }
    }

    #[test]
    fn the_width_asked_for_is_kept_a_terminal_is_100_and_off_one_cells_are_whole() {
        assert_eq!(Width::choose(true, Some("140")), Width::cut(140));
        assert_eq!(Width::choose(false, Some(" 90 ")), Width::cut(90));
        assert_eq!(Width::choose(true, None), Width::cut(100));
        assert_eq!(Width::choose(true, Some("wide")), Width::cut(100));
        assert_eq!(Width::choose(false, None), Width::whole(OFF_TERMINAL));
        assert_eq!(Width::choose(false, Some("0")), Width::whole(OFF_TERMINAL));
    }

    #[test]
    fn off_a_terminal_no_cell_is_cut() {
        let t = pool();
        let table = single(&t, &whole(OFF_TERMINAL)).unwrap();
        let text = table.lines.join("\n");
        assert!(!text.contains('…'), "{text}");
        for secs in ["(2 s)", "(3 s)", "(1 s)"] {
            assert!(text.contains(&format!("starts {secs}")), "{text}");
        }
        assert!(
            text.contains("result 5: Ok(\"job 5: 2 s of work\")"),
            "{text}"
        );
        // The same picture cut for 100 columns hides the durations: what off a terminal avoids.
        let cut = single(&t, &layout(100, 50)).unwrap().lines.join("\n");
        assert!(cut.contains('…'), "{cut}");
        // Whole cells that need more than the width: no table (the caller lists the lines).
        assert!(single(&t, &whole(60)).is_err());
        // Only as wide as the cells need.
        let widest = table.lines.iter().map(|l| l.chars().count()).max().unwrap();
        assert!(widest < OFF_TERMINAL, "{widest}");
    }

    #[test]
    fn a_cut_keeps_what_tells_the_lines_apart() {
        let mut text = String::from("  0.000s  fetching 6 URLs, at most 2 at a time\n");
        let mut tasks = vec![None];
        for (i, path) in ["hello", "slow", "missing", "garbage", "count"]
            .iter()
            .enumerate()
        {
            text += &format!("  0.000s  server: GET /{path}\n");
            tasks.push(Some(i as u32 + 1));
        }
        for (path, result) in [
            ("hello", "200, 12 bytes: \"hello, world\""),
            ("slow", "timed out"),
            ("missing", "status 404"),
            ("garbage", "malformed response"),
            ("count", "200, 15 bytes: \"one, two, three\""),
        ] {
            text += &format!("  1.000s  http://127.0.0.1:8080/{path}: {result}\n");
            tasks.push(None);
        }
        text += "  1.000s  http://127.0.0.1:1/: could not connect (connection refused)\n";
        tasks.push(None);
        let t = timeline(&text, &tasks);
        assert_eq!(t.lanes[1], "server /hello");
        let table = single(&t, &layout(140, 50)).unwrap();
        let text = table.lines.join("\n");
        for line in &table.lines {
            assert!(line.chars().count() <= 140, "{line:?}");
        }
        for path in ["hello", "slow", "missing", "garbage", "count"] {
            assert!(text.contains(&format!("…/{path}: ")), "{text}");
            assert!(text.contains(&format!("GET /{path}")), "{text}");
        }
        assert!(
            text.contains("…/hello: 200, 12 bytes: \"hello, world\""),
            "{text}"
        );
        assert!(text.contains("http://127.0.0.1:1/: could not"), "{text}");
        assert!(!text.contains("task 1"), "{text}");
    }

    #[test]
    fn narrow_lanes_stay_whole_while_the_wide_ones_can_make_the_room() {
        // 07 in one table at 120 columns: seven job lanes and the results.
        assert_eq!(
            fit(&[12, 12, 12, 7, 14, 14, 14, 37], 94),
            Some(vec![12, 12, 12, 7, 14, 14, 14, 9])
        );
        // When even that cannot fit, every lane is cut alike.
        assert_eq!(
            fit(&[12, 12, 12, 7, 12, 12, 12, 35], 76),
            Some(vec![9, 9, 9, 7, 9, 9, 9, 9])
        );
        assert_eq!(fit(&[12; 20], 100), None);
    }

    #[test]
    fn a_start_is_elided_only_where_what_follows_it_tells_the_lines_apart() {
        let urls = [
            "http://127.0.0.1:8080/hello: 200, 12 bytes",
            "http://127.0.0.1:8080/slow: timed out",
            "fetching 6 URLs",
        ];
        assert_eq!(
            elided_start(&urls).as_deref(),
            Some("http://127.0.0.1:8080")
        );
        // `starts (2 ` is shared, but would leave only `s)`.
        assert_eq!(
            elided_start(&["starts (2 s)", "starts (2 s)", "done"]),
            None
        );
        // One line is no pattern.
        assert_eq!(elided_start(&[urls[0]]), None);
    }

    #[test]
    fn both_sides_go_in_one_table_when_side_by_side_is_too_wide() {
        let theirs = pool();
        // Yours: job 5 started a second late, and finished so.
        let lines: Vec<String> = theirs
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().flatten().map(move |l| (r.ms, l.clone())))
            .map(|(ms, l)| match l.as_str() {
                "job 5 starts (2 s)" | "job 5 done" => format!("{}  {l}", format_ms(ms + 1000)),
                _ => format!("{}  {l}", format_ms(ms)),
            })
            .collect();
        let mut said: Vec<String> = lines;
        said.sort_by_key(|l| stamp(l).unwrap().0);
        let tasks: Vec<Option<u32>> = said
            .iter()
            .map(|l| {
                let text = stamp(l).unwrap().1;
                text.strip_prefix("job ")
                    .and_then(|r| r[..1].parse::<u32>().ok())
                    .map(|j| j + 1)
            })
            .collect();
        let mine = Timeline::build(&said, &tasks).unwrap();
        assert!(render(&side_by_side(&theirs, "solution", &mine), &layout(120, 50)).is_err());
        let table = versus(&theirs, "solution", &mine, &layout(120, 50)).unwrap();
        let text = table.lines.join("\n");
        for line in &table.lines {
            assert!(line.chars().count() <= 120, "{line:?}");
        }
        assert!(
            table.lines[0].contains("solution and yours in one"),
            "{text}"
        );
        assert!(!text.contains(" │ "), "{text}");
        let row = |time: &str| -> &str {
            table
                .lines
                .iter()
                .find(|l| l.starts_with(time))
                .unwrap_or_else(|| panic!("no row at {time}:\n{text}"))
        };
        // At 3 s the solution started job 5 and yours did not: `-`; at 4 s yours did: `+`.
        assert!(row("  3.000s ≠").contains("- starts"), "{text}");
        assert!(row("  4.000s ≠").contains("+ starts"), "{text}");
        assert!(!row("  0.000s").contains('≠'), "{text}");
    }
}
