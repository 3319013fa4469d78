//! Accepting connections: one task per connection served by hyper (HTTP/1.1 and HTTP/2,
//! for SubscribeToShard), a bound on open connections (at it, the connection idle longest
//! makes room for a waiting client), deadlines for each request's headers and for answers a
//! client does not read, and a graceful shutdown that lets in-flight requests (long polls)
//! answer.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::time::Sleep;
use tower::ServiceExt;

use crate::connection_table::{ConnectionTable, Entry};

/// How often a client waiting for a slot looks again for an idle connection to close (one
/// asked before may be slow to finish, or a busy one may have become idle).
const EVICTION_RETRY: Duration = Duration::from_millis(100);

/// How many connections may be open at once, how long a client may take to send a
/// request's headers (slow clients and idle keep-alive connections are closed past it), and
/// how long writing an answer may stall on a client that does not read it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    pub(crate) max_connections: usize,
    pub(crate) header_read_timeout: Duration,
    pub(crate) write_timeout: Duration,
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting, asks every
/// connection to finish its in-flight requests and returns once all have closed.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let table = Arc::new(ConnectionTable::default());
    let (closing_tx, closing_rx) = watch::channel(false);
    // Every connection task holds a sender: `recv` answers `None` once all have ended.
    let (open_tx, mut open_rx) = mpsc::channel::<()>(1);
    tokio::pin!(shutdown);
    'accepting: loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, typically: wait for some to close rather than
                    // spin on the error.
                    tracing::warn!(%error, "accepting a connection failed");
                    #[allow(clippy::disallowed_methods)] // the OS frees descriptors in real time
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // At the limit, the connection idle longest (silent, or kept alive between
        // requests) is asked to close; with every connection busy, the client waits for
        // one to finish, and clients behind it wait in the kernel's backlog.
        let permit = loop {
            if let Ok(permit) = permits.clone().try_acquire_owned() {
                break permit;
            }
            table.evict_longest_idle();
            #[allow(clippy::disallowed_methods)] // a network deadline, in real time
            let look_again = tokio::time::sleep(EVICTION_RETRY);
            tokio::select! {
                () = &mut shutdown => break 'accepting,
                permit = permits.clone().acquire_owned() => match permit {
                    Ok(permit) => break permit,
                    Err(_) => break 'accepting,
                },
                () = look_again => {}
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let closing = closing_rx.clone();
        let open = open_tx.clone();
        let entry = table.enter();
        let table = table.clone();
        tokio::spawn(async move {
            serve_connection(stream, peer, app, limits, closing, &table, &entry).await;
            drop(entry);
            drop(permit);
            drop(open);
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    drop(open_tx);
    let _ = open_rx.recv().await;
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    mut closing: watch::Receiver<bool>,
    table: &Arc<ConnectionTable>,
    entry: &Entry,
) {
    let evicted = &entry.connection.evicted;
    // hyper's header deadline starts only once bytes arrive (the auto builder first waits
    // for them to tell HTTP/1.1 from HTTP/2), so a connection that never sends would hold its
    // slot forever: it gets the same deadline for its first byte.
    // A shutdown does not wait for it either.
    let mut first = [0u8; 1];
    #[allow(clippy::disallowed_methods)] // a network deadline, in real time
    let first_byte = tokio::time::timeout(limits.header_read_timeout, stream.peek(&mut first));
    tokio::select! {
        peeked = first_byte => if !matches!(peeked, Ok(Ok(n)) if n > 0) {
            return;
        },
        _ = closing.wait_for(|closing| *closing) => return,
        () = evicted.notified() => return,
    }
    let (table, connection) = (table.clone(), entry.connection.clone());
    let service = tower::service_fn(move |mut request: http::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let in_flight = table.request_started(&connection);
        let answered = app.clone().oneshot(request);
        async move {
            let response = answered.await;
            drop(in_flight);
            response
        }
    });
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let stream = WriteDeadline::new(stream, limits.write_timeout);
    let connection = builder
        .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::pin!(connection);
    // Closing (shutdown or eviction) lets a request in flight finish first.
    let mut shutting_down = false;
    loop {
        tokio::select! {
            _ = connection.as_mut() => break,
            changed = closing.wait_for(|closing| *closing), if !shutting_down => {
                shutting_down = true;
                if changed.is_ok() {
                    connection.as_mut().graceful_shutdown();
                }
            }
            () = evicted.notified(), if !shutting_down => {
                shutting_down = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A socket whose writes fail with `TimedOut` once one has made no progress for `limit`:
/// hyper has no write deadline, and a client that stops reading would otherwise hold its
/// connection slot and its unsent answer for as long as it stays connected.
struct WriteDeadline {
    stream: TcpStream,
    limit: Duration,
    /// Armed when a write first cannot proceed; disarmed by any progress.
    stalled_since: Option<Pin<Box<Sleep>>>,
}

impl WriteDeadline {
    fn new(stream: TcpStream, limit: Duration) -> Self {
        WriteDeadline {
            stream,
            limit,
            stalled_since: None,
        }
    }

    /// Passes a ready result through (progress disarms the deadline); on `Pending`, arms
    /// the deadline if needed and answers `TimedOut` once it has passed.
    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            self.stalled_since = None;
            return polled;
        }
        let limit = self.limit;
        #[allow(clippy::disallowed_methods)] // a network deadline, in real time
        let deadline = self
            .stalled_since
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client read nothing of its answer within the write timeout",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for WriteDeadline {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteDeadline {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.watch(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.watch(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.stream).poll_flush(cx);
        self.watch(cx, polled)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.stream).poll_shutdown(cx);
        self.watch(cx, polled)
    }
}
