//! Settings scenarios: tags, retention, encryption, monitoring, mode, ListShards filters,
//! account settings, warm throughput and resource policies.

use std::collections::BTreeMap;

use super::*;
use crate::engine::{
    CommitmentStatus, EncryptionType, ListShards, ShardFilter, ShardMetric, StreamStatus,
};

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn tag_characters_follow_aws_rule() {
    let reg = with_stream(1);
    let invalid = "Some tags contain invalid characters. Valid characters: Unicode letters, \
                   digits, white space, _ . / = + - % @.";
    for (k, v) in [
        ("abc;def", "1"),
        ("abc\tdef", "1"),
        ("a", "abc\ndef"),
        ("abc,def", "1"),
    ] {
        let err = reg
            .add_tags_to_stream(&key("s"), tags(&[(k, v)]), t(1_000))
            .expect_err(k);
        assert_eq!(err.message(), invalid, "{k:?}={v:?}");
    }
    let err = reg
        .remove_tags_from_stream(&key("s"), &["abc;def".into()], t(1_000))
        .expect_err("remove");
    assert_eq!(err.message(), invalid);
    reg.add_tags_to_stream(&key("s"), tags(&[("ünï cödé_./=+-%@", "Wert 1")]), t(1_000))
        .expect("letters, digits, spaces and the listed signs");
}

#[test]
fn tags_add_list_remove_and_cap_at_fifty() {
    let reg = with_stream(1);
    reg.add_tags_to_stream(
        &key("s"),
        tags(&[("b", "2"), ("a", "1"), ("c", "")]),
        t(1_000),
    )
    .expect("add");
    let (page, more) = reg
        .list_tags_for_stream(&key("s"), None, Some(2), t(1_000))
        .expect("list");
    assert_eq!(
        page,
        vec![("a".into(), "1".into()), ("b".into(), "2".into())]
    );
    assert!(more);
    let (page, more) = reg
        .list_tags_for_stream(&key("s"), Some("b"), None, t(1_000))
        .expect("list");
    assert_eq!((page.len(), more), (1, false));
    reg.remove_tags_from_stream(&key("s"), &["a".into(), "zz".into()], t(1_000))
        .expect("remove");
    let many: BTreeMap<String, String> =
        (0..48).map(|i| (format!("k{i}"), String::new())).collect();
    reg.add_tags_to_stream(&key("s"), many, t(1_000))
        .expect("50 total");
    let err = reg
        .add_tags_to_stream(&key("s"), tags(&[("one-more", "")]), t(1_000))
        .expect_err("51");
    assert_eq!(err.code(), "LimitExceededException");
    reg.add_tags_to_stream(&key("s"), tags(&[("b", "overwrite")]), t(1_000))
        .expect("overwrite");
    let err = reg
        .add_tags_to_stream(&key("s"), tags(&[("", "")]), t(1_000))
        .expect_err("empty key");
    assert_eq!(err.code(), "InvalidArgumentException");
    let arn = key("s").arn();
    assert_eq!(
        reg.list_tags_for_resource(&arn, t(1_000))
            .expect("list")
            .len(),
        50
    );
    reg.untag_resource(&arn, &["b".into()], t(1_000))
        .expect("untag");
    reg.tag_resource(&arn, tags(&[("x", "y")]), t(1_000))
        .expect("tag");
}

#[test]
fn retention_changes_use_aws_messages() {
    let reg = with_stream(1);
    let cases: [(bool, u32, Result<(), &str>); 7] = [
        (true, 24, Ok(())),
        (true, 8761, Err("Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.")),
        (true, 48, Ok(())),
        (true, 30, Err("Requested retention period (30 hours) for stream s can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.")),
        (false, 1, Err("Minimum allowed retention period is 24 hours. Requested retention period (1 hours) is too short.")),
        (false, 72, Err("Requested retention period (72 hours) for stream s can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.")),
        (false, 24, Ok(())),
    ];
    for (increase, hours, want) in cases {
        let got = if increase {
            reg.increase_stream_retention_period(&key("s"), hours, t(1_000))
        } else {
            reg.decrease_stream_retention_period(&key("s"), hours, t(1_000))
        };
        assert_eq!(
            got.map_err(|e| e.message().to_owned()),
            want.map_err(str::to_owned),
            "{hours}"
        );
    }
    assert_eq!(
        reg.describe_stream_summary(&key("s"), t(1_000))
            .expect("s")
            .retention_period_hours,
        24
    );
}

