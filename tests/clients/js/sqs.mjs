// SQS scenario through the AWS SDK for JavaScript v3, which verifies MD5 digests of sent and
// received messages by default. Usage: node sqs.mjs ENDPOINT
import assert from "node:assert/strict";
import {
  SQSClient, CreateQueueCommand, SendMessageCommand, SendMessageBatchCommand,
  ReceiveMessageCommand, DeleteMessageCommand, GetQueueUrlCommand, DeleteQueueCommand,
  QueueDoesNotExist,
} from "@aws-sdk/client-sqs";

const endpoint = process.argv[2];
const sqs = new SQSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDJS", secretAccessKey: "secret" },
});

const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "js-v3" }));
assert.ok(QueueUrl.endsWith("/000000000000/js-v3"), QueueUrl);

await sqs.send(new SendMessageCommand({
  QueueUrl,
  MessageBody: "hello from js ✓",
  MessageAttributes: { Foo: { DataType: "String", StringValue: "Bar" } },
}));
const batch = await sqs.send(new SendMessageBatchCommand({
  QueueUrl,
  Entries: [{ Id: "1", MessageBody: "one" }, { Id: "2", MessageBody: "two" }],
}));
assert.equal(batch.Successful.length, 2);

const received = [];
while (received.length < 3) {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
    QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5, MessageAttributeNames: ["All"],
  }));
  assert.ok(Messages.length > 0, "long poll returned nothing");
  received.push(...Messages);
}
assert.deepEqual(received.map((m) => m.Body).sort(), ["hello from js ✓", "one", "two"]);
for (const m of received) {
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
}

await assert.rejects(
  sqs.send(new GetQueueUrlCommand({ QueueName: "missing" })),
  (e) => e instanceof QueueDoesNotExist,
);
await sqs.send(new DeleteQueueCommand({ QueueUrl }));
console.log("js sdk v3: ok");
