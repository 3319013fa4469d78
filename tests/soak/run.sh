#!/usr/bin/env bash
# Soak: mixed SQS/SNS/Kinesis load from ../shared/bench for SOAK_SECONDS (default 1800)
# against one release server, with every loadgen run creating and deleting its own queue,
# topic or stream. The server's RSS is sampled every 10 s, and again after each cycle once
# its resources are deleted ("settled"). Passes when no request failed or lost a message
# and the settled RSS after the warm-up (SOAK_WARMUP_SECONDS, default 300) drifts < 5 %.
# Run by hand (not in CI): bash tests/soak/run.sh   Output and samples: target/soak/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="${SOAK_BENCH:-$ROOT/../shared/bench}"
OUT="$ROOT/target/soak"
PORT="${SOAK_PORT:-4577}"
SECONDS_TOTAL="${SOAK_SECONDS:-1800}"
WARMUP="${SOAK_WARMUP_SECONDS:-300}"
CYCLE_LOAD_SECONDS=20
mkdir -p "$OUT"
rm -f "$OUT"/*.jsonl "$OUT"/*.tsv "$OUT"/failures.txt

(cd "$ROOT" && cargo build --release -q -p sluice)
(cd "$BENCH/loadgen" && CARGO_TARGET_DIR="$OUT/bench-target" cargo build --release -q)
LOADGEN="$OUT/bench-target/release/loadgen"
ENDPOINT="http://127.0.0.1:$PORT"

"$ROOT/target/release/sluice" --port "$PORT" --log warn >"$OUT/server.log" 2>&1 &
SERVER=$!
SAMPLER=""
cleanup() {
    [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
    kill "$SERVER" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do
    curl -fs "$ENDPOINT/health" >/dev/null 2>&1 && break
    sleep 0.1
done

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status"; }
START=$(date +%s)
elapsed() { echo $(( $(date +%s) - START )); }

(
    while kill -0 "$SERVER" 2>/dev/null; do
        printf '%s\t%s\n' "$(elapsed)" "$(rss_kb)" >>"$OUT/rss.tsv"
        sleep 10
    done
) &
SAMPLER=$!

# Each cycle: four scenarios at once, then a short drain of a prefilled queue.
cycle=0
while [ "$(elapsed)" -lt "$SECONDS_TOTAL" ]; do
    cycle=$((cycle + 1))
    common=(--endpoint "$ENDPOINT" --duration "$CYCLE_LOAD_SECONDS" --label "cycle-$cycle")
    runs=()
    "$LOADGEN" "${common[@]}" --scenario sqs-roundtrip-json --connections 8 >>"$OUT/runs.jsonl" &
    runs+=($!)
    "$LOADGEN" "${common[@]}" --scenario sns-publish-json --connections 4 >>"$OUT/runs.jsonl" &
    runs+=($!)
    "$LOADGEN" "${common[@]}" --scenario kinesis-put-json --connections 2 --records 100 >>"$OUT/runs.jsonl" &
    runs+=($!)
    "$LOADGEN" "${common[@]}" --scenario sqs-sendbatch-json --connections 4 >>"$OUT/runs.jsonl" &
    runs+=($!)
    for run in "${runs[@]}"; do
        wait "$run" || echo "cycle $cycle: a loadgen run exited with $?" | tee -a "$OUT/failures.txt"
    done
    "$LOADGEN" --endpoint "$ENDPOINT" --label "cycle-$cycle" --scenario sqs-drain-json \
        --connections 4 --prefill 20000 --warmup 0 --duration 2 >>"$OUT/runs.jsonl"
    sleep 2
    printf '%s\t%s\t%s\n' "$(elapsed)" "$(rss_kb)" "$cycle" >>"$OUT/settled.tsv"
    echo "cycle $cycle at $(elapsed) s: settled RSS $(rss_kb) kB"
done

python3 "$ROOT/tests/soak/judge.py" "$OUT" "$WARMUP"
