"""A local endpoint serving Binance's market metadata, so Freqtrade backtests run offline.

Freqtrade loads the exchange's markets before every backtest and no configuration key
skips that. :class:`OfflineExchange` answers the one request ccxt makes for it
(``GET /api/v3/exchangeInfo`` for spot, ``GET /fapi/v1/exchangeInfo`` for USDⓈ-M futures)
from a loopback port, describing exactly the configured pairs; any other ``exchangeInfo``
path answers an empty symbol list and everything else 404. :meth:`OfflineExchange.ccxt_config`
is the ``exchange.ccxt_config`` block that points ccxt at it.

Decisions where the issue is silent:

* The metadata is generous and fixed (prices tick 0.01, amounts step 0.00001, minimum
  notional 5), so any stake a backtest uses is tradable; real precision does not matter
  for a backtest on candles.
* Futures markets are USDⓈ-M perpetuals (``BTC/USDT:USDT``); a spot pair asked for in
  futures mode is served as its perpetual (settle = quote). Coin-M (``dapi``) answers empty.
* The server binds ``127.0.0.1`` only, runs in a daemon thread and is stopped by the
  context manager (or :meth:`OfflineExchange.stop`).

Example:
    >>> exchange = OfflineExchange(["BTC/USDT:USDT"])
    >>> with exchange:
    ...     config = exchange.ccxt_config("futures")
    >>> config["options"]["fetchMarkets"]["types"]
    ['linear']
    >>> [s["symbol"] for s in exchange_info(["eth/usdt"], market="spot")["symbols"]]
    ['ETHUSDT']
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal

from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.validators import validate_trading_pair

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

__all__ = ["MarketKind", "OfflineExchange", "exchange_info"]

MarketKind = Literal["spot", "linear"]
"""ccxt's market type: ``spot`` or ``linear`` (USDⓈ-M futures)."""

_PATHS: dict[str, MarketKind] = {"/api/v3/exchangeInfo": "spot", "/fapi/v1/exchangeInfo": "linear"}
_LISTED_MS = 1_569_398_400_000  # 2019-09-25, Binance's first USDⓈ-M perpetual
_DELIVERY_MS = 4_133_404_800_000  # 2100-12-25, what Binance reports for perpetuals


def _pair(pair: str) -> str:
    try:
        return validate_trading_pair(pair)
    except ValueError as exc:
        raise ValidationError(str(exc), field="pairs") from None


def _split(pair: str) -> tuple[str, str, str]:
    base, _, rest = _pair(pair).partition("/")
    quote, _, settle = rest.partition(":")
    return base, quote, settle.split("-")[0] or quote


def _spot_symbol(base: str, quote: str) -> dict[str, Any]:
    return {
        "symbol": base + quote,
        "status": "TRADING",
        "baseAsset": base,
        "baseAssetPrecision": 8,
        "quoteAsset": quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
        "icebergAllowed": True,
        "ocoAllowed": True,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": True,
        "cancelReplaceAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": "0.01000000",
                "maxPrice": "10000000.00000000",
                "tickSize": "0.01000000",
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": "0.00001000",
                "maxQty": "9000000.00000000",
                "stepSize": "0.00001000",
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": "0.00000000",
                "maxQty": "9000000.00000000",
                "stepSize": "0.00000000",
            },
            {
                "filterType": "NOTIONAL",
                "minNotional": "5.00000000",
                "applyMinToMarket": True,
                "maxNotional": "90000000.00000000",
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
        ],
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
    }


def _perpetual_symbol(base: str, quote: str, settle: str) -> dict[str, Any]:
    return {
        "symbol": base + quote,
        "pair": base + quote,
        "contractType": "PERPETUAL",
        "deliveryDate": _DELIVERY_MS,
        "onboardDate": _LISTED_MS,
        "status": "TRADING",
        "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000",
        "baseAsset": base,
        "quoteAsset": quote,
        "marginAsset": settle,
        "pricePrecision": 2,
        "quantityPrecision": 5,
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "underlyingType": "COIN",
        "underlyingSubType": [],
        "settlePlan": 0,
        "triggerProtect": "0.0500",
        "liquidationFee": "0.012500",
        "marketTakeBound": "0.05",
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": "0.01",
                "maxPrice": "10000000",
                "tickSize": "0.01",
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": "0.00001",
                "maxQty": "9000000",
                "stepSize": "0.00001",
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": "0.00001",
                "maxQty": "9000000",
                "stepSize": "0.00001",
            },
            {"filterType": "MAX_NUM_ORDERS", "limit": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
            {"filterType": "MIN_NOTIONAL", "notional": "5"},
            {
                "filterType": "PERCENT_PRICE",
                "multiplierUp": "1.0500",
                "multiplierDown": "0.9500",
                "multiplierDecimal": "4",
            },
        ],
        "orderTypes": [
            "LIMIT",
            "MARKET",
            "STOP",
            "STOP_MARKET",
            "TAKE_PROFIT",
            "TAKE_PROFIT_MARKET",
            "TRAILING_STOP_MARKET",
        ],
        "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
    }


