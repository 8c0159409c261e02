"""Batched metric logging vs one request per metric, against a real MLflow server.

Baseline: a loop of ``mlflow.log_metric(key, value)`` (the fluent API, one synchronous HTTP
request per metric) in an active run. Candidate: ``BacktestMLflowLogger.log_data`` over the
SDK backend, which packs the same metrics into ``log_batch`` requests of up to 1,000.
Both log N metrics (10,000; 300 with ``--quick``) to a fresh run on the same local
``mlflow server`` (SQLite store) that this script starts and stops.
Target: batched logging is >= 20x faster.

Usage: ``python benchmarks/bench_mlflow_logging.py [--runs N] [--quick]``
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _common import median, parse_args, verdict
from support.mlflow_server import start_mlflow_server
from tradai.common.mlflow.adapter import SDKTrackingBackend
from tradai.common.mlflow.backtest_logger import BacktestMLflowLogger
from tradai.common.mlflow.client import MLflowClientConfig


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=3)
    count = 300 if args.quick else 10_000
    os.environ["MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT"] = "true"
    server = start_mlflow_server()
    try:
        import mlflow

        backend = SDKTrackingBackend.from_uri(server.url, config=MLflowClientConfig())
        logger = BacktestMLflowLogger(backend)
        experiment_id = backend.create_experiment("bench/mlflow-logging")
        metrics = {f"metric_{i}": i * 0.001 for i in range(count)}
        mlflow.set_tracking_uri(server.url)

        def batched() -> float:
            run_id = backend.create_run(experiment_id).run_id
            start = time.perf_counter()
            logger.log_data(run_id, metrics=metrics)
            elapsed = time.perf_counter() - start
            assert len(backend.get_run(run_id).metrics) == count
            return elapsed

        def one_by_one() -> float:
            run_id = backend.create_run(experiment_id).run_id
            with mlflow.start_run(run_id=run_id):
                start = time.perf_counter()
                for key, value in metrics.items():
                    mlflow.log_metric(key, value)
                elapsed = time.perf_counter() - start
            assert len(backend.get_run(run_id).metrics) == count
            return elapsed

        batched()  # warm-up: imports, connection pool, first SQLite writes
        batched_s = [batched() for _ in range(args.runs)]
        loop_s = [one_by_one() for _ in range(args.runs)]
    finally:
        server.stop()
    batched_med, loop_med = median(batched_s), median(loop_s)
    ratio = loop_med / batched_med
    print(f"median of {args.runs} runs, {count:,} metrics each:")
    print(f"  mlflow.log_metric loop (baseline)   {loop_med:10.3f} s")
    print(f"  BacktestMLflowLogger.log_data       {batched_med:10.3f} s")
    print(f"batched logging is {ratio:,.1f}x faster (target >= 20x): {verdict(ratio >= 20)}")


if __name__ == "__main__":
    main()
