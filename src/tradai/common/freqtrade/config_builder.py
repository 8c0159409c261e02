"""Freqtrade configuration and strategy-parameter files for a backtest.

:func:`build_freqtrade_config` turns a :class:`~tradai.common.entities.backtest.BacktestConfig`
(and optionally the strategy's :class:`~tradai.common.config.catalog.StrategyConfig`) into
the configuration dict Freqtrade's ``backtesting``/``hyperopt`` commands read;
:func:`write_config` stores it; :func:`write_strategy_params` writes the strategy's
parameter file (``<Strategy>.json`` next to its module) from ``buy_params``/``sell_params``.
Everything is validated before it is returned or written, and no secret ever enters a
config: the exchange ``key``/``secret`` are empty (backtests use public data only) and any
credential-like key with a value in the inputs is refused.

Decisions where the issue is silent:

* **Exchanges.** Only Binance is supported (``binance`` and ``binance_spot`` → spot,
  ``binance_futures`` → futures): the offline endpoint
  (:class:`~tradai.common.freqtrade.offline_exchange.OfflineExchange`) speaks Binance's API
  only. ``*_margin`` is refused: Freqtrade does not backtest margin. Futures are USDⓈ-M
  perpetuals (``BTC/USDT:USDT``: settle = quote, no delivery date), as the endpoint serves.
* **Money.** ``stake_currency`` is the quote currency shared by every pair;
  ``max_open_trades`` is the number of pairs; ``dry_run_wallet`` is
  ``stake_amount * max_open_trades * 1.05`` rounded to cents, so every slot can open a
  full stake and fees never leave the last one short (Freqtrade refuses a wallet smaller
  than one stake).
* **Precedence**, lowest first: the derived values above, then allow-listed keys
  (:data:`STRATEGY_CONFIG_KEYS`) among the StrategyConfig's extra fields, then the same
  keys in its ``parameters``, then the BacktestConfig's explicit ``stoploss``, then
  ``overrides`` (merged last as a JSON Merge Patch: mappings merge, ``None`` deletes).
  When ``max_open_trades`` comes from the strategy and ``dry_run_wallet`` does not, the
  wallet follows the new slot count. Other ``parameters`` keys are not Freqtrade settings:
  mappings keyed by a hyperopt space name (``"protection": {...}``) go to the parameter
  file, the rest is ignored with a warning.
* ``freqai`` (a mapping) is copied to ``config["freqai"]`` with ``"enabled": True`` unless
  given; Freqtrade validates its content.
* ``overrides`` may add or change anything except what keeps the run a safe, offline
  backtest of the exported data: ``dry_run`` stays ``True``; ``trading_mode``,
  ``timeframe`` and the exchange name cannot change; no secret may be added; allow-listed
  settings pass the same checks as the strategy's; ``dry_run_wallet`` must still hold one
  ``stake_amount``.

Example:
    >>> from tradai.common.entities.backtest import BacktestConfig
    >>> config = BacktestConfig(
    ...     strategy="SampleSmaCrossover", timeframe="1h", start_date="2024-02-01",
    ...     end_date="2024-06-01", symbols=["BTC/USDT", "ETH/USDT"], exchange="binance",
    ... )
    >>> ft = build_freqtrade_config(config, user_data_dir=Path("/tmp/user_data"))
    >>> ft["trading_mode"], ft["stake_currency"], ft["max_open_trades"], ft["dry_run_wallet"]
    ('spot', 'USDT', 2, 2100.0)
    >>> ft["exchange"]["pair_whitelist"], ft["exchange"]["key"]
    (['BTC/USDT', 'ETH/USDT'], '')
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import logging
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tradai.common._files import write_text_atomic
from tradai.common.config.catalog import StrategyConfig
from tradai.common.config.merge import ConfigMergeService
from tradai.common.entities.backtest import BacktestConfig
from tradai.common.entities.exchange import TradingMode
from tradai.common.exceptions import ValidationError
from tradai.common.utils.datetime import timeframe_to_seconds
from tradai.common.validators import ensure, validate_strategy_name

__all__ = [
    "STRATEGY_CONFIG_KEYS",
    "SUPPORTED_EXCHANGE",
    "build_freqtrade_config",
    "trading_mode_for",
    "write_config",
    "write_strategy_params",
]

_logger = logging.getLogger(__name__)

#: The only exchange backtests support (the offline endpoint speaks its API).
SUPPORTED_EXCHANGE = "binance"

_WALLET_HEADROOM = 1.05
_PRICING = {"price_side": "same", "use_order_book": True, "order_book_top": 1}
_SECRET_KEYS = frozenset(
    {
        "key",
        "secret",
        "password",
        "uid",
        "apikey",
        "apisecret",
        "secretkey",
        "privatekey",
        "walletaddress",
        "token",
        "passphrase",
        "jwtsecretkey",
        "wstoken",
    }
)


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _between(low: float, high: float, *, high_open: bool = False) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return _is_number(value) and low <= value and (value < high if high_open else value <= high)

    return check


def _roi(value: Any) -> bool:
    if not isinstance(value, Mapping) or not value:
        return False
    return all(
        isinstance(k, str) and k.isascii() and k.replace(".", "", 1).isdigit() and _is_number(v)
        for k, v in value.items()
    )


def _open_trades(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= -1


def _positive(value: Any) -> bool:
    return _is_number(value) and value > 0


def _detail_timeframe(value: Any) -> bool:
    try:
        timeframe_to_seconds(value)
    except ValidationError:
        return False
    return True


#: Freqtrade settings a StrategyConfig may set, each with the check its value must pass.
_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "max_open_trades": (_open_trades, "an integer >= -1"),
    "dry_run_wallet": (_positive, "a number > 0"),
    "minimal_roi": (_roi, 'a non-empty mapping of minutes to ratios ({"0": 0.1})'),
    "stoploss": (_between(-1.0, 0.0, high_open=True), "a ratio in [-1, 0)"),
    "trailing_stop": (_bool, "a boolean"),
    "trailing_stop_positive": (_between(0.0, 1.0), "a ratio in [0, 1]"),
    "trailing_stop_positive_offset": (_between(0.0, 1.0), "a ratio in [0, 1]"),
    "trailing_only_offset_is_reached": (_bool, "a boolean"),
    "use_exit_signal": (_bool, "a boolean"),
    "exit_profit_only": (_bool, "a boolean"),
    "ignore_roi_if_entry_signal": (_bool, "a boolean"),
    "position_adjustment_enable": (_bool, "a boolean"),
    "fee": (_between(0.0, 0.1), "a ratio in [0, 0.1]"),
    "timeframe_detail": (_detail_timeframe, "a timeframe"),
}

#: Keys of ``StrategyConfig.parameters`` (or its extra fields) that are Freqtrade settings.
STRATEGY_CONFIG_KEYS: frozenset[str] = frozenset(_CHECKS)


# ------------------------------------------------------------------ checks
def _check_settings(values: Mapping[str, Any], field: str) -> None:
    for key, value in values.items():
        rule = _CHECKS.get(key)
        if rule is not None and not rule[0](value):
            raise ValidationError(f"{field}.{key} must be {rule[1]}", field=f"{field}.{key}")


def _check_json(value: Any, field: str) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"{field} must be JSON-compatible with finite numbers: {exc}", field=field
        ) from None


def _check_no_secrets(value: Any, field: str, path: str = "") -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            normalised = str(key).lower().replace("_", "").replace("-", "")
            if normalised in _SECRET_KEYS and item not in ("", None):
                raise ValidationError(
                    f"{field} must not carry credentials (found {where!r}); backtests use "
                    "public data only",
                    field=field,
                )
            _check_no_secrets(item, field, where)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_no_secrets(item, field, f"{path}[{index}]")


def _check_mapping(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValidationError(f"{field} must be a mapping with string keys", field=field)
    _check_json(value, field)
    _check_no_secrets(value, field)
    return copy.deepcopy(dict(value))


def _currencies(pair: str) -> tuple[str, str, str]:
    base, _, rest = pair.partition("/")
    quote, _, settle = rest.partition(":")
    return base, quote, settle


def _stake_currency(symbols: list[str], mode: TradingMode) -> str:
    duplicates = sorted({s for s in symbols if symbols.count(s) > 1})
    if duplicates:
        raise ValidationError(f"duplicate symbols: {', '.join(duplicates)}", field="symbols")
    quotes = []
    for symbol in symbols:
        _, quote, settle = _currencies(symbol)
        if mode is TradingMode.FUTURES and settle != quote:
            raise ValidationError(
                f"{symbol}: only USDⓈ-M perpetuals (BASE/QUOTE:QUOTE) can be backtested; "
                "inverse and delivery futures are not supported",
                field="symbols",
            )
        quotes.append(quote)
    if len(set(quotes)) > 1:
        found = ", ".join(sorted(set(quotes)))
        raise ValidationError(
            f"all symbols must share one quote (stake) currency, got {found}",
            field="symbols",
        )
    return quotes[0]


def _user_data_dir(value: Path) -> str:
    if not isinstance(value, str | os.PathLike) or not os.fspath(value):
        raise ValidationError("user_data_dir must be a directory path", field="user_data_dir")
    text = os.fspath(value)
    if not isinstance(text, str) or "\x00" in text:
        raise ValidationError(
            "user_data_dir must be a text path without NUL", field="user_data_dir"
        )
    return str(Path(text).resolve())


# ------------------------------------------------------------------ trading mode
def trading_mode_for(config: BacktestConfig) -> TradingMode:
    """Return the Freqtrade trading mode of a backtest and check its symbols fit it.

    Args:
        config: The backtest configuration.

    Returns:
        :attr:`TradingMode.FUTURES` for ``binance_futures``; :attr:`TradingMode.SPOT`
        for ``binance`` and ``binance_spot``.

    Raises:
        ValidationError: ``field="exchange"`` for another exchange (only Binance is
            supported: the offline endpoint speaks its API) or a ``_margin`` market (not
            supported for backtests); ``field="symbols"`` when a futures backtest has a
            pair without ``:SETTLE`` or a spot backtest has one with it.

    Example:
        >>> config = BacktestConfig(strategy="S", timeframe="1h", start_date="2024-01-01",
        ...                         end_date="2024-02-01", symbols=["BTC/USDT:USDT"])
        >>> trading_mode_for(config).value
        'futures'
    """
    if not isinstance(config, BacktestConfig):
        raise ValidationError("config must be a BacktestConfig", field="config")
    name, _, market = config.exchange.partition("_")
    if name != SUPPORTED_EXCHANGE:
        raise ValidationError(
            f"exchange {config.exchange!r} is not supported for backtests: only binance, "
            "binance_spot and binance_futures (the offline endpoint speaks Binance's API)",
            field="exchange",
        )
    if market == "margin":
        raise ValidationError(
            f"exchange {config.exchange!r}: margin trading is not supported for backtests",
            field="exchange",
        )
    mode = TradingMode.FUTURES if market == "futures" else TradingMode.SPOT
    futures = mode is TradingMode.FUTURES
    wrong = [s for s in config.symbols if (":" in s) != futures]
    if wrong:
        wanted = "BASE/QUOTE:SETTLE" if futures else "BASE/QUOTE (no settle currency)"
        raise ValidationError(
            f"exchange {config.exchange!r} trades {mode.value}: symbols must be {wanted}, "
            f"got {', '.join(wrong)}",
            field="symbols",
        )
    return mode


# ------------------------------------------------------------------ config
def _strategy_settings(strategy_config: StrategyConfig, timeframe: str) -> dict[str, Any]:
    if not isinstance(strategy_config, StrategyConfig):
        raise ValidationError("strategy_config must be a StrategyConfig", field="strategy_config")
    if strategy_config.timeframe != timeframe:
        raise ValidationError(
            f"strategy {strategy_config.name} runs on {strategy_config.timeframe}, the backtest "
            f"asks for {timeframe}",
            field="timeframe",
        )
    extra = strategy_config.model_extra or {}
    parameters = strategy_config.parameters
    settings = _check_mapping(
        {k: v for k, v in extra.items() if k in STRATEGY_CONFIG_KEYS}, "strategy_config"
    )
    _check_settings(settings, "strategy_config")
    chosen = _check_mapping(
        {k: v for k, v in parameters.items() if k in STRATEGY_CONFIG_KEYS}, "parameters"
    )
    _check_settings(chosen, "parameters")
    detail = {**settings, **chosen}.get("timeframe_detail")
    if detail is not None and timeframe_to_seconds(detail) >= timeframe_to_seconds(timeframe):
        raise ValidationError(
            f"timeframe_detail {detail} must be shorter than the timeframe {timeframe}",
            field="parameters.timeframe_detail",
        )
    ignored = sorted(set(parameters) - STRATEGY_CONFIG_KEYS - set(_param_spaces(parameters)))
    if ignored:
        _logger.warning(
            "StrategyConfig %s: parameters %s are neither Freqtrade settings nor parameter "
            "spaces; ignored",
            strategy_config.name,
            ", ".join(ignored),
        )
    return {**settings, **chosen}


def _freqai(strategy_config: StrategyConfig) -> dict[str, Any] | None:
    if strategy_config.freqai is None:
        return None
    freqai = _check_mapping(strategy_config.freqai, "freqai")
    freqai.setdefault("enabled", True)
    if not isinstance(freqai["enabled"], bool):
        raise ValidationError("freqai.enabled must be a boolean", field="freqai")
    return freqai


def _check_overrides(result: dict[str, Any], mode: TradingMode, timeframe: str) -> None:
    exchange = result.get("exchange")
    if result.get("dry_run") is not True:
        raise ValidationError("overrides may not turn dry_run off", field="overrides")
    if result.get("trading_mode") != mode.value:
        raise ValidationError(
            f"overrides may not change trading_mode ({mode.value})", field="overrides"
        )
    if not isinstance(exchange, dict) or exchange.get("name") != SUPPORTED_EXCHANGE:
        raise ValidationError("overrides may not change the exchange", field="overrides")
    if result.get("timeframe") != timeframe:
        raise ValidationError(
            f"overrides may not change the timeframe ({timeframe}): the exported candles are "
            f"{timeframe}",
            field="overrides",
        )
    stake: Any = result.get("stake_amount")
    wallet: Any = result.get("dry_run_wallet")
    if _is_number(stake) and _is_number(wallet) and wallet < stake:
        raise ValidationError(
            f"dry_run_wallet {wallet} is smaller than stake_amount {stake}",
            field="dry_run_wallet",
        )


def build_freqtrade_config(
    config: BacktestConfig,
    *,
    user_data_dir: Path,
    strategy_config: StrategyConfig | None = None,
    ccxt_config: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the Freqtrade configuration of a backtest (see the module doc for the rules).

    Args:
        config: The backtest configuration.
        user_data_dir: Freqtrade's user-data directory (made absolute; it must exist when
            Freqtrade runs, which creates its sub-directories).
        strategy_config: The strategy's configuration: allow-listed Freqtrade settings
            (:data:`STRATEGY_CONFIG_KEYS`) and ``freqai``; its timeframe must match.
        ccxt_config: The exchange's ``ccxt_config`` (e.g.
            :meth:`OfflineExchange.ccxt_config`); used for ``ccxt_async_config`` too.
        overrides: Merged last by :class:`~tradai.common.config.merge.ConfigMergeService`
            (JSON Merge Patch; see the module doc for what they may not change).

    Returns:
        A new JSON-compatible dict (``write_config`` stores it).

    Raises:
        ValidationError: For an unsupported exchange or market, symbols that do not fit
            the mode or do not share a quote currency, ``stoploss`` 0 (Freqtrade needs
            < 0), a StrategyConfig with another timeframe or a bad setting, non-JSON or
            non-finite values, credentials in any input, or overrides breaking the rules.
    """
    mode = trading_mode_for(config)
    symbols = list(config.symbols)
    stake_currency = _stake_currency(symbols, mode)
    if config.stoploss is not None and config.stoploss >= 0:
        raise ValidationError("stoploss must be < 0 for Freqtrade (-0.05 = 5 %)", field="stoploss")
    result: dict[str, Any] = {
        "bot_name": "tradai",
        "trading_mode": mode.value,
        "margin_mode": "isolated" if mode is TradingMode.FUTURES else "",
        "stake_currency": stake_currency,
        "stake_amount": config.stake_amount,
        "max_open_trades": len(symbols),
        "dry_run": True,
        "timeframe": config.timeframe,
        "exchange": {
            "name": SUPPORTED_EXCHANGE,
            "key": "",
            "secret": "",
            "pair_whitelist": symbols,
        },
        "pairlists": [{"method": "StaticPairList"}],
        "entry_pricing": dict(_PRICING),
        "exit_pricing": dict(_PRICING),
        "dataformat_ohlcv": "feather",
        "user_data_dir": _user_data_dir(user_data_dir),
    }
    if ccxt_config is not None:
        ccxt = _check_mapping(ccxt_config, "ccxt_config")
        result["exchange"]["ccxt_config"] = ccxt
        result["exchange"]["ccxt_async_config"] = copy.deepcopy(ccxt)
    if strategy_config is not None:
        result.update(_strategy_settings(strategy_config, config.timeframe))
        freqai = _freqai(strategy_config)
        if freqai is not None:
            result["freqai"] = freqai
    if "dry_run_wallet" not in result:
        slots = result["max_open_trades"]
        slots = len(symbols) if slots == -1 else slots
        result["dry_run_wallet"] = round(config.stake_amount * slots * _WALLET_HEADROOM, 2)
    if config.stoploss is not None:
        result["stoploss"] = config.stoploss
    if overrides is not None:
        changes = _check_mapping(overrides, "overrides")
        _check_settings(changes, "overrides")
        result = ConfigMergeService().merge(result, changes)  # JSON Merge Patch
    _check_overrides(result, mode, config.timeframe)
    return result


