"""Cold-import cost of tradai.common against floors measured in the same run.

Cases (each a fresh interpreter, ``python -c ...``, run interleaved):

* ``python -c pass``                          floor: bare interpreter start
* ``from pydantic import BaseModel``          floor: what any pydantic user pays
* ``import tradai.common``                    target: ≤ 5 ms over bare Python
* ``import tradai.common.entities``           the barrel (lazy) -- target ≤ 1.15× pydantic
* ``from ...entities.backtest import BacktestConfig``  what a typical consumer pays (info)
* every entity module imported eagerly        the worst case (information)

Usage: ``python benchmarks/bench_import.py [--runs N] [--quick]``
"""

from __future__ import annotations

import functools

from _common import interleaved, median, parse_args, python, time_command, verdict

ENTITY_MODULES = (
    "aws",
    "backtest",
    "config_version",
    "deployment",
    "exchange",
    "hyperopt",
    "identifiers",
    "mlflow",
    "pagination",
    "retraining",
    "risk_limits",
    "strategy",
    "trading_state",
)


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=40)
    every_entity = "; ".join(f"import tradai.common.entities.{m}" for m in ENTITY_MODULES)
    statements = {
        "bare python": "pass",
        "pydantic BaseModel": "from pydantic import BaseModel",
        "import tradai.common": "import tradai.common",
        "import tradai.common.entities": "import tradai.common.entities",
        "import BacktestConfig": "from tradai.common.entities.backtest import BacktestConfig",
        "every entity module": every_entity,
    }
    cases = {
        name: functools.partial(time_command, [python(), "-c", stmt])
        for name, stmt in statements.items()
    }
    for case in cases.values():  # warm the .pyc caches
        case()
    samples = interleaved(cases, args.runs)
    med = {name: median(values) * 1000 for name, values in samples.items()}
    print(f"cold import, median of {args.runs} interleaved runs (ms):")
    for name, value in med.items():
        print(f"  {name:<32} {value:8.2f}")
    top = med["import tradai.common"] - med["bare python"]
    print(
        f"\nimport tradai.common adds {top:.2f} ms over bare python "
        f"(target <= 5 ms): {verdict(top <= 5)}"
    )
    base = med["pydantic BaseModel"]
    ratio = med["import tradai.common.entities"] / base
    print(
        f"import tradai.common.entities: {ratio:.3f}x of 'from pydantic import BaseModel' "
        f"(target <= 1.15x): {verdict(ratio <= 1.15)}"
    )
    for name in ("import BacktestConfig", "every entity module"):
        print(f"{name}: {med[name] / base:.3f}x of 'from pydantic import BaseModel' (information)")


if __name__ == "__main__":
    main()
