"""Request building, value coding and error translation of the DynamoDB adapters (no I/O)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tradai.common.aws.dynamodb._requests import (
    Codec,
    Requests,
    new_token,
    request_limit,
    schema_from_description,
)
from tradai.common.aws.dynamodb.types import (
    KeyCondition,
    KeySchema,
    TransactConditionCheck,
    TransactDelete,
    TransactPut,
    TransactUpdate,
)
from tradai.common.exceptions import (
    ConfigurationError,
    ConflictError,
    NotFoundError,
    TransientError,
    ValidationError,
)


@pytest.fixture
def requests() -> Requests:
    return Requests("orders", Codec())


def _error(code: str, **extra: Any) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": "m"},
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }
    return ClientError({**response, **extra}, "TransactWriteItems")  # type: ignore[arg-type]  # plain dict


def test_a_conditional_put_sends_its_condition_and_asks_for_the_old_item(
    requests: Requests,
) -> None:
    action = TransactPut(
        {"pk": "a", "n": 1}, if_not_exists=True, condition="#s = :s",
        names={"#s": "status"}, values={":s": "NEW"},
    )  # fmt: skip
    params = requests.put(action, "pk")
    assert params == {
        "TableName": "orders",
        "Item": {"pk": {"S": "a"}, "n": {"N": "1"}},
        "ConditionExpression": "(#s = :s) AND (attribute_not_exists(#n0))",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        "ExpressionAttributeNames": {"#s": "status", "#n0": "pk"},
        "ExpressionAttributeValues": {":s": {"S": "NEW"}},
    }


def test_an_unconditional_put_sends_no_condition(requests: Requests) -> None:
    assert requests.put(TransactPut({"pk": "a"}), None) == {
        "TableName": "orders",
        "Item": {"pk": {"S": "a"}},
    }


def test_if_not_exists_needs_the_key_schema(requests: Requests) -> None:
    with pytest.raises(ConfigurationError):
        requests.put(TransactPut({"pk": "a"}, if_not_exists=True), None)


def test_a_versioned_update_checks_and_bumps_the_version(requests: Requests) -> None:
    params = requests.update(
        TransactUpdate({"pk": "a"}, {"status": "DONE"}, ("error",), expected_version=4)
    )
    assert params["UpdateExpression"] == "SET #n0 = :v0, #n1 = :v1 REMOVE #n2"
    assert params["ExpressionAttributeNames"] == {"#n0": "status", "#n1": "version", "#n2": "error"}
    assert params["ExpressionAttributeValues"] == {":v0": {"S": "DONE"}, ":v1": {"N": "5"},
                                                   ":v2": {"N": "4"}}  # fmt: skip
    assert params["ConditionExpression"] == "#n1 = :v2"
    assert params["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"


def test_update_refuses_a_non_mapping_of_changes(requests: Requests) -> None:
    with pytest.raises(ValidationError):
        requests.update(TransactUpdate({"pk": "a"}, ["x"]))  # type: ignore[arg-type]  # on purpose


def test_a_conditional_delete(requests: Requests) -> None:
    params = requests.delete(TransactDelete({"pk": "a"}, condition="attribute_exists(pk)"))
    assert params["ConditionExpression"] == "attribute_exists(pk)"
    assert "ExpressionAttributeNames" not in params


def test_a_query_request_puts_every_name_and_value_behind_placeholders(
    requests: Requests,
) -> None:
    params = requests.read(
        {"status": "OPEN"},
        {
            "sort": KeyCondition.begins_with("sk", "2024"),
            "index": "by-status",
            "filter_expression": "#o = :o",
            "names": {"#o": "owner"},
            "values": {":o": "me"},
            "descending": True,
            "page_size": 10,
            "start_key": {"pk": "a", "sk": "b", "status": "OPEN"},
            "consistent_read": False,
        },
    )
    assert params["KeyConditionExpression"] == "(#n0 = :v0) AND (begins_with(#n1, :v1))"
    assert params["ExpressionAttributeNames"] == {"#o": "owner", "#n0": "status", "#n1": "sk"}
    assert params["ExpressionAttributeValues"][":v1"] == {"S": "2024"}
    assert (params["IndexName"], params["Limit"], params["ScanIndexForward"]) == (
        "by-status", 10, False,
    )  # fmt: skip
    assert params["FilterExpression"] == "#o = :o"
    assert params["ExclusiveStartKey"]["status"] == {"S": "OPEN"}


def test_a_scan_request_has_no_key_condition(requests: Requests) -> None:
    assert requests.read(None, {}) == {"TableName": "orders", "ConsistentRead": False}


@pytest.mark.parametrize(
    ("partition", "options"),
    [
        ({}, {}),
        ({"a": 1, "b": 2}, {}),
        ({"pk": "a"}, {"sort": "sk = :x"}),
        ({"pk": "a"}, {"index": "bad index"}),
        ({"pk": "a"}, {"page_size": 0}),
        ({"pk": "a"}, {"filter_expression": "a = :x"}),
    ],
)
def test_malformed_reads_are_refused(
    requests: Requests, partition: dict[str, Any], options: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        requests.read(partition, options)


def test_pages_decode_items_binary_and_sets(requests: Requests) -> None:
    page = requests.page(
        {
            "Items": [
                {
                    "pk": {"S": "a"},
                    "b": {"B": b"\x00"},
                    "bs": {"BS": [b"\x01"]},
                    "ns": {"NS": ["1"]},
                }
            ],
            "LastEvaluatedKey": {"pk": {"S": "a"}},
            "ScannedCount": 3,
        }
    )
    [item] = page.items
    assert item == {"pk": "a", "b": b"\x00", "bs": {b"\x01"}, "ns": {Decimal(1)}}
    assert type(item["b"]) is bytes
    assert (page.last_key, page.scanned_count) == ({"pk": "a"}, 3)
    assert requests.page({"Items": []}).last_key is None


def test_transactions_wrap_each_action_and_carry_the_token(requests: Requests) -> None:
    params = requests.transact(
        [
            TransactPut({"pk": "a"}),
            TransactUpdate({"pk": "b"}, {"x": 1}),
            TransactDelete({"pk": "c"}),
            TransactConditionCheck({"pk": "d"}, "attribute_exists(pk)"),
        ],
        "token-1",
        None,
    )
    assert [next(iter(i)) for i in params["TransactItems"]] == [
        "Put", "Update", "Delete", "ConditionCheck",
    ]  # fmt: skip
    assert params["ClientRequestToken"] == "token-1"
    check = params["TransactItems"][3]["ConditionCheck"]
    assert check["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"


@pytest.mark.parametrize(
    "action", [TransactConditionCheck({"pk": "d"}, ""), object()], ids=["no-condition", "unknown"]
)
def test_malformed_transaction_actions_are_refused(requests: Requests, action: object) -> None:
    with pytest.raises(ValidationError):
        requests.transact([action], "token", None)  # type: ignore[list-item]  # on purpose


def test_needs_partition_key_only_for_if_not_exists_puts() -> None:
    assert Requests.needs_partition_key([TransactPut({"pk": "a"}, if_not_exists=True)])
    assert not Requests.needs_partition_key([TransactPut({"pk": "a"})])
    assert not Requests.needs_partition_key(None)


def test_a_failed_condition_carries_the_decoded_current_item(requests: Requests) -> None:
    error = _error("ConditionalCheckFailedException", Item={"pk": {"S": "a"}, "n": {"N": "2"}})
    translated = requests.translate(error, "PutItem")
    assert isinstance(translated, ConflictError)
    assert translated.current == {"pk": "a", "n": Decimal(2)}
    assert translated.context["resource"] == "orders"


def test_other_errors_go_through_the_shared_table(requests: Requests) -> None:
    assert isinstance(requests.translate(_error("ResourceNotFoundException"), "GetItem"),
                      NotFoundError)  # fmt: skip


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["None", "ConditionalCheckFailed"], ConflictError),
        (["TransactionConflict", "None"], ConflictError),
        (["ThrottlingError", "None"], TransientError),
        (["ValidationError"], ValidationError),
        (["SomethingNew"], ConflictError),
        ([], ConflictError),
    ],
)
def test_cancelled_transactions_map_by_their_reasons(
    requests: Requests, codes: list[str], expected: type[Exception]
) -> None:
    reasons: list[dict[str, Any]] = [{"Code": c} for c in codes]
    if "ConditionalCheckFailed" in codes:
        reasons[1]["Item"] = {"pk": {"S": "a"}}
    translated = requests.translate(
        _error("TransactionCanceledException", CancellationReasons=reasons), "TransactWriteItems"
    )
    assert type(translated) is expected
    assert translated.context["reasons"] == codes
    assert translated.context["operation"] == "TransactWriteItems"
    if "ConditionalCheckFailed" in codes:
        assert isinstance(translated, ConflictError)
        assert translated.current == [None, {"pk": "a"}]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0.1, "float value cannot be stored \\(use Decimal\\)"),
        (object(), "object value cannot be stored"),
        (Decimal("1" * 39), "Decimal value cannot be stored"),
        (Decimal("NaN"), "Decimal value cannot be stored"),
    ],
)
def test_values_dynamodb_cannot_store_are_refused_without_echoing_them(
    value: object, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        Codec().item({"secret": value})
    assert info.value.field == "item.secret"
    assert "1111111111" not in str(info.value)


@pytest.mark.parametrize("item", [["pk"], {"": 1}, {1: 1}])
def test_items_must_be_mappings_of_named_attributes(item: object) -> None:
    with pytest.raises(ValidationError):
        Codec().item(item)  # type: ignore[arg-type]  # on purpose


def test_small_helpers() -> None:
    described = {"Table": {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}}
    assert schema_from_description(described) == KeySchema("pk")
    assert request_limit(None, None) is None
    assert request_limit(10, 3) == 3
    assert request_limit(None, 7) == 7
    assert len(new_token()) == 36
    assert new_token() != new_token()
