// Kinesis scenario through the AWS SDK for JavaScript v3: create, put, read back.
// Usage: node kinesis.mjs ENDPOINT
import assert from "node:assert/strict";
import {
  KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand,
  GetShardIteratorCommand, GetRecordsCommand, DeleteStreamCommand, ResourceNotFoundException,
} from "@aws-sdk/client-kinesis";

const endpoint = process.argv[2];
const kinesis = new KinesisClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDJS", secretAccessKey: "secret" },
});

await kinesis.send(new CreateStreamCommand({ StreamName: "js-stream", ShardCount: 1 }));
for (let i = 0; ; i++) {
  const { StreamDescriptionSummary: s } = await kinesis.send(
    new DescribeStreamSummaryCommand({ StreamName: "js-stream" }));
  if (s.StreamStatus === "ACTIVE") break;
  assert.ok(i < 50, "stream becomes ACTIVE");
  await new Promise((r) => setTimeout(r, 100));
}
const encoder = new TextEncoder();
const put = await kinesis.send(new PutRecordsCommand({
  StreamName: "js-stream",
  Records: [1, 2, 3].map((i) => ({ PartitionKey: `k${i}`, Data: encoder.encode(`record ${i}`) })),
}));
assert.equal(put.FailedRecordCount, 0);
const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({
  StreamName: "js-stream", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON",
}));
const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
const decoder = new TextDecoder();
assert.deepEqual(Records.map((r) => decoder.decode(r.Data)), ["record 1", "record 2", "record 3"]);
assert.ok(Records[0].ApproximateArrivalTimestamp instanceof Date);
await assert.rejects(
  kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "js-missing" })),
  (e) => e instanceof ResourceNotFoundException,
);
await kinesis.send(new DeleteStreamCommand({ StreamName: "js-stream" }));
console.log("kinesis js sdk v3: ok");
