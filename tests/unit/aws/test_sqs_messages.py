"""Message payloads: attribute typing, size limits and FIFO rules, checked before any call."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradai.common.aws._batch import batch_result_from_response, chunk_batch, prepare_batch
from tradai.common.aws._messaging import (
    MAX_MESSAGE_BYTES,
    decode_message_attributes,
    encode_message_attributes,
    validate_fifo_id,
    validate_message_body,
    validate_queue_name,
)
from tradai.common.aws.sqs import (
    AttributeValue,
    BatchFailure,
    BatchResult,
    BatchSuccess,
    OutgoingMessage,
    QueueMessage,
)
from tradai.common.exceptions import ValidationError


def test_attribute_types_follow_python_types_and_round_trip() -> None:
    values: dict[str, AttributeValue] = {
        "s": "BTC/USDT",
        "i": -3,
        "f": 1.5,
        "d": Decimal("0.10"),
        "b": b"\x00\xff",
    }
    encoded = encode_message_attributes(values)
    assert {k: v["DataType"] for k, v in encoded.items()} == {
        "s": "String",
        "i": "Number",
        "f": "Number",
        "d": "Number",
        "b": "Binary",
    }
    assert decode_message_attributes(encoded) == values


def test_numbers_are_sent_in_plain_notation() -> None:
    encoded = encode_message_attributes({"big": 1e20, "small": Decimal("1E-5")})
    assert encoded["big"]["StringValue"] == "100000000000000000000"
    assert encoded["small"]["StringValue"] == "0.00001"


def test_custom_data_type_suffixes_decode_by_base_type() -> None:
    raw = {"n": {"DataType": "Number.int", "StringValue": "7"}}
    assert decode_message_attributes(raw) == {"n": 7}


@pytest.mark.parametrize(
    "attributes",
    [
        {"flag": True},
        {"empty": ""},
        {"empty": b""},
        {"nul": "a\x00b"},
        {"nan": float("nan")},
        {"inf": Decimal("Infinity")},
        {"huge": Decimal("1E+200")},
        {"precise": Decimal("1.234567890123456789012345678901234567890")},
        {"obj": object()},
        {"AWS.trace": "x"},
        {"amazon.x": "x"},
        {".lead": "x"},
        {"trail.": "x"},
        {"a..b": "x"},
        {"-dash": "x"},
        {"sp ace": "x"},
        {"semi;colon": "x"},
        {"cyrillicА": "x"},
        {f"k{i}": "v" for i in range(11)},
    ],
)
def test_bad_attributes_are_refused(attributes: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as info:
        encode_message_attributes(attributes)  # type: ignore[arg-type]  # bad on purpose
    assert info.value.field == "attributes"


@pytest.mark.parametrize("body", ["", "a\x00", "bell\x07", "lone\ud800surrogate", "\ufffe"])
def test_bad_bodies_are_refused(body: str) -> None:
    with pytest.raises(ValidationError) as info:
        OutgoingMessage(body)
    assert info.value.field == "body"


def test_body_size_counts_attributes_and_caps_at_256_kib() -> None:
    assert validate_message_body("x" * MAX_MESSAGE_BYTES) == MAX_MESSAGE_BYTES
    with pytest.raises(ValidationError, match="bytes"):
        validate_message_body("x" * (MAX_MESSAGE_BYTES + 1))
    with pytest.raises(ValidationError):
        OutgoingMessage("x" * (MAX_MESSAGE_BYTES - 5), attributes={"k": "v"})
    assert OutgoingMessage("é", attributes={"k": b"12"}).size == 2 + 1 + len("Binary") + 2


def test_tab_newline_and_carriage_return_are_allowed() -> None:
    assert OutgoingMessage("a\tb\nc\rd").body == "a\tb\nc\rd"


@pytest.mark.parametrize(
    "value",
    ["", " g", "g ", "g\n", "-g", "g;rm", "g|x", "g&x", "g$x", "g`x", "gА", "g\x00", "x" * 129],
)
def test_fifo_ids_refuse_near_misses(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_fifo_id(value, field="group_id")
    assert info.value.field == "group_id"


def test_fifo_ids_accept_identifiers() -> None:
    assert validate_fifo_id("BTC/USDT:USDT-1h", field="group_id") == "BTC/USDT:USDT-1h"
    assert validate_fifo_id(None, field="dedup_id") is None


@pytest.mark.parametrize("delay", [-1, 901, True, 1.5])
def test_delay_must_be_an_integer_from_0_to_900(delay: object) -> None:
    with pytest.raises(ValidationError) as info:
        OutgoingMessage("x", delay_seconds=delay)  # type: ignore[arg-type]  # bad on purpose
    assert info.value.field == "delay_seconds"


def test_fifo_rules_depend_on_the_queue_type() -> None:
    OutgoingMessage("x", group_id="g").check_for_queue(fifo=True)
    OutgoingMessage("x", delay_seconds=5).check_for_queue(fifo=False)
    with pytest.raises(ValidationError, match="group_id"):
        OutgoingMessage("x").check_for_queue(fifo=True)
    with pytest.raises(ValidationError, match="delay"):
        OutgoingMessage("x", group_id="g", delay_seconds=1).check_for_queue(fifo=True)
    with pytest.raises(ValidationError, match="FIFO queues only"):
        OutgoingMessage("x", dedup_id="d").check_for_queue(fifo=False)


def test_messages_are_frozen_with_read_only_attributes() -> None:
    message = OutgoingMessage("x", attributes={"k": "v"})
    with pytest.raises(AttributeError):
        message.body = "y"  # type: ignore[misc]  # frozen on purpose
    with pytest.raises(TypeError):
        message.attributes["k"] = "w"  # type: ignore[index]  # read-only on purpose
    received = QueueMessage("b", "h", "m", attributes={"k": 1})
    with pytest.raises(TypeError):
        received.attributes["k"] = 2  # type: ignore[index]  # read-only on purpose


@pytest.mark.parametrize(
    "name", ["", "a" * 81, "-jobs", "jobs ", "jobs\n", "jo.bs", "jobs;x", "jobsА", ".fifo"]
)
def test_queue_names_refuse_near_misses(name: str) -> None:
    with pytest.raises(ValidationError):
        validate_queue_name(name)


def test_queue_names_accept_standard_and_fifo() -> None:
    assert validate_queue_name("a" * 80) == "a" * 80
    assert validate_queue_name("backtest_jobs-1.fifo") == "backtest_jobs-1.fifo"


def test_batches_split_at_ten_entries_and_256_kib() -> None:
    assert chunk_batch([1] * 21) == [list(range(10)), list(range(10, 20)), [20]]
    third = MAX_MESSAGE_BYTES // 3
    assert chunk_batch([third] * 4) == [[0, 1, 2], [3]]
    assert chunk_batch([MAX_MESSAGE_BYTES, 1]) == [[0], [1]]
    assert chunk_batch([1] * 12, max_entries=5) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    assert chunk_batch([]) == []


def test_a_bad_batch_entry_is_named_by_its_index() -> None:
    with pytest.raises(ValidationError) as info:
        prepare_batch(["ok", OutgoingMessage("x", group_id="g"), ""], fifo=False)
    assert info.value.context["index"] == 1
    assert "messages[1]" in info.value.message


def test_batch_responses_map_back_to_input_indexes() -> None:
    response = {
        "Successful": [{"Id": "12", "MessageId": "m12"}, {"Id": "99", "MessageId": "other"}],
        "Failed": [{"Id": "11", "Code": "X", "Message": "no", "SenderFault": True}],
    }
    result = batch_result_from_response(response, [10, 11, 12])
    assert result == BatchResult(
        succeeded=(BatchSuccess(12, "m12"),), failed=(BatchFailure(11, "X", "no", True),)
    )
    assert not result.ok
    merged = BatchResult.merge([result, BatchResult(succeeded=(BatchSuccess(3),))])
    assert [s.index for s in merged.succeeded] == [3, 12]