#[test]
fn encryption_monitoring_mode_and_record_size_are_stored() {
    let reg = with_stream(1);
    reg.set_stream_encryption(
        &key("s"),
        true,
        EncryptionType::Kms,
        "alias/aws/kinesis",
        t(1_000),
    )
    .expect("start");
    let out = reg
        .put_record(&key("s"), entry("k", b"x"), None, t(1_000))
        .expect("put");
    assert_eq!(out.encryption_type, EncryptionType::Kms);
    let change = reg
        .set_enhanced_monitoring(&key("s"), true, &["IncomingBytes".into()], t(1_000))
        .expect("enable");
    assert_eq!(
        (change.current.len(), change.desired),
        (0, vec![ShardMetric::IncomingBytes])
    );
    let change = reg
        .set_enhanced_monitoring(&key("s"), true, &["ALL".into()], t(1_000))
        .expect("all");
    assert_eq!(change.desired.len(), 7);
    let change = reg
        .set_enhanced_monitoring(&key("s"), false, &["IncomingBytes".into()], t(1_000))
        .expect("disable");
    assert_eq!(change.desired.len(), 6);
    assert!(reg
        .set_enhanced_monitoring(&key("s"), true, &["Nope".into()], t(1_000))
        .is_err());
    reg.update_stream_mode(&key("s"), StreamMode::OnDemand, None, t(1_000))
        .expect("mode");
    assert!(reg
        .update_max_record_size(&key("s"), 10_241, t(1_000))
        .is_err());
    reg.update_max_record_size(&key("s"), 10_240, t(1_000))
        .expect("size");
    let s = reg
        .describe_stream_summary(&key("s"), t(1_000))
        .expect("summary");
    assert_eq!(
        (s.mode, s.max_record_size_kib, s.key_id.as_deref()),
        (StreamMode::OnDemand, 10_240, Some("alias/aws/kinesis"))
    );
    assert_eq!(s.status, StreamStatus::Active);
    reg.set_stream_encryption(
        &key("s"),
        false,
        EncryptionType::Kms,
        "alias/aws/kinesis",
        t(1_000),
    )
    .expect("stop");
    assert_eq!(
        reg.describe_stream_summary(&key("s"), t(1_000))
            .expect("s")
            .encryption_type,
        EncryptionType::None
    );
}

