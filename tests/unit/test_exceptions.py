"""The exception tree of tradai.common.exceptions: context, rendering, inheritance."""

from __future__ import annotations

import pickle

import pytest

from tradai.common import exceptions as e

SUBCLASSES = [
    e.ValidationError,
    e.NotFoundError,
    e.ConflictError,
    e.ConfigurationError,
    e.AuthenticationError,
    e.ExternalServiceError,
    e.TransientError,
    e.TradingError,
]


def test_all_lists_every_public_exception() -> None:
    assert set(e.__all__) == {
        "AuthenticationError",
        "ConfigurationError",
        "ConflictError",
        "ExternalServiceError",
        "MissingDependencyError",
        "NotFoundError",
        "TradAIError",
        "TradAIValidationError",
        "TradingError",
        "TransientError",
        "ValidationError",
    }


@pytest.mark.parametrize("cls", SUBCLASSES)
def test_every_error_derives_from_the_single_root(cls: type[e.TradAIError]) -> None:
    err = cls("something failed")
    assert isinstance(err, e.TradAIError)
    assert isinstance(err, Exception)
    assert err.message == "something failed"
    assert err.context == {}


def test_errors_inherit_from_the_matching_builtin() -> None:
    assert issubclass(e.ValidationError, ValueError)
    assert issubclass(e.NotFoundError, LookupError)
    assert issubclass(e.MissingDependencyError, ImportError)
    assert issubclass(e.TransientError, e.ExternalServiceError)
    assert not issubclass(e.ConflictError, ValueError)


def test_builtin_handlers_catch_the_library_errors() -> None:
    with pytest.raises(ValueError, match="bad"):
        raise e.ValidationError("bad")
    with pytest.raises(LookupError):
        raise e.NotFoundError("missing")
    with pytest.raises(ImportError):
        raise e.MissingDependencyError(package="boto3", extra="aws")


def test_validation_error_alias_is_the_same_class() -> None:
    assert e.TradAIValidationError is e.ValidationError


# -------------------------------------------------------------------------------- retryable


def test_only_transient_errors_are_retryable() -> None:
    assert e.TransientError("throttled").retryable is True
    for cls in [*SUBCLASSES[:-3], e.ExternalServiceError, e.TradingError, e.TradAIError]:
        assert cls("x").retryable is False
    assert e.MissingDependencyError(package="p", extra="x").retryable is False


# ------------------------------------------------------------------------ context attributes


def test_context_is_a_copy_of_what_was_given() -> None:
    given = {"operation": "put"}
    err = e.TradAIError("failed", context=given)
    given["operation"] = "changed"
    assert err.context == {"operation": "put"}


def test_validation_error_carries_field_and_value() -> None:
    err = e.ValidationError("invalid timeframe", field="timeframe", value="1y", context={"a": 1})
    assert (err.field, err.value) == ("timeframe", "1y")
    assert err.context == {"a": 1, "field": "timeframe"}


def test_explicit_context_wins_over_the_named_attribute() -> None:
    err = e.ValidationError("x", field="named", context={"field": "explicit"})
    assert err.context["field"] == "explicit"
    assert err.field == "named"


def test_validation_error_without_field_has_no_field_in_context() -> None:
    err = e.ValidationError("x")
    assert err.field is None
    assert err.value is None
    assert err.context == {}


def test_not_found_error_carries_resource_and_key() -> None:
    err = e.NotFoundError("backtest job not found", resource="job", key="abc")
    assert (err.resource, err.key) == ("job", "abc")
    assert err.context == {"resource": "job", "key": "abc"}
    assert e.NotFoundError("x").context == {}


def test_conflict_error_carries_the_current_item() -> None:
    current = {"version": 3}
    err = e.ConflictError("version mismatch", current=current, context={"expected": 2})
    assert err.current is current
    assert err.context == {"expected": 2}


def test_configuration_error_carries_the_setting() -> None:
    err = e.ConfigurationError("missing bucket", setting="ARCTIC_S3_BUCKET")
    assert err.setting == "ARCTIC_S3_BUCKET"
    assert err.context == {"setting": "ARCTIC_S3_BUCKET"}
    assert e.ConfigurationError("x").setting is None


def test_external_service_error_carries_only_the_details_given() -> None:
    err = e.ExternalServiceError(
        "GetObject failed", service="s3", operation="GetObject", status_code=403, error_code="X"
    )
    assert (err.service, err.operation, err.status_code, err.error_code) == (
        "s3",
        "GetObject",
        403,
        "X",
    )
    assert err.context == {
        "service": "s3",
        "operation": "GetObject",
        "status_code": 403,
        "error_code": "X",
    }
    partial = e.ExternalServiceError("x", service="mlflow")
    assert partial.context == {"service": "mlflow"}
    assert partial.status_code is None


def test_transient_error_carries_retry_after_and_service_details() -> None:
    err = e.TransientError("throttled", retry_after=1.5, service="dynamodb", status_code=400)
    assert err.retry_after == 1.5
    assert err.service == "dynamodb"
    assert err.context == {"service": "dynamodb", "status_code": 400}
    assert e.TransientError("x").retry_after is None


# ------------------------------------------------------------------------------- rendering


def test_str_is_the_message_alone_without_context() -> None:
    assert str(e.TradAIError("plain")) == "plain"


def test_str_appends_sorted_context() -> None:
    err = e.TradAIError("failed", context={"b": 2, "a": "x"})
    assert str(err) == "failed (a='x', b=2)"


def test_repr_names_the_class_message_and_context() -> None:
    err = e.NotFoundError("gone", resource="job")
    assert repr(err) == "NotFoundError('gone', context={'resource': 'job'})"


def test_authentication_and_trading_errors_render_like_the_root() -> None:
    assert str(e.AuthenticationError("expired", context={"profile": "dev"})) == (
        "expired (profile='dev')"
    )
    assert repr(e.TradingError("LIVE refused")) == "TradingError('LIVE refused', context={})"


# ------------------------------------------------------------------------ missing dependency


def test_missing_dependency_error_names_the_extra_to_install() -> None:
    err = e.MissingDependencyError(package="boto3", extra="aws")
    assert str(err) == "boto3 is required for this feature: pip install 'tradai-common[aws]'"
    assert (err.package, err.extra, err.name) == ("boto3", "aws", "boto3")
    assert err.message == str(err)
    assert err.context == {}


def test_missing_dependency_error_requires_keyword_arguments() -> None:
    with pytest.raises(TypeError):
        e.MissingDependencyError("boto3", "aws")  # type: ignore[call-arg]  # proving keyword-only


def test_errors_can_be_raised_from_a_cause() -> None:
    cause = KeyError("k")
    with pytest.raises(e.NotFoundError) as info:
        raise e.NotFoundError("missing", key="k") from cause
    assert info.value.__cause__ is cause


@pytest.mark.parametrize(
    "err",
    [
        e.TradAIError("boom", context={"a": 1}),
        e.ValidationError("bad", field="f", value=1),
        e.NotFoundError("gone", resource="job", key="k"),
        e.TransientError("slow", retry_after=2.0, service="s3"),
    ],
)
def test_errors_survive_pickling_with_their_attributes(err: e.TradAIError) -> None:
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert repr(back) == repr(err)
    assert vars(back) == vars(err)


def test_missing_dependency_error_survives_pickling() -> None:
    err = e.MissingDependencyError(package="boto3", extra="aws")
    back = pickle.loads(pickle.dumps(err))
    assert str(back) == str(err)
