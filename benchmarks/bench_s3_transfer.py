"""S3 transfer throughput: S3ObjectStore vs plain boto3, against a private moto server.

Baseline: ``client.upload_file`` then ``client.download_file`` with boto3's default
``TransferConfig`` (8 MiB parts, 10 threads). Candidate: ``S3ObjectStore().upload_file``
then ``download_file`` with its default ``TransferSettings`` (16 MiB parts, 8 threads), which
also hashes every byte (SHA-256) and checks the object's checksum on the way down.
Both run against the same moto server (started here, stopped at the end), interleaved, on a
64 MiB file of random bytes. Throughput counts the bytes moved both ways (2 x file size).
Target: the store's round trip is at least as fast as boto3's (ratio >= 1.0x).

Usage: ``python benchmarks/bench_s3_transfer.py [--runs N] [--quick]`` (``--quick``: a
32 MiB file, 3 runs: proves the script works, not how fast anything is).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import interleaved, median, parse_args, verdict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.services import start_moto_server  # noqa: E402 - needs the path above

MIB = 1024 * 1024
BUCKET = "tradai-bench"


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=7)
    size = (32 if args.quick else 64) * MIB
    service = start_moto_server()
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(name, None)
    os.environ.update(service.env)
    try:
        import boto3

        from tradai.common.aws.s3_utils import S3ObjectStore

        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        store = S3ObjectStore()
        with tempfile.TemporaryDirectory(prefix="tradai-bench-s3-") as tmp:
            source = Path(tmp) / "source.bin"
            source.write_bytes(os.urandom(size))
            target = Path(tmp) / "target.bin"
            want = hashlib.sha256(source.read_bytes()).hexdigest()
            phases: dict[str, list[float]] = {"boto3": [], "store": []}

            def plain() -> float:
                start = time.perf_counter()
                client.upload_file(str(source), BUCKET, "plain.bin")
                middle = time.perf_counter()
                client.download_file(BUCKET, "plain.bin", str(target))
                phases["boto3"].append(middle - start)
                return time.perf_counter() - start

            def ours() -> float:
                start = time.perf_counter()
                up = store.upload_file(source, f"s3://{BUCKET}/store.bin")
                middle = time.perf_counter()
                down = store.download_file(f"s3://{BUCKET}/store.bin", target)
                phases["store"].append(middle - start)
                if not up == down == want:
                    raise SystemExit("checksum mismatch: the benchmark is measuring garbage")
                return time.perf_counter() - start

            samples = interleaved({"boto3": plain, "store": ours}, args.runs)
    finally:
        service.stop()

    def rate(seconds: float, directions: int = 2) -> float:
        return directions * size / MIB / seconds

    base, cand = median(samples["boto3"]), median(samples["store"])
    print(f"{size // MIB} MiB file, median of {args.runs} interleaved runs (moto server):")
    for name, label in (("boto3", "plain boto3 (default config)"), ("store", "S3ObjectStore")):
        total = median(samples[name])
        up = median(phases[name])
        down = median([t - u for t, u in zip(samples[name], phases[name], strict=True)])
        print(
            f"  {label:30} up {rate(up, 1):7.1f} MiB/s  down {rate(down, 1):7.1f} MiB/s  "
            f"round trip {rate(total):7.1f} MiB/s ({total:.3f} s)"
        )
    ratio = base / cand
    print(
        f"S3ObjectStore round trip is {ratio:.2f}x boto3's (target >= 1.0x): {verdict(ratio >= 1)}"
    )


if __name__ == "__main__":
    main()
