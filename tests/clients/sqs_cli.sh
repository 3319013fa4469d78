#!/usr/bin/env bash
# The README's quick start, through the AWS CLI. Usage: sqs_cli.sh ENDPOINT
set -euo pipefail
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
aws() { command aws --endpoint-url "$1" "${@:2}"; }
e="$1"
url="$(aws "$e" sqs create-queue --queue-name cli-jobs --query QueueUrl --output text)"
aws "$e" sqs send-message --queue-url "$url" --message-body hi >/dev/null
body="$(aws "$e" sqs receive-message --queue-url "$url" --wait-time-seconds 20 --query 'Messages[0].Body' --output text)"
[ "$body" = "hi" ] || { echo "unexpected body: $body"; exit 1; }
handle="$(aws "$e" sqs receive-message --queue-url "$url" --visibility-timeout 0 --query 'Messages[0].ReceiptHandle' --output text)"
[ "$handle" = "None" ] || { echo "message should be in flight"; exit 1; }
count="$(aws "$e" sqs get-queue-attributes --queue-url "$url" --attribute-names ApproximateNumberOfMessagesNotVisible --query 'Attributes.ApproximateNumberOfMessagesNotVisible' --output text)"
[ "$count" = "1" ] || { echo "unexpected in-flight count: $count"; exit 1; }
aws "$e" sqs delete-queue --queue-url "$url"
echo "aws cli: ok"
