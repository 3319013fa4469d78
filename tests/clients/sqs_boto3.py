"""SQS scenario through boto3, run by run.sh against a release build.

Run with a current botocore (JSON protocol) and with botocore 1.31 (the last release whose
SQS client speaks the AWS Query protocol), so both wire protocols are exercised by a real
client. Usage: python sqs_boto3.py ENDPOINT
"""
import hashlib
import sys

import boto3
import botocore

endpoint = sys.argv[1]
sqs = boto3.client(
    "sqs",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDCLIENT",
    aws_secret_access_key="secret",
)
proto = sqs.meta.service_model.protocol
name = f"boto3-{proto}"
print(f"botocore {botocore.__version__}, protocol {proto}")

url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
assert url.endswith(f"/000000000000/{name}"), url
assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
assert url in sqs.list_queues(QueueNamePrefix="boto3-")["QueueUrls"]

# Every character XML escapes, carriage returns (an XML parser drops them unless written as
# &#xD;), tabs and characters outside the BMP must come back as sent, in Query and JSON.
tricky = "q\"'<a & b>\r\n\t ✓ 🦀 ]]>"
sent = sqs.send_message(
    QueueUrl=url,
    MessageBody="héllo & <world>\r\n" + tricky,
    MessageAttributes={
        "Foo": {"DataType": "String", "StringValue": "Bar" + tricky},
        "Bin": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
    },
)
assert sent["MD5OfMessageBody"] == hashlib.md5(("héllo & <world>\r\n" + tricky).encode()).hexdigest()

batch = sqs.send_message_batch(
    QueueUrl=url,
    Entries=[{"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "bad\x00"}],
)
assert [e["Id"] for e in batch["Successful"]] == ["a"], batch
assert batch["Failed"][0]["Code"] == "InvalidMessageContents", batch

got = sqs.receive_message(
    QueueUrl=url,
    MaxNumberOfMessages=10,
    WaitTimeSeconds=5,
    MessageAttributeNames=["All"],
    AttributeNames=["All"],
)["Messages"]
bodies = sorted(m["Body"] for m in got)
assert bodies == sorted(["héllo & <world>\r\n" + tricky, "one"]), bodies
first = next(m for m in got if m["MessageId"] == sent["MessageId"])
assert first["MessageAttributes"]["Foo"]["StringValue"] == "Bar" + tricky, first
assert first["MessageAttributes"]["Bin"]["BinaryValue"] == b"\x00\x01\xff"
assert first["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
assert first["Attributes"]["SenderId"] == "AKIDCLIENT"

deleted = sqs.delete_message_batch(
    QueueUrl=url,
    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)],
)
assert len(deleted["Successful"]) == 2, deleted

attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
assert attrs["ApproximateNumberOfMessages"] == "0", attrs
assert attrs["VisibilityTimeout"] == "5", attrs

try:
    sqs.get_queue_url(QueueName="does-not-exist")
    raise AssertionError("expected QueueDoesNotExist")
except sqs.exceptions.QueueDoesNotExist as e:
    assert e.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue", e.response

try:
    sqs.delete_message(QueueUrl=url, ReceiptHandle="fake")
    raise AssertionError("expected ReceiptHandleIsInvalid")
except sqs.exceptions.ReceiptHandleIsInvalid:
    pass

sqs.delete_queue(QueueUrl=url)

fifo = sqs.create_queue(
    QueueName=f"{name}.fifo",
    Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
)["QueueUrl"]
seqs = [
    int(sqs.send_message(QueueUrl=fifo, MessageBody=f"m{i}", MessageGroupId="g")["SequenceNumber"])
    for i in range(3)
]
assert seqs == sorted(seqs) and len(str(seqs[0])) == 20, seqs
dup = sqs.send_message(QueueUrl=fifo, MessageBody="m0", MessageGroupId="g")
got = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
assert [m["Body"] for m in got] == ["m0", "m1", "m2"], got
assert got[0]["MessageId"] == dup["MessageId"], "a duplicate answers with the original"
assert got[0]["Attributes"]["MessageGroupId"] == "g"
print(f"boto3 ({proto}): ok")
