"""LoggerMixin, JsonFormatter, correlation ids, redaction and configure_logging."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import enum
import io
import json
import logging
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from pydantic import BaseModel, SecretStr

from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.logger_mixin import (
    REDACTED,
    JsonFormatter,
    LoggerMixin,
    SecretRedactingFilter,
    configure_logging,
    correlation_context,
    get_correlation_id,
    new_correlation_id,
    redact,
    reset_correlation_id,
    set_correlation_id,
)

LOG_RECORD_INTERNALS = {
    "args",
    "msg",
    "pathname",
    "filename",
    "module",
    "lineno",
    "funcName",
    "created",
    "msecs",
    "relativeCreated",
    "thread",
    "threadName",
    "process",
    "processName",
    "levelno",
    "exc_info",
    "exc_text",
    "taskName",
    "name",
    "levelname",
}


def _record(
    msg: Any = "hello %s",
    args: Any = ("world",),
    *,
    level: int = logging.INFO,
    exc_info: Any = None,
    **extra: Any,
) -> logging.LogRecord:
    record = logging.LogRecord("tradai.test", level, __file__, 10, msg, args, exc_info)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def _emit(formatter: logging.Formatter, record: logging.LogRecord) -> dict[str, Any]:
    line = formatter.format(record)
    assert "\n" not in line
    parsed: dict[str, Any] = json.loads(line)
    return parsed


# ---------------------------------------------------------------- LoggerMixin


class Worker(LoggerMixin):
    pass


class SubWorker(Worker):
    pass


def test_logger_is_named_after_module_and_qualname() -> None:
    assert Worker().logger.name == f"{__name__}.Worker"
    assert SubWorker().logger.name == f"{__name__}.SubWorker"


def test_logger_is_cached_per_instance_not_on_the_class() -> None:
    worker = Worker()
    assert worker.logger is worker.logger
    assert "_tradai_logger" in vars(worker)
    assert "_tradai_logger" not in vars(Worker)
    assert not any("logger" in name and name != "logger" for name in vars(LoggerMixin))


def test_logger_works_for_pydantic_models_without_touching_their_state() -> None:
    class Model(LoggerMixin, BaseModel):
        x: int

    a, b = Model(x=1), Model(x=1)
    assert a.logger.name.endswith("Model")
    assert a == b
    assert a.model_dump() == {"x": 1}
    assert "_tradai_logger" not in vars(a)


def test_logger_works_for_slots_and_frozen_dataclasses() -> None:
    class Slotted(LoggerMixin):
        __slots__ = ("v",)

    @dataclasses.dataclass(frozen=True)
    class Frozen(LoggerMixin):
        v: int

    assert Slotted().logger.name.endswith("Slotted")
    frozen = Frozen(1)
    assert frozen.logger is frozen.logger
    assert frozen == Frozen(1)


def test_library_logger_has_a_null_handler_only() -> None:
    handlers = logging.getLogger("tradai").handlers
    assert sum(isinstance(h, logging.NullHandler) for h in handlers) == 1


# ---------------------------------------------------------------- JsonFormatter


def test_json_line_has_the_documented_core_keys_and_no_record_internals() -> None:
    out = _emit(JsonFormatter(service="svc"), _record())
    assert out["message"] == "hello world"
    assert out["level"] == "INFO"
    assert out["logger"] == "tradai.test"
    assert out["service"] == "svc"
    assert not LOG_RECORD_INTERNALS & (set(out) - {"level", "logger"})
    assert "taskName" not in out


def test_timestamp_is_iso8601_utc_with_milliseconds() -> None:
    record = _record()
    record.created = dt.datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=dt.UTC).timestamp()
    out = _emit(JsonFormatter(), record)
    assert out["timestamp"] == "2024-05-01T12:00:00.123+00:00"


def test_service_name_comes_from_env_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICE_NAME", "from-env")
    formatter = JsonFormatter()
    monkeypatch.setenv("SERVICE_NAME", "changed-later")
    assert _emit(formatter, _record())["service"] == "from-env"
    assert _emit(JsonFormatter(service="explicit"), _record())["service"] == "explicit"
    monkeypatch.delenv("SERVICE_NAME")
    assert "service" not in _emit(JsonFormatter(), _record())


class Side(enum.Enum):
    BUY = "buy"


class Creds(BaseModel):
    user: str
    api_token: str
    password: SecretStr


def test_extra_fields_are_written_and_serialised() -> None:
    record = _record(
        job_id="j-1",
        when=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        amount=Decimal("1.50"),
        side=Side.BUY,
        tags={"b", "a"},
        blob=b"\x00\x01",
        model=Creds(user="ann", api_token="tok", password=SecretStr("pw")),
    )
    out = _emit(JsonFormatter(), record)
    assert out["job_id"] == "j-1"
    assert out["when"] == "2024-01-01T00:00:00+00:00"
    assert out["amount"] == "1.50"
    assert out["side"] == "buy"
    assert out["tags"] == ["a", "b"]
    assert out["blob"] == "<2 bytes>"
    assert out["model"] == {"user": "ann", "api_token": REDACTED, "password": REDACTED}


def test_extra_colliding_with_a_core_key_is_renamed() -> None:
    out = _emit(JsonFormatter(service="svc"), _record(level_hint=1, service="other"))
    assert out["service"] == "svc"
    assert out["extra_service"] == "other"


def test_exception_info_is_structured_and_scrubbed() -> None:
    try:
        raise RuntimeError("cannot reach postgresql://app:s3cr3t@db/x")
    except RuntimeError:
        record = _record(exc_info=sys.exc_info())
    out = _emit(JsonFormatter(), record)
    assert out["exception"]["type"] == "RuntimeError"
    assert "s3cr3t" not in json.dumps(out)
    assert "Traceback" in out["exception"]["traceback"]


def test_stack_info_is_written() -> None:
    record = _record()
    record.stack_info = "Stack (most recent call last):\n  here"
    assert "here" in _emit(JsonFormatter(), record)["stack_info"]


def test_unformattable_message_does_not_break_logging() -> None:
    out = _emit(JsonFormatter(), _record("%d items", ("many",)))
    assert out["message"].startswith("%d items")


def test_cyclic_extra_is_cut_at_the_depth_bound() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert "<nested too deep>" in json.dumps(_emit(JsonFormatter(), _record(loop=loop)))


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")


def test_unserialisable_payload_falls_back_to_a_minimal_line() -> None:
    out = _emit(JsonFormatter(), _record(thing=_Unprintable()))
    assert out["format_error"] == "RuntimeError"
    assert out["message"] == "hello world"


def test_secrets_never_reach_the_json_line() -> None:
    record = _record(
        "login %s with %s",
        (SecretStr("hunter2"), "https://u:hunter3@example.com"),
        password="hunter4",
        headers={"Authorization": "Bearer hunter5", "accept": "json"},
        note="token is Bearer hunter6",
    )
    line = JsonFormatter().format(record)
    for secret in ("hunter2", "hunter3", "hunter4", "hunter5", "hunter6"):
        assert secret not in line
    assert json.loads(line)["headers"]["accept"] == "json"


def test_trace_ids_are_written_when_a_span_is_active() -> None:
    tracer = TracerProvider().get_tracer(__name__)
    with tracer.start_as_current_span("op") as span:
        out = _emit(JsonFormatter(), _record())
        context = span.get_span_context()
    assert out["trace_id"] == format(context.trace_id, "032x")
    assert out["span_id"] == format(context.span_id, "016x")
    assert "trace_id" not in _emit(JsonFormatter(), _record())


# ---------------------------------------------------------------- correlation ids


def test_correlation_context_generates_uuid4_hex_and_restores() -> None:
    assert get_correlation_id() is None
    with correlation_context() as cid:
        assert re.fullmatch(r"[0-9a-f]{32}", cid)
        assert get_correlation_id() == cid
        with correlation_context("inner-1") as inner:
            assert get_correlation_id() == inner == "inner-1"
        assert get_correlation_id() == cid
    assert get_correlation_id() is None


def test_correlation_id_is_written_in_json_lines() -> None:
    with correlation_context("req-7"):
        assert _emit(JsonFormatter(), _record())["correlation_id"] == "req-7"
    assert _emit(JsonFormatter(), _record(correlation_id="x-1"))["correlation_id"] == "x-1"
    assert "correlation_id" not in _emit(JsonFormatter(), _record())


def test_set_and_reset_correlation_id() -> None:
    token = set_correlation_id("abc")
    assert get_correlation_id() == "abc"
    reset_correlation_id(token)
    assert get_correlation_id() is None


@pytest.mark.parametrize(
    "bad",
    ["", " x", "x\n", "-x", "a;b", "a b", "x" * 129, "idА", "１２"],  # Cyrillic, fullwidth
)
def test_malformed_correlation_ids_are_rejected(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        set_correlation_id(bad)
    assert info.value.field == "correlation_id"


def test_correlation_ids_are_isolated_between_threads_and_tasks() -> None:
    seen: dict[str, str | None] = {}

    def in_thread() -> None:
        seen["thread"] = get_correlation_id()

    with correlation_context("main"):
        thread = threading.Thread(target=in_thread)
        thread.start()
        thread.join()

    async def task(name: str) -> str | None:
        with correlation_context(name):
            await asyncio.sleep(0)
            return get_correlation_id()

    async def both() -> list[str | None]:
        return list(await asyncio.gather(task("t1"), task("t2")))

    assert seen["thread"] is None
    assert asyncio.run(both()) == ["t1", "t2"]


def test_new_correlation_ids_are_unique() -> None:
    assert len({new_correlation_id() for _ in range(50)}) == 50


# ---------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "DB_PASSWORD",
        "passphrase",
        "client_secret",
        "x-api-key",
        "apikey",
        "private_key",
        "aws_access_key_id",
        "Authorization",
        "credentials",
        "refresh_token",
        "session_id",
        "cookie",
        "dsn",
    ],
)
def test_secret_looking_keys_are_masked(key: str) -> None:
    assert redact({key: "value"}) == {key: REDACTED}


@pytest.mark.parametrize("key", ["user", "pair", "s3_key", "timeframe", "author"])
def test_ordinary_keys_are_kept(key: str) -> None:
    assert redact({key: "value"}) == {key: "value"}


def test_redact_recurses_and_keeps_container_types() -> None:
    value = {"outer": [{"token": "t"}, ("a", SecretStr("s"))], "n": None, "password": None}
    assert redact(value) == {
        "outer": [{"token": REDACTED}, ("a", REDACTED)],
        "n": None,
        "password": None,
    }
    assert redact({"s": frozenset({"x"})}) == {"s": {"x"}}


def test_redact_stops_at_a_bounded_depth() -> None:
    deep: dict[str, Any] = {}
    cursor = deep
    for _ in range(20):
        cursor["d"] = {}
        cursor = cursor["d"]
    assert "<nested too deep>" in json.dumps(redact(deep))


def test_filter_masks_args_extras_and_message_in_place() -> None:
    record = _record(
        "dsn=%(dsn)s user=%(user)s", ({"dsn": "postgres://a:b@h/db", "user": "ann"},), api_key="k"
    )
    assert SecretRedactingFilter().filter(record) is True
    assert record.getMessage() == f"dsn={REDACTED} user=ann"
    assert record.api_key == REDACTED
    secret_msg = _record(SecretStr("pw"), None)
    SecretRedactingFilter().filter(secret_msg)
    assert secret_msg.getMessage() == REDACTED


def test_filter_scrubs_url_credentials_in_positional_args() -> None:
    record = _record("connecting to %s", ("redis://default:pa55@cache:6379",))
    SecretRedactingFilter().filter(record)
    assert "pa55" not in record.getMessage()


# ---------------------------------------------------------------- configure_logging


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    yield root
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def test_configure_logging_writes_redacted_json_lines(root_logger: logging.Logger) -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", service="svc", stream=stream)
    logging.getLogger("tradai.demo").debug("user %s", "ann", extra={"password": "hunter2"})
    line = json.loads(stream.getvalue().strip())
    assert line["message"] == "user ann"
    assert line["service"] == "svc"
    assert line["password"] == REDACTED
    assert root_logger.level == logging.DEBUG


def test_configure_logging_text_mode_shows_correlation_id(root_logger: logging.Logger) -> None:
    stream = io.StringIO()
    configure_logging(logging.INFO, json=False, stream=stream)
    with correlation_context("req-9"):
        logging.getLogger("tradai.demo").info("token=%s", SecretStr("hunter2"))
    logging.getLogger("tradai.demo").info("no id")
    first, second = stream.getvalue().splitlines()
    assert "[req-9]" in first
    assert "hunter2" not in first
    assert "[-]" in second


def test_configure_logging_replaces_only_its_own_handler(root_logger: logging.Logger) -> None:
    other = logging.NullHandler()
    root_logger.addHandler(other)
    first = configure_logging(stream=io.StringIO())
    second = configure_logging(stream=io.StringIO())
    assert first not in root_logger.handlers
    assert second in root_logger.handlers
    assert other in root_logger.handlers


@pytest.mark.parametrize("level", ["LOUD", "", True, 1.5])
def test_configure_logging_rejects_unknown_levels(level: Any, root_logger: logging.Logger) -> None:
    with pytest.raises(ConfigurationError) as info:
        configure_logging(level)
    assert info.value.setting == "level"


# ---------------------------------------------------------------- import weight


def test_importing_logger_mixin_loads_only_the_standard_library() -> None:
    code = (
        "import sys, tradai.common.logger_mixin\n"
        "print(sorted(m for m in ('pydantic', 'typing', 'opentelemetry', 'boto3')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
