"""Entity <-> DynamoDB wire round trip: ``EntityCodec`` against boto3 + pydantic.

One round trip = encode an entity into the low-level client form (``{"S": ...}``,
``{"N": ...}``: what ``PutItem`` sends and a DynamoDB Streams image holds) and decode it
back into a validated entity.

* **baseline** (boto3 + pydantic, measured in the same run): ``entity.to_dynamodb_item()``
  (``model_dump`` + Decimal conversion) then boto3's ``TypeSerializer`` on every attribute;
  back with boto3's ``TypeDeserializer`` then ``Model.from_dynamodb_item()``
  (``model_validate``). This is what code without a codec writes.
* **codec**: ``EntityCodec.to_wire()`` then ``EntityCodec.from_wire()`` (validated too).

The entity has 20 attributes: identifiers, counters, prices as floats and as a Decimal,
two UTC datetimes, two enums, a flag, a nested JSON map, a list, and three optional
attributes left unset. Target: the codec round trip is at least 3x faster. For
information the script also times the library's own ``TradingState`` and
``BacktestJobStatus`` (a nested model).

Usage: ``python benchmarks/bench_codecs.py [--runs N] [--quick]``
"""

from __future__ import annotations

import datetime as dt
import enum
import timeit
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import Field

from _common import median, parse_args, verdict
from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.entities.backtest import BacktestConfig, BacktestJobStatus
from tradai.common.entities.trading_state import TradingState
from tradai.common.repositories.codecs import EntityCodec
from tradai.common.types import UtcDatetime


class Side(str, enum.Enum):
    """Order side."""

    BUY = "buy"
    SELL = "sell"


class State(str, enum.Enum):
    """Order state."""

    OPEN = "open"
    FILLED = "filled"


class Order(DynamoDBSerializableMixin):
    """A 20-attribute entity shaped like the platform's records."""

    _DYNAMODB_DECIMAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"fee"})

    order_id: str
    strategy_id: str
    pair: str
    exchange: str
    account: str
    quantity: int
    fills: int
    version: int = Field(default=0, ge=0)
    price: float
    stop_price: float
    tick: float
    fee: Decimal
    created_at: UtcDatetime
    updated_at: UtcDatetime
    side: Side
    state: State
    reduce_only: bool
    meta: dict[str, Any]
    tags: list[str]
    client_ref: str | None = None
    error: str | None = None
    closed_at: UtcDatetime | None = None


NOW = dt.datetime(2026, 11, 21, 9, 30, 15, 123456, tzinfo=dt.UTC)
ORDER = Order(
    order_id="ord-000123", strategy_id="pascal-v2", pair="BTC/USDT:USDT", exchange="binance",
    account="main", quantity=3, fills=2, version=7, price=67321.5, stop_price=65000.25,
    tick=0.00001234, fee=Decimal("0.000750"), created_at=NOW, updated_at=NOW, side=Side.BUY,
    state=State.OPEN, reduce_only=False,
    meta={"leverage": 3, "source": "signal", "weights": [0.25, 0.75], "ok": True},
    tags=["live", "futures", "btc"],
)  # fmt: skip
STATE = TradingState(
    strategy_id="pascal-v2", instance_id="task-1", config_snapshot={"timeframe": "1h"},
    pnl_snapshot={"profit_pct": 1.25, "trades": 12}, open_trades_snapshot={"trades": []},
)  # fmt: skip
JOB = BacktestJobStatus(
    job_id="job-1",
    config=BacktestConfig(strategy="S", timeframe="1h", start_date="2024-01-01",
                          end_date="2024-01-31", symbols=["BTC/USDT", "ETH/USDT"]),
)  # fmt: skip

_SER, _DESER = TypeSerializer(), TypeDeserializer()


def baseline(entity: DynamoDBSerializableMixin) -> Callable[[], object]:
    """boto3 + pydantic round trip of ``entity``."""
    model = type(entity)

    def run() -> object:
        wire = {k: _SER.serialize(v) for k, v in entity.to_dynamodb_item().items()}
        return model.from_dynamodb_item({k: _DESER.deserialize(v) for k, v in wire.items()})

    return run


def codec_trip(entity: DynamoDBSerializableMixin) -> Callable[[], object]:
    """EntityCodec round trip of ``entity``."""
    codec: EntityCodec[Any] = EntityCodec(type(entity))

    def run() -> object:
        return codec.from_wire(codec.to_wire(entity))

    return run


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=15)
    number = 100 if args.quick else 5_000
    cases: dict[str, Callable[[], object]] = {}
    for label, entity in (("Order", ORDER), ("TradingState", STATE), ("BacktestJob", JOB)):
        cases[f"{label} baseline"] = baseline(entity)
        cases[f"{label} codec"] = codec_trip(entity)
        assert cases[f"{label} baseline"]() == entity == cases[f"{label} codec"]()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):  # interleaved so machine noise hits every case alike
        for name, case in cases.items():
            samples[name].append(timeit.Timer(case).timeit(number) / number)
    med = {name: median(values) for name, values in samples.items()}
    print(f"wire round trip (encode + decode + validate), median of {args.runs} runs x {number}:")
    for name, sec in med.items():
        print(f"  {name:<24} {sec * 1e6:8.2f} us")
    for label in ("TradingState", "BacktestJob"):
        ratio = med[f"{label} baseline"] / med[f"{label} codec"]
        print(f"{label}: codec is {ratio:.1f}x faster than boto3 + pydantic (information)")
    ratio = med["Order baseline"] / med["Order codec"]
    print(
        f"20-attribute Order: codec is {ratio:.1f}x faster than boto3 + pydantic "
        f"(target >= 3x): {verdict(ratio >= 3)}"
    )


if __name__ == "__main__":
    main()
