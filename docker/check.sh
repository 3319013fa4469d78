#!/usr/bin/env bash
# The Docker step of CI, runnable by hand: gets a Docker engine (installs Debian's docker.io
# and starts dockerd when none runs and this is root), builds the image from a static binary
# built on the host (docker/Dockerfile.prebuilt, nothing pulled), and checks it: size under
# 25 MiB, a non-root process, HEALTHCHECK healthy, SIGTERM answered in under 1 s with an
# in-flight long poll answered. Then the compose scenario: docker/docker-compose.yml brought up
# with its app container replaced by tests/examples/compose_client.rs (static, SDK-driven),
# which must pass every step.
# Exit 0 with "image size: <bytes> bytes" when everything passed; exit 0 with a line starting
# "skipped:" when no engine can be had; non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
work="$(mktemp -d)"
started_dockerd=""
container=""
compose=()

cleanup() {
  if [ -n "$container" ]; then docker rm -f "$container" >/dev/null 2>&1 || true; fi
  if [ "${#compose[@]}" -gt 0 ]; then "${compose[@]}" down -v >/dev/null 2>&1 || true; fi
  if [ -n "$started_dockerd" ]; then
    kill "$started_dockerd" 2>/dev/null || true
    wait "$started_dockerd" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

skip() {
  echo "skipped: $*"
  exit 0
}
fail() {
  echo "docker check failed: $*" >&2
  exit 1
}
now_ms() { date +%s%3N; }

# --- an engine: the running one, or dockerd started here (installed first if need be)
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    skip "no Docker engine running and not root to start one"
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || skip "no Docker engine and no apt-get to install docker.io"
    echo "-- installing docker.io"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io; } \
      >"$work/apt.log" 2>&1; then
      skip "could not install docker.io: $(tail -n 1 "$work/apt.log")"
    fi
  fi
  command -v docker >/dev/null 2>&1 || skip "docker.io installed no docker client"
  echo "-- starting dockerd"
  dockerd >"$work/dockerd.log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$started_dockerd" 2>/dev/null || skip "dockerd exited: $(tail -n 1 "$work/dockerd.log")"
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || skip "dockerd did not answer within 30 s: $(tail -n 1 "$work/dockerd.log")"
fi
echo "-- engine: $(docker info --format '{{.ServerVersion}}' 2>/dev/null)"

# --- both Dockerfiles give the image the same runtime (user, ports, env, healthcheck)
runtime_of() { awk '/^FROM scratch/ { on = 1; next } on && !/^COPY/ && !/^#/ && NF' "$1"; }
if ! diff <(runtime_of docker/Dockerfile) <(runtime_of docker/Dockerfile.prebuilt) >"$work/runtime.diff"; then
  cat "$work/runtime.diff" >&2
  fail "docker/Dockerfile and docker/Dockerfile.prebuilt differ after FROM scratch"
fi

# --- the static binary and the image
triple="$(rustc -vV | sed -n 's/^host: //p')"
echo "-- building a static binary for $triple"
RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --release --locked --target "$triple" -p sluice --manifest-path "$root/Cargo.toml"
cp "$root/target/$triple/release/sluice" "$work/sluice"
if ldd "$work/sluice" 2>&1 | grep -q '=>'; then
  fail "the binary is dynamically linked: $(ldd "$work/sluice" | head -n 3)"
fi
cp docker/Dockerfile.prebuilt "$work/Dockerfile"
mkdir -p "$work/data"
echo "-- building the image"
# The legacy builder needs no buildx plugin and, from scratch, no registry.
DOCKER_BUILDKIT=0 docker build -q -t sluice:check "$work" >/dev/null 2>"$work/build.log" \
  || { cat "$work/build.log" >&2; fail "docker build"; }
size="$(docker image inspect sluice:check --format '{{.Size}}')"
[ "$size" -lt 26214400 ] || fail "image is $size bytes, over 25 MiB"

# --- a container: ready, non-root, healthy
started="$(now_ms)"
container="$(docker run -d -p 127.0.0.1::4566 sluice:check)"
port="$(docker port "$container" 4566/tcp | head -n 1 | sed 's/.*://')"
url="http://127.0.0.1:$port"
for _ in $(seq 1 200); do
  curl -sf "$url/health" >/dev/null 2>&1 && break
  sleep 0.025
done
curl -sf "$url/health" >/dev/null || { docker logs "$container" >&2; fail "no answer on $url/health"; }
ready_ms=$(($(now_ms) - started))
pid="$(docker inspect --format '{{.State.Pid}}' "$container")"
uid="$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
[ "$uid" != 0 ] || fail "the server runs as root"
status=starting
for _ in $(seq 1 60); do
  status="$(docker inspect --format '{{.State.Health.Status}}' "$container")"
  [ "$status" = healthy ] && break
  sleep 0.5
done
[ "$status" = healthy ] || { docker logs "$container" >&2; fail "container not healthy: $status"; }