def exchange_info(pairs: Iterable[str], *, market: MarketKind) -> dict[str, Any]:
    """Binance's ``exchangeInfo`` answer describing ``pairs`` as ``market`` markets.

    Args:
        pairs: Trading pairs (``BTC/USDT`` or ``BTC/USDT:USDT``); duplicates collapse.
        market: ``"spot"`` (``/api/v3``) or ``"linear"`` (``/fapi/v1`` perpetuals).

    Returns:
        The JSON document ccxt's ``fetch_markets`` reads.

    Raises:
        ValidationError: If a pair is malformed or ``market`` is unknown.
    """
    if market not in ("spot", "linear"):
        raise ValidationError(
            f"market must be 'spot' or 'linear', not {market!r:.20}", field="market"
        )
    symbols: dict[str, dict[str, Any]] = {}
    for pair in pairs:
        base, quote, settle = _split(pair)
        entry = (
            _spot_symbol(base, quote)
            if market == "spot"
            else _perpetual_symbol(base, quote, settle)
        )
        symbols.setdefault(entry["symbol"], entry)
    return {
        "timezone": "UTC",
        "serverTime": _LISTED_MS,
        "rateLimits": [],
        "exchangeFilters": [],
        "symbols": list(symbols.values()),
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], answers: dict[str, bytes]) -> None:
        super().__init__(address, _Handler)
        self.answers = answers
        self.hits = 0
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet (ccxt's requests are not worth a log line)."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.hits += 1
        body = self.server.answers.get(path)
        status = 200
        if body is None and path.endswith("/exchangeInfo"):
            body = json.dumps(exchange_info([], market="spot")).encode()
        elif body is None:
            status, body = 404, b'{"code": -1, "msg": "offline exchange: no such endpoint"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class OfflineExchange:
    """Serves market metadata for ``pairs`` on a loopback port (see the module docstring).

    Args:
        pairs: The pairs to describe (at least one).
        port: Port to bind (``0`` picks a free one).

    Raises:
        ValidationError: If ``pairs`` is empty or holds a malformed pair.
    """

    def __init__(self, pairs: Iterable[str], *, port: int = 0) -> None:
        self._pairs = tuple(dict.fromkeys(_pair(p) for p in pairs))
        if not self._pairs:
            raise ValidationError("the offline exchange needs at least one pair", field="pairs")
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = self.url if self._server is not None else "stopped"
        return f"OfflineExchange(pairs={list(self._pairs)}, {state})"

    @property
    def pairs(self) -> tuple[str, ...]:
        """The pairs described, upper-cased.

        Returns:
            The pairs.
        """
        return self._pairs

    @property
    def url(self) -> str:
        """The server's base URL (``http://127.0.0.1:<port>``).

        Returns:
            The URL.

        Raises:
            ConfigurationError: If the server is not running.
        """
        if self._server is None:
            raise ConfigurationError("the offline exchange is not running; call start()")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def hits(self) -> int:
        """How many requests the server has answered.

        Returns:
            The count (0 when never started).
        """
        return 0 if self._server is None else self._server.hits

    def start(self) -> OfflineExchange:
        """Start serving (idempotent).

        Returns:
            This exchange.

        Raises:
            ConfigurationError: If the port cannot be bound.
        """
        if self._server is not None:
            return self
        answers = {
            path: json.dumps(exchange_info(self._pairs, market=kind)).encode()
            for path, kind in _PATHS.items()
        }
        try:
            self._server = _Server(("127.0.0.1", self._port), answers)
        except OSError as exc:
            raise ConfigurationError(
                f"offline exchange cannot bind port {self._port}: {exc}"
            ) from exc
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            daemon=True,
            name="tradai-offline-exchange",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> OfflineExchange:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def ccxt_config(self, trading_mode: str) -> dict[str, Any]:
        """The ``exchange.ccxt_config`` block pointing ccxt at this server.

        Args:
            trading_mode: ``"spot"`` or ``"futures"`` (a ``TradingMode`` value); margin
                loads spot markets.

        Returns:
            ``{"urls": {"api": {...}}, "options": {"fetchMarkets": {"types": [...]}}}``.

        Raises:
            ValidationError: For an unknown trading mode.
            ConfigurationError: If the server is not running.
        """
        mode = str(getattr(trading_mode, "value", trading_mode))
        if mode not in ("spot", "margin", "futures"):
            raise ValidationError(
                f"trading_mode must be spot, margin or futures, not {mode!r:.20}",
                field="trading_mode",
            )
        url = self.url
        return {
            "urls": {
                "api": {
                    "public": f"{url}/api/v3",
                    "fapiPublic": f"{url}/fapi/v1",
                    "dapiPublic": f"{url}/dapi/v1",
                }
            },
            "options": {"fetchMarkets": {"types": ["linear" if mode == "futures" else "spot"]}},
        }
