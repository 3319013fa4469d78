//! Sluice: a local, fast and faithful emulator of Amazon SQS, SNS and Kinesis Data Streams on
//! one port. This crate is the composition root — settings, the shared clock and scheduler,
//! the services and the ports between them, the HTTP routes (Sluice's own endpoints, then the
//! one AWS entry point) and graceful shutdown — and a library, so Rust tests can run a server
//! in-process:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = sluice::Server::builder().port(0).manual_clock().spawn().await?;
//! println!("SQS endpoint: {}", server.endpoint_url());
//! if let Some(clock) = server.manual_clock() {
//!     clock.advance(std::time::Duration::from_secs(30)).await; // skip a visibility timeout
//! }
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod accept;
mod admin;
mod bootstrap;
mod bridge;
pub mod config;
mod connection_table;
mod entry;
mod localstack_env;
mod metrics;
mod respond;
mod snapshot;
mod state;
mod store;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use sluice_core::{Clock, IdSource, ManualClock, Runtime, Scheduler, SystemClock, Timestamp};
use sluice_sqs::SqsService;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use bootstrap::{Bootstrap, ConfigFile};
pub use config::{ClockMode, Settings};
pub use localstack_env::localstack_settings;
use state::AppState;
use store::Store;
pub use store::{check as check_data_dir, export as export_data_dir, import as import_data_dir};

/// How often idle queues are swept for expired messages. Correctness never depends on it:
/// every operation applies expiry itself; the sweep only frees memory of untouched queues.
const HOUSEKEEPING_PERIOD: Duration = Duration::from_secs(10);

/// Entry point for starting Sluice.
#[derive(Debug)]
pub struct Server;

impl Server {
    pub fn builder() -> ServerBuilder {
        ServerBuilder {
            settings: Settings::default(),
            seed: None,
            clock_start: None,
            bootstrap: Bootstrap::default(),
        }
    }
}

/// Configures a server before it starts.
#[derive(Debug)]
pub struct ServerBuilder {
    settings: Settings,
    seed: Option<u64>,
    clock_start: Option<Timestamp>,
    bootstrap: Bootstrap,
}

