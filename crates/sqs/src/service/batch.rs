//! Batch request rules shared by the batch operations: request-level checks that fail the
//! whole request, and per-entry results.

use std::collections::HashSet;

use crate::model::input::ReceiptEntry;
use crate::model::output::{BatchResultErrorEntry, IdBatchOutput, IdEntry};
use crate::SqsError;
use sluice_core::{valid_batch_entry_id, MAX_BATCH_ENTRIES};

/// Request-level batch checks, which fail the whole request: entry count, then ids.
pub(super) fn check_batch<'a>(
    ids: impl ExactSizeIterator<Item = Option<&'a str>>,
    entry_name: &'static str,
) -> Result<(), SqsError> {
    match ids.len() {
        0 => return Err(SqsError::EmptyBatchRequest(entry_name)),
        n if n > MAX_BATCH_ENTRIES => return Err(SqsError::TooManyEntriesInBatchRequest(n)),
        _ => {}
    }
    let mut seen = HashSet::new();
    for id in ids {
        let id = id.unwrap_or_default();
        if !valid_batch_entry_id(id) {
            return Err(SqsError::InvalidBatchEntryId);
        }
        if !seen.insert(id) {
            return Err(SqsError::BatchEntryIdsNotDistinct(id.to_owned()));
        }
    }
    Ok(())
}

/// A failed batch entry; the API layer codes the error.
pub(super) fn failed_entry(id: String, error: SqsError) -> BatchResultErrorEntry {
    BatchResultErrorEntry { id, error }
}

/// Runs `op` on each entry, collecting successes and failures by entry id.
pub(super) fn id_batch(
    entries: Vec<ReceiptEntry>,
    entry_element: &'static str,
    mut op: impl FnMut(&ReceiptEntry) -> Result<(), SqsError>,
) -> IdBatchOutput {
    let mut out = IdBatchOutput {
        successful: Vec::new(),
        failed: Vec::new(),
        entry_element,
    };
    for entry in entries {
        let result = op(&entry);
        let id = entry.id.unwrap_or_default();
        match result {
            Ok(()) => out.successful.push(IdEntry { id }),
            Err(e) => out.failed.push(failed_entry(id, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_checks_in_aws_order() {
        let ids = |v: &[&'static str]| v.iter().map(|s| Some(*s)).collect::<Vec<_>>();
        assert_eq!(
            check_batch(ids(&[]).into_iter(), "E"),
            Err(SqsError::EmptyBatchRequest("E"))
        );
        assert_eq!(
            check_batch(ids(&["a"; 11]).into_iter(), "E"),
            Err(SqsError::TooManyEntriesInBatchRequest(11))
        );
        assert_eq!(
            check_batch(ids(&["a", "b c"]).into_iter(), "E"),
            Err(SqsError::InvalidBatchEntryId)
        );
        assert_eq!(
            check_batch(ids(&["a", "a"]).into_iter(), "E"),
            Err(SqsError::BatchEntryIdsNotDistinct("a".into()))
        );
        assert_eq!(check_batch(ids(&["a", "b-_1"]).into_iter(), "E"), Ok(()));
    }
}
