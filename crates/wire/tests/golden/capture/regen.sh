#!/usr/bin/env bash
# Regenerate every fixture in ../ offline, then check them. Needs python3 (venv), node and npm,
# and the PyPI and npm registries to install the pinned clients (once).
set -euo pipefail
cd "$(dirname "$0")"
venvs=${GOLDEN_VENVS:-/tmp/sluice-golden-venvs}
mk() { [ -x "$venvs/$1/bin/python" ] || { python3 -m venv "$venvs/$1" && "$venvs/$1/bin/pip" install -q "${@:2}"; }; }
mk query botocore==1.31.80            # last 1.31 whose SQS model is Query
mk json botocore==1.44.8 cbor2==6.3.0 # SQS on JSON 1.0, Kinesis on JSON 1.1
"$venvs/query/bin/python" capture.py botocore
"$venvs/json/bin/python" capture.py botocore
"$venvs/json/bin/python" capture.py cbor
npm ci --no-audit --no-fund
node capture.mjs
"$venvs/json/bin/python" check.py
