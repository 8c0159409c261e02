"""RetryConfig refuses unbounded or malformed settings; delays are planned within bounds."""

from __future__ import annotations

import math

import pytest

from tradai.common.exceptions import TransientError, ValidationError
from tradai.common.resilience._backoff import next_delay
from tradai.common.resilience.retry import RetryConfig, full_jitter_backoff, retry_after_attribute


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("attempts", 0),
        ("attempts", -1),
        ("attempts", True),
        ("attempts", 2.0),
        ("deadline", 0),
        ("deadline", -1.0),
        ("deadline", math.inf),
        ("deadline", math.nan),
        ("deadline", "30"),
        ("wait_initial", -0.1),
        ("wait_max", math.inf),
        ("wait_exp_base", 0.5),
        ("wait_exp_base", math.nan),
        ("retry_after_max", -1),
        ("retry_after_max", True),
    ],
)
def test_out_of_range_bounds_are_refused_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        RetryConfig(on=OSError, **{field: value})  # type: ignore[arg-type]  # bad on purpose
    assert info.value.field == field


@pytest.mark.parametrize("on", [(), (OSError, "x"), "OSError", 42, None])
def test_on_must_name_exception_classes_or_be_a_predicate(on: object) -> None:
    with pytest.raises(ValidationError) as info:
        RetryConfig(on=on)  # type: ignore[arg-type]  # bad on purpose
    assert info.value.field == "on"


def test_on_is_required() -> None:
    with pytest.raises(TypeError):
        RetryConfig()  # type: ignore[call-arg]  # proving there is no default


def test_on_accepts_a_class_a_tuple_or_a_predicate() -> None:
    assert RetryConfig(on=OSError).matches(ConnectionError())
    assert not RetryConfig(on=OSError).matches(ValueError())
    assert RetryConfig(on=(KeyError, OSError)).matches(KeyError())
    only_503 = RetryConfig(on=lambda exc: getattr(exc, "status_code", None) == 503)
    assert only_503.matches(TransientError("x", status_code=503))
    assert not only_503.matches(TransientError("x", status_code=500))


def test_defaults_are_bounded() -> None:
    config = RetryConfig(on=OSError)
    assert (config.attempts, config.deadline, config.wait_max) == (3, 30.0, 5.0)


def test_retry_after_attribute_reads_numbers_only() -> None:
    assert retry_after_attribute(TransientError("x", retry_after=1.5)) == 1.5
    assert retry_after_attribute(TransientError("x")) is None
    bad = TransientError("x")
    for value in (-1, math.inf, math.nan, "5", True):
        bad.retry_after = value  # type: ignore[assignment]  # malformed on purpose
        assert retry_after_attribute(bad) is None


def test_server_delay_is_capped_and_ignored_when_malformed() -> None:
    config = RetryConfig(on=TransientError, retry_after_max=10.0)
    assert config.server_delay(TransientError("x", retry_after=99)) == 10.0
    assert config.server_delay(None) is None
    odd = RetryConfig(on=TransientError, retry_after=lambda exc: math.nan)
    assert odd.server_delay(TransientError("x")) is None
    ignoring = RetryConfig(on=TransientError, retry_after=None)
    assert ignoring.server_delay(TransientError("x", retry_after=1)) is None


def test_full_jitter_ceiling_grows_then_caps_and_survives_huge_exponents() -> None:
    ceilings = [full_jitter_backoff(n, initial=0.1, cap=1.0, base=2.0, rand=1.0) for n in (1, 2, 3)]
    assert ceilings == [0.1, 0.2, 0.4]
    assert full_jitter_backoff(10_000, initial=0.1, cap=1.0, base=2.0, rand=1.0) == 1.0
    assert full_jitter_backoff(5, initial=0.1, cap=1.0, base=2.0, rand=0.0) == 0.0


def test_next_delay_never_sleeps_past_the_deadline() -> None:
    config = RetryConfig(on=OSError, deadline=1.0, wait_initial=10.0, wait_max=10.0, rng=lambda: 1)
    assert next_delay(config, 1, OSError(), elapsed=0.75) == 0.25
    assert next_delay(config, 1, OSError(), elapsed=1.0) is None


def test_next_delay_gives_up_when_the_server_asks_for_more_than_is_left() -> None:
    config = RetryConfig(on=TransientError, deadline=5.0)
    assert next_delay(config, 1, TransientError("x", retry_after=4), elapsed=0.0) == 4.0
    assert next_delay(config, 1, TransientError("x", retry_after=6), elapsed=0.0) is None
