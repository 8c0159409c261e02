"""Layered strategy configuration: :class:`ConfigMergeService`.

Layers are merged in order, later layers winning (``base -> environment -> override``),
with the rules of JSON Merge Patch (RFC 7386) applied one layer after another:

* mappings merge recursively, key by key;
* lists and scalars are replaced as a whole (a list is never concatenated or merged by
  index: a shorter override list must not leave stale entries behind);
* an explicit ``None`` in a layer **deletes** the key from the result (YAML ``key: null``
  or ``key: ~``). The merge starts from an empty mapping, so a ``None`` in the first layer
  simply leaves the key out, and a ``None`` never survives as a mapping value (inside a
  list it is kept, since lists are taken as they are);
* the result is a new ``dict``; the layers are never modified and share no mutable part
  with it.

Decisions where the specification is silent:

* **No interpolation.** The design document mentions OmegaConf, which is not a dependency
  of tradai-common; ``${...}`` references are not resolved, and a value holding ``${`` is
  kept verbatim. Configs stay plain data, so their content hash (config versioning) is
  exactly what was stored.
* **JSON data only.** Every layer must be a mapping of JSON data (checked by
  :func:`~tradai.common.validators.validate_json_data`: string keys, finite numbers, no
  ``datetime`` or ``set``), nested at most ``max_depth`` levels (default 32, at most 256),
  which also bounds the recursion. Tuples become lists. A bad layer raises the library's
  :class:`~tradai.common.exceptions.ValidationError` naming it (``layers[1].pairs``).
* :meth:`ConfigMergeService.merge_to_model` reports a result that is not a valid
  :class:`~tradai.common.config.catalog.StrategyConfig` as the library's
  ``ValidationError`` naming the first bad field; its message lists each error without the
  offending values.

Example:
    >>> service = ConfigMergeService()
    >>> base = {"name": "PascalStrategy", "pairs": ["BTC/USDT"], "buy_params": {"rsi": 30}}
    >>> service.merge(base, {"pairs": ["ETH/USDT"], "buy_params": {"ema": 20}})
    {'name': 'PascalStrategy', 'pairs': ['ETH/USDT'], 'buy_params': {'rsi': 30, 'ema': 20}}
    >>> service.merge(base, {"buy_params": None, "note": "${ENV}"})
    {'name': 'PascalStrategy', 'pairs': ['BTC/USDT'], 'note': '${ENV}'}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import ValidationError as PydanticValidationError

from tradai.common.config.catalog import StrategyConfig
from tradai.common.exceptions import ValidationError
from tradai.common.validators import validate_json_data

__all__ = ["ConfigMergeService"]

_DEFAULT_MAX_DEPTH: Final = 32
_MAX_DEPTH_LIMIT: Final = 256  # keeps validation and merging far from Python's recursion limit


def _apply(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``patch`` into ``target`` in place (RFC 7386); both are validated JSON data."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            target[key] = _apply(current if isinstance(current, dict) else {}, value)
        else:
            target[key] = value
    return target


def _to_strategy_config(data: Mapping[str, Any], *, context: Mapping[str, Any]) -> StrategyConfig:
    """Validate ``data`` as a StrategyConfig, raising the library's ValidationError.

    Shared with :mod:`tradai.common.config.loader`. The message names each failing field
    and pydantic's reason, never the input value.
    """
    try:
        return StrategyConfig.model_validate(data)
    except PydanticValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        fields = [".".join(str(part) for part in error["loc"]) or "config" for error in errors]
        reasons = "; ".join(f"{f}: {e['msg']}" for f, e in zip(fields, errors, strict=True))
        raise ValidationError(
            f"invalid strategy config: {reasons}", field=fields[0], context=context
        ) from exc


class ConfigMergeService:
    """Merge strategy config layers in order, later layers winning.

    See the module documentation for the rules (recursive mappings, replaced lists and
    scalars, ``None`` deletes a key, no ``${...}`` interpolation).

    Args:
        max_depth: The deepest nesting accepted in a layer.

    Raises:
        ValueError: If ``max_depth`` is not an integer from 1 to 256.

    Example:
        >>> ConfigMergeService().merge({"a": {"b": 1, "c": 2}}, {"a": {"c": None}})
        {'a': {'b': 1}}
    """

    def __init__(self, *, max_depth: int = _DEFAULT_MAX_DEPTH) -> None:
        if (
            isinstance(max_depth, bool)
            or not isinstance(max_depth, int)
            or not 1 <= max_depth <= _MAX_DEPTH_LIMIT
        ):
            raise ValueError(
                f"max_depth must be an integer from 1 to {_MAX_DEPTH_LIMIT}, got {max_depth!r:.40}"
            )
        self._max_depth = max_depth

    @property
    def max_depth(self) -> int:
        """The deepest nesting accepted in a layer.

        Returns:
            The limit given to the constructor.
        """
        return self._max_depth

    def merge(self, *layers: Mapping[str, Any]) -> dict[str, Any]:
        """Merge layers in order (later wins) into a new dict.

        Args:
            *layers: Mappings of JSON data, lowest precedence first
                (``base, environment, override``). No layers gives ``{}``.

        Returns:
            The merged config, sharing nothing mutable with the layers.

        Raises:
            ValidationError: If a layer is not a mapping of JSON data within
                ``max_depth``; ``field`` names it (``layers[2]``).

        Example:
            >>> ConfigMergeService().merge({"timeframe": "1h"}, {"timeframe": "4h"})
            {'timeframe': '4h'}
        """
        result: dict[str, Any] = {}
        for index, layer in enumerate(layers):
            _apply(result, self._checked(layer, index))
        return result

    def merge_to_model(self, *layers: Mapping[str, Any]) -> StrategyConfig:
        """Merge layers in order and validate the result as a :class:`StrategyConfig`.

        Args:
            *layers: Mappings of JSON data, lowest precedence first.

        Returns:
            The validated strategy config.

        Raises:
            ValidationError: If a layer is not a mapping of JSON data, or the merged config
                is not a valid ``StrategyConfig`` (``field`` names the first bad field).

        Example:
            >>> config = ConfigMergeService().merge_to_model(
            ...     {"name": "PascalStrategy", "version": "1.0.0", "timeframe": "1h"},
            ...     {"timeframe": "4h", "pairs": ["eth/usdt"]},
            ... )
            >>> config.timeframe, config.pairs
            ('4h', ['ETH/USDT'])
        """
        merged = self.merge(*layers)
        return _to_strategy_config(merged, context={"layers": len(layers)})

    def _checked(self, layer: object, index: int) -> dict[str, Any]:
        field = f"layers[{index}]"
        if not isinstance(layer, Mapping):
            raise ValidationError(
                f"{field} must be a mapping, got {type(layer).__name__}", field=field
            )
        try:
            checked: dict[str, Any] = validate_json_data(
                layer, path=field, max_depth=self._max_depth
            )
        except ValueError as exc:
            raise ValidationError(f"invalid config layer: {exc}", field=field) from exc
        return checked

    def __repr__(self) -> str:
        """Return ``ConfigMergeService(max_depth=...)``."""
        return f"{type(self).__name__}(max_depth={self._max_depth})"