# ------------------------------------------------------------------ files
def write_config(path: Path, config: Mapping[str, Any]) -> Path:
    """Write a Freqtrade configuration as JSON, atomically (temporary file + rename).

    Args:
        path: The file to write (its directory is created if missing).
        config: The configuration (as :func:`build_freqtrade_config` returns).

    Returns:
        The absolute path written.

    Raises:
        ValidationError: If ``config`` is not a mapping, holds values JSON cannot carry
            (NaN, infinities, objects) or credentials, or ``path`` is not a file path
            (nothing is written).

    Example:
        >>> import json, tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     written = write_config(Path(tmp) / "config.json", {"dry_run": True})
        ...     json.loads(written.read_text())
        {'dry_run': True}
    """
    if not isinstance(path, str | os.PathLike) or not os.fspath(path):
        raise ValidationError("path must be a file path", field="path")
    if not isinstance(config, Mapping):
        raise ValidationError("config must be a mapping", field="config")
    try:
        text = json.dumps(config, indent=2, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"config must be JSON-compatible with finite numbers: {exc}", field="config"
        ) from None
    _check_no_secrets(config, "config")
    if Path(path).is_dir():
        raise ValidationError(f"{path} is a directory", field="path")
    return write_text_atomic(Path(path).resolve(), text + "\n")


