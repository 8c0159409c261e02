"""Cached client lookup vs creating a boto3 client.

Baseline: ``boto3.session.Session().client("s3", ...)`` — what code without a factory pays per
call. Candidate: ``ClientFactory.client("s3")`` after the first (cached) creation.
Target: the cached lookup is ≥ 1000× faster. No network is involved (no call is made).

Usage: ``python benchmarks/bench_aws_clients.py [--runs N] [--quick]``
"""

from __future__ import annotations

import os
import timeit

import boto3.session

from _common import median, parse_args, verdict
from tradai.common.aws._client_factory import ClientFactory


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=7)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    factory = ClientFactory()
    factory.client("s3")
    create_n = 3 if args.quick else 20
    lookup_n = 1000 if args.quick else 200_000

    def create() -> object:
        return boto3.session.Session().client("s3", region_name="us-east-1")

    create_s = [
        t / create_n for t in timeit.Timer(create).repeat(repeat=args.runs, number=create_n)
    ]
    lookup_s = [
        t / lookup_n
        for t in timeit.Timer(lambda: factory.client("s3")).repeat(
            repeat=args.runs, number=lookup_n
        )
    ]
    create_med, lookup_med = median(create_s), median(lookup_s)
    ratio = create_med / lookup_med
    print(f"median of {args.runs} runs:")
    print(f"  create a client (new session)  {create_med * 1e3:10.3f} ms")
    print(f"  cached factory lookup          {lookup_med * 1e6:10.3f} us")
    print(f"cached lookup is {ratio:,.0f}x faster (target >= 1000x): {verdict(ratio >= 1000)}")


if __name__ == "__main__":
    main()
