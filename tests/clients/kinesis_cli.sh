#!/usr/bin/env bash
# Kinesis through the AWS CLI. Usage: kinesis_cli.sh ENDPOINT
set -euo pipefail
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
aws() { command aws --endpoint-url "$1" "${@:2}"; }
e="$1"
aws "$e" kinesis create-stream --stream-name cli-stream --shard-count 1
aws "$e" kinesis wait stream-exists --stream-name cli-stream
# AWS CLI v1 (from pip) sends a blob argument's text as its bytes and prints blobs in base64.
aws "$e" kinesis put-record --stream-name cli-stream --partition-key k --data "hello cli" >/dev/null
it="$(aws "$e" kinesis get-shard-iterator --stream-name cli-stream --shard-id shardId-000000000000 \
  --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text)"
data="$(aws "$e" kinesis get-records --shard-iterator "$it" --query 'Records[0].Data' --output text)"
[ "$data" = "aGVsbG8gY2xp" ] || { echo "unexpected data: $data"; exit 1; }
aws "$e" kinesis delete-stream --stream-name cli-stream
echo "kinesis cli: ok"
