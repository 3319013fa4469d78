"""SNS scenario through boto3 (SNS speaks the AWS Query protocol), run by run.sh against a
release build: topics, SQS fan-out in the JSON envelope, raw delivery with attributes, a
filter policy, PublishBatch and a FIFO topic into a FIFO queue. Usage: python sns_boto3.py ENDPOINT
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name="us-east-1",
          aws_access_key_id="AKIDCLIENT", aws_secret_access_key="secret")
sns = boto3.client("sns", **kw)
sqs = boto3.client("sqs", **kw)


def queue(name, fifo=False):
    attrs = {"FifoQueue": "true"} if fifo else {}
    url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def take(url):
    out = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10, MaxNumberOfMessages=1,
                              MessageAttributeNames=["All"], AttributeNames=["All"])
    [m] = out["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return m


topic = sns.create_topic(Name="boto3-events", Attributes={"DisplayName": "Events"})["TopicArn"]
assert topic == "arn:aws:sns:us-east-1:000000000000:boto3-events", topic
assert topic in [t["TopicArn"] for t in sns.list_topics()["Topics"]]

env_url, env_arn = queue("boto3-envelope")
raw_url, raw_arn = queue("boto3-raw")
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=env_arn)
# The filter policy comes back in a Query (XML) answer: quotes, <, & and ' escaped, then
# decoded by botocore to the text as set.
policy = json.dumps({"kind": ["order", "<a & 'b'>"]})
raw_sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=raw_arn,
                        Attributes={"RawMessageDelivery": "true", "FilterPolicy": policy},
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
assert len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]) == 2
got_policy = sns.get_subscription_attributes(SubscriptionArn=raw_sub)["Attributes"]["FilterPolicy"]
assert json.loads(got_policy) == json.loads(policy), got_policy

sns.publish(TopicArn=topic, Message="not for raw", Subject="S",
            MessageAttributes={"kind": {"DataType": "String", "StringValue": "refund"}})
sns.publish(TopicArn=topic, Message="order 1",
            MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
first = json.loads(take(env_url)["Body"])
assert first["Type"] == "Notification" and first["Message"] == "not for raw", first
assert first["Subject"] == "S" and first["TopicArn"] == topic
assert first["MessageAttributes"]["kind"] == {"Type": "String", "Value": "refund"}
assert json.loads(take(env_url)["Body"])["Message"] == "order 1"
raw = take(raw_url)
assert raw["Body"] == "order 1", raw
assert raw["MessageAttributes"]["kind"]["StringValue"] == "order"

batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
    {"Id": "a", "Message": "batch a"}, {"Id": "b", "Message": "batch b"}])
assert len(batch["Successful"]) == 2 and not batch["Failed"], batch
got = sorted(json.loads(take(env_url)["Body"])["Message"] for _ in range(2))
assert got == ["batch a", "batch b"], got

fifo = sns.create_topic(Name="boto3-orders.fifo",
                        Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
fifo_url, fifo_arn = queue("boto3-orders.fifo", fifo=True)
sns.subscribe(TopicArn=fifo, Protocol="sqs", Endpoint=fifo_arn, Attributes={"RawMessageDelivery": "true"})
for i in range(3):
    out = sns.publish(TopicArn=fifo, Message=f"o{i}", MessageGroupId="g")
    assert len(out["SequenceNumber"]) == 20
dup = sns.publish(TopicArn=fifo, Message="o0", MessageGroupId="g")
assert [take(fifo_url)["Body"] for _ in range(3)] == ["o0", "o1", "o2"]

try:
    sns.publish(TopicArn=fifo, Message="x")
    raise SystemExit("FIFO publish without a group must fail")
except sns.exceptions.InvalidParameterException as e:
    assert "MessageGroupId" in str(e), e
try:
    sns.get_topic_attributes(TopicArn="arn:aws:sns:us-east-1:000000000000:missing")
    raise SystemExit("missing topic must fail")
except sns.exceptions.NotFoundException:
    pass

sns.delete_topic(TopicArn=topic)
print("sns boto3: ok")
