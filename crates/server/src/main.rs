//! The `sluice` binary: flags and `SLUICE_*` environment variables, logging, signals.

use clap::Parser;
use mimalloc::MiMalloc;
use sluice::config::RawSettings;
use sluice::Server;

/// mimalloc: fewer cycles per request and a smaller resident set than the system allocator
/// under Sluice's many small, short-lived allocations.
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

/// Local, fast, faithful emulator of Amazon SQS and SNS on one port. Point any AWS SDK or the AWS
/// CLI at it with `--endpoint-url http://localhost:4566` and any credentials.
#[derive(Debug, Parser)]
#[command(name = "sluice", version, about, long_about = None)]
struct Cli {
    /// Address to listen on (use 0.0.0.0 inside containers).
    #[arg(long, env = "SLUICE_HOST", default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free port.
    #[arg(long, env = "SLUICE_PORT", default_value_t = 4566)]
    port: u16,
    /// Region used when a request is not signed with one.
    #[arg(long, env = "SLUICE_REGION", default_value = "us-east-1")]
    region: String,
    /// The 12-digit account id that owns queues, as in queue URLs and ARNs.
    #[arg(long, env = "SLUICE_ACCOUNT_ID", default_value = "000000000000")]
    account_id: String,
    /// Refuse, as AWS does, to re-create a queue within 60 seconds of deleting one with the
    /// same name (`QueueDeletedRecently`). Set to false when tests recreate queues quickly.
    #[arg(long, env = "SLUICE_SQS_QUEUE_DELETED_RECENTLY", default_value_t = true, action = clap::ArgAction::Set)]
    sqs_queue_deleted_recently: bool,
    /// Sign the SNS envelopes delivered to SQS queues, as AWS does. Off by default: an RSA
    /// signature per message costs more than the rest of a publish. Deliveries to HTTP
    /// endpoints are always signed.
    #[arg(long, env = "SLUICE_SNS_SIGN_QUEUE_MESSAGES", default_value_t = false, action = clap::ArgAction::Set)]
    sns_sign_queue_messages: bool,
    /// Time source: `system` follows real time; `manual` stands still until
    /// `POST /_sluice/clock/advance` moves it (firing every timer on the way, in order).
    #[arg(long, env = "SLUICE_CLOCK", value_enum, default_value = "system")]
    clock: ClockArg,
    /// Log filter: error, warn, info, debug, trace, or a tracing directive such as
    /// `sluice=debug`.
    #[arg(long, env = "SLUICE_LOG", default_value = "info")]
    log: String,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ClockArg {
    System,
    Manual,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&cli.log)?)
        .with_writer(std::io::stderr)
        .init();
    let settings = RawSettings {
        host: cli.host,
        port: cli.port,
        region: cli.region,
        account_id: cli.account_id,
        queue_deleted_recently: cli.sqs_queue_deleted_recently,
        sns_sign_queue_messages: cli.sns_sign_queue_messages,
    }
    .validate()?;
    let mut builder = Server::builder().settings(settings);
    if let ClockArg::Manual = cli.clock {
        builder = builder.manual_clock();
    }
    let server = builder.spawn().await?;
    println!("sluice listening on {}", server.endpoint_url());
    tracing::info!(addr = %server.addr(), "ready");

    shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    Ok(())
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
