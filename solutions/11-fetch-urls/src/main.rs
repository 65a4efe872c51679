use fetch_urls_solution as fetch_urls;

// The demo: `cargo run -p fetch-urls` starts a little HTTP server on 127.0.0.1 (a port the OS
// picks), then fetches six URLs from it, two at a time, with a 1 s timeout each, in real time
// (about 1 second). One page is slow, one missing, one is not HTTP at all, and one URL points at a
// port where nobody listens: watch each URL get its own result, in the order given.
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::sleep;

fn main() {
    awaitlings::demo(async {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("could not listen on 127.0.0.1");
        let port = listener
            .local_addr()
            .expect("a bound listener has an address")
            .port();
        tokio::spawn(serve(listener));

        let urls = ["/hello", "/slow", "/missing", "/garbage", "/count"]
            .iter()
            .map(|path| format!("http://127.0.0.1:{port}{path}"))
            // Port 1 on loopback: nobody listens there, so the connection is refused.
            .chain(std::iter::once("http://127.0.0.1:1/".to_string()))
            .collect();
        fetch_urls::report(fetch_urls::TcpConnector, urls, 2, Duration::from_secs(1)).await;
    });
}

/// The demo's server: one task per connection.
async fn serve(listener: TcpListener) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(answer(stream));
    }
}

/// Reads one request's head and answers it by its path, like the grader's own servers do.
async fn answer(mut stream: TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split(' ').nth(1).unwrap_or("/").to_string();
    awaitlings::say!("server: GET {path}");
    // (milliseconds to wait, then what to send), step by step.
    let steps: &[(u64, &str)] = match path.as_str() {
        "/hello" => &[(
            500,
            "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello, world",
        )],
        "/slow" => &[(3000, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow")],
        "/garbage" => &[(0, "SSH-2.0-OpenSSH_9.6\r\n")],
        "/count" => &[
            (0, "HTTP/1.1 200 OK\r\n\r\none, "),
            (200, "two, "),
            (200, "three"),
        ],
        _ => &[(
            0,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found",
        )],
    };
    for &(wait, text) in steps {
        sleep(Duration::from_millis(wait)).await;
        if stream.write_all(text.as_bytes()).await.is_err() {
            return;
        }
    }
    // A body without Content-Length ends where the stream does: close it. The others are kept
    // open ("keep-alive") until the client is done, as many servers do.
    if matches!(path.as_str(), "/count" | "/garbage") {
        return;
    }
    let _ = stream.read(&mut byte).await;
}
