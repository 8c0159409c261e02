"""``BacktestConfig`` validation throughput against plain pydantic twins.

Baselines, both measured in the same run on the same input dict (2 symbols):

* **declared twin** (the target's baseline, "a plain pydantic model with the same fields and
  no custom validators"): a default-config ``BaseModel`` with BacktestConfig's field names,
  types, defaults and ``Field`` constraints (patterns, bounds), every validator function
  removed (``field_validator``/``model_validator`` and ``AfterValidator``-style metadata).
  The ratio is the price of BacktestConfig's own validators and ``extra="forbid"``.
  Target: ≤ 1.3×.
* **bare twin** (for information): the same names, bare types and defaults, no constraints
  at all. The ratio adds the price of the format checks the specification requires (real
  calendar dates, trading pairs, names, timeframes, version specifiers).

Usage: ``python benchmarks/bench_validation.py [--runs N] [--quick]``
"""

from __future__ import annotations

import functools
import operator
import timeit
import types
import typing
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainValidator,
    WrapValidator,
    create_model,
)

from _common import median, parse_args, verdict
from tradai.common.entities.backtest import BacktestConfig

PAYLOAD: dict[str, Any] = {
    "strategy": "PascalStrategy",
    "timeframe": "1h",
    "start_date": "2024-01-01",
    "end_date": "2024-06-30",
    "symbols": ["BTC/USDT:USDT", "ETH/USDT:USDT"],
    "exchange": "binance_futures",
    "strategy_version": "Production",
    "stoploss": -0.1,
    "stake_amount": 1000.0,
}
_VALIDATORS = (AfterValidator, BeforeValidator, PlainValidator, WrapValidator)


def _strip(annotation: Any, *, keep_constraints: bool) -> Any:
    """Rebuild an annotation without validator functions (and optionally constraints)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        inner = _strip(args[0], keep_constraints=keep_constraints)
        kept = [m for m in args[1:] if keep_constraints and not isinstance(m, _VALIDATORS)]
        return Annotated[(inner, *kept)] if kept else inner
    if origin in (typing.Union, types.UnionType):
        parts = [_strip(a, keep_constraints=keep_constraints) for a in args]
        return functools.reduce(operator.or_, parts)
    if origin is not None and args:
        return origin[tuple(_strip(a, keep_constraints=keep_constraints) for a in args)]
    return annotation


def twin(*, keep_constraints: bool) -> type[BaseModel]:
    """A default-config model with BacktestConfig's fields and no validator functions."""
    fields: dict[str, Any] = {}
    for name, info in BacktestConfig.model_fields.items():
        annotation = _strip(info.annotation, keep_constraints=keep_constraints)
        if keep_constraints and info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        default = ... if info.is_required() else info.get_default(call_default_factory=True)
        fields[name] = (annotation, Field(default))
    suffix = "Declared" if keep_constraints else "Bare"
    return create_model(f"{suffix}BacktestConfig", **fields)


def per_call(model: type[BaseModel], number: int) -> float:
    """Seconds per ``model_validate`` call for one sample."""
    return timeit.Timer(lambda: model.model_validate(PAYLOAD)).timeit(number) / number


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=15)
    number = 200 if args.quick else 20_000
    models = {
        "bare twin": twin(keep_constraints=False),
        "declared twin": twin(keep_constraints=True),
        "BacktestConfig": BacktestConfig,
    }
    for model in models.values():
        model.model_validate(PAYLOAD)
    samples: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(args.runs):  # interleaved so machine noise hits every model alike
        for name, model in models.items():
            samples[name].append(per_call(model, number))
    med = {name: median(values) for name, values in samples.items()}
    print(f"model_validate, median of {args.runs} runs x {number} calls:")
    for name, sec in med.items():
        print(f"  {name:<16} {sec * 1e6:7.3f} us/call  {1 / sec:12,.0f} validations/s")
    declared = med["BacktestConfig"] / med["declared twin"]
    bare = med["BacktestConfig"] / med["bare twin"]
    print(
        f"BacktestConfig / declared twin = {declared:.3f}x (target <= 1.3x): "
        f"{verdict(declared <= 1.3)}"
    )
    print(f"BacktestConfig / bare twin     = {bare:.3f}x (information: cost of format checks)")


if __name__ == "__main__":
    main()
