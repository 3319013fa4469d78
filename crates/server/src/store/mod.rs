//! Durable state (`--data-dir`): the directory's lock, one SQLite file in WAL mode, the
//! writer thread that commits engines' change records in groups, restore at startup and the
//! offline check. Engines stay the source of truth while running; the store writes their
//! changes through, and an answer waits for the commit of everything it could have seen.
//! See DESIGN.md, "Durable state: write-through behind a port".

mod kinesis;
mod lock;
mod schema;
mod sns;
mod sqs;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};
use sluice_core::{Journal, Timestamp};
use sluice_kinesis::engine::KinesisJournal;
use sluice_kinesis::KinesisService;
use sluice_sns::engine::{HttpDelivery, Published, SnsJournal};
use sluice_sns::SnsService;
use sluice_sqs::engine::SqsJournal;
use sluice_sqs::SqsService;

use crate::config::Durability;
use lock::DirLock;
pub(crate) use writer::NotDurable;
use writer::{KinesisLog, Shared, SnsLog, SqsLog};

/// The database file inside the data dir.
const DB_FILE: &str = "sluice.db";

/// SNS work a restart found unfinished.
#[derive(Debug, Default)]
pub(crate) struct Unfinished {
    /// Messages to fan out again, with the endpoint clients used.
    pub(crate) fan_outs: Vec<(Published, Arc<str>)>,
    pub(crate) http_deliveries: Vec<HttpDelivery>,
}

/// An open data dir.
#[derive(Debug)]
pub(crate) struct Store {
    path: PathBuf,
    shared: Arc<Shared>,
    /// The connection, until the writer thread takes it.
    conn: Mutex<Option<Connection>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    /// Released by `close`, so the same process can open the dir again at once.
    lock: Mutex<Option<DirLock>>,
}

