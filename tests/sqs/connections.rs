//! Clients that hold connections without sending requests cannot stop others from being
//! served: a slow-loris client (headers a byte at a time) and idle keep-alive connections
//! are closed after the header read timeout, a client that stops reading its answers is cut
//! off after the write timeout, and at `max_connections` a new client takes the place of the
//! connection idle longest (never one with a request in flight) while a flood past the limit
//! waits in the backlog instead of taking memory.
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

#[tokio::test]
async fn a_client_that_never_reads_its_answers_is_cut_off() {
    let server = Server::builder()
        .port(0)
        .housekeeping(false)
        .max_connections(1)
        .header_read_timeout(HEADER_TIMEOUT)
        .write_timeout(HEADER_TIMEOUT)
        .spawn()
        .await
        .expect("server starts");
    let queue_url = {
        let sqs = sluice_tests::sqs_client(&server.endpoint_url(), "us-east-1");
        let url = sqs
            .create_queue()
            .queue_name("big")
            .send()
            .await
            .expect("create")
            .queue_url
            .expect("url");
        for _ in 0..10 {
            sqs.send_message()
                .queue_url(&url)
                .message_body("x".repeat(262_000))
                .send()
                .await
                .expect("send");
        }
        url
    };
    // A client with a tiny receive window asks for ~80 MB of answers (30 pipelined receives
    // of ten 256 KB messages each, visible again at once) and reads none of them: the
    // server's writes stall with the connection holding the only slot.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    let mut greedy = socket.connect(server.addr()).await.expect("connect");
    let body =
        format!(r#"{{"QueueUrl":"{queue_url}","MaxNumberOfMessages":10,"VisibilityTimeout":0}}"#);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: AmazonSQS.ReceiveMessage\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr(),
        body.len()
    );
    greedy
        .write_all(request.repeat(30).as_bytes())
        .await
        .expect("write");
    // The only slot frees once the stalled connection is cut off.
    list_queues_works(&server.endpoint_url()).await;
    // What it can still read is what the kernel had buffered, far from all 30 answers.
    let mut sink = vec![0u8; 1 << 16];
    let mut read = 0usize;
    let ended = tokio::time::timeout(PATIENCE, async {
        loop {
            match greedy.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => read += n,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the server closed the stalled connection");
    assert!(read < 10 * 2_620_000, "read {read} bytes");
}

/// Reads one HTTP/1.1 answer with a Content-Length; its status line and body.
async fn read_answer(stream: &mut TcpStream) -> (String, String) {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .expect("content-length");
            if received.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&received[end + 4..end + 4 + length]);
                let status = head.lines().next().unwrap_or_default().to_string();
                return (status, body.to_string());
            }
        }
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
            .await
            .expect("answer in time")
            .expect("read");
        assert!(n > 0, "closed before the answer was complete");
        received.extend_from_slice(&chunk[..n]);
    }
}

fn sqs_json(operation: &str, body: &str) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: AmazonSQS.{operation}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A server whose header deadline never helps: only making room frees a slot.
async fn patient_server(max_connections: usize) -> sluice::RunningServer {
    Server::builder()
        .port(0)
        .housekeeping(false)
        .max_connections(max_connections)
        .header_read_timeout(Duration::from_secs(600))
        .spawn()
        .await
        .expect("server starts")
}

#[tokio::test]
async fn at_the_limit_the_connection_idle_longest_makes_room() {
    let server = patient_server(4).await;
    let mut kept_alive = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("write");
        let (status, _) = read_answer(&mut stream).await;
        assert_eq!(status, "HTTP/1.1 200 OK");
        kept_alive.push(stream);
    }
    list_queues_works(&server.endpoint_url()).await;
    // The first connection asked last is the one closed; the others stay usable.
    closed_by_server(&mut kept_alive[0]).await;
    let last = kept_alive.last_mut().expect("four");
    last.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    assert_eq!(read_answer(last).await.0, "HTTP/1.1 200 OK");
}

#[tokio::test]
async fn making_room_never_cuts_a_request_in_flight() {
    let server = patient_server(2).await;
    // Connection A creates a queue, then long-polls it.
    let mut polling = TcpStream::connect(server.addr()).await.expect("connect");
    polling
        .write_all(&sqs_json("CreateQueue", r#"{"QueueName":"waiting"}"#))
        .await
        .expect("write");
    let (status, body) = read_answer(&mut polling).await;
    assert_eq!(status, "HTTP/1.1 200 OK", "{body}");
    let queue_url = serde_json::from_str::<serde_json::Value>(&body).expect("json")["QueueUrl"]
        .as_str()
        .expect("url")
        .to_string();
    let poll = format!(r#"{{"QueueUrl":"{queue_url}","WaitTimeSeconds":20}}"#);
    polling
        .write_all(&sqs_json("ReceiveMessage", &poll))
        .await
        .expect("write");
    // Connection B is idle after one request, and asked after A's long poll began.
    let mut idle = TcpStream::connect(server.addr()).await.expect("connect");
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    read_answer(&mut idle).await;
    // A third client gets B's slot, not A's, and its message reaches A's long poll.
    let sqs = sluice_tests::sqs_client(&server.endpoint_url(), "us-east-1");
    tokio::time::timeout(
        PATIENCE,
        sqs.send_message()
            .queue_url(&queue_url)
            .message_body("made room")
            .send(),
    )
    .await
    .expect("served in time")
    .expect("send");
    let (status, body) = read_answer(&mut polling).await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("made room"), "{body}");
    closed_by_server(&mut idle).await;
}
