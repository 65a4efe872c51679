// The demo: `cargo run -p char-count` counts the characters of the little texts in this crate's
// `texts/` folder (and of one file that is not there), one task per file, in real time. It takes
// about 0.8 s: as long as the longest file, limerick.txt (5 lines, 4 pauses of LINE_DELAY). Each
// line shows the time since the start, the way the grader's transcripts do.
use std::path::PathBuf;

fn main() {
    // The texts are named relative to this crate's folder, wherever cargo is run from.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("cannot enter the crate's folder");
    let paths: Vec<PathBuf> = ["haiku.txt", "limerick.txt", "unicode.txt", "missing.txt"]
        .iter()
        .map(|name| PathBuf::from("texts").join(name))
        .collect();
    awaitlings::demo(char_count::report(&paths));
}
