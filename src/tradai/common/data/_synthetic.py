"""The ``"synthetic"`` data source: deterministic random-walk candles for examples and demos.

**Determinism.** A candle depends only on the seed, the symbol, the timeframe, its open
time and the source's parameters, never on the range asked for: the same request always
gives the identical frame, and overlapping requests agree on the candles they share
(so demo data can be fetched in pieces, appended and upserted without conflicts).
Timeframes are independent series (a synthetic ``1h`` candle is not the aggregate of the
``1m`` ones). Results are reproducible for a given numpy version.

**How.** The candle grid is cut into blocks of :data:`BLOCK` candles. The log-price at the
start of each block follows a mean-reverting (AR(1), ``phi = 0.9``) process around
``log(start_price)``, computed from the block's own seeded shocks and the previous
:data:`_MEMORY` blocks' (earlier ones weigh less than 0.1 %), so no walk from a distant
origin is needed. Inside a block, prices follow a Brownian bridge between the two block
anchors, with per-candle volatility ``volatility``; each candle's open is the previous
close, its wicks extend beyond the body by half-normal amounts, and its volume is
log-normal with mean ``mean_volume``. Every candle is valid under the strictest
:class:`~tradai.common.data.ohlcv.ValidationPolicy`, with no gaps.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math

from tradai.common._lazy import require
from tradai.common.data._grid import Grid
from tradai.common.data.ohlcv import INDEX_NAME, OHLCV_COLUMNS, empty_ohlcv
from tradai.common.data.series import SeriesKey, TimeRange
from tradai.common.exceptions import ValidationError
from tradai.common.utils.seed import MAX_SEED

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["BLOCK", "MAX_SYNTHETIC_CANDLES", "SyntheticSource"]

#: Candles per block (the unit of generation).
BLOCK = 1024
#: The most candles one request may generate.
MAX_SYNTHETIC_CANDLES = 5_000_000
_MEMORY = 64
_PHI = 0.9
_OFFSET = 2**62  # keeps block numbers (negative before 1970) non-negative for SeedSequence
_ANCHOR_STREAM, _BLOCK_STREAM = 0, 1
_VOLUME_SIGMA = 0.5


def _finite_positive(name: str, value: float, upper: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{name} must be a number", field=name)
    if not (math.isfinite(value) and 0 < value <= upper):
        raise ValidationError(f"{name} must be finite, > 0 and <= {upper}", field=name)
    return float(value)


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


class SyntheticSource:
    """Generates deterministic OHLCV candles (see the module docstring).

    Args:
        seed: Seed, 0 to 2**32 - 1.
        start_price: Price level the series hovers around (> 0).
        volatility: Standard deviation of one candle's log return (0 < v <= 0.1).
        mean_volume: Mean candle volume (> 0).

    Raises:
        ValidationError: If a parameter is out of range.

    Example:
        >>> import datetime as dt
        >>> source = SyntheticSource(seed=7)
        >>> start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        >>> day = source.fetch_ohlcv("BTC/USDT", "1h", start, start + dt.timedelta(days=1))
        >>> hour = source.fetch_ohlcv("BTC/USDT", "1h", start, start + dt.timedelta(hours=1))
        >>> len(day), day.iloc[:1].equals(hour)
        (24, True)
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        start_price: float = 100.0,
        volatility: float = 0.002,
        mean_volume: float = 100.0,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise ValidationError(f"seed must be an int from 0 to {MAX_SEED}", field="seed")
        self._seed = seed
        self._log_price = math.log(_finite_positive("start_price", start_price))
        self._sigma = _finite_positive("volatility", volatility, 0.1)
        self._volume = _finite_positive("mean_volume", mean_volume)

    def __repr__(self) -> str:
        return f"SyntheticSource(seed={self._seed})"

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, start: _dt.datetime, end: _dt.datetime
    ) -> Any:
        """Return the synthetic candles whose open time is in ``[start, end)``.

        Args:
            symbol: Trading pair (part of the seed).
            timeframe: Timeframe (part of the seed).
            start: First open time included (timezone-aware).
            end: First open time excluded (timezone-aware).

        Returns:
            An OHLCV frame with every candle of the range.

        Raises:
            ValidationError: For bad arguments, or more than
                :data:`MAX_SYNTHETIC_CANDLES` candles.
        """
        key = SeriesKey(symbol, timeframe)
        TimeRange.bounded(start, end)  # both aware, end >= start
        grid = Grid.of(key.timeframe)
        first, stop = grid.ceil_ordinal(start), grid.ceil_ordinal(end)
        if stop - first > MAX_SYNTHETIC_CANDLES:
            raise ValidationError(
                f"{stop - first} candles requested; at most {MAX_SYNTHETIC_CANDLES}",
                field="end",
            )
        if stop <= first:
            return empty_ohlcv()
        return self._generate(key, grid, first, stop)

    def _entropy(self, key: SeriesKey, stream: int, number: int) -> list[int]:
        return [self._seed, _digest(key.symbol), _digest(key.timeframe), stream, number + _OFFSET]

    def _anchors(self, key: SeriesKey, first_block: int, last_block: int) -> Any:
        """Log-prices at the start of blocks ``first_block..last_block`` (inclusive)."""
        np = require("numpy", extra="market")
        numbers = range(first_block - _MEMORY + 1, last_block + 1)
        shocks = np.array(
            [
                np.random.default_rng(self._entropy(key, _ANCHOR_STREAM, n)).standard_normal()
                for n in numbers
            ]
        )
        kernel = _PHI ** np.arange(_MEMORY)
        scale = self._sigma * math.sqrt(BLOCK)
        return self._log_price + scale * np.convolve(shocks, kernel, mode="valid")

    def _block(self, key: SeriesKey, number: int, begin: float, finish: float) -> Any:
        """Open, high, low, close, volume arrays of one block's candles."""
        np = require("numpy", extra="market")
        rng = np.random.default_rng(self._entropy(key, _BLOCK_STREAM, number))
        walk = np.concatenate([[0.0], np.cumsum(rng.standard_normal(BLOCK) * self._sigma)])
        share = np.arange(BLOCK + 1) / BLOCK
        path = np.exp(begin + walk - share * walk[-1] + share * (finish - begin))
        opens, closes = path[:-1], path[1:]
        up = np.exp(np.abs(rng.standard_normal(BLOCK)) * self._sigma / 2)
        down = np.exp(-np.abs(rng.standard_normal(BLOCK)) * self._sigma / 2)
        volume = self._volume * rng.lognormal(-(_VOLUME_SIGMA**2) / 2, _VOLUME_SIGMA, BLOCK)
        high = np.maximum(opens, closes) * up
        low = np.minimum(opens, closes) * down
        return np.stack([opens, high, low, closes, volume], axis=1)

    def _generate(self, key: SeriesKey, grid: Grid, first: int, stop: int) -> Any:
        np = require("numpy", extra="market")
        pd = require("pandas", extra="market")
        first_block, last_block = first // BLOCK, (stop - 1) // BLOCK
        anchors = self._anchors(key, first_block, last_block + 1)
        blocks = [
            self._block(key, n, anchors[i], anchors[i + 1])
            for i, n in enumerate(range(first_block, last_block + 1))
        ]
        offset = first - first_block * BLOCK
        values = np.concatenate(blocks)[offset : offset + stop - first]
        index = grid.open_times(np.arange(first, stop)).rename(INDEX_NAME)
        return pd.DataFrame(values, index=index, columns=list(OHLCV_COLUMNS))
