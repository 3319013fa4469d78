#!/usr/bin/env python3
"""Capture golden request fixtures offline (no server, no network).

    python3 capture.py botocore   # botocore-query/ or botocore-json/, picked by the SQS model's protocol
    python3 capture.py cbor       # cbor/: Kinesis bodies encoded like the AWS Java SDK v2 (needs cbor2)

botocore mode builds a real botocore client (endpoint http://localhost:4566, us-east-1,
AKIDEXAMPLE/test) and captures each prepared request in a `before-send` hook, which then
aborts the call, so nothing is sent. Inputs come from params.json next to this file.
"""
import base64
import datetime
import json
import os
import sys
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.dirname(HERE)
ENDPOINT = "http://localhost:4566"
REGION = "us-east-1"
# Headers whose values change per run or per machine; recorded as "<volatile>".
VOLATILE = {"authorization", "x-amz-date", "amz-sdk-invocation-id", "user-agent",
            "x-amz-user-agent", "amz-sdk-request"}

os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
for k in list(os.environ):
    if k.startswith("AWS_") and k not in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        del os.environ[k]


def load_cases():
    with open(os.path.join(HERE, "params.json"), encoding="utf-8") as f:
        return json.load(f)["cases"]


def decode(v):
    """params.json value -> Python value (bytes for blobs, aware datetime for timestamps)."""
    if isinstance(v, dict):
        if set(v) == {"$base64"}:
            return base64.b64decode(v["$base64"])
        if set(v) == {"$timestamp"}:
            return datetime.datetime.fromisoformat(v["$timestamp"].replace("Z", "+00:00"))
        return {k: decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v


def meta_params(v):
    """params.json value -> the meta file's JSON form (blobs as base64, timestamps as ISO)."""
    if isinstance(v, dict):
        if set(v) == {"$base64"}:
            return v["$base64"]
        if set(v) == {"$timestamp"}:
            return v["$timestamp"]
        return {k: meta_params(x) for k, x in v.items()}
    if isinstance(v, list):
        return [meta_params(x) for x in v]
    return v


def has_special(v, key):
    if isinstance(v, dict):
        return key in v or any(has_special(x, key) for x in v.values())
    if isinstance(v, list):
        return any(has_special(x, key) for x in v)
    return False


def fixture_name(case):
    name = f"{case['service']}-{case['operation']}"
    return name + (f"-{case['variant']}" if case.get("variant") else "")


def write_fixture(outdir, case, body, meta):
    os.makedirs(outdir, exist_ok=True)
    name = fixture_name(case)
    with open(os.path.join(outdir, name + ".body"), "wb") as f:
        f.write(body)
    notes = []
    if case.get("note"):
        notes.append(case["note"])
    if has_special(case["params"], "$base64"):
        notes.append("blob params are shown base64-encoded; the client was given the raw bytes")
    if has_special(case["params"], "$timestamp"):
        notes.append("timestamp params are shown as ISO-8601; the client was given a datetime/Date")
    notes.extend(meta.pop("notes", []))
    meta["params"] = meta_params(case["params"])
    if notes:
        meta["notes"] = notes
    with open(os.path.join(outdir, name + ".json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    print(f"  {os.path.relpath(os.path.join(outdir, name), GOLDEN)}: {len(body)} bytes")


def protocol_label(model):
    if model.protocol == "query":
        return "query"
    if model.protocol == "json":
        return "json" + model.metadata.get("jsonVersion", "1.0")
    return model.protocol


# --------------------------------------------------------------------------- botocore

class _Captured(Exception):
    pass


def capture_botocore():
    import botocore
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import ParamValidationError

    session = botocore.session.get_session()
    sqs_proto = session.get_service_model("sqs").protocol
    if sqs_proto == "query":
        outdir, services = os.path.join(GOLDEN, "botocore-query"), ("sqs", "sns")
    else:
        outdir, services = os.path.join(GOLDEN, "botocore-json"), ("sqs", "kinesis")
    client_label = f"botocore {botocore.__version__}"
    print(f"{client_label}: SQS model protocol {sqs_proto} -> {os.path.relpath(outdir, GOLDEN)}/")

    captured = {}

    def hook(request, **kwargs):
        captured["req"] = request
        raise _Captured()

    def make_client(service, validate):
        cl = session.create_client(
            service, region_name=REGION, endpoint_url=ENDPOINT,
            aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}, parameter_validation=validate))
        cl.meta.events.register("before-send", hook)
        return cl

    clients = {}
    for case in load_cases():
        service, op = case["service"], case["operation"]
        if service not in services:
            continue
        model = session.get_service_model(service)
        op_model = model.operation_model(op)
        params = decode(case["params"])
        missing = [k for k in params if k not in op_model.input_shape.members]
        if missing:
            print(f"  skip {fixture_name(case)}: model has no member(s) {missing}")
            continue
        notes = []
        for validate in (True, False):
            key = (service, validate)
            if key not in clients:
                clients[key] = make_client(service, validate)
            cl = clients[key]
            method = getattr(cl, botocore.xform_name(op))
            captured.clear()
            try:
                method(**params)
            except _Captured:
                pass
            except ParamValidationError as e:
                notes.append(f"client refuses with ParamValidationError: {str(e).strip()}; "
                             "captured again with parameter_validation=False")
                continue
            break
        req = captured["req"]
        url = urlsplit(req.url)
        body = req.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in req.headers.items()}
        meta = {
            "method": req.method,
            "path": url.path or "/",
            "query": url.query,
            "headers": {k: headers[k] for k in ("content-type", "x-amz-target") if k in headers},
            "all_headers": {k: ("<volatile>" if k in VOLATILE else v) for k, v in sorted(headers.items())},
            "client": client_label,
            "service": service,
            "operation": op,
            "protocol": protocol_label(model),
            "notes": notes,
        }
        write_fixture(outdir, case, body, meta)


