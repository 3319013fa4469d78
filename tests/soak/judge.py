"""Judges a soak run (tests/soak/run.sh): every loadgen line clean, settled RSS flat."""

import json
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1])
warmup = float(sys.argv[2])
MAX_DRIFT = 0.05

failures = []
if (out / "failures.txt").exists():
    failures += (out / "failures.txt").read_text().splitlines()
runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines() if line.strip()]
for run in runs:
    bad = {
        key: run.get(key)
        for key in ("fatal", "errors", "item_errors", "lost", "duplicates", "problems")
        if run.get(key)
    }
    if bad:
        failures.append(f"{run.get('label')} {run.get('scenario')}: {bad}")
requests = sum(run.get("requests_ok", 0) for run in runs)

def rows(name):
    return [line.split("\t") for line in (out / name).read_text().splitlines() if line]

samples = [(int(t), int(kb)) for t, kb in rows("rss.tsv")]
settled = [(int(t), int(kb)) for t, kb, _ in rows("settled.tsv")]
after = [kb for t, kb in settled if t >= warmup]
if len(after) < 6:
    sys.exit(f"soak too short: {len(after)} settled samples after the warm-up")
first = statistics.median(after[:3])
last = statistics.median(after[-3:])
drift = (last - first) / first
curve = [kb for t, kb in samples if t >= warmup]

print(f"runs: {len(runs)} loadgen runs, {requests} requests answered, {len(failures)} failures")
for failure in failures[:20]:
    print(f"  failure: {failure}")
print(
    f"RSS every 10 s after the warm-up ({len(curve)} samples): start {curve[0]} kB, "
    f"max {max(curve)} kB, end {curve[-1]} kB (before the warm-up: {samples[0][1]} kB)"
)
print(
    f"settled RSS after each cycle ({len(after)} after the warm-up): first {first:.0f} kB, "
    f"max {max(after)} kB, last {last:.0f} kB, drift {drift * 100:+.1f} %"
)
per_minute = {}
for t, kb in samples:
    per_minute[t // 60] = max(per_minute.get(t // 60, 0), kb)
print("max RSS per minute (MB):", " ".join(f"{kb / 1024:.0f}" for _, kb in sorted(per_minute.items())))
if failures or abs(drift) >= MAX_DRIFT:
    print("soak FAILED")
    sys.exit(1)
print("soak passed")
