"""Kinesis scenario through boto3 (AWS JSON 1.1), run by run.sh against a release build:
create a stream, wait for it with boto3's own waiter, put records, read them back by
iterator, split a shard. Usage: python kinesis_boto3.py ENDPOINT
"""
import sys

import boto3

endpoint = sys.argv[1]
kinesis = boto3.client("kinesis", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="AKIDCLIENT", aws_secret_access_key="secret")

kinesis.create_stream(StreamName="boto3-stream", ShardCount=2)
kinesis.get_waiter("stream_exists").wait(StreamName="boto3-stream",
                                         WaiterConfig={"Delay": 1, "MaxAttempts": 10})
desc = kinesis.describe_stream(StreamName="boto3-stream")["StreamDescription"]
assert desc["StreamStatus"] == "ACTIVE" and len(desc["Shards"]) == 2, desc

put = kinesis.put_record(StreamName="boto3-stream", PartitionKey="user-1", Data=b"\x00one")
batch = kinesis.put_records(StreamName="boto3-stream", Records=[
    {"PartitionKey": "user-1", "Data": b"two"}, {"PartitionKey": "user-1", "Data": b"three"}])
assert batch["FailedRecordCount"] == 0, batch
shard = put["ShardId"]
assert all(r["ShardId"] == shard for r in batch["Records"])

it = kinesis.get_shard_iterator(StreamName="boto3-stream", ShardId=shard,
                                ShardIteratorType="AT_SEQUENCE_NUMBER",
                                StartingSequenceNumber=put["SequenceNumber"])["ShardIterator"]
records = kinesis.get_records(ShardIterator=it)["Records"]
assert [r["Data"] for r in records] == [b"\x00one", b"two", b"three"], records
assert records[0]["ApproximateArrivalTimestamp"].year >= 2024

shards = kinesis.list_shards(StreamName="boto3-stream")["Shards"]
low = int(shards[0]["HashKeyRange"]["StartingHashKey"])
high = int(shards[0]["HashKeyRange"]["EndingHashKey"])
kinesis.split_shard(StreamName="boto3-stream", ShardToSplit=shards[0]["ShardId"],
                    NewStartingHashKey=str((low + high) // 2))
kinesis.get_waiter("stream_exists").wait(StreamName="boto3-stream",
                                         WaiterConfig={"Delay": 1, "MaxAttempts": 10})
assert len(kinesis.list_shards(StreamName="boto3-stream")["Shards"]) == 4

try:
    kinesis.describe_stream(StreamName="missing")
    raise SystemExit("missing stream must fail")
except kinesis.exceptions.ResourceNotFoundException as e:
    assert "Stream missing under account" in str(e), e
kinesis.delete_stream(StreamName="boto3-stream")
print("kinesis boto3: ok")