def _param_spaces(parameters: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``parameters`` entries that are hyperopt spaces: identifier keys with mapping values."""
    return {
        key: dict(value)
        for key, value in parameters.items()
        if key not in STRATEGY_CONFIG_KEYS and key.isidentifier() and isinstance(value, Mapping)
    }


def write_strategy_params(
    strategy_dir: Path, strategy: str, strategy_config: StrategyConfig
) -> Path | None:
    """Write Freqtrade's strategy parameter file ``<strategy_dir>/<strategy>.json``.

    The format is the one ``freqtrade hyperopt`` exports and strategies load at start:
    ``{"strategy_name", "params": {space: {name: value}}, "ft_stratparam_v": 1,
    "export_time"}``. Spaces: ``buy`` from ``buy_params``, ``sell`` from ``sell_params``,
    plus ``parameters`` entries that are mappings keyed by a space name (``"protection"``);
    ``buy_params``/``sell_params`` win over ``parameters["buy"]``/``["sell"]``. Values in
    the file win over the strategy's defaults. Freqtrade looks for the file next to the
    strategy's module, so the module must be ``<strategy_dir>/<strategy>.py``.

    Args:
        strategy_dir: The directory holding the strategy module (must exist).
        strategy: The strategy class name.
        strategy_config: Where the parameters come from.

    Returns:
        The file written, or ``None`` when there is no parameter (nothing is written and
        an existing file is left alone).

    Raises:
        ValidationError: For a strategy name that is not a Python identifier, a missing
            directory, or parameters that are not JSON-compatible with finite numbers.
    """
    name = ensure(validate_strategy_name, strategy, field="strategy")
    if not name.isidentifier():
        raise ValidationError(f"strategy {name!r} must be a Python class name", field="strategy")
    if not isinstance(strategy_config, StrategyConfig):
        raise ValidationError("strategy_config must be a StrategyConfig", field="strategy_config")
    if not isinstance(strategy_dir, str | os.PathLike) or not Path(strategy_dir).is_dir():
        raise ValidationError(f"{strategy_dir} is not a directory", field="strategy_dir")
    _check_json(strategy_config.parameters, "parameters")
    spaces = _param_spaces(strategy_config.parameters)
    for space, values in (
        ("buy", strategy_config.buy_params),
        ("sell", strategy_config.sell_params),
    ):
        _check_json(values, f"{space}_params")
        if values:
            spaces[space] = {**spaces.get(space, {}), **values}
    spaces = {space: values for space, values in spaces.items() if values}
    if not spaces:
        return None
    payload = {
        "strategy_name": name,
        "params": spaces,
        "ft_stratparam_v": 1,
        "export_time": str(_dt.datetime.now(_dt.UTC)),
    }
    return write_text_atomic(
        Path(strategy_dir).resolve() / f"{name}.json", json.dumps(payload, indent=2)
    )