# --- SIGTERM with a long poll in flight: the poll is answered, the server exits 0 in < 1 s
sqs() { # sqs TARGET JSON
  curl -s -H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Target: AmazonSQS.$1" \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0' \
    -d "$2" "$url/"
}
queue_url="$(sqs CreateQueue '{"QueueName":"check"}' | sed -n 's/.*"QueueUrl":"\([^"]*\)".*/\1/p')"
[ -n "$queue_url" ] || fail "CreateQueue gave no queue URL"
curl -s -o "$work/poll.body" -w '%{http_code}' -H 'Content-Type: application/x-amz-json-1.0' \
  -H 'X-Amz-Target: AmazonSQS.ReceiveMessage' \
  -H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0' \
  -d "{\"QueueUrl\":\"$queue_url\",\"WaitTimeSeconds\":20}" "$url/" >"$work/poll.status" &
poll=$!
sleep 0.5
kill -0 "$poll" 2>/dev/null || fail "the long poll ended before SIGTERM: $(cat "$work/poll.status")"
stop_started="$(now_ms)"
docker kill --signal TERM "$container" >/dev/null
docker wait "$container" >"$work/exit.code"
stop_ms=$(($(now_ms) - stop_started))
wait "$poll" || true
[ "$(cat "$work/poll.status")" = 200 ] || fail "the long poll got HTTP $(cat "$work/poll.status") at SIGTERM"
[ "$(cat "$work/exit.code")" = 0 ] || fail "exit code $(cat "$work/exit.code") after SIGTERM"
[ "$stop_ms" -lt 1000 ] || fail "SIGTERM took $stop_ms ms"

# --- LocalStack's variables in a compose file take the place of the image's defaults
container="$(docker run -d -e GATEWAY_LISTEN=0.0.0.0:4510 -e LOCALSTACK_HOST=localstack \
  -p 127.0.0.1::4510 sluice:check)"
url="http://127.0.0.1:$(docker port "$container" 4510/tcp | head -n 1 | sed 's/.*://')"
for _ in $(seq 1 200); do
  curl -sf "$url/health" >/dev/null 2>&1 && break
  sleep 0.025
done
queue_url="$(sqs CreateQueue '{"QueueName":"moved"}' | sed -n 's/.*"QueueUrl":"\([^"]*\)".*/\1/p')"
[ "$queue_url" = "http://localstack:4510/000000000000/moved" ] \
  || { docker logs "$container" >&2; fail "with GATEWAY_LISTEN and LOCALSTACK_HOST the queue URL was '$queue_url'"; }
docker rm -f "$container" >/dev/null
container=""
echo "LocalStack variables: GATEWAY_LISTEN and LOCALSTACK_HOST override the image's defaults ($queue_url)"

# --- a data dir on a named volume: a message survives the container being killed
volume="sluice-check-$$"
container="$(docker run -d -v "$volume:/data" -e SLUICE_DATA_DIR=/data -p 127.0.0.1::4566 sluice:check)"
wait_ready() {
  url="http://127.0.0.1:$(docker port "$container" 4566/tcp | head -n 1 | sed 's/.*://')"
  for _ in $(seq 1 200); do
    curl -sf "$url/health" >/dev/null 2>&1 && return 0
    sleep 0.025
  done
  docker logs "$container" >&2
  fail "no answer on $url/health with a data dir"
}
wait_ready
queue_url="$(sqs CreateQueue '{"QueueName":"kept"}' | sed -n 's/.*"QueueUrl":"\([^"]*\)".*/\1/p')"
sqs SendMessage "{\"QueueUrl\":\"$queue_url\",\"MessageBody\":\"survives kill -9\"}" | grep -q MessageId \
  || { docker logs "$container" >&2; fail "SendMessage with a data dir"; }
docker kill "$container" >/dev/null
docker start "$container" >/dev/null
wait_ready
sqs ReceiveMessage "{\"QueueUrl\":\"$queue_url\"}" | grep -q '"Body":"survives kill -9"' \
  || { docker logs "$container" >&2; fail "the message did not survive docker kill + docker start"; }
docker rm -f "$container" >/dev/null
docker volume rm "$volume" >/dev/null
container=""
echo "data dir: a message sent before docker kill (SIGKILL) was received after docker start"

# --- the compose scenario: the README's compose file, the app container a static SDK client
if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "-- installing docker-compose"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >"$work/apt-compose.log" 2>&1 \
      || { tail -n 3 "$work/apt-compose.log" >&2; fail "could not install docker-compose"; }
  else
    fail "docker-compose is missing and cannot be installed here"
  fi
fi
echo "-- building the compose scenario's client"
RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --release --locked --target "$triple" -p sluice-tests --example compose_client \
  --manifest-path "$root/Cargo.toml"
mkdir -p "$work/client"
cp "$root/target/$triple/release/examples/compose_client" "$work/client/compose_client"
printf 'FROM scratch\nCOPY compose_client /compose_client\nUSER 65534:65534\nENTRYPOINT ["/compose_client"]\n' \
  >"$work/client/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t sluice-compose-client:check "$work/client" >/dev/null \
  2>"$work/client-build.log" || { cat "$work/client-build.log" >&2; fail "docker build of the client"; }
cat >"$work/compose.override.yml" <<'YAML'
services:
  sluice:
    image: sluice:check
  app:
    image: sluice-compose-client:check
    entrypoint: ["/compose_client"]
    command: []
YAML
compose=(docker-compose -p sluicecheck -f docker/docker-compose.yml -f "$work/compose.override.yml")
compose_started="$(now_ms)"
if ! "${compose[@]}" up --no-build --no-color --abort-on-container-exit --exit-code-from app >"$work/compose.log" 2>&1; then
  cat "$work/compose.log" >&2
  fail "the compose scenario failed"
fi
compose_ms=$(($(now_ms) - compose_started))
grep -q "compose scenario: all steps passed" "$work/compose.log" || { cat "$work/compose.log" >&2; fail "the client did not report success"; }
grep -E "app_1 +\| ok:|app-1 +\| ok:" "$work/compose.log" || true
echo "compose scenario passed in $compose_ms ms (Sluice healthy, then every client step)"

echo "container: answered /health $ready_ms ms after docker run; uid $uid; healthy; SIGTERM with a long poll in flight: exit 0 in $stop_ms ms"
echo "image size: $size bytes"
