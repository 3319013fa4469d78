//! Clients that hold connections without sending requests cannot stop others from being
//! served: a slow-loris client (headers a byte at a time) and idle keep-alive connections
//! are closed after the header read timeout, and a flood of idle connections past
//! `max_connections` waits in the backlog instead of taking memory, then gets served.
//! These run on real sockets and real time (the server's timers are the network's, not the
//! emulated clock), with short limits.

use std::time::Duration;

use sluice::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HEADER_TIMEOUT: Duration = Duration::from_millis(300);
/// Far longer than `HEADER_TIMEOUT`: a bound on waiting, not a sleep.
const PATIENCE: Duration = Duration::from_secs(10);

async fn server(max_connections: usize) -> sluice::RunningServer {
    Server::builder()
        .port(0)
        .housekeeping(false)
        .max_connections(max_connections)
        .header_read_timeout(HEADER_TIMEOUT)
        .spawn()
        .await
        .expect("server starts")
}

/// Waits until the server closes `stream`; what it sent before closing.
async fn closed_by_server(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received))
        .await
        .expect("the server closes the connection")
        .expect("read");
    received
}

async fn list_queues_works(endpoint: &str) {
    let sqs = sluice_tests::sqs_client(endpoint, "us-east-1");
    tokio::time::timeout(PATIENCE, sqs.list_queues().send())
        .await
        .expect("served in time")
        .expect("list queues");
}

#[tokio::test]
async fn a_slow_loris_is_cut_off_while_others_are_served() {
    let server = server(100).await;
    let mut slow = TcpStream::connect(server.addr()).await.expect("connect");
    slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Am")
        .await
        .expect("write");
    list_queues_works(&server.endpoint_url()).await;
    let answer = closed_by_server(&mut slow).await;
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = server(100).await;
    let mut idle = TcpStream::connect(server.addr()).await.expect("connect");
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).await.expect("answer");
    assert_eq!(&first, b"HTTP/1.1 200");
    closed_by_server(&mut idle).await;
}

#[tokio::test]
async fn a_flood_of_idle_connections_past_the_limit_still_lets_a_client_in() {
    let limit = 50;
    let server = server(limit).await;
    let mut flood = Vec::new();
    for _ in 0..limit * 2 {
        flood.push(TcpStream::connect(server.addr()).await.expect("connect"));
    }
    // Every slot is taken by a connection that sends nothing; the client gets in once the
    // header timeout frees them.
    list_queues_works(&server.endpoint_url()).await;
    for stream in &mut flood {
        closed_by_server(stream).await;
    }
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_silent_connection() {
    let server = Server::builder()
        .port(0)
        .housekeeping(false)
        .header_read_timeout(Duration::from_secs(600))
        .spawn()
        .await
        .expect("server starts");
    let mut silent = TcpStream::connect(server.addr()).await.expect("connect");
    list_queues_works(&server.endpoint_url()).await;
    tokio::time::timeout(PATIENCE, server.shutdown())
        .await
        .expect("shutdown does not wait for the header deadline");
    closed_by_server(&mut silent).await;
}
