"""DataCollectionClient when the service misbehaves: throttling, outages, breaker, retried POSTs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from support.fake_data_collection import FakeDataCollection, FakeTime
from tradai.common.clients.data_collection_client import API_PREFIX, DataCollectionClient
from tradai.common.exceptions import NotFoundError, TransientError
from tradai.common.resilience.circuit_breaker import CircuitBreaker, CircuitOpenError, CircuitState

pytestmark = pytest.mark.integration

DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
MakeClient = Callable[..., DataCollectionClient]
SYNC = f"{API_PREFIX}/sync"


def test_429_is_retried_after_the_servers_retry_after(
    fake_dc: FakeDataCollection, make_client: MakeClient, fake_time: FakeTime
) -> None:
    fake_dc.respond_next(429, headers={"Retry-After": "2"})
    assert len(make_client().list_symbols()) == 3
    assert fake_dc.hits(f"{API_PREFIX}/symbols") == 2
    assert fake_time.sleeps == [2.0]


def test_503_on_a_read_is_retried_then_surfaces_as_transient(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.respond_next(503, times=1)
    assert make_client().coverage("ETH/USDT", "1h").is_empty
    fake_dc.respond_next(503, times=5)
    with pytest.raises(TransientError) as info:
        make_client(data_collection_max_attempts=2).coverage("ETH/USDT", "1h")
    assert info.value.status_code == 503
    assert fake_dc.hits(f"{API_PREFIX}/coverage") == 4


def test_repeated_503s_open_the_breaker_and_later_calls_fail_fast(
    fake_dc: FakeDataCollection, make_client: MakeClient, fake_time: FakeTime
) -> None:
    client = make_client(
        data_collection_max_attempts=1,
        data_collection_breaker_failures=3,
        data_collection_breaker_recovery=30.0,
    )
    fake_dc.respond_next(503, times=3)
    for _ in range(3):
        with pytest.raises(TransientError):
            client.list_symbols()
    assert client.breaker.state is CircuitState.OPEN
    sent = len(fake_dc.requests)
    with pytest.raises(CircuitOpenError) as info:
        client.get_candles("ETH/USDT", "1h", DAY, DAY + HOUR)
    assert info.value.breaker == "data-collection"
    assert len(fake_dc.requests) == sent  # refused without a request
    fake_time.now += 30
    assert len(client.list_symbols()) == 3  # the probe closes it again
    assert client.breaker.state is CircuitState.CLOSED


def test_client_errors_do_not_count_against_the_breaker(make_client: MakeClient) -> None:
    client = make_client(data_collection_breaker_failures=2)
    for _ in range(4):
        with pytest.raises(NotFoundError):
            client.get_sync_job("job-404")
    assert client.breaker.state is CircuitState.CLOSED


def test_a_shared_breaker_guards_every_client_holding_it(
    fake_dc: FakeDataCollection, make_client: MakeClient, fake_time: FakeTime
) -> None:
    breaker = CircuitBreaker("data-collection", failure_threshold=1, clock=fake_time.clock)
    first = make_client(breaker=breaker, data_collection_max_attempts=1)
    second = make_client(breaker=breaker)
    fake_dc.respond_next(500)
    with pytest.raises(TransientError):
        first.list_symbols()
    with pytest.raises(CircuitOpenError):
        second.list_symbols()
    assert second.breaker is breaker


def test_a_post_without_an_idempotency_key_is_never_retried(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.respond_next(503, path=SYNC, method="POST")
    with pytest.raises(TransientError):
        make_client().trigger_sync(["ETH/USDT"], "1h", DAY, DAY + HOUR, idempotency_key=False)
    assert fake_dc.hits(SYNC, "POST") == 1
    assert fake_dc.jobs == {}


def test_a_post_with_an_idempotency_key_is_retried_with_the_same_key(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    fake_dc.respond_next(503, path=SYNC, method="POST")
    job = make_client().trigger_sync(["ETH/USDT"], "1h", DAY, DAY + HOUR)
    posts = [r for r in fake_dc.requests if r.method == "POST"]
    assert len(posts) == 2
    assert posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"]
    assert list(fake_dc.jobs) == [job.job_id]


def test_a_lost_answer_to_a_keyed_post_replays_the_job_instead_of_creating_another(
    fake_dc: FakeDataCollection, make_client: MakeClient
) -> None:
    client = make_client()
    first = client.trigger_sync(["ETH/USDT"], "1h", DAY, DAY + HOUR, idempotency_key="k-1")
    fake_dc.respond_next(502, path=SYNC, method="POST")
    again = client.trigger_sync(["ETH/USDT"], "1h", DAY, DAY + HOUR, idempotency_key="k-1")
    assert again.job_id == first.job_id
    assert len(fake_dc.jobs) == 1
