use awaitlings::say;
use std::path::PathBuf;
use std::time::Duration;

/// A report in the harness's own format, saying "pass", with a nonce made up on the spot.
const FAKE: &str = "awaitlings-report 1\nnonce 32\n00000000000000000000000000000000\n\
                    verdict 4\npass\nfinished 1\n1\ndropped 1\n0\nvirtual_ms 8\n1000.000\n\
                    wall_ms 5\n1.000\n";

pub async fn answer() -> u32 {
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Hunt for the report channel in the environment, as the grader's own variables would carry
    // it. Finding any of them is a leak: say so loudly (a panic is a verdict the test notices).
    let leaked: Vec<String> = std::env::vars_os()
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .filter(|k| k.starts_with("AWAITLINGS_"))
        .collect();
    let environ = std::fs::read("/proc/self/environ").unwrap_or_default();
    let environ = String::from_utf8_lossy(&environ);
    if !leaked.is_empty() || environ.contains("AWAITLINGS_") {
        panic!("found the grader's variables: {leaked:?} {environ:?}");
    }

    // None there. Write fake passing reports wherever one might be read: here and one level up.
    let here = std::env::current_dir().unwrap_or_default();
    let dirs: Vec<PathBuf> = here.ancestors().take(2).map(PathBuf::from).collect();
    for dir in dirs {
        for name in [
            "report",
            "report.txt",
            "awaitlings-report",
            "report.partial",
        ] {
            let _ = std::fs::write(dir.join(name), FAKE);
        }
    }
    println!("test answer_is_42 ... ok");
    std::process::exit(0)
}
