//! The `sluice` binary: flags and `SLUICE_*` environment variables over an optional TOML
//! file, logging, signals.

use clap::Parser;
use mimalloc::MiMalloc;
use sluice::config::{LogFormat, RawSettings};
use sluice::{Bootstrap, Server};

/// mimalloc: fewer cycles per request and a smaller resident set than the system allocator
/// under Sluice's many small, short-lived allocations.
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

/// Local, fast, faithful emulator of Amazon SQS and SNS on one port. Point any AWS SDK or the
/// AWS CLI at it with `--endpoint-url http://localhost:4566` and any credentials.
///
/// Settings come from defaults, then the `[server]` table of `--config`, then LocalStack's
/// variables (GATEWAY_LISTEN, LOCALSTACK_HOST, DEFAULT_REGION, AWS_DEFAULT_REGION), then
/// `SLUICE_*` environment variables, then flags.
#[derive(Debug, Parser)]
#[command(name = "sluice", version, about, long_about = None)]
struct Cli {
    /// TOML file with `[server]` settings and queues, topics and subscriptions to create at
    /// startup (see the README).
    #[arg(long, env = "SLUICE_CONFIG")]
    config: Option<std::path::PathBuf>,
    /// Address to listen on (use 0.0.0.0 inside containers) [default: 127.0.0.1].
    #[arg(long, env = "SLUICE_HOST")]
    host: Option<String>,
    /// Port to listen on; 0 picks a free port [default: 4566].
    #[arg(long, env = "SLUICE_PORT")]
    port: Option<u16>,
    /// Region used when a request is not signed with one [default: us-east-1].
    #[arg(long, env = "SLUICE_REGION")]
    region: Option<String>,
    /// The 12-digit account id that owns resources, as in queue URLs and ARNs
    /// [default: 000000000000].
    #[arg(long, env = "SLUICE_ACCOUNT_ID")]
    account_id: Option<String>,
    /// Host (and port) that queue URLs and SNS callback URLs name, instead of the host each
    /// request addressed, e.g. `sluice:4566` in docker-compose.
    #[arg(long, env = "SLUICE_HOSTNAME")]
    hostname: Option<String>,
    /// Refuse, as AWS does, to re-create a queue within 60 seconds of deleting one with the
    /// same name (`QueueDeletedRecently`). Set to false when tests recreate queues quickly
    /// [default: true].
    #[arg(long, env = "SLUICE_SQS_QUEUE_DELETED_RECENTLY", action = clap::ArgAction::Set)]
    sqs_queue_deleted_recently: Option<bool>,
    /// Sign the SNS envelopes delivered to SQS queues, as AWS does. Off by default: an RSA
    /// signature per message costs more than the rest of a publish. Deliveries to HTTP
    /// endpoints are always signed [default: false].
    #[arg(long, env = "SLUICE_SNS_SIGN_QUEUE_MESSAGES", action = clap::ArgAction::Set)]
    sns_sign_queue_messages: Option<bool>,
    /// How long a new Kinesis stream or consumer stays CREATING (and a resharded stream
    /// UPDATING), in milliseconds; 0 makes them ACTIVE at once [default: 500].
    #[arg(long, env = "SLUICE_KINESIS_STATUS_DELAY_MS")]
    kinesis_status_delay_ms: Option<u64>,
    /// Enforce Kinesis's per-shard limits (writes 1 MiB/s and 1,000 records/s, reads 5
    /// calls/s and 2 MiB/s) with ProvisionedThroughputExceededException, to test backoff
    /// [default: false].
    #[arg(long, env = "SLUICE_KINESIS_THROUGHPUT_LIMITS", action = clap::ArgAction::Set)]
    kinesis_throughput_limits: Option<bool>,
    /// Record bytes (data and partition keys) all Kinesis streams together may hold; past
    /// it, PutRecord(s) answer ProvisionedThroughputExceededException per record until
    /// retention or DeleteStream frees room. Sluice's own limit, against unbounded memory
    /// [default: 2147483648].
    #[arg(long, env = "SLUICE_KINESIS_MAX_RETAINED_BYTES")]
    kinesis_max_retained_bytes: Option<u64>,
    /// Connections open at once; at the limit a new client takes the place of the one idle
    /// longest, and waits in the listen backlog while all are busy [default: 10000].
    #[arg(long, env = "SLUICE_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Milliseconds a client may take to send a request's headers; slower clients and
    /// keep-alive connections idle that long are closed [default: 30000].
    #[arg(long, env = "SLUICE_HEADER_READ_TIMEOUT_MS")]
    header_read_timeout_ms: Option<u64>,
    /// Milliseconds an answer may wait for a client that does not read it; the connection
    /// is closed past it [default: 30000].
    #[arg(long, env = "SLUICE_WRITE_TIMEOUT_MS")]
    write_timeout_ms: Option<u64>,
    /// Keep state in this directory across restarts: queues and messages (with receive
    /// counts and visibility), topics and subscriptions, streams and records come back as
    /// they were. Every answer waits until its changes are committed. One process per
    /// directory. Without it everything stays in memory.
    #[arg(long, env = "SLUICE_DATA_DIR")]
    data_dir: Option<String>,
    /// With --data-dir: what an acknowledged change survives. `process`: the process being
    /// killed (kill -9, a crash); `strict`: power loss too (each commit waits for the disk)
    /// [default: process].
    #[arg(long, env = "SLUICE_DURABILITY", value_parser = ["process", "strict"])]
    durability: Option<String>,
    /// With --data-dir: verify the data dir (integrity, schema version) without serving it,
    /// print a summary and exit 0, or 1 when it is unusable.
    #[arg(long, requires = "data_dir")]
    check: bool,
    /// With --data-dir: write the data dir's whole state to this new file (one SQLite file,
    /// consistent even while a server runs on the dir) and exit.
    #[arg(long, requires = "data_dir", value_name = "FILE")]
    export: Option<std::path::PathBuf>,
    /// With --data-dir: make a file written by --export the data dir's state (replacing what
    /// is there; refused while a server uses the dir) and exit. Test suites start from a known
    /// state this way.
    #[arg(
        long,
        requires = "data_dir",
        value_name = "FILE",
        conflicts_with = "export"
    )]
    import: Option<std::path::PathBuf>,
    /// Time source: `system` follows real time; `manual` stands still until
    /// `POST /_sluice/clock/advance` moves it (firing every timer on the way, in order)
    /// [default: system].
    #[arg(long, env = "SLUICE_CLOCK", value_parser = ["system", "manual"])]
    clock: Option<String>,
    /// Log filter: error, warn, info, debug (one line per request), trace, or a tracing
    /// directive such as `sluice=debug` [default: info].
    #[arg(long, env = "SLUICE_LOG")]
    log: Option<String>,
    /// Log line format [default: text].
    #[arg(long, env = "SLUICE_LOG_FORMAT", value_parser = ["text", "json"])]
    log_format: Option<String>,
    /// Check a running Sluice on this host's port (`GET /health`) and exit 0 if it answers
    /// 200, 1 otherwise: the container image's HEALTHCHECK (it has no shell or curl).
    #[arg(long)]
    healthcheck: bool,
}

