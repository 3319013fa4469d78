// SNS scenario through the AWS SDK for JavaScript v3: a topic fanned out to an SQS queue.
// Usage: node sns.mjs ENDPOINT
import assert from "node:assert/strict";
import {
  SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, PublishBatchCommand,
  ListSubscriptionsByTopicCommand, GetTopicAttributesCommand, DeleteTopicCommand, NotFoundException,
} from "@aws-sdk/client-sns";
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
  DeleteMessageCommand,
} from "@aws-sdk/client-sqs";

const endpoint = process.argv[2];
const config = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDJS", secretAccessKey: "secret" },
};
const sns = new SNSClient(config);
const sqs = new SQSClient(config);

const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "js-topic" }));
assert.equal(TopicArn, "arn:aws:sns:us-east-1:000000000000:js-topic");
const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "js-topic-sub" }));
const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: Attributes.QueueArn }));
const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
assert.equal(subs.Subscriptions.length, 1);

const published = await sns.send(new PublishCommand({
  TopicArn, Message: "hello from js ✓",
  MessageAttributes: { n: { DataType: "Number", StringValue: "42" } },
}));
assert.ok(published.MessageId);
const batch = await sns.send(new PublishBatchCommand({
  TopicArn, PublishBatchRequestEntries: [{ Id: "x", Message: "second" }],
}));
assert.equal(batch.Successful.length, 1);

const seen = [];
while (seen.length < 2) {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
  for (const m of Messages) {
    const envelope = JSON.parse(m.Body);
    assert.equal(envelope.Type, "Notification");
    assert.equal(envelope.TopicArn, TopicArn);
    seen.push(envelope);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
}
const first = seen.find((e) => e.MessageId === published.MessageId);
assert.equal(first.Message, "hello from js ✓");
assert.deepEqual(first.MessageAttributes.n, { Type: "Number", Value: "42" });

await assert.rejects(
  sns.send(new GetTopicAttributesCommand({ TopicArn: `${TopicArn}-missing` })),
  (e) => e instanceof NotFoundException,
);
await sns.send(new DeleteTopicCommand({ TopicArn }));
console.log("sns js sdk v3: ok");
