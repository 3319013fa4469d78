//! Values streams and consumers carry, and the checks on them that several operations
//! share: tags, maximum record size, retention bounds and encryption types.

use std::collections::BTreeMap;

use super::error::KinesisError;

/// Whether data is encrypted at rest (`EncryptionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EncryptionType {
    #[default]
    None,
    Kms,
}

impl EncryptionType {
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionType::None => "NONE",
            EncryptionType::Kms => "KMS",
        }
    }
    pub fn parse(s: &str) -> Option<EncryptionType> {
        match s {
            "NONE" => Some(EncryptionType::None),
            "KMS" => Some(EncryptionType::Kms),
            _ => None,
        }
    }
}

/// Tags a stream (or consumer) may carry.
pub const MAX_TAGS: usize = 50;
/// Retention bounds, hours.
pub const MIN_RETENTION_HOURS: u32 = 24;
pub const MAX_RETENTION_HOURS: u32 = 8760;
/// Maximum record size bounds, KiB.
pub(super) const MIN_RECORD_SIZE_KIB: u32 = 1024;
pub(super) const MAX_RECORD_SIZE_KIB: u32 = 10240;

/// Checks tag keys (1..=128 chars) and values (0..=256 chars), and that `existing` merged
/// with `new` stays within 50 tags.
pub fn validate_tags(
    new: &BTreeMap<String, String>,
    existing: &BTreeMap<String, String>,
) -> Result<(), KinesisError> {
    for (k, v) in new {
        let len = k.chars().count();
        if len == 0 || len > 128 {
            return Err(KinesisError::InvalidArgument(format!(
                "Tag key {k} must be between 1 and 128 characters long."
            )));
        }
        if v.chars().count() > 256 {
            return Err(KinesisError::InvalidArgument(format!(
                "Tag value for key {k} must be at most 256 characters long."
            )));
        }
    }
    let added = new.keys().filter(|k| !existing.contains_key(*k)).count();
    if existing.len() + added > MAX_TAGS {
        return Err(KinesisError::LimitExceeded(format!(
            "Failed to add tags. A resource can have at most {MAX_TAGS} tags; it has {} and \
             the request adds {added}.",
            existing.len()
        )));
    }
    Ok(())
}

/// AddTagsToStream's and RemoveTagsFromStream's character rule: Unicode letters, digits,
/// spaces (not tabs or newlines) and `_ . / = + - % @` (kinesalite's tests against Kinesis).
pub(super) fn check_tag_characters<'a>(
    texts: impl IntoIterator<Item = &'a str>,
) -> Result<(), KinesisError> {
    let allowed = |c: char| {
        c.is_alphanumeric()
            || (c.is_whitespace() && !c.is_control())
            || matches!(c, '_' | '.' | '/' | '=' | '+' | '-' | '%' | '@')
    };
    if texts.into_iter().all(|t| t.chars().all(allowed)) {
        return Ok(());
    }
    Err(KinesisError::InvalidArgument(
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white \
         space, _ . / = + - % @."
            .into(),
    ))
}

/// InvalidArgument unless `kib` is within 1024..=10240.
pub fn validate_max_record_size(kib: u32) -> Result<(), KinesisError> {
    if (MIN_RECORD_SIZE_KIB..=MAX_RECORD_SIZE_KIB).contains(&kib) {
        return Ok(());
    }
    let constraint = if kib < MIN_RECORD_SIZE_KIB {
        format!("Member must have value greater than or equal to {MIN_RECORD_SIZE_KIB}")
    } else {
        format!("Member must have value less than or equal to {MAX_RECORD_SIZE_KIB}")
    };
    Err(KinesisError::validation(
        "maxRecordSizeInKiB",
        &kib.to_string(),
        &constraint,
    ))
}
