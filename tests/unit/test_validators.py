"""Examples for every validator in tradai.common.validators, plain and inside pydantic.

Each validator gets valid values (and their normalised form), the shared near-misses
(built from one canonical valid value) and its own specific bad values. Rejections must
be ``ValueError`` (``TypeError`` only for non-str input); inside pydantic, through the
Annotated types of :mod:`tradai.common.types`, only pydantic's ``ValidationError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pydantic
import pytest
from pydantic import TypeAdapter

from tradai.common import types as t
from tradai.common import validators as v
from tradai.common.exceptions import ValidationError

ECR = "123456789012.dkr.ecr.eu-central-1.amazonaws.com"
SHA = "ab" * 32
FIPS = "1.dkr.ecr-fips.us-gov-west-1.amazonaws.com/a"
CN_ARN = "arn:aws-cn:ecs:cn-north-1:123456789012:cluster/x"
CN_ECR = "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app"
SFN_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:flow"


@dataclass(frozen=True)
class Case:
    """One validator with its examples."""

    func: Callable[[Any], Any]
    annotated: Any  # the Annotated type in tradai.common.types, or None
    canonical: str  # a valid value the shared near-misses are built from
    valid: dict[str, str]  # value -> normalised value
    invalid: list[str]
    shared_near_misses: bool = True  # False where AWS itself allows them (S3 keys)
    extra: dict[str, Any] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "trading_pair": Case(
        v.validate_trading_pair,
        t.TradingPair,
        "BTC/USDT",
        {
            "BTC/USDT": "BTC/USDT",
            "btc/usdt": "BTC/USDT",
            "eth/usdt:usdt": "ETH/USDT:USDT",
            "1000PEPE/USDT": "1000PEPE/USDT",
            f"{'A' * 20}/{'B' * 20}:{'C' * 20}": f"{'A' * 20}/{'B' * 20}:{'C' * 20}",
        },
        [
            "BTCUSDT",
            "BTC/",
            "/USDT",
            "BTC//USDT",
            "BTC/USDT:",
            "BTC-USDT",
            "BTC/USDT/ETH",
            "BTC / USDT",
            f"{'A' * 21}/USDT",
            "BTC/USDT:USDT:USDT",
            "BTC/ÜSDT",
        ],
    ),
    "semver": Case(
        v.validate_semver,
        t.SemVer,
        "1.2.3",
        {
            "0.0.0": "0.0.0",
            "1.2.3": "1.2.3",
            "1.0.0-alpha.1": "1.0.0-alpha.1",
            "1.0.0-0.3.7": "1.0.0-0.3.7",
            "1.0.0-x-y-z.--": "1.0.0-x-y-z.--",
            "1.0.0+20130313144700": "1.0.0+20130313144700",
            "1.0.0-beta+exp.sha.5114f85": "1.0.0-beta+exp.sha.5114f85",
        },
        [
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.02.3",
            "1.2.03",
            "v1.2.3",
            "1.2.3-",
            "1.2.3+",
            "1.2.3-01",
            "1.2.3-a..b",
            "1.2.3+a..b",
            "1.2.3-α",
            "a.b.c",
        ],
    ),
    "s3_bucket_name": Case(
        v.validate_s3_bucket_name,
        t.S3BucketName,
        "my-bucket",
        {"abc": "abc", "my-bucket.logs": "my-bucket.logs", "a" * 63: "a" * 63, "a.b": "a.b"},
        [
            "ab",
            "a" * 64,
            "My-bucket",
            "my_bucket",
            "my..bucket",
            "my.-bucket",
            "my-.bucket",
            "-bucket",
            "bucket-",
            ".bucket",
            "bucket.",
            "192.168.1.1",
            "xn--bucket",
            "sthree-bucket",
            "amzn-s3-demo-bucket",
            "bucket-s3alias",
            "bucket--ol-s3",
            "bucket.mrap",
            "bucket--x-s3",
            "bucket--table-s3",
        ],
    ),
    "s3_key": Case(
        v.validate_s3_key,
        None,
        "data/file.parquet",
        # AWS allows any UTF-8 except that control characters are unsafe; spaces, a
        # leading '-' and shell metacharacters are legal key characters.
        {
            "a": "a",
            "data/file.parquet": "data/file.parquet",
            " spaced key ": " spaced key ",
            "-dash": "-dash",
            "x;y|z&$`": "x;y|z&$`",
            "ключ/файл": "ключ/файл",
            "é" * 512: "é" * 512,
        },
        ["", "a" * 1025, "é" * 513, "a\nb", "a\rb", "a\tb", "a\x00b", "a\x7fb", "a\x1fb"],
        shared_near_misses=False,
    ),
    "ecr_image_url": Case(
        v.validate_ecr_image_url,
        t.EcrImageUrl,
        f"{ECR}/app:1.0",
        {
            f"{ECR}/app": f"{ECR}/app",
            f"{ECR}/team/app:v1.2_rc-3": f"{ECR}/team/app:v1.2_rc-3",
            f"{ECR}/app@sha256:{SHA}": f"{ECR}/app@sha256:{SHA}",
            CN_ECR: CN_ECR,
            FIPS: FIPS,
        },
        [
            f"{ECR}",
            f"{ECR}/",
            f"{ECR}/App",
            f"{ECR}/app:",
            f"{ECR}/app:-tag",
            f"{ECR}/app:{'a' * 129}",
            f"{ECR}/app@sha256:{'a' * 63}",
            "docker.io/library/app:1.0",
            "1234567890123.dkr.ecr.eu-central-1.amazonaws.com/app",
            "123456789012.dkr.ecr.eu-central.amazonaws.com/app",
            f"https://{ECR}/app",
        ],
    ),
    "arn": Case(
        v.validate_arn,
        t.ArnStr,
        "arn:aws:sns:us-east-1:123456789012:alerts",
        {
            "arn:aws:s3:::bucket": "arn:aws:s3:::bucket",
            "arn:aws:iam::aws:policy/ReadOnly": "arn:aws:iam::aws:policy/ReadOnly",
            CN_ARN: CN_ARN,
            SFN_ARN: SFN_ARN,
        },
        [
            "arn:aws:sns",
            "arn:aws:sns:us-east-1:123456789012:",
            "arn:foo:sns:us-east-1:1234:x",
            "arn:aws:SNS:us-east-1:123456789012:x",
            "arn:aws:sns:us-east-1:12345:x",
            "arn:aws:sns:useast1:123456789012:x",
            "ARN:aws:sns:us-east-1:123456789012:x",
            "arn:aws:sns:us-east-1:123456789012:a b",
            f"arn:aws:s3:::{'a' * 1024}",
        ],
    ),
    "sha256": Case(
        v.validate_sha256,
        t.Sha256Hex,
        SHA,
        {SHA: SHA, SHA.upper(): SHA, "0" * 64: "0" * 64},
        ["a" * 63, "a" * 65, "g" * 64, f"0x{'a' * 62}", f"sha256:{SHA}"],
    ),
    "ecs_task_family": Case(
        v.validate_ecs_task_family,
        t.EcsTaskFamily,
        "backtest-runner",
        {
            "a": "a",
            "backtest_runner-2": "backtest_runner-2",
            "9lives": "9lives",
            "a" * 255: "a" * 255,
        },
        ["a" * 256, "_a", "a.b", "a:1", "a/b"],
    ),
    "timeframe": Case(
        v.validate_timeframe,
        t.Timeframe,
        "15m",
        {
            "1s": "1s",
            "1m": "1m",
            "15m": "15m",
            "4h": "4h",
            "1d": "1d",
            "1w": "1w",
            "1M": "1M",
            "9999m": "9999m",
        },
        ["0m", "01m", "10000m", "1", "m", "1y", "1H", "1D", "1W", "1mo", "1.5h", "+1m", "1 m"],
    ),
    "date_string": Case(
        v.validate_date_string,
        t.DateStr,
        "2024-01-31",
        {
            "2024-01-31": "2024-01-31",
            "2024-02-29": "2024-02-29",
            "0001-01-01": "0001-01-01",
            "9999-12-31": "9999-12-31",
        },
        [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "0000-01-01",
            "2024-1-31",
            "24-01-31",
            "2024/01/31",
            "20240131",
            "2024-01-31T00:00:00",
            "2024-01-31Z",
        ],
    ),
    "strategy_name": Case(
        v.validate_strategy_name,
        t.StrategyName,
        "MomentumV2",
        {
            "A": "A",
            "MomentumV2": "MomentumV2",
            "my_strategy-2": "my_strategy-2",
            "S" * 128: "S" * 128,
        },
        ["S" * 129, "2Momentum", "_Momentum", "Momentum.V2", "Momentum V2", "Momentum/V2"],
    ),
    "identifier": Case(
        v.validate_identifier,
        t.Identifier,
        "job-123",
        {"a": "a", "job-123": "job-123", "run_1.2:3/4": "run_1.2:3/4", "9" * 256: "9" * 256},
        ["a" * 257, "_a", ".a", "/a", ":a", "a b", "a\\b", "a?b", "a#b", "a*b"],
    ),
    "actor": Case(
        v.validate_actor,
        None,
        "ci@tradai.example",
        {
            "ci@tradai.example": "ci@tradai.example",
            "alice": "alice",
            "arn:aws:iam::123456789012:role/deployer": "arn:aws:iam::123456789012:role/deployer",
            "svc+tag=1,2": "svc+tag=1,2",
            "a" * 256: "a" * 256,
        },
        ["a" * 257, "@alice", "_bot", "alice smith", "alice#1", "alice!", "alice%"],
    ),
    "currency": Case(
        v.validate_currency,
        None,
        "USDT",
        {"USDT": "USDT", "BTC": "BTC", "1000PEPE": "1000PEPE", "X" * 20: "X" * 20},
        ["usdt", "Usdt", "X" * 21, "US-DT", "US.DT", "USDT/BTC", "ÜSDT"],
    ),
}

_CYRILLIC = str.maketrans("AaBEeKMHOoPpCcTyXx", "АаВЕеКМНОоРрСсТуХх")


def look_alike(value: str) -> str:
    """Swap the first ASCII letter for a Cyrillic twin, or a digit for a fullwidth one."""
    for i, char in enumerate(value):
        swapped = char.translate(_CYRILLIC)
        if swapped != char:
            return value[:i] + swapped + value[i + 1 :]
        if char.isascii() and char.isalnum():
            return value[:i] + chr(ord(char) + 0xFEE0) + value[i + 1 :]
    raise AssertionError(f"nothing to swap in {value!r}")


def shared_near_misses(value: str) -> list[str]:
    return [
        value + "\n",
        value + "\r\n",
        "\n" + value,
        " " + value,
        value + " ",
        " " + value + " ",
        "\t" + value,
        value + "\x00",
        "\x00" + value,
        "-" + value,
        "--" + value,
        value + ";",
        value + "; rm -rf /",
        value + "|cat",
        value + "&",
        "$" + value,
        value + "$(id)",
        "`" + value + "`",
        look_alike(value),
        value.upper().translate(_CYRILLIC) if value.upper() != value else look_alike(value),
        "",
        " ",
        value * 300,
    ]


def _invalid_params() -> list[Any]:
    params = []
    for name, case in CASES.items():
        values = list(case.invalid)
        if case.shared_near_misses:
            values += shared_near_misses(case.canonical)
        params += [pytest.param(case, value, id=f"{name}-{value[:30]!r}") for value in values]
    return params


def _valid_params() -> list[Any]:
    return [
        pytest.param(case, value, normal, id=f"{name}-{value[:30]!r}")
        for name, case in CASES.items()
        for value, normal in case.valid.items()
    ]


_ALL = [pytest.param(case, id=name) for name, case in CASES.items()]
_TYPED = [pytest.param(case, id=name) for name, case in CASES.items() if case.annotated]


# ------------------------------------------------------------------------- plain functions


@pytest.mark.parametrize(("case", "value", "normal"), _valid_params())
def test_valid_values_are_accepted_and_normalised(case: Case, value: str, normal: str) -> None:
    assert case.func(value) == normal
    assert case.func(normal) == normal  # normalising is idempotent


@pytest.mark.parametrize(("case", "value"), _invalid_params())
def test_near_misses_and_bad_values_raise_plain_value_error(case: Case, value: str) -> None:
    with pytest.raises(ValueError) as info:
        case.func(value)
    assert type(info.value) is ValueError
    assert len(str(info.value)) < 400  # the offending value is shortened in the message


@pytest.mark.parametrize("case", _ALL)
@pytest.mark.parametrize("value", [None, 1, 1.5, b"BTC/USDT", ["x"], True])
def test_non_string_input_raises_type_error(case: Case, value: object) -> None:
    with pytest.raises(TypeError, match="must be a string"):
        case.func(value)


@pytest.mark.parametrize("case", _ALL)
def test_ensure_returns_the_normalised_value(case: Case) -> None:
    value, normal = next(iter(case.valid.items()))
    assert v.ensure(case.func, value, field="arg") == normal


@pytest.mark.parametrize("case", _ALL)
@pytest.mark.parametrize("kind", ["bad-value", "not-a-string"])
def test_ensure_raises_tradai_validation_error_naming_the_field(case: Case, kind: str) -> None:
    value: object = case.invalid[0] if kind == "bad-value" else 42
    with pytest.raises(ValidationError) as info:
        v.ensure(case.func, value, field="my_arg")
    assert info.value.field == "my_arg"
    assert info.value.context["field"] == "my_arg"
    assert str(info.value).startswith("invalid my_arg: ")
    expected_cause = ValueError if kind == "bad-value" else TypeError
    assert type(info.value.__cause__) is expected_cause


# ---------------------------------------------------------------------------- inside pydantic


@pytest.mark.parametrize(
    ("case", "value", "normal"), [p for p in _valid_params() if p.values[0].annotated]
)
def test_annotated_types_accept_and_normalise_valid_values(
    case: Case, value: str, normal: str
) -> None:
    adapter = TypeAdapter(case.annotated)
    assert adapter.validate_python(value) == normal
    assert adapter.validate_json(adapter.dump_json(value)) == normal


@pytest.mark.parametrize(("case", "value"), [p for p in _invalid_params() if p.values[0].annotated])
def test_annotated_types_raise_only_pydantic_validation_error(case: Case, value: str) -> None:
    model = pydantic.create_model("Model", field_name=(case.annotated, ...))
    with pytest.raises(pydantic.ValidationError) as info:
        model(field_name=value)
    assert info.value.errors()[0]["loc"] == ("field_name",)


@pytest.mark.parametrize("case", _TYPED)
@pytest.mark.parametrize("value", [None, 1, 1.5, ["x"], {"a": 1}])
def test_annotated_types_refuse_non_strings_with_pydantic_validation_error(
    case: Case, value: object
) -> None:
    with pytest.raises(pydantic.ValidationError):
        TypeAdapter(case.annotated).validate_python(value)


def test_utc_datetime_converts_aware_values_and_refuses_naive_ones() -> None:
    adapter = TypeAdapter(t.UtcDatetime)
    plus_two = dt.timezone(dt.timedelta(hours=2))
    result = adapter.validate_python(dt.datetime(2024, 1, 1, 2, tzinfo=plus_two))
    assert result == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert result.utcoffset() == dt.timedelta(0)
    assert adapter.validate_python("2024-01-01T02:00:00+02:00").hour == 0
    for naive in (dt.datetime(2024, 1, 1), "2024-01-01T00:00:00"):
        with pytest.raises(pydantic.ValidationError):
            adapter.validate_python(naive)
    with pytest.raises(pydantic.ValidationError, match="cannot be expressed in UTC"):
        adapter.validate_python("0001-01-01T00:00:00+05:00")


def test_non_empty_str_refuses_the_empty_string() -> None:
    assert TypeAdapter(t.NonEmptyStr).validate_python("x") == "x"
    with pytest.raises(pydantic.ValidationError):
        TypeAdapter(t.NonEmptyStr).validate_python("")


# ------------------------------------------------------------------- validator-specific rules


def test_semver_accepts_a_v_prefix_only_when_allowed_and_keeps_it() -> None:
    assert v.validate_semver("v2.0.0", allow_v_prefix=True) == "v2.0.0"
    assert v.validate_semver("2.0.0", allow_v_prefix=True) == "2.0.0"
    for bad in ("vv2.0.0", "V2.0.0", "v", "v-2.0.0", " v2.0.0"):
        with pytest.raises(ValueError, match="semantic version"):
            v.validate_semver(bad, allow_v_prefix=True)


def test_arn_can_be_required_to_belong_to_a_service() -> None:
    arn = "arn:aws:ecs:us-east-1:123456789012:cluster/main"
    assert v.validate_arn(arn, service="ecs") == arn
    with pytest.raises(ValueError, match="not for service 'states'"):
        v.validate_arn(arn, service="states")


def test_timeframe_units_give_each_unit_in_seconds() -> None:
    assert v.TIMEFRAME_UNITS == {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000}


@pytest.mark.parametrize(
    ("start", "end"),
    [("2024-01-01", "2024-01-31"), ("2024-01-01", "2024-01-01"), ("1999-12-31", "2000-01-01")],
)
def test_date_range_accepts_ordered_and_equal_dates(start: str, end: str) -> None:
    v.validate_date_range(start, end)  # returns nothing; must not raise


def test_date_range_refuses_a_reversed_range() -> None:
    with pytest.raises(ValueError, match="before start date"):
        v.validate_date_range("2024-02-01", "2024-01-31")


# ------------------------------------------------------ known gaps (reported, not fixed here)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-02-30", "2024-03-01"),
        ("2024-01-01", "2024-01-02\n"),
        (" 2024-01-01", "2024-01-02"),
        ("2024-01-10", "2024-1-9"),
    ],
)
def test_date_range_refuses_malformed_dates(start: str, end: str) -> None:
    with pytest.raises(ValueError):
        v.validate_date_range(start, end)


def test_date_range_refuses_non_strings() -> None:
    with pytest.raises(TypeError):
        v.validate_date_range(1, 2)  # type: ignore[arg-type]  # proving the runtime check


@pytest.mark.parametrize(
    "value", ["1.0.0-" + "a" * 10_000, "1.0.0+" + "b" * 10_000, "9" * 5000 + ".0.0"]
)
def test_semver_refuses_over_long_versions(value: str) -> None:
    with pytest.raises(ValueError):
        v.validate_semver(value)


def test_ecr_url_refuses_repository_names_longer_than_ecr_allows() -> None:
    with pytest.raises(ValueError):
        v.validate_ecr_image_url(f"{ECR}/{'a' * 257}")


@pytest.mark.parametrize("key", ["a\x85b", "line\u2028sep", "para\u2029sep", "c1\x9b"])
def test_s3_keys_refuse_c1_controls_and_unicode_line_separators(key: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        v.validate_s3_key(key)


@pytest.mark.parametrize("value", ["a/../../etc", "x/..", "x/../y"])
def test_identifiers_refuse_dot_dot_path_segments(value: str) -> None:
    with pytest.raises(ValueError, match=r"'\.\.' path segment"):
        v.validate_identifier(value)


def test_identifiers_allow_dots_inside_segments() -> None:
    assert v.validate_identifier("a..b/c.d") == "a..b/c.d"


def test_dated_futures_pairs_are_accepted() -> None:
    assert v.validate_trading_pair("btc/usdt:usdt-240329") == "BTC/USDT:USDT-240329"
    with pytest.raises(ValueError):
        v.validate_trading_pair("BTC/USDT-240329")
