"""EntityCodec: equal to the mixin's methods plus boto3, for every kind of field."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, NewType, Self

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import (
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    computed_field,
    field_serializer,
    model_serializer,
)
from pydantic import ValidationError as PydanticValidationError

from tradai.common.entities._base import DynamoDBSerializableMixin, FrozenModel
from tradai.common.entities.backtest import BacktestConfig, BacktestJobStatus, BacktestResult
from tradai.common.entities.config_version import ConfigVersion
from tradai.common.entities.deployment import DeploymentRecord
from tradai.common.entities.retraining import RetrainingState
from tradai.common.entities.trading_state import TradingState
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.repositories.codecs import (
    CodecRegistry,
    EntityCodec,
    codec_for,
    reset_codecs,
)

SER, DESER = TypeSerializer(), TypeDeserializer()
NOW = dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)


class Side(str, enum.Enum):
    BUY = "buy"


class Priority(enum.IntEnum):
    HIGH = 1


class Inner(FrozenModel):
    a: int
    b: str | None = None


@dataclasses.dataclass
class Box:
    size: int = 1


class Everything(DynamoDBSerializableMixin):
    _DYNAMODB_DECIMAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"fee"})

    name: Annotated[str, Field(min_length=1)]
    count: int
    price: float
    fee: Decimal
    when: dt.datetime
    day: dt.date
    side: Side
    priority: Priority
    flag: bool
    kind: Literal["a", "b"] = "a"
    blob: bytes = b"\x00"
    tags: list[str] = Field(default_factory=list)
    pair: tuple[int, str] = (1, "x")
    seen: frozenset[str] = frozenset()
    meta: dict[str, Any] = Field(default_factory=dict)
    inner: Inner | None = None
    secret: SecretStr | None = None
    shown: Annotated[dt.datetime, PlainSerializer(lambda d: d.year)] | None = None
    note: str | None = None
    version: int = 0


def _everything(**changes: Any) -> Everything:
    values: dict[str, Any] = {
        "name": "n", "count": 3, "price": 0.1, "fee": Decimal("0.0750"), "when": NOW,
        "day": dt.date(2024, 2, 29), "side": Side.BUY, "priority": Priority.HIGH, "flag": True,
        "tags": ["x"], "seen": frozenset({"b", "a"}), "meta": {"k": [1, 2.5, None, "s"]},
        "inner": Inner(a=1), "secret": SecretStr("hunter2"), "shown": NOW,
    }  # fmt: skip
    return Everything(**(values | changes))


def _reference_wire(entity: DynamoDBSerializableMixin) -> dict[str, Any]:
    return {k: SER.serialize(v) for k, v in entity.to_dynamodb_item().items()}


def _library_entities() -> list[DynamoDBSerializableMixin]:
    config = BacktestConfig(strategy="S", timeframe="1h", start_date="2024-01-01",
                            end_date="2024-01-31", symbols=["BTC/USDT"])  # fmt: skip
    result = BacktestResult(total_trades=3, winning_trades=2, losing_trades=1,
                            total_profit=12.5, total_profit_pct=1.25)  # fmt: skip
    return [
        BacktestJobStatus(job_id="job-1", config=config, result=result, ttl=5),
        ConfigVersion(strategy_name="Pascal", config_id="v1", config_hash="a" * 64,
                      config_data={"timeframe": "1h", "x": [1, 0.5]}, version_number=1),
        DeploymentRecord(deployment_id="d1", strategy_name="Pascal", strategy_version="1.0.0",
                         image_url="123456789012.dkr.ecr.eu-central-1.amazonaws.com/s:p-1",
                         environment="prod"),
        RetrainingState(strategy_name="Pascal", model_name="m", last_drift_score=0.25),
        TradingState(strategy_id="s1", instance_id="i1", pnl_snapshot={"profit": 1.5}),
    ]  # fmt: skip


@pytest.mark.parametrize("entity", _library_entities(), ids=lambda e: type(e).__name__)
def test_every_library_entity_encodes_like_the_mixin_and_boto3(
    entity: DynamoDBSerializableMixin,
) -> None:
    codec: EntityCodec[Any] = EntityCodec(type(entity))
    assert codec.to_item(entity) == entity.to_dynamodb_item()
    assert codec.to_wire(entity) == _reference_wire(entity)
    assert codec.from_wire(codec.to_wire(entity)) == entity
    assert codec.from_item(codec.to_item(entity)) == entity


def test_every_kind_of_field_encodes_like_the_mixin_and_boto3() -> None:
    entity = _everything()
    codec = EntityCodec(Everything)
    wire = codec.to_wire(entity)
    reference = _reference_wire(entity)
    assert wire["blob"] == {"B": b"\x00"}  # bytes are a DynamoDB binary, as in the mixin
    assert wire == reference
    assert wire["secret"] == {"S": "**********"}  # SecretStr is dumped masked, never raw
    assert wire["shown"] == {"N": "2026"}  # PlainSerializer honoured via model_dump


def test_round_trip_validates_and_restores_every_typed_field() -> None:
    entity = _everything(secret=None, shown=None)
    codec = EntityCodec(Everything)
    again = codec.from_wire(codec.to_wire(entity))
    assert again == entity
    assert isinstance(again.fee, Decimal)
    assert again.blob == b"\x00"
    assert codec.from_item(codec.to_item(entity)) == entity


def test_none_fields_are_left_out() -> None:
    wire = EntityCodec(Everything).to_wire(_everything(inner=None, secret=None))
    assert "inner" not in wire
    assert "note" not in wire
    assert "secret" not in wire


def test_models_and_dataclasses_inside_any_are_dumped_by_pydantic() -> None:
    entity = _everything(meta={"box": Box(), "inner": Inner(a=2), "plain": {"x": 1}})
    codec = EntityCodec(Everything)
    assert codec.to_wire(entity)["meta"] == {
        "M": {"box": {"M": {"size": {"N": "1"}}}, "inner": {"M": {"a": {"N": "2"}}},
              "plain": {"M": {"x": {"N": "1"}}}}
    }  # fmt: skip


class Serialized(DynamoDBSerializableMixin):
    name: str
    when: dt.datetime
    version: int = 0

    @field_serializer("when")
    def _epoch(self, value: dt.datetime) -> int:
        return int(value.timestamp())

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented idiom
    @property
    def upper(self) -> str:
        return self.name.upper()


class WholeModel(DynamoDBSerializableMixin):
    name: str

    @model_serializer
    def _dump(self) -> dict[str, Any]:
        return {"name": self.name, "extra": 1}


class Loose(DynamoDBSerializableMixin):
    model_config = ConfigDict(extra="allow")
    name: str


class Redacting(DynamoDBSerializableMixin):
    name: str

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().model_dump(**kwargs), "name": "***"}


class Hidden(DynamoDBSerializableMixin):
    name: str
    internal: str = Field(default="x", exclude=True)


@pytest.mark.parametrize(
    "entity",
    [Serialized(name="a", when=NOW), WholeModel(name="a"), Loose(name="a", other=2),
     Hidden(name="a"), Redacting(name="a")],
    ids=lambda e: type(e).__name__,
)  # fmt: skip
def test_custom_serialization_is_honoured(entity: DynamoDBSerializableMixin) -> None:
    codec: EntityCodec[Any] = EntityCodec(type(entity))
    assert codec.to_wire(entity) == _reference_wire(entity)
    assert codec.to_item(entity) == entity.to_dynamodb_item()


class Custom(DynamoDBSerializableMixin):
    name: str
    version: int = 0

    def to_dynamodb_item(self) -> dict[str, Any]:
        return {"pk": f"CUSTOM#{self.name}", "name": self.name, "tags": {"a", "b"}}

    @classmethod
    def from_dynamodb_item(cls, item: dict[str, Any]) -> Self:
        return cls(name=item["name"])


def test_models_overriding_the_mixin_methods_keep_their_rules() -> None:
    codec = EntityCodec(Custom)
    entity = Custom(name="x")
    assert codec.to_item(entity)["pk"] == "CUSTOM#x"
    assert codec.to_wire(entity) == {
        "pk": {"S": "CUSTOM#x"}, "name": {"S": "x"}, "tags": {"SS": ["a", "b"]}
    }  # fmt: skip
    assert codec.from_wire(codec.to_wire(entity)) == entity
    assert codec.from_item(codec.to_item(entity)) == entity


def test_decoded_items_are_validated() -> None:
    codec = EntityCodec(DeploymentRecord)
    wire = codec.to_wire(_library_entities()[2])
    wire["environment"] = {"S": "PROD; rm -rf /"}
    with pytest.raises(PydanticValidationError):
        codec.from_wire(wire)
    with pytest.raises(PydanticValidationError):
        codec.from_item({"deployment_id": "d1"})
    wire["extra"] = {"S": "x"}
    with pytest.raises(PydanticValidationError):
        codec.from_wire(wire)


def test_malformed_wire_names_the_attribute() -> None:
    with pytest.raises(ValidationError, match=r"TradingState\.version") as info:
        EntityCodec(TradingState).from_wire({"version": {"N": "one"}})
    assert info.value.field == "version"


def test_unstorable_values_name_the_field() -> None:
    entity = _everything(price=float("inf"))
    for encode in (EntityCodec(Everything).to_wire, EntityCodec(Everything).to_item):
        with pytest.raises(ValidationError, match=r"Everything\.price") as info:
            encode(entity)
        assert info.value.field == "price"
    loose = Loose(name="a", other=float("nan"))
    with pytest.raises(ValidationError, match=r"Loose\.other"):
        EntityCodec(Loose).to_wire(loose)


def test_an_instance_of_another_class_is_refused() -> None:
    with pytest.raises(ValidationError, match="expected a TradingState"):
        EntityCodec(TradingState).to_wire(_library_entities()[2])  # type: ignore[arg-type]


@pytest.mark.parametrize("model", [int, Inner, "TradingState", None])
def test_a_codec_needs_a_dynamodb_entity_class(model: Any) -> None:
    with pytest.raises(ConfigurationError):
        EntityCodec(model)


def test_registry_builds_once_serves_registered_codecs_and_clears() -> None:
    registry = CodecRegistry()
    first = registry.get(TradingState)
    assert registry.get(TradingState) is first
    assert "TradingState" in repr(registry)
    replacement = EntityCodec(TradingState)
    registry.register(replacement)
    assert registry.get(TradingState) is replacement
    registry.clear()
    assert registry.get(TradingState) not in (first, replacement)
    with pytest.raises(ConfigurationError):
        registry.register("codec")  # type: ignore[arg-type]


def test_the_process_wide_registry_can_be_reset() -> None:
    codec = codec_for(TradingState)
    assert codec_for(TradingState) is codec
    assert repr(codec) == "EntityCodec(TradingState)"
    assert codec.model is TradingState
    reset_codecs()
    assert codec_for(TradingState) is not codec


UserId = NewType("UserId", str)


class Odd(DynamoDBSerializableMixin):
    user: UserId
    either: int | str
    big: int
    maybe: Annotated[str, Field(max_length=5)] | None = None
    anything: Any = None
    version: int = 0


class Stamp(dt.datetime):
    pass


class Bag(dict[str, Any]):
    pass


class Row(list[Any]):
    pass


@pytest.mark.parametrize(
    "entity",
    [
        Odd(user=UserId("u"), either=3, big=5, maybe="m"),
        Odd(user=UserId("u"), either="x", big=5, anything=uuid.UUID(int=7)),
        Odd(user=UserId("u"), either=1, big=2, anything=Stamp(2024, 1, 1, tzinfo=dt.UTC)),
        Odd(user=UserId("u"), either=1, big=2, anything=Bag(a=Row([1, (2, 3)]))),
        Odd(user=UserId("u"), either=1, big=2, anything={"s": {2, 1}, "t": frozenset({"a"})}),
    ],
)
def test_unusual_annotations_and_values_encode_like_the_mixin(entity: Odd) -> None:
    codec = EntityCodec(Odd)
    assert codec.to_wire(entity) == _reference_wire(entity)
    assert codec.to_item(entity) == entity.to_dynamodb_item()


def test_an_integer_beyond_38_digits_names_its_field() -> None:
    with pytest.raises(ValidationError, match=r"Odd\.big"):
        EntityCodec(Odd).to_wire(Odd(user=UserId("u"), either=1, big=10**40))
