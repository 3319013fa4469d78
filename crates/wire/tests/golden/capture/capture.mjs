// Capture the requests the AWS SDK for JavaScript v3 sends, offline: a custom requestHandler
// records each HttpRequest and answers with a canned 200 (whatever the SDK then makes of that
// answer is ignored). Inputs come from params.json; output goes to ../js-v3/.
//   npm ci && node capture.mjs
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import * as SQS from "@aws-sdk/client-sqs";
import * as SNS from "@aws-sdk/client-sns";
import * as Kinesis from "@aws-sdk/client-kinesis";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, "..", "js-v3");
const require = createRequire(import.meta.url);
const VOLATILE = new Set(["authorization", "x-amz-date", "amz-sdk-invocation-id", "user-agent",
  "x-amz-user-agent", "amz-sdk-request"]);

const version = (pkg) => require(`${pkg}/package.json`).version;
const modules = {
  sqs: { mod: SQS, client: "SQSClient", pkg: "@aws-sdk/client-sqs" },
  sns: { mod: SNS, client: "SNSClient", pkg: "@aws-sdk/client-sns" },
  kinesis: { mod: Kinesis, client: "KinesisClient", pkg: "@aws-sdk/client-kinesis" },
};

const decode = (v) => {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "$base64") return new Uint8Array(Buffer.from(v.$base64, "base64"));
    if (keys.length === 1 && keys[0] === "$timestamp") return new Date(v.$timestamp);
    return Object.fromEntries(keys.map((k) => [k, decode(v[k])]));
  }
  return v;
};
const metaParams = (v) => {
  if (Array.isArray(v)) return v.map(metaParams);
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === "$base64" || keys[0] === "$timestamp")) return v[keys[0]];
    return Object.fromEntries(keys.map((k) => [k, metaParams(v[k])]));
  }
  return v;
};
const has = (v, key) => Array.isArray(v) ? v.some((x) => has(x, key))
  : v && typeof v === "object" ? (key in v || Object.values(v).some((x) => has(x, key))) : false;

const protocolOf = (contentType) =>
  contentType.startsWith("application/x-www-form-urlencoded") ? "query"
    : contentType === "application/x-amz-json-1.0" ? "json1.0"
    : contentType === "application/x-amz-json-1.1" ? "json1.1" : contentType;

let captured = null;
const handler = {
  handle: async (request) => {
    captured = request;
    const json = (request.headers["content-type"] || "").includes("json");
    return {
      response: {
        statusCode: 200,
        headers: { "content-type": json ? "application/x-amz-json-1.0" : "text/xml" },
        body: Readable.from([Buffer.from(json ? "{}" : "<R/>")]),
      },
    };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
};

const clients = {};
const clientFor = (service) => {
  if (!clients[service]) {
    const { mod, client } = modules[service];
    clients[service] = new mod[client]({
      region: "us-east-1",
      endpoint: "http://localhost:4566",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "test" },
      requestHandler: handler,
      maxAttempts: 1,
    });
  }
  return clients[service];
};

const { cases } = JSON.parse(readFileSync(join(HERE, "params.json"), "utf8"));
mkdirSync(OUT, { recursive: true });
for (const c of cases) {
  const name = `${c.service}-${c.operation}${c.variant ? "-" + c.variant : ""}`;
  const { mod, pkg } = modules[c.service];
  const Command = mod[`${c.operation}Command`];
  captured = null;
  let error = null;
  try {
    await clientFor(c.service).send(new Command(decode(c.params)));
  } catch (e) {
    error = e;
  }
  const notes = [];
  if (c.note) notes.push(c.note);
  if (has(c.params, "$base64")) notes.push("blob params are shown base64-encoded; the client was given a Uint8Array");
  if (has(c.params, "$timestamp")) notes.push("timestamp params are shown as ISO-8601; the client was given a Date");
  if (!captured) {
    console.log(`  ${name}: REFUSED client-side: ${error && (error.name + ": " + error.message)}`);
    writeFileSync(join(OUT, `${name}.refused.json`), JSON.stringify({
      client: `${pkg} ${version(pkg)}`, service: c.service, operation: c.operation,
      refused: `${error && error.name}: ${error && error.message}`, params: metaParams(c.params), notes,
    }, null, 2) + "\n");
    continue;
  }
  const r = captured;
  // JSON bodies arrive as a Uint8Array subclass whose valueOf() returns a string: copy the bytes.
  const body = r.body == null ? Buffer.alloc(0)
    : r.body instanceof Uint8Array ? Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength)
    : Buffer.from(String(r.body), "utf8");
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const query = new URLSearchParams(r.query || {}).toString();
  const meta = {
    method: r.method,
    path: r.path,
    query,
    headers: Object.fromEntries(["content-type", "x-amz-target"].filter((k) => k in headers).map((k) => [k, headers[k]])),
    all_headers: Object.fromEntries(Object.keys(headers).sort().map((k) => [k, VOLATILE.has(k) ? "<volatile>" : headers[k]])),
    host: `${r.protocol}//${r.hostname}${r.port ? ":" + r.port : ""}`,
    client: `${pkg} ${version(pkg)}`,
    service: c.service,
    operation: c.operation,
    protocol: protocolOf(headers["content-type"] || ""),
    params: metaParams(c.params),
  };
  if (notes.length) meta.notes = notes;
  writeFileSync(join(OUT, `${name}.body`), body);
  writeFileSync(join(OUT, `${name}.json`), JSON.stringify(meta, null, 2) + "\n");
  console.log(`  js-v3/${name}: ${body.length} bytes`);
}