fn open_db(path: &Path, flags: OpenFlags) -> Result<Connection, String> {
    Connection::open_with_flags(path, flags)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

impl Store {
    /// Locks `dir` (creating it if needed) and opens its database, migrating it to the
    /// current schema.
    pub(crate) fn open(dir: &Path, durability: Durability) -> Result<Store, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create data dir {}: {e}", dir.display()))?;
        let lock = DirLock::acquire(dir)?;
        let path = dir.join(DB_FILE);
        let mut conn = open_db(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        let synchronous = match durability {
            // WAL with NORMAL: a commit is in the OS's hands once written, so it survives
            // the process being killed; FULL also waits for the disk (power loss).
            Durability::Process => "NORMAL",
            Durability::Strict => "FULL",
        };
        // A large transaction (deleting a queue of a million messages) grows the WAL; the
        // size limit truncates it again at the next checkpoint instead of keeping it.
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous};
             PRAGMA journal_size_limit = 67108864;"
        ))
        .and_then(|()| conn.busy_timeout(std::time::Duration::from_secs(5)))
        .map_err(|e| format!("cannot use {}: {e}", path.display()))?;
        schema::migrate(&mut conn).map_err(|e| format!("cannot use {}: {e}", path.display()))?;
        Ok(Store {
            path,
            shared: Shared::new(),
            conn: Mutex::new(Some(conn)),
            writer: Mutex::new(None),
            lock: Mutex::new(Some(lock)),
        })
    }

    /// The change log the SQS engine records into.
    pub(crate) fn sqs_journal(&self) -> SqsJournal {
        Journal::to(Arc::new(SqsLog(self.shared.clone())))
    }

    /// The change log the SNS engine records into.
    pub(crate) fn sns_journal(&self) -> SnsJournal {
        Journal::to(Arc::new(SnsLog(self.shared.clone())))
    }

    /// The change log the Kinesis engine records into.
    pub(crate) fn kinesis_journal(&self) -> KinesisJournal {
        Journal::to(Arc::new(KinesisLog(self.shared.clone())))
    }

    /// Reads the stored state into fresh services (before the port opens). Returns the SNS
    /// work that had not finished, to hand back to SNS once the writer runs.
    pub(crate) fn restore(
        &self,
        sqs: &SqsService,
        sns: &SnsService,
        kinesis: &KinesisService,
        now: Timestamp,
    ) -> Result<Unfinished, String> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let Some(conn) = conn.as_ref() else {
            return Err("the store is already running".into());
        };
        #[allow(clippy::disallowed_methods)] // how long a restore takes is real elapsed time
        let started = std::time::Instant::now();
        let failed = |e: String| format!("cannot restore from {}: {e}", self.path.display());
        let restored = sqs::restore(conn, sqs, now).map_err(failed)?;
        let topics = sns::restore(conn, sns, now).map_err(failed)?;
        let streams = kinesis::restore(conn, kinesis, now).map_err(failed)?;
        let pending = Unfinished {
            fan_outs: sns::pending(conn).map_err(failed)?,
            http_deliveries: sns::http_pending(conn).map_err(failed)?,
        };
        tracing::info!(
            path = %self.path.display(),
            queues = restored.queues,
            messages = restored.messages,
            topics = topics.topics,
            subscriptions = topics.subscriptions,
            streams = streams.streams,
            records = streams.records,
            unfinished_fan_outs = pending.fan_outs.len(),
            unfinished_http_deliveries = pending.http_deliveries.len(),
            millis = started.elapsed().as_millis() as u64,
            "restored durable state"
        );
        Ok(pending)
    }

    /// Starts the writer thread.
    pub(crate) fn start(&self) -> Result<(), String> {
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or("the store is already running")?;
        let shared = self.shared.clone();
        let handle = std::thread::Builder::new()
            .name("sluice-store".into())
            .spawn(move || shared.run_writer(conn))
            .map_err(|e| format!("cannot start the store's writer thread: {e}"))?;
        *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
        Ok(())
    }

    /// Waits until every change recorded so far is committed.
    pub(crate) async fn synced(&self) -> Result<(), NotDurable> {
        self.shared.synced().await
    }

    /// Commits what is pending and stops the writer (graceful shutdown).
    pub(crate) fn close(&self) {
        self.shared.close();
        let handle = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(handle) = handle {
            let _ = handle.join();
        }
        self.conn.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.lock.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

/// `sluice --data-dir D --check`: verifies a data dir without serving it. Returns a summary,
/// or every problem found.
pub fn check(dir: &Path) -> Result<String, String> {
    verify(&dir.join(DB_FILE))
}

/// `sluice --data-dir D --export FILE`: the whole state of a data dir as one SQLite file
/// (consistent even while a server writes to the dir).
pub fn export(dir: &Path, to: &Path) -> Result<String, String> {
    let path = dir.join(DB_FILE);
    if !path.is_file() {
        return Err(format!("{} does not exist", path.display()));
    }
    if to.exists() {
        return Err(format!("{} exists; export writes a new file", to.display()));
    }
    let conn = open_db(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let target = to
        .to_str()
        .ok_or_else(|| format!("{} is not a UTF-8 path", to.display()))?;
    conn.execute("VACUUM INTO ?1", [target])
        .map_err(|e| format!("cannot export {} to {}: {e}", path.display(), to.display()))?;
    verify(to)
}

/// `sluice --data-dir D --import FILE`: makes a file written by `--export` the data dir's
/// state, replacing what was there. Refused while a server uses the dir, and for a file that
/// does not verify.
pub fn import(dir: &Path, from: &Path) -> Result<String, String> {
    verify(from)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create data dir {}: {e}", dir.display()))?;
    let _lock = DirLock::acquire(dir)?;
    let path = dir.join(DB_FILE);
    for stale in ["-wal", "-shm"] {
        let file = dir.join(format!("{DB_FILE}{stale}"));
        if file.exists() {
            std::fs::remove_file(&file)
                .map_err(|e| format!("cannot remove {}: {e}", file.display()))?;
        }
    }
    let staged = dir.join(format!("{DB_FILE}.import"));
    std::fs::copy(from, &staged)
        .and_then(|_| std::fs::rename(&staged, &path))
        .map_err(|e| format!("cannot copy {} into {}: {e}", from.display(), dir.display()))?;
    let mut conn = open_db(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    schema::migrate(&mut conn).map_err(|e| format!("{}: {e}", path.display()))?;
    drop(conn);
    verify(&path)
}

/// Integrity and schema version of a database file, and what it holds.
fn verify(path: &Path) -> Result<String, String> {
    if !path.is_file() {
        return Err(format!("{} does not exist", path.display()));
    }
    let conn = open_db(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let fail = |e: String| format!("{}: {e}", path.display());
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .map_err(|e| fail(e.to_string()))?;
    if integrity != ["ok"] {
        return Err(fail(format!("corrupt: {}", integrity.join("; "))));
    }
    let version = schema::version(&conn).map_err(fail)?;
    if version > schema::VERSION {
        return Err(fail(format!(
            "written by a newer Sluice (schema version {version}; this build knows up to {})",
            schema::VERSION
        )));
    }
    let count = |table: &str| -> Result<i64, String> {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get(0)
        })
        .map_err(|e| fail(e.to_string()))
    };
    Ok(format!(
        "{}: ok (schema version {version}; {} queues, {} messages, {} topics, {} subscriptions, {} streams)",
        path.display(),
        count("sqs_queue")?,
        count("sqs_message")?,
        count("sns_topic")?,
        count("sns_subscription")?,
        count("kinesis_stream")?
    ))
}
