use awaitlings::say;

/// A passing report in the harness's own format, with a nonce made up on the spot.
const FAKE: &str = "awaitlings-report 1\nnonce 32\n00000000000000000000000000000000\n\
                    verdict 4\npass\nfinished 1\n1\ndropped 1\n0\nvirtual_ms 8\n1000.000\n\
                    wall_ms 5\n1.000\n";

pub async fn answer() -> u32 {
    say!("thinking");
    // The check runs in an empty directory `work` inside the check's own directory, beside where
    // the grader reads its `report`: a student who reads the grader's source can find the path
    // (and the sandbox lets the check write there), but not the nonce.
    let here = std::env::current_dir().unwrap();
    assert_eq!(
        here.file_name().and_then(|n| n.to_str()),
        Some("work"),
        "the check's working directory is check-N/work"
    );
    std::fs::write(here.join("..").join("report"), FAKE).unwrap();
    std::process::exit(0)
}
