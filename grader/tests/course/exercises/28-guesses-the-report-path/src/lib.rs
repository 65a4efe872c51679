use awaitlings::say;

/// A passing report in the harness's own format, with a nonce made up on the spot.
const FAKE: &str = "awaitlings-report 1\nnonce 32\n00000000000000000000000000000000\n\
                    verdict 4\npass\nfinished 1\n1\ndropped 1\n0\nvirtual_ms 8\n1000.000\n\
                    wall_ms 5\n1.000\n";

pub async fn answer() -> u32 {
    say!("thinking");
    // The check runs in an empty directory `work-N` beside where the grader reads `report-N`:
    // a student who reads the grader's source can find the path, but not the nonce.
    let here = std::env::current_dir().unwrap();
    let n = here
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("work-"))
        .expect("the check's working directory is work-N")
        .to_string();
    std::fs::write(here.join("..").join(format!("report-{n}")), FAKE).unwrap();
    std::process::exit(0)
}
