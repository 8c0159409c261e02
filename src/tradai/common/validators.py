"""Shared field validators.

Each validator is a plain function ``(value) -> normalised value`` that raises
:class:`ValueError` with a message naming what is wrong. Used inside pydantic validators
they surface as pydantic's ``ValidationError`` with the field's location; used directly
they can be wrapped by :func:`ensure`, which raises the library's
:class:`~tradai.common.exceptions.ValidationError` naming the argument.

All patterns are ASCII-only and matched with :func:`re.fullmatch` (Python's ``$``
accepts a trailing newline, ``fullmatch`` does not), so near-misses are rejected:
surrounding spaces, trailing newlines, NUL and other control characters, look-alike
unicode letters and digits, shell metacharacters and a leading ``-`` (argument
injection). Nothing is silently stripped.

This module imports only the standard library.

Example:
    >>> validate_trading_pair("btc/usdt:usdt")
    'BTC/USDT:USDT'
    >>> validate_date_string("2024-02-30")
    Traceback (most recent call last):
    ...
    ValueError: '2024-02-30' is not a real calendar date
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from tradai.common.exceptions import ValidationError

__all__ = [
    "STRATEGY_NAME_PATTERN",
    "TIMEFRAME_PATTERN",
    "TIMEFRAME_UNITS",
    "ensure",
    "validate_actor",
    "validate_arn",
    "validate_currency",
    "validate_date_range",
    "validate_date_string",
    "validate_ecr_image_url",
    "validate_ecs_task_family",
    "validate_free_text",
    "validate_identifier",
    "validate_json_data",
    "validate_s3_bucket_name",
    "validate_s3_key",
    "validate_semver",
    "validate_sha256",
    "validate_strategy_name",
    "validate_timeframe",
    "validate_trading_pair",
]

_T = TypeVar("_T")

#: Timeframe units and their length in seconds (``M`` is a 30-day month, as in ccxt).
TIMEFRAME_UNITS: dict[str, int] = {
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "M": 2592000,
}

_PAIR_RE = re.compile(r"([A-Z0-9]{1,20})/([A-Z0-9]{1,20})(?::([A-Z0-9]{1,20})(?:-([0-9]{6}))?)?")
_SEMVER_RE = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
    r"(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
)
_MAX_SEMVER_LENGTH = 128
_MAX_ECR_REPOSITORY_LENGTH = 256
_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IPV4_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_ECR_RE = re.compile(
    r"[0-9]{1,12}\.dkr\.ecr(?:-fips)?\.[a-z]{2}(?:-[a-z]+)+-[0-9]\.amazonaws\.com(?:\.cn)?"
    r"/(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?"
)
_ARN_RE = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):([a-z0-9-]{1,63}):"
    r"((?:[a-z]{2}(?:-[a-z]+)+-[0-9])?):([0-9]{12}|aws)?:([A-Za-z0-9_/+=,.@:*-]{1,1023})"
)
_SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")
_TASK_FAMILY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}")
_TIMEFRAME_RE = re.compile(r"([1-9][0-9]{0,3})([smhdwM])")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STRATEGY_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,127}")
#: ``pattern=`` for a pydantic field holding a strategy name (same rule as the validator).
STRATEGY_NAME_PATTERN = f"^(?:{_STRATEGY_NAME_RE.pattern})$"
#: ``pattern=`` for a pydantic field holding a timeframe (same rule as the validator).
TIMEFRAME_PATTERN = f"^(?:{_TIMEFRAME_RE.pattern})$"
_IDENTIFIER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,255}")
_S3_KEY_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ACTOR_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/@+=,-]{0,255}")
_TEXT_FORBIDDEN_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CURRENCY_RE = re.compile(r"[A-Z0-9]{1,20}")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "...'"


def _require_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, got {type(value).__name__}")
    return value


def validate_trading_pair(value: str) -> str:
    """Validate a trading pair ``BASE/QUOTE[:SETTLE[-YYMMDD]]``; return it upper-cased.

    The optional ``-YYMMDD`` suffix is ccxt's notation for dated (delivery) futures, e.g.
    ``BTC/USDT:USDT-240329``.

    Args:
        value: The pair, e.g. ``"BTC/USDT"`` or ``"btc/usdt:usdt"``.

    Returns:
        The pair in upper case.

    Raises:
        ValueError: If it is not of that form (ASCII letters and digits, 1-20 each).

    Example:
        >>> validate_trading_pair("ETH/USDT")
        'ETH/USDT'
    """
    _require_str(value, "trading pair")
    if not value.isascii():
        raise ValueError(f"trading pair {_short(value)} must be ASCII")
    upper = value.upper()
    if _PAIR_RE.fullmatch(upper) is None:
        raise ValueError(
            f"trading pair {_short(value)} must look like BASE/QUOTE or BASE/QUOTE:SETTLE"
        )
    return upper


def validate_semver(value: str, *, allow_v_prefix: bool = False) -> str:
    """Validate a semantic version (``MAJOR.MINOR.PATCH[-pre][+build]``).

    Args:
        value: The version string.
        allow_v_prefix: Accept a leading ``v`` (``"v1.0.0"``); it is kept as given.

    Returns:
        The version unchanged.

    Raises:
        ValueError: If it is not a semantic version.

    Example:
        >>> validate_semver("v2.0.0", allow_v_prefix=True)
        'v2.0.0'
    """
    _require_str(value, "version")
    core = value[1:] if allow_v_prefix and value.startswith("v") else value
    if len(core) > _MAX_SEMVER_LENGTH:
        raise ValueError(f"version {_short(value)} is longer than {_MAX_SEMVER_LENGTH} characters")
    if not core.isascii() or _SEMVER_RE.fullmatch(core) is None:
        raise ValueError(f"version {_short(value)} is not a semantic version (e.g. 1.2.3)")
    return value


def validate_s3_bucket_name(value: str) -> str:
    """Validate an S3 bucket name against AWS's general-purpose bucket naming rules.

    3-63 characters of lower-case letters, digits, dots and hyphens; starts and ends with
    a letter or digit; no adjacent dots; not an IPv4 address; none of the reserved
    prefixes (``xn--``, ``sthree-``, ``amzn-s3-demo-``) or suffixes (``-s3alias``,
    ``--ol-s3``, ``.mrap``, ``--x-s3``, ``--table-s3``).

    Args:
        value: The bucket name.

    Returns:
        The name unchanged.

    Raises:
        ValueError: Naming the rule that was broken.
    """
    _require_str(value, "bucket name")
    if not 3 <= len(value) <= 63:
        raise ValueError(f"bucket name {_short(value)} must be 3 to 63 characters long")
    if not value.isascii() or _BUCKET_RE.fullmatch(value) is None:
        raise ValueError(
            f"bucket name {_short(value)} may hold only lower-case letters, digits, dots and "
            "hyphens, and must start and end with a letter or digit"
        )
    if ".." in value or ".-" in value or "-." in value:
        raise ValueError(f"bucket name {_short(value)} must not have adjacent dots")
    if _IPV4_RE.fullmatch(value):
        raise ValueError(f"bucket name {_short(value)} must not be an IP address")
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if value.startswith(prefix):
            raise ValueError(f"bucket name {_short(value)} uses reserved prefix {prefix!r}")
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"):
        if value.endswith(suffix):
            raise ValueError(f"bucket name {_short(value)} uses reserved suffix {suffix!r}")
    return value


def validate_s3_key(value: str) -> str:
    """Validate an S3 object key: 1-1024 UTF-8 bytes, no control characters.

    Args:
        value: The key (without the bucket).

    Returns:
        The key unchanged.

    Raises:
        ValueError: If it is empty, too long or has control characters.
    """
    _require_str(value, "S3 key")
    if not value or len(value.encode("utf-8")) > 1024:
        raise ValueError("S3 key must be 1 to 1024 bytes long")
    if _S3_KEY_FORBIDDEN.search(value):
        raise ValueError(f"S3 key {_short(value)} must not contain control characters")
    return value


def validate_ecr_image_url(value: str) -> str:
    """Validate an ECR image URL ``<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]``.

    Args:
        value: The image URL.

    Returns:
        The URL unchanged.

    Raises:
        ValueError: If it is not an ECR image URL.

    Example:
        >>> validate_ecr_image_url("123456789012.dkr.ecr.eu-central-1.amazonaws.com/app:1.0")
        '123456789012.dkr.ecr.eu-central-1.amazonaws.com/app:1.0'
    """
    _require_str(value, "ECR image URL")
    if not value.isascii() or _ECR_RE.fullmatch(value) is None:
        raise ValueError(
            f"{_short(value)} is not an ECR image URL "
            "(<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag])"
        )
    repository = value.split("/", 1)[1].split("@", 1)[0].split(":", 1)[0]
    if len(repository) > _MAX_ECR_REPOSITORY_LENGTH:
        raise ValueError(
            f"ECR repository name in {_short(value)} is longer than "
            f"{_MAX_ECR_REPOSITORY_LENGTH} characters"
        )
    return value


def validate_arn(value: str, *, service: str | None = None) -> str:
    """Validate an Amazon Resource Name.

    Args:
        value: The ARN, ``arn:<partition>:<service>:<region>:<account>:<resource>``.
        service: If given, the ARN must be for this service (``"ecs"``, ``"states"``...).

    Returns:
        The ARN unchanged.

    Raises:
        ValueError: If it is not an ARN (of that service).

    Example:
        >>> validate_arn("arn:aws:sns:us-east-1:123456789012:alerts", service="sns")
        'arn:aws:sns:us-east-1:123456789012:alerts'
    """
    _require_str(value, "ARN")
    match = _ARN_RE.fullmatch(value) if value.isascii() else None
    if match is None:
        raise ValueError(
            f"{_short(value)} is not an ARN (arn:partition:service:region:account:resource)"
        )
    if service is not None and match.group(2) != service:
        raise ValueError(f"ARN {_short(value)} is not for service {service!r}")
    return value


def validate_sha256(value: str) -> str:
    """Validate a SHA-256 hex digest; return it lower-cased.

    Args:
        value: 64 hexadecimal characters.

    Returns:
        The digest in lower case.

    Raises:
        ValueError: If it is not 64 hexadecimal characters.
    """
    _require_str(value, "SHA-256 digest")
    if not value.isascii() or _SHA256_RE.fullmatch(value) is None:
        raise ValueError(f"{_short(value)} is not a SHA-256 hex digest (64 hex characters)")
    return value.lower()


def validate_ecs_task_family(value: str) -> str:
    """Validate an ECS task definition family (1-255 letters, digits, ``-`` and ``_``).

    Args:
        value: The family name, without revision.

    Returns:
        The family unchanged.

    Raises:
        ValueError: If it is not a valid family name.
    """
    _require_str(value, "task family")
    if not value.isascii() or _TASK_FAMILY_RE.fullmatch(value) is None:
        raise ValueError(
            f"{_short(value)} is not an ECS task family (letters, digits, '-' and '_', "
            "starting with a letter or digit, at most 255)"
        )
    return value


def validate_timeframe(value: str) -> str:
    """Validate a candle timeframe such as ``1m``, ``15m``, ``4h``, ``1d``, ``1w``, ``1M``.

    Args:
        value: A positive count followed by one unit of ``s m h d w M``.

    Returns:
        The timeframe unchanged.

    Raises:
        ValueError: If it is not a timeframe.

    Example:
        >>> validate_timeframe("4h")
        '4h'
    """
    _require_str(value, "timeframe")
    if not value.isascii() or _TIMEFRAME_RE.fullmatch(value) is None:
        raise ValueError(
            f"{_short(value)} is not a timeframe (a positive number and one of s, m, h, d, w, M)"
        )
    return value


def validate_date_string(value: str) -> str:
    """Validate a ``YYYY-MM-DD`` string that names a real calendar date.

    Args:
        value: The date string.

    Returns:
        The string unchanged.

    Raises:
        ValueError: If the format is wrong or the date does not exist (``2024-02-30``).
    """
    _require_str(value, "date")
    if not value.isascii() or _DATE_RE.fullmatch(value) is None:
        raise ValueError(f"{_short(value)} is not a date in YYYY-MM-DD format")
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{_short(value)} is not a real calendar date") from None
    return value


def validate_date_range(start: str, end: str) -> None:
    """Check that ``end`` is not before ``start`` (both ``YYYY-MM-DD``).

    Args:
        start: Start date.
        end: End date.

    Raises:
        TypeError: If either date is not a string.
        ValueError: If either date is not a real ``YYYY-MM-DD`` date, or the range is reversed.
    """
    validate_date_string(start)
    validate_date_string(end)
    if end < start:  # same fixed-width format: text order is date order
        raise ValueError(f"end date {end!r} is before start date {start!r}")


def validate_strategy_name(value: str) -> str:
    """Validate a strategy name: a letter, then letters, digits, ``_`` or ``-`` (max 128).

    Args:
        value: The strategy (class) name.

    Returns:
        The name unchanged.

    Raises:
        ValueError: If the name has other characters or starts with a non-letter.
    """
    _require_str(value, "strategy name")
    if not value.isascii() or _STRATEGY_NAME_RE.fullmatch(value) is None:
        raise ValueError(
            f"strategy name {_short(value)} must start with a letter and hold only letters, "
            "digits, '_' and '-' (at most 128)"
        )
    return value


def validate_identifier(value: str) -> str:
    """Validate a generic resource identifier (ids, keys, names used in storage keys).

    1-256 ASCII characters of letters, digits and ``_ . : / -``, starting with a letter
    or digit, so it can never be read as an option or hold whitespace or control bytes.

    Args:
        value: The identifier.

    Returns:
        The identifier unchanged.

    Raises:
        ValueError: If it does not qualify.
    """
    _require_str(value, "identifier")
    if not value.isascii() or _IDENTIFIER_RE.fullmatch(value) is None:
        raise ValueError(
            f"identifier {_short(value)} must start with a letter or digit and hold only "
            "letters, digits and _ . : / - (at most 256)"
        )
    if ".." in value.split("/"):
        raise ValueError(f"identifier {_short(value)} must not hold a '..' path segment")
    return value


def validate_actor(value: str) -> str:
    """Validate who did something: a user name, e-mail, service or IAM ARN.

    1-256 ASCII characters of letters, digits and ``_ . : / @ + = , -``, starting with a
    letter or digit.

    Args:
        value: The actor id.

    Returns:
        The actor unchanged.

    Raises:
        ValueError: If it does not qualify.

    Example:
        >>> validate_actor("ci@tradai.example")
        'ci@tradai.example'
    """
    _require_str(value, "actor")
    if not value.isascii() or _ACTOR_RE.fullmatch(value) is None:
        raise ValueError(
            f"actor {_short(value)} must start with a letter or digit and hold only letters, "
            "digits and _ . : / @ + = , - (at most 256)"
        )
    return value


def validate_free_text(value: str, *, max_length: int) -> str:
    """Validate free text (descriptions, error messages): bounded, no hidden characters.

    Newlines (LF and CRLF) and tabs are allowed; other control characters and the
    bidirectional override characters (which make text display differently from what it
    is) are not.

    Args:
        value: The text.
        max_length: The most characters allowed.

    Returns:
        The text unchanged.

    Raises:
        ValueError: If it is too long or holds a forbidden character.
    """
    _require_str(value, "text")
    if len(value) > max_length:
        raise ValueError(f"text must be at most {max_length} characters")
    if _TEXT_FORBIDDEN_RE.search(value):
        raise ValueError("text must not contain control characters other than newline, CR and tab")
    return value


def validate_currency(value: str) -> str:
    """Validate a currency or asset code such as ``USDT`` (1-20 upper-case ASCII letters/digits).

    Args:
        value: The code.

    Returns:
        The code unchanged.

    Raises:
        ValueError: If it does not qualify (lower case is refused, not converted).
    """
    _require_str(value, "currency")
    if not value.isascii() or _CURRENCY_RE.fullmatch(value) is None:
        raise ValueError(f"currency {_short(value)} must be 1-20 upper-case letters or digits")
    return value


def _check_json_number(value: int | float, path: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{path}: non-finite number {value!r} cannot be stored")
    if value != 0 and not (1e-130 <= abs(value) < 1e126):
        raise ValueError(f"{path}: {value!r} is outside DynamoDB's number range")
    if isinstance(value, int) and len(str(abs(value))) > 38:
        raise ValueError(f"{path}: integers may have at most 38 digits")


def validate_json_data(value: Any, *, path: str = "$", max_depth: int = 64, _depth: int = 0) -> Any:
    """Validate JSON data that must also be storable in DynamoDB; return a normalised copy.

    Accepts ``None``, ``bool``, ``str``, finite numbers within DynamoDB's range (integers of
    at most 38 digits), lists/tuples (returned as lists) and mappings with string keys
    (returned as dicts), nested at most ``max_depth`` levels.

    Args:
        value: The data.
        path: How to name the value in error messages (``"config_data"``).
        max_depth: The deepest nesting allowed.

    Returns:
        The data with tuples as lists and mappings as dicts.

    Raises:
        ValueError: Naming the path of the first offending part.

    Example:
        >>> validate_json_data({"a": (1, 2.5, None)})
        {'a': [1, 2.5, None]}
        >>> validate_json_data({"a": float("nan")}, path="cfg")
        Traceback (most recent call last):
        ...
        ValueError: cfg.a: non-finite number nan cannot be stored
    """
    if _depth > max_depth:
        raise ValueError(f"{path}: nested deeper than {max_depth} levels")
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int | float):
        _check_json_number(value, path)
        return value
    nested = {"max_depth": max_depth, "_depth": _depth + 1}
    if isinstance(value, list | tuple):
        return [validate_json_data(v, path=f"{path}[{i}]", **nested) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise ValueError(f"{path}: keys must be strings, got {bad[0]!r:.40}")
        return {k: validate_json_data(v, path=f"{path}.{k}", **nested) for k, v in value.items()}
    raise ValueError(f"{path}: {type(value).__name__} is not JSON serializable")


def ensure(validator: Callable[[_T], _T], value: _T, *, field: str) -> _T:
    """Run a validator and raise the library's ``ValidationError`` naming ``field``.

    Args:
        validator: One of this module's validators.
        value: The value to check.
        field: The argument or field name to report.

    Returns:
        The validator's (normalised) result.

    Raises:
        ValidationError: If the validator rejects the value.

    Example:
        >>> ensure(validate_timeframe, "1h", field="timeframe")
        '1h'
    """
    try:
        return validator(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"invalid {field}: {exc}", field=field) from exc
