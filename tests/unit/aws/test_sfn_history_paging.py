"""Execution history pages (moto answers in one page), served through botocore's parsing.

A ``before-send`` hook answers the requests (a fake transport): botocore still serialises
the ``nextToken`` and parses each page, so this proves the adapter follows every page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from botocore.awsrequest import AWSResponse

from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.step_functions import StepFunctionsClient

EXEC = "arn:aws:states:us-east-1:123456789012:execution:backtest:run-1"


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, *_: Any) -> bytes:
        return self._data


def _event(event_id: int) -> dict[str, Any]:
    return {
        "id": event_id,
        "previousEventId": event_id - 1,
        "type": "PassStateEntered",
        "timestamp": 1767225600 + event_id,
        "stateEnteredEventDetails": {"name": f"S{event_id}"},
    }


def test_history_follows_next_tokens_lazily_until_the_last_page() -> None:
    client = ClientFactory(config=ClientConfig(max_attempts=1)).client(
        "stepfunctions", endpoint_url="http://127.0.0.1:9", region="us-east-1"
    )
    pages = {
        None: {"events": [_event(1), _event(2)], "nextToken": "page-2"},
        "page-2": {"events": [_event(3)], "nextToken": "page-3"},
        "page-3": {"events": [_event(4)]},
    }
    requests: list[dict[str, Any]] = []

    def handler(request: Any, **_: Any) -> AWSResponse:
        body = json.loads(request.body)
        requests.append(body)
        page = json.dumps(pages[body.get("nextToken")]).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 200, headers, _Body(page))

    client.meta.events.register_first("before-send.*.*", handler)
    try:
        events = StepFunctionsClient(client=client).history(EXEC, page_size=2, reverse=True)
        assert requests == []  # nothing is fetched before iteration
        first = next(events)
        assert len(requests) == 1
        rest = list(events)
    finally:
        client.meta.events.unregister("before-send.*.*", handler)
    assert [e.event_id for e in [first, *rest]] == [1, 2, 3, 4]
    assert rest[-1].details["name"] == "S4"
    assert [r.get("nextToken") for r in requests] == [None, "page-2", "page-3"]
    assert requests[0] == {
        "executionArn": EXEC,
        "maxResults": 2,
        "reverseOrder": True,
        "includeExecutionData": True,
    }
