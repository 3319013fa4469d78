#!/usr/bin/env bash
# SNS fan-out through the AWS CLI. Usage: sns_cli.sh ENDPOINT
set -euo pipefail
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
aws() { command aws --endpoint-url "$1" "${@:2}"; }
e="$1"
topic="$(aws "$e" sns create-topic --name cli-news --query TopicArn --output text)"
url="$(aws "$e" sqs create-queue --queue-name cli-news-sub --query QueueUrl --output text)"
qarn="$(aws "$e" sqs get-queue-attributes --queue-url "$url" --attribute-names QueueArn --query Attributes.QueueArn --output text)"
aws "$e" sns subscribe --topic-arn "$topic" --protocol sqs --notification-endpoint "$qarn" \
  --attributes RawMessageDelivery=true >/dev/null
aws "$e" sns publish --topic-arn "$topic" --message "breaking" >/dev/null
body="$(aws "$e" sqs receive-message --queue-url "$url" --wait-time-seconds 10 --query 'Messages[0].Body' --output text)"
[ "$body" = "breaking" ] || { echo "unexpected body: $body"; exit 1; }
aws "$e" sns publish --phone-number +15555550100 --message "sms text" >/dev/null
python -c 'import sys, urllib.request; sys.exit("sms text" not in urllib.request.urlopen(sys.argv[1]).read().decode())' \
  "$e/_aws/sns/sms-messages" || { echo "sms not in the outbox"; exit 1; }
aws "$e" sns delete-topic --topic-arn "$topic"
echo "sns cli: ok"
