#!/usr/bin/env python3
"""Sanity-check the golden fixtures (needs only cbor2 >= 6):
  * every .body has a .json meta that parses and whose content-length (if recorded) matches
  * Query bodies are strict application/x-www-form-urlencoded UTF-8
  * JSON bodies parse; CBOR bodies decode
  * the same case decodes to the same data in every client directory
    (Query as its key/value pairs; CBOR with byte strings as base64 and tag-1 millis as seconds)
"""
import base64
import glob
import json
import os
import re
import sys
from urllib.parse import parse_qsl

import cbor2

GOLDEN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORM = re.compile(rb"^(?:[A-Za-z0-9*\-._~+=&]|%[0-9A-F]{2})*$")


def cbor_norm(v):
    if isinstance(v, cbor2.CBORTag) and v.tag == 1:
        return v.value / 1000 if isinstance(v.value, int) else v.value
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(v).decode()
    if isinstance(v, dict):
        return {k: cbor_norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [cbor_norm(x) for x in v]
    return v


def decode(path, meta, body):
    proto = meta["protocol"]
    if proto == "query":
        assert FORM.match(body), "not strictly form-urlencoded"
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True,
                          encoding="utf-8", errors="strict")
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), "duplicate keys"
        assert keys[:1] == ["Action"] or "Action" in keys, "no Action"
        return dict(pairs)
    if proto.startswith("json"):
        return json.loads(body.decode("utf-8"))
    if proto == "cbor":
        keep = {1: lambda value, immutable=False: cbor2.CBORTag(1, value)}
        return cbor_norm(cbor2.loads(body, semantic_decoders=keep))
    raise AssertionError(f"unknown protocol {proto}")


def main():
    failures, seen, total = 0, {}, 0
    for body_path in sorted(glob.glob(os.path.join(GOLDEN, "*", "*.body"))):
        rel = os.path.relpath(body_path, GOLDEN)
        name = os.path.basename(body_path)[:-5]
        try:
            with open(body_path, "rb") as f:
                body = f.read()
            with open(body_path[:-5] + ".json", encoding="utf-8") as f:
                meta = json.load(f)
            total += len(body) + os.path.getsize(body_path[:-5] + ".json")
            cl = meta.get("all_headers", {}).get("content-length")
            assert cl is None or int(cl) == len(body), f"content-length {cl} != {len(body)}"
            for k in ("method", "path", "query", "headers", "client", "service", "operation",
                      "protocol", "params"):
                assert k in meta, f"meta lacks {k}"
            data = decode(rel, meta, body)
            if not name.endswith(("-definite", "-seconds")):
                seen.setdefault((name, meta["protocol"] == "query"), []).append((rel, data))
            print(f"ok   {rel} ({meta['protocol']}, {len(body)} bytes)")
        except Exception as e:  # noqa: BLE001
            failures += 1
            print(f"FAIL {rel}: {e}")
    for (name, _), items in sorted(seen.items()):
        ref_rel, ref = items[0]
        for rel, data in items[1:]:
            if data != ref:
                failures += 1
                print(f"FAIL {rel} decodes differently from {ref_rel}")
    print(f"{failures} failure(s); fixtures total {total} bytes")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
