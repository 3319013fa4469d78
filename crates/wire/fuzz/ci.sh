#!/usr/bin/env bash
# A short, repeatable fuzz pass for CI (the long campaigns are run by hand, see README.md):
# replays every committed seed and regression input through its target, then runs each
# target for a fixed number of executions from a fixed seed, so a pass is the same pass
# every time. Exits 0 with "skipped: ..." when cargo-fuzz cannot be installed here.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1   # cargo-fuzz passes -Z flags; the stable toolchain accepts them so
RUNS="${FUZZ_RUNS:-20000}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  if ! cargo install cargo-fuzz --locked --quiet; then
    echo "skipped: cargo-fuzz could not be installed"
    exit 0
  fi
fi
targets=(query_form json_input cbor_input event_stream detect)
cargo fuzz build >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for t in "${targets[@]}"; do
  inputs=("fuzz/seeds/$t")
  [ -d "fuzz/regressions/$t" ] && inputs+=("fuzz/regressions/$t")
  cargo fuzz run "$t" "${inputs[@]}" -- -runs=0 >"$work/$t.replay.log" 2>&1 \
    || { echo "fuzz: $t failed on a committed input"; tail -40 "$work/$t.replay.log"; exit 1; }
  mkdir -p "$work/corpus-$t"
  dict=(); [ -f "fuzz/dicts/$t.dict" ] && dict=("-dict=fuzz/dicts/$t.dict")
  cargo fuzz run "$t" "$work/corpus-$t" "fuzz/seeds/$t" -- \
    -runs="$RUNS" -seed=1 -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
    >"$work/$t.log" 2>&1 \
    || { echo "fuzz: $t found a failure"; tail -60 "$work/$t.log"; exit 1; }
  echo "fuzz: $t ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || echo "$RUNS") executions)"
done
