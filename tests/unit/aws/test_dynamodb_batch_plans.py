"""Batch plans: chunking, retries of unprocessed requests, backoff and bounds (no I/O).

A plan yields ``Call``/``Sleep`` steps; the tests answer the calls with DynamoDB-shaped
responses, so every retry path runs without a server and without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tradai.common.aws.dynamodb._batch import (
    Backoff,
    Call,
    Plan,
    Sleep,
    batch_get_plan,
    batch_write_plan,
    write_requests,
)
from tradai.common.aws.dynamodb._requests import Codec, Requests
from tradai.common.aws.dynamodb.types import BatchRetryPolicy, KeySchema, UnprocessedItemsError
from tradai.common.exceptions import ValidationError

TABLE = "orders"
REQUESTS = Requests(TABLE, Codec())
SCHEMA = KeySchema("pk")


def _backoff(
    *, attempts: int = 4, elapsed: float = 30.0, clock: Callable[[], float] = lambda: 0.0
) -> Backoff:
    policy = BatchRetryPolicy(max_attempts=attempts, base_delay=0.1, max_delay=1.0,
                              max_elapsed=elapsed)  # fmt: skip
    return Backoff(policy, clock, lambda: 1.0)


def _drive(
    plan: Plan, respond: Callable[[Call], dict[str, Any]], steps: list[Any] | None = None
) -> tuple[Any, list[Any]]:
    steps = [] if steps is None else steps
    try:
        step = next(plan)
        while True:
            steps.append(step)
            step = plan.send(respond(step) if isinstance(step, Call) else None)
    except StopIteration as done:
        return done.value, steps


def _puts(count: int) -> list[dict[str, Any]]:
    return write_requests(REQUESTS, [{"pk": f"{i:03d}"} for i in range(count)], [], SCHEMA)


def _sent(step: Call) -> list[dict[str, Any]]:
    return list(step.params["RequestItems"][TABLE])


def test_writes_go_in_chunks_of_25() -> None:
    result, steps = _drive(batch_write_plan(REQUESTS, _puts(60), _backoff()), lambda _: {})
    assert result == 60
    assert [len(_sent(s)) for s in steps] == [25, 25, 10]
    assert steps[0].operation == "BatchWriteItem"


def test_no_writes_make_no_calls() -> None:
    assert _drive(batch_write_plan(REQUESTS, [], _backoff()), lambda _: {}) == (0, [])


def test_unprocessed_items_are_resent_after_a_backoff() -> None:
    answers = iter([{"UnprocessedItems": {TABLE: _puts(3)[1:]}}, {}])
    result, steps = _drive(
        batch_write_plan(REQUESTS, _puts(3), _backoff()), lambda _: next(answers)
    )
    assert result == 3
    assert isinstance(steps[1], Sleep)
    assert steps[1].seconds == pytest.approx(0.1)
    assert _sent(steps[2]) == _puts(3)[1:]


def test_backoff_doubles_until_the_attempts_run_out() -> None:
    def respond(step: Call) -> dict[str, Any]:
        return {"UnprocessedItems": {TABLE: _sent(step)}}

    writes = _puts(30) + write_requests(REQUESTS, [], [{"pk": "gone"}], SCHEMA)
    with pytest.raises(UnprocessedItemsError) as info:
        _drive(batch_write_plan(REQUESTS, writes, _backoff(attempts=4)), respond)
    error = info.value
    assert len(error.unprocessed) == 31  # the first chunk's leftovers and the unsent chunk
    assert error.unprocessed[0] == {"put": {"pk": "000"}}
    assert error.unprocessed[-1] == {"delete": {"pk": "gone"}}
    assert error.context["attempts"] == 4
    assert error.context["resource"] == TABLE
    assert error.context["operation"] == "BatchWriteItem"


def test_sleeps_follow_the_exponential_schedule() -> None:
    def respond(step: Call) -> dict[str, Any]:
        return {"UnprocessedItems": {TABLE: _sent(step)}}

    steps: list[Any] = []
    with pytest.raises(UnprocessedItemsError):
        _drive(batch_write_plan(REQUESTS, _puts(1), _backoff(attempts=5)), respond, steps)
    sleeps = [s.seconds for s in steps if isinstance(s, Sleep)]
    assert sleeps == pytest.approx([0.1, 0.2, 0.4, 0.8])
    assert sum(isinstance(s, Call) for s in steps) == 5


def test_the_total_time_budget_stops_retries_early() -> None:
    now = iter([0.0, 29.95, 30.5])

    def respond(step: Call) -> dict[str, Any]:
        return {"UnprocessedItems": {TABLE: _sent(step)}}

    backoff = _backoff(attempts=50, elapsed=30.0, clock=lambda: next(now))
    with pytest.raises(UnprocessedItemsError) as info:
        _drive(batch_write_plan(REQUESTS, _puts(2), backoff), respond)
    assert info.value.context["attempts"] == 1


def test_write_requests_collapse_duplicates_and_refuse_put_and_delete_of_one_key() -> None:
    writes = write_requests(REQUESTS, [{"pk": "a", "v": 1}, {"pk": "a", "v": 2}], [], SCHEMA)
    assert writes == [{"PutRequest": {"Item": {"pk": {"S": "a"}, "v": {"N": "2"}}}}]
    deletes = write_requests(REQUESTS, [], [{"pk": "a"}, {"pk": "a"}], SCHEMA)
    assert len(deletes) == 1
    with pytest.raises(ValidationError):
        write_requests(REQUESTS, [{"pk": "a"}], [{"pk": "a"}], SCHEMA)
    with pytest.raises(ValidationError):
        write_requests(REQUESTS, ["not an item"], [], SCHEMA)  # type: ignore[list-item]  # on purpose
    with pytest.raises(ValidationError):
        write_requests(REQUESTS, [{"pk": ["unhashable"]}], [], SCHEMA)


def _stored(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"pk": k["pk"], "v": {"S": "x"}} for k in keys]


def test_reads_go_in_chunks_of_100_and_keep_the_order_of_keys() -> None:
    keys = [{"pk": f"{i:03d}"} for i in range(249, -1, -1)] + [{"pk": "000"}]

    def respond(step: Call) -> dict[str, Any]:
        asked = step.params["RequestItems"][TABLE]["Keys"]
        found = [i for i in _stored(asked) if i["pk"] != {"S": "000"}]  # "000" is missing
        return {"Responses": {TABLE: list(reversed(found))}}  # in any order, as DynamoDB does

    items, steps = _drive(batch_get_plan(REQUESTS, keys, True, _backoff()), respond)
    assert [len(s.params["RequestItems"][TABLE]["Keys"]) for s in steps] == [100, 100, 50]
    assert steps[0].params["RequestItems"][TABLE]["ConsistentRead"] is True
    assert [i["pk"] for i in items] == [f"{i:03d}" for i in range(249, 0, -1)]  # "000" missing


def test_unprocessed_keys_are_retried_and_exhaustion_keeps_what_was_read() -> None:
    keys = [{"pk": "a"}, {"pk": "b"}]
    answers: Iterator[dict[str, Any]] = iter([
        {"Responses": {TABLE: _stored([{"pk": {"S": "a"}}])}, "UnprocessedKeys": {TABLE: {"Keys": [
            {"pk": {"S": "b"}}]}}},
        {"Responses": {TABLE: _stored([{"pk": {"S": "b"}}])}},
    ])  # fmt: skip
    items, _ = _drive(batch_get_plan(REQUESTS, keys, False, _backoff()), lambda _: next(answers))
    assert [i["pk"] for i in items] == ["a", "b"]

    def stuck(step: Call) -> dict[str, Any]:  # "b" is never processed
        asked = step.params["RequestItems"][TABLE]["Keys"]
        found = [k for k in asked if k["pk"] == {"S": "a"}]
        left = [k for k in asked if k["pk"] != {"S": "a"}]
        return {"Responses": {TABLE: _stored(found)}, "UnprocessedKeys": {TABLE: {"Keys": left}}}

    with pytest.raises(UnprocessedItemsError) as info:
        _drive(batch_get_plan(REQUESTS, keys, False, _backoff(attempts=2)), stuck)
    assert info.value.unprocessed == ({"pk": "b"},)
    assert info.value.items == ({"pk": "a", "v": "x"},)


def test_no_keys_make_no_calls() -> None:
    assert _drive(batch_get_plan(REQUESTS, [], False, _backoff()), lambda _: {}) == ([], [])
