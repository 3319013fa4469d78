//! The data dir's exclusive lock: one Sluice process per directory. The lock is the OS's
//! (released when the process dies, even by kill -9); the file also names the holder, so a
//! second process can say which one is in the way.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

const LOCK_FILE: &str = "sluice.lock";

/// Held for as long as the process uses the data dir.
#[derive(Debug)]
pub(crate) struct DirLock {
    _file: File,
}

impl DirLock {
    pub(crate) fn acquire(dir: &Path) -> Result<DirLock, String> {
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "another process".to_owned()
                } else {
                    format!("another Sluice process ({holder})")
                };
                return Err(format!(
                    "data dir {} is in use by {holder}; stop it or choose another --data-dir",
                    dir.display()
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("cannot lock {}: {e}", path.display()))
            }
        }
        let note = format!("pid {}", std::process::id());
        let written = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(note.as_bytes()));
        if let Err(e) = written {
            return Err(format!("cannot write {}: {e}", path.display()));
        }
        Ok(DirLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid() {
        let dir = std::env::temp_dir().join(format!("sluice-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let first = DirLock::acquire(&dir).expect("first");
        let err = DirLock::acquire(&dir).expect_err("second");
        assert!(
            err.contains("is in use by another Sluice process (pid "),
            "{err}"
        );
        drop(first);
        DirLock::acquire(&dir).expect("free again");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