fn main() -> anyhow::Result<()> {
    purge_freed_memory_promptly();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

/// mimalloc (v3) hands freed pages back to the OS only a second after they were freed, and
/// only once the thread that owns them allocates again, so the memory of a deleted stream or
/// queue stayed resident while Sluice idled (6 M Kinesis records: 985 MB still resident after
/// DeleteStream). A 10 ms purge delay returns it at once (87 MB a second later) with
/// PutRecords and SendMessage throughput within noise. mimalloc reads the delay from its
/// environment when the process starts, so the binary re-executes itself once with it set;
/// a value the user set is kept.
fn purge_freed_memory_promptly() {
    const PURGE_DELAY: &str = "MIMALLOC_PURGE_DELAY";
    if std::env::var_os(PURGE_DELAY).is_some() {
        return;
    }
    #[cfg(unix)]
    if let Ok(exe) = std::env::current_exe() {
        use std::os::unix::process::CommandExt;
        let error = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(PURGE_DELAY, "10")
            .exec();
        // `exec` returns only when it failed: run on with mimalloc's default.
        eprintln!("sluice: could not re-execute with {PURGE_DELAY}=10 ({error}); freed memory returns to the OS more slowly");
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let (file_settings, bootstrap) = match &cli.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            let file = sluice::ConfigFile::parse(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            (file.server.unwrap_or_default(), file.resources)
        }
        None => (RawSettings::default(), Bootstrap::default()),
    };
    let given = RawSettings {
        host: cli.host,
        port: cli.port,
        region: cli.region,
        account_id: cli.account_id,
        clock: cli.clock,
        hostname: cli.hostname,
        log: cli.log,
        log_format: cli.log_format,
        sqs_queue_deleted_recently: cli.sqs_queue_deleted_recently,
        sns_sign_queue_messages: cli.sns_sign_queue_messages,
        kinesis_status_delay_ms: cli.kinesis_status_delay_ms,
        kinesis_throughput_limits: cli.kinesis_throughput_limits,
        kinesis_max_retained_bytes: cli.kinesis_max_retained_bytes,
        max_connections: cli.max_connections,
        header_read_timeout_ms: cli.header_read_timeout_ms,
        write_timeout_ms: cli.write_timeout_ms,
        data_dir: cli.data_dir,
        durability: cli.durability,
    };
    let (localstack, localstack_notes) =
        sluice::localstack_settings(|name| std::env::var(name).ok());
    let settings = file_settings
        .overridden_by(localstack)
        .overridden_by(given)
        .validate()?;
    if cli.healthcheck {
        std::process::exit(if healthy(settings.port) { 0 } else { 1 });
    }
    let offline = match (&cli.export, &cli.import) {
        (Some(to), _) => Some(("export", to.as_path())),
        (_, Some(from)) => Some(("import", from.as_path())),
        _ => cli.check.then_some(("check", std::path::Path::new(""))),
    };
    if let Some((task, file)) = offline {
        let dir = settings
            .data_dir
            .as_deref()
            .unwrap_or(std::path::Path::new("."));
        let done = match task {
            "export" => sluice::export_data_dir(dir, file),
            "import" => sluice::import_data_dir(dir, file),
            _ => sluice::check_data_dir(dir),
        };
        match done {
            Ok(summary) => println!("{summary}"),
            Err(problem) => {
                eprintln!("sluice: {problem}");
                std::process::exit(1);
            }
        }
        return Ok(());
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log)?;
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match settings.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    for note in localstack_notes {
        tracing::info!("{note}");
    }
    let server = Server::builder()
        .settings(settings)
        .bootstrap(bootstrap)
        .spawn()
        .await?;
    println!("sluice listening on {}", server.endpoint_url());
    tracing::info!(addr = %server.addr(), "ready");

    shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    Ok(())
}

/// Whether a Sluice on `127.0.0.1:port` answers `GET /health` with 200.
fn healthy(port: u16) -> bool {
    use std::io::{Read, Write};
    let timeout = std::time::Duration::from_secs(2);
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        timeout,
    ) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
    if stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
