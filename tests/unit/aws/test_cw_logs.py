"""CloudWatch Logs reader: validation before any call, value objects, poll policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tradai.common.aws.cloudwatch_logs import (
    CloudWatchLogsReader,
    LogEvent,
    LogReader,
    PollPolicy,
    atail,
    tail,
    validate_log_group_name,
    validate_log_stream_name,
)
from tradai.common.exceptions import ValidationError

T0 = datetime(2024, 1, 1, tzinfo=UTC)


class ExplodingClient:
    """Any AWS call fails the test: validation must happen first."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"AWS was called ({name}) before validation")


@pytest.mark.parametrize("name", ["/ecs/tradai", "a", "tradai.backtest_1#x", "x" * 512])
def test_valid_log_group_names_are_accepted(name: str) -> None:
    assert validate_log_group_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "-leading-dash",
        "/ecs/x\n",
        "/ecs/x\x00",
        " /ecs/x",
        "/ecs/x ",
        "/ecs/x;rm",
        "/ecs/$x",
        "/ecs/А",  # Cyrillic A
        "/ecs/１",  # fullwidth digit
        "x" * 513,
        42,
    ],
)
def test_near_miss_log_group_names_are_rejected(name: object) -> None:
    with pytest.raises(ValueError, match="log group"):
        validate_log_group_name(name)  # type: ignore[arg-type]  # deliberately wrong types too


@pytest.mark.parametrize(
    "name", ["backtest/app/0123abcd", "2024/01/01/[$LATEST]ab12", "a=b+c@d", "_x"]
)
def test_valid_log_stream_names_are_accepted(name: str) -> None:
    assert validate_log_stream_name(name) == name


@pytest.mark.parametrize(
    "name",
    ["", "-x", "a b", "a:b", "a*b", "a\n", "a\x00", "a$b", "a|b", "a`b", "Аpp", "=x", None],
)
def test_near_miss_log_stream_names_are_rejected(name: object) -> None:
    with pytest.raises(ValueError, match="log stream"):
        validate_log_stream_name(name)  # type: ignore[arg-type]  # deliberately wrong types too


def test_log_event_from_api_converts_epoch_milliseconds_to_utc() -> None:
    event = LogEvent.from_api(
        {"timestamp": 1704067200123, "message": "hi", "ingestionTime": 1704067201000},
        log_stream="s",
    )
    assert event.timestamp == T0 + timedelta(milliseconds=123)
    assert event.ingestion_time == T0 + timedelta(seconds=1)
    assert (event.message, event.log_stream, event.event_id) == ("hi", "s", None)


def test_log_event_is_frozen() -> None:
    event = LogEvent(timestamp=T0, message="x")
    with pytest.raises(AttributeError):
        event.message = "y"  # type: ignore[misc]  # proving immutability


def test_poll_policy_grows_until_the_cap_and_resets_on_progress() -> None:
    policy = PollPolicy(timeout=60, interval=1, max_interval=5, factor=2)
    waits = [1.0]
    for _ in range(4):
        waits.append(policy.next_interval(waits[-1], progressed=False))
    assert waits == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert policy.next_interval(5.0, progressed=True) == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"timeout": -1},
        {"timeout": float("inf")},
        {"timeout": float("nan")},
        {"interval": True},
        {"interval": "1"},
        {"interval": 5, "max_interval": 1},
        {"factor": 0.5},
    ],
)
def test_poll_policy_rejects_bad_numbers(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PollPolicy(**kwargs)  # type: ignore[arg-type]  # deliberately wrong values


def test_reader_satisfies_the_log_reader_port() -> None:
    assert isinstance(CloudWatchLogsReader(client=ExplodingClient()), LogReader)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"log_group": "-bad"}, "log_group"),
        ({"log_stream": "bad stream"}, "log_stream"),
        ({"start": datetime(2024, 1, 1)}, "start"),  # naive
        ({"end": datetime(2024, 1, 1)}, "end"),
        ({"start": T0 + timedelta(hours=1), "end": T0}, "start"),  # reversed
    ],
)
def test_get_events_validates_before_any_call(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"log_group": "/g", "log_stream": "s", **kwargs}
    reader = CloudWatchLogsReader(client=ExplodingClient())
    with pytest.raises(ValidationError) as info:
        reader.get_events(**args)  # type: ignore[arg-type]  # deliberately wrong values
    assert info.value.field == field


@pytest.mark.parametrize(
    "kwargs",
    [
        {"pattern": "ERROR\n"},
        {"pattern": "x" * 1025},
        {"pattern": 5},
        {"log_stream_names": "s"},
        {"log_stream_names": []},
        {"log_stream_names": ["s"] * 101},
        {"log_stream_names": ["ok", "bad name"]},
        {"log_stream_prefix": "-x"},
        {"log_stream_names": ["a"], "log_stream_prefix": "a"},
        {"start": T0, "end": T0 - timedelta(seconds=1)},
    ],
)
def test_filter_events_validates_before_any_call(kwargs: dict[str, object]) -> None:
    reader = CloudWatchLogsReader(client=ExplodingClient())
    with pytest.raises(ValidationError):
        reader.filter_events("/g", **kwargs)  # type: ignore[arg-type]  # wrong on purpose


def test_filter_patterns_may_use_json_syntax() -> None:
    reader = CloudWatchLogsReader(client=ExplodingClient())
    # Building the request validates; the generator is not started, so no call happens.
    reader.filter_events("/g", pattern='{ $.level = "error" }')


@pytest.mark.parametrize("size", [0, -1, True, 1.5])
def test_page_size_must_be_a_positive_int(size: object) -> None:
    with pytest.raises(ValidationError):
        CloudWatchLogsReader(client=ExplodingClient(), page_size=size)  # type: ignore[arg-type]


def test_tail_validates_before_any_call() -> None:
    with pytest.raises(ValidationError):
        tail("/g", "bad stream", client=ExplodingClient())
    with pytest.raises(ValidationError):
        atail("/g", "s", client=ExplodingClient(), start=datetime(2024, 1, 1))


def test_tail_ends_at_the_deadline_without_calling_when_time_is_up() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 100.0  # every reading jumps past the deadline
        return now[0]

    events = tail("/g", "s", client=ExplodingClient(), policy=PollPolicy(timeout=1), clock=clock)
    assert list(events) == []
