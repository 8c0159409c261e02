"""``DataCollectionSource``: the data-collection service as a market-data source.

It implements the :class:`~tradai.common.data.sources.DataSource` protocol, so code written
against data sources (``SourceFactory``-built or injected) fetches candles from the
service without knowing it; re-exported by ``data_collection_client``.
"""

from __future__ import annotations

import datetime as _dt

from tradai.common.clients._data_collection_models import utc_bounds

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tradai.common.clients.data_collection_client import DataCollectionClient
    from tradai.common.data.ohlcv import Gap

__all__ = ["DataCollectionSource"]


class DataCollectionSource:
    """A :class:`~tradai.common.data.sources.DataSource` backed by a :class:`DataCollectionClient`.

    Args:
        client: The client to fetch through (not closed by this source).

    Example (not run: needs a server)::

        source = DataCollectionSource(DataCollectionClient(settings))
        frame = source.fetch_ohlcv("BTC/USDT:USDT", "1h", start, end)
    """

    __slots__ = ("_client",)

    def __init__(self, client: DataCollectionClient) -> None:
        self._client = client

    @property
    def client(self) -> DataCollectionClient:
        """The client fetched through.

        Returns:
            The client given.
        """
        return self._client

    def __repr__(self) -> str:
        return f"DataCollectionSource({self._client!r})"

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, start: _dt.datetime, end: _dt.datetime
    ) -> Any:
        """Return the candles whose open time is in ``[start, end)``.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.
            start: First open time included (timezone-aware).
            end: First open time excluded (timezone-aware).

        Returns:
            A validated OHLCV frame.

        Raises:
            ValidationError: For bad arguments or bad candles.
            NotFoundError: If the service does not collect the series.
            ExternalServiceError: If the service failed (see the client).
        """
        return self._client.get_candles(symbol, timeframe, start, end)

    def missing(
        self, symbol: str, timeframe: str, start: _dt.datetime, end: _dt.datetime
    ) -> list[Gap]:
        """Return the candles of ``[start, end)`` the service does not hold (before fetching).

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.
            start: First open time wanted (timezone-aware).
            end: First open time not wanted (timezone-aware).

        Returns:
            The missing runs (see :meth:`Coverage.missing`).

        Raises:
            ValidationError: For bad arguments.
            NotFoundError: If the service does not collect the series.
        """
        utc_bounds(start, end)  # refused before any request
        return self._client.coverage(symbol, timeframe).missing(start, end)
