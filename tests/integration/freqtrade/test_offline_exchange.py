"""The offline exchange endpoint, loaded by the real ccxt (no internet)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.freqtrade.offline_exchange import OfflineExchange, exchange_info

pytestmark = pytest.mark.integration


def load_markets(exchange: OfflineExchange, mode: str) -> dict[str, dict[str, object]]:
    import ccxt

    client = ccxt.binance(exchange.ccxt_config(mode))
    markets: dict[str, dict[str, object]] = client.load_markets()
    return markets


def test_ccxt_loads_spot_markets_from_it() -> None:
    with OfflineExchange(["BTC/USDT", "eth/usdt"]) as exchange:
        markets = load_markets(exchange, "spot")
        assert exchange.hits == 1
    assert set(markets) == {"BTC/USDT", "ETH/USDT"}
    assert markets["BTC/USDT"]["spot"] is True
    assert markets["BTC/USDT"]["limits"]["cost"]["min"] == 5.0  # type: ignore[index]


def test_ccxt_loads_perpetuals_from_it() -> None:
    with OfflineExchange(["BTC/USDT:USDT", "ETH/USDT"]) as exchange:
        markets = load_markets(exchange, "futures")
    assert set(markets) == {"BTC/USDT:USDT", "ETH/USDT:USDT"}
    assert markets["BTC/USDT:USDT"]["swap"] is True
    assert markets["BTC/USDT:USDT"]["settle"] == "USDT"


def test_other_paths_answer_empty_or_404() -> None:
    with OfflineExchange(["BTC/USDT"]) as exchange:
        with urllib.request.urlopen(f"{exchange.url}/dapi/v1/exchangeInfo") as answer:
            assert json.load(answer)["symbols"] == []
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"{exchange.url}/api/v3/klines")
        assert info.value.code == 404


def test_lifecycle_and_validation() -> None:
    exchange = OfflineExchange(["BTC/USDT", "BTC/USDT"])
    assert exchange.pairs == ("BTC/USDT",)
    assert "stopped" in repr(exchange)
    assert exchange.hits == 0
    with pytest.raises(ConfigurationError):
        _ = exchange.url
    exchange.start()
    try:
        assert exchange.start() is exchange
        assert exchange.url in repr(exchange)
        with pytest.raises(ValidationError):
            exchange.ccxt_config("options")
        taken = int(exchange.url.rsplit(":", 1)[1])
        with pytest.raises(ConfigurationError):
            OfflineExchange(["BTC/USDT"], port=taken).start()
    finally:
        exchange.stop()
    exchange.stop()
    with pytest.raises(ValidationError):
        OfflineExchange([])
    with pytest.raises(ValidationError):
        OfflineExchange(["BTC-USDT"])
    with pytest.raises(ValidationError):
        exchange_info(["BTC/USDT"], market="inverse")  # type: ignore[arg-type]
