#!/usr/bin/env bash
# Runs the other-client scenarios against a release build of Sluice on a free port:
# boto3 (JSON protocol), boto3 with botocore 1.31 (Query protocol), the AWS CLI, and the
# JS SDK v3 for SQS; boto3, the AWS CLI and the JS SDK v3 for SNS and Kinesis. Installs the clients itself (pip, npm) into a scratch directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${SLUICE_CLIENTS_DIR:-$root/target/clients}"
mkdir -p "$work"

echo "-- building release binary"
cargo build --release --locked -p sluice --manifest-path "$root/Cargo.toml"

venv() { # venv DIR PACKAGES...
  local dir="$1"; shift
  if [ ! -x "$dir/bin/python" ]; then
    python3 -m venv "$dir"
  fi
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
}
echo "-- installing clients"
venv "$work/py-current" boto3 awscli
venv "$work/py-query" "boto3==1.28.0" "botocore==1.31.0"
# ESM resolves packages next to the script, so the scenario runs from the install directory.
mkdir -p "$work/js"
cp "$here/js/package.json" "$here/js/sqs.mjs" "$here/js/sns.mjs" "$here/js/kinesis.mjs" "$work/js/"
(cd "$work/js" && npm install --no-audit --no-fund --silent >/dev/null)

log="$work/sluice.log"
"$root/target/release/sluice" --port 0 --log warn >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$log" && break
  sleep 0.05
done
endpoint="$(sed -n 's/^sluice listening on //p' "$log" | head -n1)"
[ -n "$endpoint" ] || { echo "server did not start"; cat "$log"; exit 1; }
echo "-- server at $endpoint"

passed=0
failed=0
check() { # check NAME COMMAND...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
}

check "boto3 json" "$work/py-current/bin/python" "$here/sqs_boto3.py" "$endpoint"
check "boto3 query" "$work/py-query/bin/python" "$here/sqs_boto3.py" "$endpoint"
check "aws cli" env PATH="$work/py-current/bin:$PATH" bash "$here/sqs_cli.sh" "$endpoint"
port="${endpoint##*:}"
check "healthcheck flag" "$root/target/release/sluice" --port "$port" --healthcheck
check "js sdk v3" node "$work/js/sqs.mjs" "$endpoint"
check "sns boto3" "$work/py-current/bin/python" "$here/sns_boto3.py" "$endpoint"
check "sns aws cli" env PATH="$work/py-current/bin:$PATH" bash "$here/sns_cli.sh" "$endpoint"
check "sns js sdk v3" node "$work/js/sns.mjs" "$endpoint"
check "kinesis boto3" "$work/py-current/bin/python" "$here/kinesis_boto3.py" "$endpoint"
check "kinesis aws cli" env PATH="$work/py-current/bin:$PATH" bash "$here/kinesis_cli.sh" "$endpoint"
check "kinesis js sdk v3" node "$work/js/kinesis.mjs" "$endpoint"

kill $pid
wait $pid 2>/dev/null || true
trap - EXIT
echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
