use chat_server_solution as chat_server;

// The demo: `cargo run -p chat-server` plays the scene of `run()` (about 10 seconds), then serves
// the real thing on a TCP port of 127.0.0.1 until Ctrl-C: talk to it with `nc 127.0.0.1 PORT` from
// two or three terminals. `cargo run -p chat-server -- 7878` picks the port.
use tokio::net::TcpListener;

fn main() -> std::io::Result<()> {
    let port: u16 = match std::env::args().nth(1) {
        Some(port) => port
            .parse()
            .expect("the port should be a number, like 7878"),
        None => 0, // the OS picks a free one
    };
    awaitlings::demo(async {
        chat_server::run().await;

        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let port = listener.local_addr()?.port();
        awaitlings::say!(
            "now the real thing: `nc 127.0.0.1 {port}` in two terminals (Ctrl-C stops)"
        );
        chat_server::serve(listener, chat_server::Hub::new()).await
    })
}