#[test]
fn list_shards_filters_and_tokens() {
    let reg = with_stream(2);
    reg.split_shard(&key("s"), "shardId-000000000000", "100", t(5_000))
        .expect("split");
    let list = |reg: &Registry, filter: Option<ShardFilter>, now: u64| -> Vec<String> {
        let req = ListShards {
            stream: Some(key("s")),
            filter,
            ..ListShards::default()
        };
        reg.list_shards(req, t(now))
            .expect("list")
            .shards
            .into_iter()
            .map(|s| s.shard_id)
            .collect()
    };
    let ids =
        |v: &[u32]| -> Vec<String> { v.iter().map(|&i| crate::engine::shard_id(i)).collect() };
    let cases = [
        (None, ids(&[0, 1, 2, 3])),
        (Some(ShardFilter::FromTrimHorizon), ids(&[0, 1, 2, 3])),
        (Some(ShardFilter::AtLatest), ids(&[1, 2, 3])),
        (Some(ShardFilter::AtTrimHorizon), ids(&[0, 1])),
        (
            Some(ShardFilter::AfterShardId("shardId-000000000001".into())),
            ids(&[2, 3]),
        ),
        (Some(ShardFilter::AtTimestamp(t(4_000))), ids(&[0, 1])),
        (Some(ShardFilter::AtTimestamp(t(6_000))), ids(&[1, 2, 3])),
        (Some(ShardFilter::FromTimestamp(t(6_000))), ids(&[1, 2, 3])),
        (
            Some(ShardFilter::FromTimestamp(t(4_000))),
            ids(&[0, 1, 2, 3]),
        ),
    ];
    for (filter, want) in cases {
        assert_eq!(list(&reg, filter.clone(), 7_000), want, "{filter:?}");
    }
    let req = ListShards {
        stream: Some(key("s")),
        max_results: Some(3),
        ..ListShards::default()
    };
    let page = reg.list_shards(req, t(7_000)).expect("page");
    let token = page.next_token.expect("token");
    let next = ListShards {
        next_token: Some(token.clone()),
        ..ListShards::default()
    };
    let rest = reg.list_shards(next.clone(), t(7_000)).expect("rest");
    assert_eq!(rest.shards.len(), 1);
    assert_eq!(rest.next_token, None);
    assert_eq!(
        reg.list_shards(next, t(307_001))
            .expect_err("expired")
            .code(),
        "ExpiredNextTokenException"
    );
    let both = ListShards {
        stream: Some(key("s")),
        next_token: Some(token),
        ..ListShards::default()
    };
    assert_eq!(
        reg.list_shards(both, t(7_000)).expect_err("both").code(),
        "InvalidArgumentException"
    );
    assert!(ShardFilter::from_request("AT_TIMESTAMP", None, None).is_err());
    assert_eq!(
        ShardFilter::from_request("AT_LATEST", None, None),
        Ok(ShardFilter::AtLatest)
    );
}

#[test]
fn account_settings_warm_throughput_and_policies() {
    let reg = Registry::new(Config::default());
    reg.create_stream(&key("s"), CreateStream::default(), t(1_000))
        .expect("on-demand");
    let c = reg.describe_account_settings(&account(), &region(), t(1_000));
    assert_eq!(c.status, CommitmentStatus::Disabled);
    assert!(reg
        .update_stream_warm_throughput(&key("s"), 100, t(1_000))
        .is_err());
    let c = reg.update_account_settings(&account(), &region(), true, t(2_000));
    assert_eq!(
        (c.status, c.started_at),
        (CommitmentStatus::Enabled, Some(t(2_000)))
    );
    let w = reg
        .update_stream_warm_throughput(&key("s"), 100, t(3_000))
        .expect("warm");
    assert_eq!(w.target_mibps, 100);
    let s = reg
        .describe_stream_summary(&key("s"), t(3_000))
        .expect("summary");
    assert_eq!(s.warm_throughput.map(|w| w.current_mibps), Some(100));
    let c = reg.update_account_settings(&account(), &region(), false, t(4_000));
    assert_eq!(c.status, CommitmentStatus::EnabledUntilEarliestAllowedEnd);
    let day = 24 * 3_600_000;
    assert_eq!(
        reg.describe_account_settings(&account(), &region(), t(2_000 + day))
            .status,
        CommitmentStatus::Disabled
    );
    let arn = key("s").arn();
    assert_eq!(reg.get_resource_policy(&arn, t(1_000)), Ok(None));
    reg.put_resource_policy(&arn, "{\"Version\":\"2012-10-17\"}", t(1_000))
        .expect("put");
    assert!(reg
        .get_resource_policy(&arn, t(1_000))
        .expect("get")
        .is_some());
    reg.delete_resource_policy(&arn, t(1_000)).expect("delete");
    assert_eq!(
        reg.delete_resource_policy(&arn, t(1_000))
            .expect_err("none")
            .code(),
        "ResourceNotFoundException"
    );
    let missing = key("missing").arn();
    assert_eq!(
        reg.put_resource_policy(&missing, "{}", t(1_000))
            .expect_err("missing")
            .code(),
        "ResourceNotFoundException"
    );
}