impl ServerBuilder {
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.settings.host = host.into();
        self
    }
    /// Port to listen on; 0 picks a free one (see [`RunningServer::addr`]).
    pub fn port(mut self, port: u16) -> Self {
        self.settings.port = port;
        self
    }
    /// Uses a [`ManualClock`] starting at the current wall-clock time; time then moves only
    /// through [`RunningServer::manual_clock`].
    pub fn manual_clock(mut self) -> Self {
        self.settings.clock = ClockMode::Manual;
        self
    }
    /// Uses a [`ManualClock`] that starts at `epoch_millis`: with [`Self::seeded_ids`], every
    /// answer (ids, timestamps, sequence numbers) is the same on every run.
    pub fn manual_clock_at(mut self, epoch_millis: u64) -> Self {
        self.settings.clock = ClockMode::Manual;
        self.clock_start = Some(Timestamp(epoch_millis));
        self
    }
    /// Turns the periodic sweep of idle queues off, so that the only sleepers on a manual
    /// clock are the requests a test makes.
    pub fn housekeeping(mut self, enabled: bool) -> Self {
        self.settings.housekeeping = enabled;
        self
    }
    /// Whether a deleted queue's name stays unusable for 60 seconds, as in AWS (default on).
    pub fn queue_deleted_recently(mut self, enforce: bool) -> Self {
        self.settings.queue_deleted_recently = enforce;
        self
    }
    /// Queues, topics and subscriptions to create before serving (see [`ConfigFile`]).
    pub fn bootstrap(mut self, bootstrap: Bootstrap) -> Self {
        self.bootstrap = bootstrap;
        self
    }
    /// How long new Kinesis streams and consumers stay CREATING (0: ACTIVE at once).
    pub fn kinesis_status_delay(mut self, delay: Duration) -> Self {
        self.settings.kinesis_status_delay_ms =
            u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self
    }
    /// Connections open at once (default 10,000); at the limit the one idle longest makes
    /// room for a new client.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.settings.max_connections = connections.max(1);
        self
    }
    /// How long a client may take to send a request's headers, and an idle keep-alive
    /// connection may stay open (default 30 s).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.settings.header_read_timeout_ms = u64::try_from(timeout.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        self
    }
    /// How long writing an answer may stall on a client that does not read it before the
    /// connection is closed (default 30 s).
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.settings.write_timeout_ms = u64::try_from(timeout.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        self
    }
    /// Keeps state in `dir` across restarts (see the README's "Durable state").
    pub fn data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.settings.data_dir = Some(dir.into());
        self
    }
    /// What an acknowledged change survives when a data dir is set.
    pub fn durability(mut self, durability: config::Durability) -> Self {
        self.settings.durability = durability;
        self
    }
    /// Record bytes all Kinesis streams may hold before writes are refused.
    pub fn kinesis_max_retained_bytes(mut self, bytes: u64) -> Self {
        self.settings.kinesis_max_retained_bytes = bytes;
        self
    }
    /// Makes message ids and request ids a reproducible sequence.
    pub fn seeded_ids(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Binds the port and starts serving on the current tokio runtime.
    pub async fn spawn(mut self) -> std::io::Result<RunningServer> {
        let listener = TcpListener::bind((self.settings.host.as_str(), self.settings.port)).await?;
        let addr = listener.local_addr()?;
        let bootstrap = std::mem::take(&mut self.bootstrap);
        let mut settings = self.settings.clone();
        if settings.port == 0 {
            settings.port = addr.port();
        }
        let limits = accept::ConnectionLimits {
            max_connections: settings.max_connections,
            header_read_timeout: Duration::from_millis(settings.header_read_timeout_ms),
            write_timeout: Duration::from_millis(settings.write_timeout_ms),
        };
        let store = match &settings.data_dir {
            Some(dir) => Some(Arc::new(
                Store::open(dir, settings.durability).map_err(std::io::Error::other)?,
            )),
            None => None,
        };
        self.settings = settings;
        let (state, scheduler, manual) = self.assemble_with(store.clone());
        let stop = |scheduler: Scheduler, store: Option<Arc<Store>>| async move {
            scheduler.shutdown().await;
            if let Some(store) = store {
                store.close();
            }
        };
        if let Some(store) = &store {
            let started = store
                .restore(&state.sqs, &state.sns, &state.kinesis, state.clock.now())
                .and_then(|pending| store.start().map(|()| pending));
            match started {
                Ok(unfinished) => {
                    for (message, base_url) in unfinished.fan_outs {
                        state.sns.redeliver(message, base_url).await;
                    }
                    for delivery in unfinished.http_deliveries {
                        state.sns.resume_http_delivery(delivery).await;
                    }
                }
                Err(e) => {
                    stop(scheduler, Some(store.clone())).await;
                    return Err(std::io::Error::other(e));
                }
            }
        }
        if let Err(e) = bootstrap.apply(&state).await {
            stop(scheduler, store).await;
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("bootstrap failed: {e}"),
            ));
        }
        let shutdown = scheduler.shutdown_token();
        let task = tokio::spawn(accept::serve(listener, router(state), limits, async move {
            shutdown.cancelled().await
        }));
        Ok(RunningServer {
            addr,
            scheduler,
            manual,
            task,
            store,
        })
    }

    /// Builds the shared state, clock and scheduler (and starts housekeeping), in memory.
    #[cfg(test)]
    fn assemble(self) -> (Arc<AppState>, Scheduler, Option<ManualClock>) {
        self.assemble_with(None)
    }

    /// [`ServerBuilder::assemble`], recording changes in `store` when there is one.
    fn assemble_with(
        self,
        store: Option<Arc<Store>>,
    ) -> (Arc<AppState>, Scheduler, Option<ManualClock>) {
        let settings = self.settings;
        let system = SystemClock::new();
        let manual = match settings.clock {
            ClockMode::Manual => Some(ManualClock::new(self.clock_start.unwrap_or(system.now()))),
            ClockMode::System => None,
        };
        let clock: Arc<dyn Clock> = match &manual {
            Some(m) => Arc::new(m.clone()),
            None => Arc::new(system),
        };
        let ids = Arc::new(self.seed.map_or_else(IdSource::random, IdSource::seeded));
        let scheduler = Scheduler::new(clock.clone());
        let runtime = Runtime::new(scheduler.clone(), ids.clone());
        // Every service is built the same way: from the runtime and its own settings.
        let sqs = SqsService::with_journal(
            &runtime,
            settings.queue_deleted_recently,
            store.as_ref().map(|s| s.sqs_journal()).unwrap_or_default(),
        );
        let sns = sluice_sns::SnsService::with_journal(
            &runtime,
            sluice_sns::DeliveryOptions {
                sign_queue_messages: settings.sns_sign_queue_messages,
            },
            sluice_sns::Ports {
                queues: Arc::new(bridge::SqsBridge::new(sqs.clone())),
                http: Arc::new(bridge::HttpClient::new()),
            },
            store.as_ref().map(|s| s.sns_journal()).unwrap_or_default(),
        );
        let kinesis = sluice_kinesis::KinesisService::with_journal(
            &runtime,
            sluice_kinesis::Config {
                create_delay_ms: settings.kinesis_status_delay_ms,
                update_delay_ms: settings.kinesis_status_delay_ms,
                delete_delay_ms: settings.kinesis_status_delay_ms,
                consumer_delay_ms: settings.kinesis_status_delay_ms,
                throttling: settings.kinesis_throughput_limits,
                max_retained_bytes: settings.kinesis_max_retained_bytes,
                ..sluice_kinesis::Config::default()
            },
            store
                .as_ref()
                .map(|s| s.kinesis_journal())
                .unwrap_or_default(),
        );
        if settings.housekeeping {
            let (queues, streams) = (sqs.clone(), kinesis.clone());
            scheduler.every(HOUSEKEEPING_PERIOD, move |now| {
                queues.sweep(now);
                streams.sweep();
            });
        }
        let state = Arc::new(AppState {
            settings,
            ids,
            sqs,
            sns,
            kinesis,
            metrics: metrics::Metrics::new(),
            clock,
            manual_clock: manual.clone(),
            store,
        });
        (state, scheduler, manual)
    }
}

