"""Batch write with DynamoDBTable vs a naive per-item ``put_item`` loop, on a moto server.

Baseline: ``for item in items: table.put_item(Item=item)`` with a boto3 resource Table,
what code without a batch helper does. Candidate: ``DynamoDBTable.batch_write(puts=items)``
(25 items per ``BatchWriteItem`` call). Both write the same 10,000 items into the same
table on one local moto server, which this script starts and stops itself. The ratio
depends on the machine; there is no fixed number, the target is to beat the naive loop.

Usage: ``python benchmarks/bench_dynamodb_batch.py [--runs N] [--quick]``
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

from _common import interleaved, median, parse_args, verdict


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_moto() -> tuple[subprocess.Popen[bytes], str]:
    """Start the venv's ``moto_server`` (like tests/support/services.py) and wait for it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    binary = Path(sys.executable).parent / "moto_server"
    proc = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_PORT": str(port)},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("moto_server did not start within 30 s")


def _items(count: int) -> list[dict[str, Any]]:
    return [
        {"pk": f"job-{i:06d}", "status": "PENDING", "attempt": i % 5, "score": Decimal("0.5")}
        for i in range(count)
    ]


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=3)
    count = 200 if args.quick else 10_000
    proc, url = _start_moto()
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": url,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    )
    try:
        import boto3

        from tradai.common.aws._client_factory import ClientFactory
        from tradai.common.aws.dynamodb import DynamoDBTable, KeySchema

        factory = ClientFactory()
        factory.client("dynamodb").create_table(
            TableName="bench-jobs",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        items = _items(count)
        naive_table = boto3.resource("dynamodb").Table("bench-jobs")
        adapter = DynamoDBTable("bench-jobs", factory=factory, key_schema=KeySchema("pk"))

        def naive() -> float:
            start = time.perf_counter()
            for item in items:
                naive_table.put_item(Item=item)
            return time.perf_counter() - start

        def batch() -> float:
            start = time.perf_counter()
            adapter.batch_write(puts=items)
            return time.perf_counter() - start

        samples = interleaved({"naive": naive, "batch": batch}, args.runs)
        written = sum(1 for _ in adapter.scan(page_size=1000))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    naive_med, batch_med = median(samples["naive"]), median(samples["batch"])
    ratio = naive_med / batch_med
    print(f"median of {args.runs} runs, {count:,} items on one moto server ({written:,} stored):")
    print(f"  naive put_item loop            {naive_med:10.3f} s")
    print(f"  DynamoDBTable.batch_write      {batch_med:10.3f} s")
    print(f"batch_write is {ratio:.1f}x faster (target: faster than the naive loop): "
          f"{verdict(ratio > 1)}")  # fmt: skip


if __name__ == "__main__":
    main()