# --------------------------------------------------------------------------- CBOR

class JacksonStyleCbor:
    """Encodes a request the way the AWS Java SDK v2 does for Kinesis (AwsCborProtocolFactory ->
    SdkCborGenerator over Jackson's CBORGenerator):
      * structures and maps: indefinite-length maps (0xBF ... 0xFF), members in model order
      * lists: indefinite-length arrays (0x9F ... 0xFF)
      * strings: definite-length text (Jackson chunks only strings over ~4000 chars)
      * blobs: definite-length byte strings
      * integers: shortest form (Jackson WRITE_MINIMAL_INTS); booleans as true/false
      * timestamps: tag 1 followed by epoch MILLISECONDS as an integer (SdkCborGenerator
        writes instant.toEpochMilli(); the factory's payload timestamp format is
        UNIX_TIMESTAMP_MILLIS), not seconds as RFC 8949 specifies for tag 1.
    Scalars are encoded with cbor2, which uses the same shortest forms."""

    def __init__(self, cbor2):
        self.cbor2 = cbor2

    def encode(self, value, shape):
        t = shape.type_name
        if t == "structure":
            out = bytearray(b"\xbf")
            for name, member in shape.members.items():  # model order, as generated Java marshallers
                if name in value:
                    out += self.cbor2.dumps(name) + self.encode(value[name], member)
            return bytes(out + b"\xff")
        if t == "map":
            out = bytearray(b"\xbf")
            for k, v in value.items():
                out += self.cbor2.dumps(k) + self.encode(v, shape.value)
            return bytes(out + b"\xff")
        if t == "list":
            out = bytearray(b"\x9f")
            for v in value:
                out += self.encode(v, shape.member)
            return bytes(out + b"\xff")
        if t == "blob":
            return self.cbor2.dumps(bytes(value))
        if t == "timestamp":
            millis = int(value.timestamp() * 1000 + (0.5 if value.timestamp() >= 0 else -0.5))
            return b"\xc1" + self.cbor2.dumps(millis)
        if t == "string" and len(value) > 3996:
            raise ValueError("long strings are chunked by Jackson; not modelled here")
        return self.cbor2.dumps(value)


def cbor_decode(cbor2, body):
    """Decode with cbor2, keeping tag 1 raw (cbor2 would read the Java SDK's millis as seconds)."""
    keep = {1: lambda value, immutable=False: cbor2.CBORTag(1, value)}
    return cbor2.loads(body, semantic_decoders=keep)  # semantic_decoders: cbor2 >= 6


def capture_cbor():
    import importlib.metadata
    import botocore
    import botocore.session
    import cbor2

    version = importlib.metadata.version("cbor2")
    model = botocore.session.get_session().get_service_model("kinesis")
    enc = JacksonStyleCbor(cbor2)
    outdir = os.path.join(GOLDEN, "cbor")
    label = f"hand-made after the Java SDK's CBOR encoding (cbor2 {version})"
    print(f"{label} -> cbor/ (shapes from botocore {botocore.__version__}'s kinesis model)")
    target_prefix = model.metadata["targetPrefix"]

    def meta_for(case, notes):
        return {
            "method": "POST", "path": "/", "query": "",
            "headers": {"content-type": "application/x-amz-cbor-1.1",
                        "x-amz-target": f"{target_prefix}.{case['operation']}"},
            "client": label, "service": "kinesis", "operation": case["operation"],
            "protocol": "cbor", "notes": notes,
        }

    for case in load_cases():
        if case["service"] != "kinesis":
            continue
        op_model = model.operation_model(case["operation"])
        params = decode(case["params"])
        body = enc.encode(params, op_model.input_shape)
        cbor_decode(cbor2, body)  # must decode
        notes = ["Java SDK v2 style: indefinite-length maps/arrays, members in model order, "
                 "blobs as byte strings"]
        if has_special(case["params"], "$timestamp"):
            notes.append("timestamps: tag 1 + integer epoch MILLISECONDS, as SdkCborGenerator writes them")
        write_fixture(outdir, case, body, meta_for(case, notes))

    # Two variants another CBOR encoder might produce, to test decoder tolerance.
    by_name = {fixture_name(c): c for c in load_cases()}
    case = dict(by_name["kinesis-PutRecords"], variant="definite")
    params = decode(case["params"])
    body = cbor2.dumps(params)  # definite-length map/array, insertion order
    write_fixture(outdir, case, body, meta_for(case, [
        "NOT what the Java SDK sends: plain cbor2.dumps, definite-length map and array headers"]))
    case = dict(by_name["kinesis-GetShardIterator-AT_TIMESTAMP"], variant="AT_TIMESTAMP-seconds")
    params = decode(case["params"])
    params["Timestamp"] = cbor2.CBORTag(1, params["Timestamp"].timestamp())
    body = cbor2.dumps(params)
    write_fixture(outdir, case, body, meta_for(case, [
        "NOT what the Java SDK sends: definite-length map, Timestamp as tag 1 + float epoch SECONDS "
        "(RFC 8949 meaning of tag 1)"]))


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "botocore"
    if mode == "botocore":
        capture_botocore()
    elif mode == "cbor":
        capture_cbor()
    else:
        sys.exit("usage: capture.py botocore|cbor")
