"""The codec system: every DynamoDB entity to and from a DynamoDB item, fast and exact.

An :class:`EntityCodec` is built once per model class (any subclass of
:class:`~tradai.common.entities._base.DynamoDBSerializableMixin`) and converts between the
entity and two item forms:

* :meth:`EntityCodec.to_item` / :meth:`EntityCodec.from_item` — the *resource* form
  (numbers as ``Decimal``) of the ``KeyValueTable`` port and of boto3's resource API;
  results equal ``entity.to_dynamodb_item()`` and ``Model.from_dynamodb_item(item)``.
* :meth:`EntityCodec.to_wire` / :meth:`EntityCodec.from_wire` — the *wire* form of the
  low-level client and of DynamoDB Streams records (``{"S": ...}``, ``{"N": ...}``); results
  equal boto3's ``TypeSerializer``/``TypeDeserializer`` applied around those methods.

How it stays exact and still validates:

* Encoding starts from pydantic's own ``model_dump(mode="python", exclude_none=True)``
  (compiled, and honouring serializers, nested models and ``None`` rules exactly as
  ``to_dynamodb_item()`` does), then converts each value with a per-type dispatch table
  straight into the requested form (:mod:`tradai.common.repositories._wire`), instead of
  converting to the resource form and then running boto3's serializer over it.
* Decoding rebuilds exactly the dictionary ``from_dynamodb_item()`` would hand to pydantic
  (top-level fields listed in ``_DYNAMODB_DECIMAL_FIELDS`` keep their ``Decimal``; every
  other number becomes ``int`` when integral, else ``float``) and always finishes with
  ``model_validate``: data read back is validated like any other input; nothing uses
  ``model_construct``.
* A model that overrides ``to_dynamodb_item`` or ``from_dynamodb_item`` is served by calling
  its own methods (then converting between forms), so its custom rules keep applying.

Decisions where the design document is silent: binary values (``bytes``) are stored as
DynamoDB binary and come back as ``bytes`` (the mixin's generic path would store their
``repr``); sets inside the wire form decode to lists in stored order. Codecs are cached per
model class in a :class:`CodecRegistry` (one locked object; :func:`reset_codecs` empties the
default one).

Example:
    >>> from tradai.common.entities._base import DynamoDBSerializableMixin
    >>> class Order(DynamoDBSerializableMixin):
    ...     order_id: str
    ...     price: float
    ...     note: str | None = None
    >>> codec = EntityCodec(Order)
    >>> codec.to_wire(Order(order_id="o1", price=0.1))
    {'order_id': {'S': 'o1'}, 'price': {'N': '0.1'}}
    >>> codec.from_wire({"order_id": {"S": "o1"}, "price": {"N": "0.1"}})
    Order(order_id='o1', price=0.1, note=None)
    >>> codec.to_item(Order(order_id="o1", price=2.0))
    {'order_id': 'o1', 'price': Decimal('2')}
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar, cast

from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.repositories._decode import decode_wire_fields, plain_resource, raw_wire
from tradai.common.repositories._plan import fast_wire, plan_for
from tradai.common.repositories._wire import encode_resource, encode_wire_fields, resource_to_wire

__all__ = ["CodecRegistry", "EntityCodec", "codec_for", "reset_codecs"]

T = TypeVar("T", bound=DynamoDBSerializableMixin)


def _overrides(model: type, name: str) -> bool:
    """Whether ``model`` defines ``name`` somewhere below the mixin in its MRO."""
    for klass in model.__mro__:
        if name in vars(klass):
            return klass is not DynamoDBSerializableMixin
    return False  # pragma: no cover - the mixin always defines both methods


def _encoded(
    model: type, dumped: Mapping[str, Any], encode: Callable[[Any], Any]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in dumped.items():
        try:
            out[name] = encode(value)
        except ValidationError as exc:
            raise ValidationError(
                f"{model.__name__}.{name}: {exc.message}", field=name, value=exc.value
            ) from None
    return out


class EntityCodec(Generic[T]):
    """Converts one entity class to and from DynamoDB items (resource and wire forms).

    Args:
        model: A subclass of ``DynamoDBSerializableMixin``.

    Raises:
        ConfigurationError: If ``model`` is not such a class.

    Example:
        >>> from tradai.common.entities.trading_state import TradingState
        >>> codec = EntityCodec(TradingState)
        >>> state = TradingState(strategy_id="s1", instance_id="i1")
        >>> codec.from_wire(codec.to_wire(state)) == state
        True
    """

    __slots__ = ("_custom_decode", "_custom_encode", "_keep", "_model", "_plan")

    def __init__(self, model: type[T]) -> None:
        if not (isinstance(model, type) and issubclass(model, DynamoDBSerializableMixin)):
            raise ConfigurationError(
                f"a codec needs a DynamoDBSerializableMixin subclass, not {model!r:.80}",
                setting="model",
            )
        self._model = model
        self._keep = frozenset(model._DYNAMODB_DECIMAL_FIELDS)
        self._custom_encode = _overrides(model, "to_dynamodb_item")
        self._custom_decode = _overrides(model, "from_dynamodb_item")
        self._plan = plan_for(model)

    def __repr__(self) -> str:
        return f"EntityCodec({self._model.__name__})"

    @property
    def model(self) -> type[T]:
        """The entity class this codec serves."""
        return self._model

    def _check(self, entity: object) -> None:
        if not isinstance(entity, self._model):
            raise ValidationError(
                f"expected a {self._model.__name__}, got {type(entity).__name__}",
                field="entity",
            )

    def to_item(self, entity: T) -> dict[str, Any]:
        """Encode ``entity`` in the resource form (equal to ``entity.to_dynamodb_item()``).

        Args:
            entity: An instance of :attr:`model`.

        Returns:
            The item; ``None`` fields are left out.

        Raises:
            ValidationError: If ``entity`` is of another class or holds a value DynamoDB
                cannot store (NaN, infinity, more than 38 digits), naming the field.
        """
        self._check(entity)
        if self._custom_encode:
            return entity.to_dynamodb_item()
        dumped = entity.model_dump(mode="python", exclude_none=True)
        return _encoded(self._model, dumped, encode_resource)

    def to_wire(self, entity: T) -> dict[str, dict[str, Any]]:
        """Encode ``entity`` in the low-level wire form (``{"S": ...}``, ``{"N": ...}``).

        Args:
            entity: An instance of :attr:`model`.

        Returns:
            The item as ``PutItem`` sends it and a DynamoDB Streams image holds it.

        Raises:
            ValidationError: As for :meth:`to_item`.
        """
        self._check(entity)
        if self._custom_encode:
            return _encoded(self._model, entity.to_dynamodb_item(), resource_to_wire)
        if not self._plan.whole:
            return fast_wire(self._plan, entity)
        dumped = entity.model_dump(mode="python", exclude_none=True)
        return encode_wire_fields(self._model.__name__, dumped)

    def from_item(self, item: Mapping[str, Any]) -> T:
        """Decode and validate an item in the resource form.

        Args:
            item: The item as the ``KeyValueTable`` port (or boto3's resource API) returns it.

        Returns:
            The validated entity (equal to ``Model.from_dynamodb_item(item)``).

        Raises:
            pydantic.ValidationError: If the item does not form a valid entity.
        """
        if self._custom_decode:
            return self._model.from_dynamodb_item(dict(item))
        keep = self._keep
        data = {k: (v if k in keep else plain_resource(v)) for k, v in item.items()}
        return self._model.model_validate(data)

    def from_wire(self, wire: Mapping[str, Any]) -> T:
        """Decode and validate an item in the low-level wire form.

        Args:
            wire: The item as the low-level client or a DynamoDB Streams image holds it.

        Returns:
            The validated entity.

        Raises:
            ValidationError: If a value is not well-formed wire data.
            pydantic.ValidationError: If the item does not form a valid entity.
        """
        if self._custom_decode:
            return self._model.from_dynamodb_item({k: raw_wire(v) for k, v in wire.items()})
        data = decode_wire_fields(self._model.__name__, wire, self._keep)
        return self._model.model_validate(data)


class CodecRegistry:
    """A thread-safe cache of one :class:`EntityCodec` per entity class.

    Example:
        >>> from tradai.common.entities.trading_state import TradingState
        >>> registry = CodecRegistry()
        >>> registry.get(TradingState) is registry.get(TradingState)
        True
    """

    def __init__(self) -> None:
        self._codecs: dict[type, EntityCodec[Any]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CodecRegistry(models={sorted(m.__name__ for m in self._codecs)!r})"

    def get(self, model: type[T]) -> EntityCodec[T]:
        """Return the codec of ``model``, building it on first use.

        Args:
            model: A subclass of ``DynamoDBSerializableMixin``.

        Returns:
            Its codec.

        Raises:
            ConfigurationError: If ``model`` is not such a class.
        """
        codec = self._codecs.get(model)
        if codec is None:
            with self._lock:
                codec = self._codecs.get(model)
                if codec is None:
                    codec = self._codecs[model] = EntityCodec(model)
        return cast("EntityCodec[T]", codec)

    def register(self, codec: EntityCodec[Any]) -> None:
        """Use ``codec`` (a subclass with custom rules, say) for its model from now on.

        Args:
            codec: The codec to serve :attr:`EntityCodec.model` with.

        Raises:
            ConfigurationError: If ``codec`` is not an :class:`EntityCodec`.
        """
        if not isinstance(codec, EntityCodec):
            raise ConfigurationError("register() takes an EntityCodec", setting="codec")
        with self._lock:
            self._codecs[codec.model] = codec

    def clear(self) -> None:
        """Forget every codec (they are rebuilt on next use)."""
        with self._lock:
            self._codecs.clear()


_DEFAULT = CodecRegistry()


def codec_for(model: type[T]) -> EntityCodec[T]:
    """Return the process-wide codec of ``model`` (built once, then cached).

    Args:
        model: A subclass of ``DynamoDBSerializableMixin``.

    Returns:
        Its codec.

    Raises:
        ConfigurationError: If ``model`` is not such a class.

    Example:
        >>> from tradai.common.entities.deployment import DeploymentRecord
        >>> codec_for(DeploymentRecord).model.__name__
        'DeploymentRecord'
    """
    return _DEFAULT.get(model)


def reset_codecs() -> None:
    """Empty the process-wide codec cache (tests; after redefining a model class)."""
    _DEFAULT.clear()
