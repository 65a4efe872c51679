use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    let task = tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if std::hint::black_box(true) {
            panic!("the oven caught fire");
        }
        42
    });
    task.await.unwrap()
}
