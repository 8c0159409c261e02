"""CloudWatch Logs reads, filters and tails against the moto server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.faults import inject_aws_error
from support.services import Service, start_moto_server
from tradai.common.aws._async_client_factory import AsyncClientFactory
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.cloudwatch_logs import CloudWatchLogsReader, PollPolicy, atail, tail
from tradai.common.exceptions import NotFoundError, TransientError

pytestmark = pytest.mark.integration

GROUP, STREAM = "/tradai/test", "app/main/0001"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)


class FakeTime:
    """A monotonic clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def logs_client(**config: Any) -> Any:
    return ClientFactory(config=ClientConfig(**config)).client("logs")


def put(client: Any, messages: list[str], *, start: datetime = T0, stream: str = STREAM) -> None:
    client.put_log_events(
        logGroupName=GROUP,
        logStreamName=stream,
        logEvents=[
            {"timestamp": int((start + timedelta(seconds=i)).timestamp() * 1000), "message": m}
            for i, m in enumerate(messages)
        ],
    )


def count_calls(client: Any, operation: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        seen.append(dict(params))

    client.meta.events.register(f"provide-client-params.logs.{operation}", record)
    return seen


@pytest.fixture
def client(aws: Service) -> Any:
    logs = logs_client()
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
    return logs


def test_paging_stops_when_the_forward_token_repeats(client: Any) -> None:
    put(client, [f"line {i}" for i in range(7)])
    calls = count_calls(client, "GetLogEvents")
    events = list(CloudWatchLogsReader(client=client, page_size=3).get_events(GROUP, STREAM))
    assert [e.message for e in events] == [f"line {i}" for i in range(7)]
    # pages of 3, 3, 1, then one call answering the same token: the end of the stream
    assert len(calls) == 4
    assert "nextToken" not in calls[0]
    assert len({c["nextToken"] for c in calls[1:]}) == 3  # the last token came back unchanged
    assert all(e.log_stream == STREAM and e.timestamp.tzinfo is UTC for e in events)


def test_time_window_is_half_open(client: Any) -> None:
    put(client, [f"s{i}" for i in range(6)])
    reader = CloudWatchLogsReader(client=client, page_size=2)
    window = reader.get_events(
        GROUP, STREAM, start=T0 + timedelta(seconds=1), end=T0 + timedelta(seconds=4)
    )
    assert [e.message for e in window] == ["s1", "s2", "s3"]
    filtered = reader.filter_events(
        GROUP, start=T0 + timedelta(seconds=1), end=T0 + timedelta(seconds=4)
    )
    assert [e.message for e in filtered] == ["s1", "s2", "s3"]


def test_filter_by_plain_term_pages_through_every_match(client: Any) -> None:
    put(client, [f"{'ERROR' if i % 2 else 'INFO'} event {i}" for i in range(9)])
    client.create_log_stream(logGroupName=GROUP, logStreamName="other")
    put(client, ["ERROR elsewhere"], stream="other")
    reader = CloudWatchLogsReader(client=client, page_size=2)
    matches = list(reader.filter_events(GROUP, pattern="ERROR", log_stream_names=[STREAM]))
    assert [e.message for e in matches] == [f"ERROR event {i}" for i in (1, 3, 5, 7)]
    assert all(e.event_id and e.log_stream == STREAM for e in matches)
    calls = count_calls(client, "FilterLogEvents")
    by_prefix = [e.message for e in reader.filter_events(GROUP, log_stream_prefix="oth")]
    # moto 5.2.5 ignores logStreamNamePrefix in FilterLogEvents: check what was asked for
    assert {c["logStreamNamePrefix"] for c in calls} == {"oth"}
    assert "ERROR elsewhere" in by_prefix


def test_a_missing_stream_is_not_found(client: Any) -> None:
    with pytest.raises(NotFoundError) as info:
        list(CloudWatchLogsReader(client=client).get_events(GROUP, "missing"))
    assert info.value.context["resource"] == f"{GROUP}:missing"
    with pytest.raises(NotFoundError):
        list(CloudWatchLogsReader(client=client).filter_events("/no/such/group"))


def test_throttling_is_retried_then_surfaces_as_transient(aws: Service) -> None:
    client = logs_client(max_attempts=2)
    with inject_aws_error(client, code="ThrottlingException", status=400) as record:
        with pytest.raises(TransientError) as info:
            list(CloudWatchLogsReader(client=client).get_events(GROUP, STREAM))
    assert record.injected == 2
    assert info.value.context["operation"] == "GetLogEvents"
    assert info.value.context["resource"] == f"{GROUP}:{STREAM}"


def test_tail_yields_events_written_between_polls_and_backs_off(client: Any) -> None:
    put(client, ["first"])
    fake = FakeTime()
    later = iter([["second", "third"], [], [], ["fourth"]])

    def sleep(seconds: float) -> None:
        fake.sleep(seconds)
        batch = next(later, [])
        if batch:
            put(client, batch, start=T0 + timedelta(seconds=len(fake.sleeps) * 10))

    events = tail(
        GROUP,
        STREAM,
        client=client,
        policy=PollPolicy(timeout=30, interval=1, max_interval=4),
        page_size=2,
        clock=fake.clock,
        sleep=sleep,
    )
    assert [e.message for e in events] == ["first", "second", "third", "fourth"]
    # waits reset after progress, double while idle, cap at 4 s and stop at the deadline
    assert fake.sleeps[:5] == [1.0, 1.0, 2.0, 4.0, 1.0]
    assert sum(fake.sleeps) == pytest.approx(30.0)


def test_tail_drains_and_ends_once_the_stop_condition_holds(client: Any) -> None:
    fake = FakeTime()
    checks: list[float] = []

    def stop() -> bool:
        checks.append(fake.now)
        if len(checks) == 2:
            put(client, ["last words", "goodbye"])  # written just before the stop
        return len(checks) >= 2

    events = list(tail(GROUP, STREAM, client=client, stop=stop, clock=fake.clock, sleep=fake.sleep))
    assert [e.message for e in events] == ["last words", "goodbye"]
    assert len(checks) == 2


def test_tail_waits_for_a_stream_that_does_not_exist_yet(client: Any) -> None:
    fake = FakeTime()

    def sleep(seconds: float) -> None:
        fake.sleep(seconds)
        if len(fake.sleeps) == 2:
            client.create_log_stream(logGroupName=GROUP, logStreamName="late/stream")
            put(client, ["hello"], stream="late/stream")

    events = tail(
        GROUP,
        "late/stream",
        client=client,
        start=T0,
        policy=PollPolicy(timeout=10),
        clock=fake.clock,
        sleep=sleep,
    )
    assert [e.message for e in events] == ["hello"]


def test_async_tail_follows_a_stream_with_an_aiobotocore_client(client: Any) -> None:
    put(client, ["a", "b", "c"])

    async def main() -> list[str]:
        factory = AsyncClientFactory(config=ClientConfig(max_attempts=1))
        logs = await factory.client("logs")
        calls = 0

        async def stop() -> bool:
            nonlocal calls
            calls += 1
            return calls > 1

        async def sleep(_: float) -> None:
            return None

        messages = [
            e.message
            async for e in atail(GROUP, STREAM, client=logs, stop=stop, page_size=2, sleep=sleep)
        ]
        await factory.aclose()
        return messages

    assert asyncio.run(main()) == ["a", "b", "c"]


def test_tail_surfaces_errors_other_than_a_missing_stream(aws: Service) -> None:
    client = logs_client(max_attempts=2)
    with inject_aws_error(client, code="ThrottlingException", status=400):
        with pytest.raises(TransientError) as info:
            list(tail(GROUP, STREAM, client=client, policy=PollPolicy(timeout=5)))
    assert info.value.context["resource"] == f"{GROUP}:{STREAM}"


def test_reader_and_tail_default_to_the_library_clients(client: Any) -> None:
    put(client, ["via default client"])
    assert [e.message for e in CloudWatchLogsReader().get_events(GROUP, STREAM)] == [
        "via default client"
    ]
    factory = ClientFactory(config=ClientConfig(max_attempts=1))
    assert len(list(CloudWatchLogsReader(factory=factory).filter_events(GROUP))) == 1
    events = tail(GROUP, STREAM, stop=lambda: True)
    assert [e.message for e in events] == ["via default client"]


def test_async_tail_waits_for_the_stream_then_ends_at_the_deadline(client: Any) -> None:
    fake = FakeTime()

    async def main() -> list[str]:
        factory = AsyncClientFactory(config=ClientConfig(max_attempts=1))
        logs = await factory.client("logs")

        async def sleep(seconds: float) -> None:
            fake.sleep(seconds)
            if len(fake.sleeps) == 1:
                client.create_log_stream(logGroupName=GROUP, logStreamName="late")
                put(client, ["late hello"], stream="late")

        policy = PollPolicy(timeout=10, interval=1, max_interval=2)
        stream = atail(GROUP, "late", client=logs, policy=policy, clock=fake.clock, sleep=sleep)
        messages = [e.message async for e in stream]
        await factory.aclose()
        return messages

    assert asyncio.run(main()) == ["late hello"]
    assert sum(fake.sleeps) == pytest.approx(10.0)


def test_async_tail_surfaces_errors_other_than_a_missing_stream(aws: Service) -> None:
    private = start_moto_server()  # stopped below: the endpoint then refuses connections
    config = ClientConfig(max_attempts=1, connect_timeout=0.5, read_timeout=1)

    async def main() -> None:
        factory = AsyncClientFactory(config=config)
        logs = await factory.client("logs", endpoint_url=private.url)
        private.stop()
        try:
            with pytest.raises(TransientError) as info:
                async for _ in atail(GROUP, STREAM, client=logs):
                    pass
            assert info.value.context["resource"] == f"{GROUP}:{STREAM}"
        finally:
            await factory.aclose()

    try:
        asyncio.run(main())
    finally:
        private.stop()