/// Commits what is pending and releases the data dir.
async fn close(store: Option<Arc<Store>>) {
    if let Some(store) = store {
        let _ = tokio::task::spawn_blocking(move || store.close()).await;
    }
}

/// The HTTP routes: Sluice's own endpoints, and every other path and method to the one AWS
/// entry point.
fn router(state: Arc<AppState>) -> Router {
    admin::routes().fallback(entry::handle).with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use http::Request;
    use http_body_util::BodyExt;
    use serde_json::Value;
    use tower::ServiceExt;

    async fn call(app: &Router, host: &str, body: &'static str) -> (u16, String) {
        let request = Request::post("/")
            .header("host", host)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("response");
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn get(app: &Router, method: &str, path: &str, body: &'static str) -> (u16, Value) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::from(body))
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("response");
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    #[tokio::test]
    async fn health_endpoints() {
        let (state, scheduler, _) = Server::builder().assemble();
        let app = router(state);
        let (status, body) = get(&app, "GET", "/health", "").await;
        assert_eq!(status, 200);
        assert_eq!(body["services"]["sqs"], "running");
        let (status, body) = get(&app, "GET", "/_localstack/health", "").await;
        assert_eq!(status, 200);
        assert_eq!(body["services"]["sqs"], "running");
        scheduler.shutdown().await;
    }

    #[tokio::test]
    async fn the_manual_clock_is_advanced_over_http() {
        let (state, scheduler, manual) = Server::builder().manual_clock().assemble();
        let app = router(state);
        let (_, before) = get(&app, "GET", "/_sluice/clock", "").await;
        assert_eq!(before["mode"], "manual");
        let (status, after) = get(
            &app,
            "POST",
            "/_sluice/clock/advance",
            r#"{"seconds": 43200}"#,
        )
        .await;
        assert_eq!(status, 200);
        let moved = after["now"].as_u64().expect("now") - before["now"].as_u64().expect("now");
        assert_eq!(moved, 43_200_000);
        let (status, _) = get(&app, "POST", "/_sluice/clock/advance", r#"{"millis": 5}"#).await;
        assert_eq!(status, 200);
        use sluice_core::Clock;
        assert_eq!(
            manual.expect("manual").now().as_millis(),
            before["now"].as_u64().expect("now") + 43_200_005
        );
        for bad in [
            "",
            "{}",
            r#"{"seconds": -1}"#,
            r#"{"seconds": 1, "millis": 1}"#,
            r#"{"hours": 1}"#,
        ] {
            let (status, body) = get(&app, "POST", "/_sluice/clock/advance", bad).await;
            assert_eq!(status, 400, "{bad}: {body}");
        }
        scheduler.shutdown().await;
    }

    #[tokio::test]
    async fn the_system_clock_refuses_to_be_advanced() {
        let (state, scheduler, _) = Server::builder().assemble();
        let app = router(state);
        let (status, body) = get(&app, "POST", "/_sluice/clock/advance", r#"{"seconds": 1}"#).await;
        assert_eq!(status, 409);
        assert!(body["error"]
            .as_str()
            .expect("error")
            .contains("--clock manual"));
        let (_, now) = get(&app, "GET", "/_sluice/clock", "").await;
        assert_eq!(now["mode"], "system");
        scheduler.shutdown().await;
    }

    #[tokio::test]
    async fn queue_urls_follow_the_host_the_client_used() {
        let (state, scheduler, _) = Server::builder().manual_clock().assemble();
        let app = router(state);
        let (status, body) = call(&app, "sluice:4566", "Action=CreateQueue&QueueName=q").await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body.contains("<QueueUrl>http://sluice:4566/000000000000/q</QueueUrl>"),
            "{body}"
        );
        let (_, body) = call(&app, "localhost:9324", "Action=GetQueueUrl&QueueName=q").await;
        assert!(
            body.contains("<QueueUrl>http://localhost:9324/000000000000/q</QueueUrl>"),
            "{body}"
        );
        scheduler.shutdown().await;
    }
}

/// A started server.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    scheduler: Scheduler,
    manual: Option<ManualClock>,
    task: JoinHandle<()>,
    store: Option<Arc<Store>>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, for an SDK's `endpoint_url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The clock to advance, when started with [`ServerBuilder::manual_clock`].
    pub fn manual_clock(&self) -> Option<&ManualClock> {
        self.manual.as_ref()
    }

    /// Stops accepting requests, ends long polls, finishes in-flight requests and stops
    /// background tasks.
    pub async fn shutdown(self) {
        self.scheduler.shutdown().await;
        let _ = self.task.await;
        close(self.store).await;
    }

    /// Waits until the server stops (after [`RunningServer::trigger_shutdown`] or an error).
    pub async fn wait(self) {
        let _ = self.task.await;
        self.scheduler.shutdown().await;
        close(self.store).await;
    }

    /// Starts a graceful shutdown without waiting for it.
    pub fn trigger_shutdown(&self) {
        self.scheduler.shutdown_token().cancel();
    }
}
