"""Success-path overhead of the resilience patterns, against tenacity, stamina and pybreaker.

Every case wraps the same trivial function (``return x``) and is called with one
argument; the baseline — a bare call of that function — is measured in the same run and
subtracted, so the figures are the *overhead per call* of each wrapper. Cases:

* ``ResiliencePolicy`` (retry inside an in-memory breaker) through a ``@resilient``
  decorator and through ``execute(policy, fn, x)``;
* ``CircuitBreaker`` alone (decorator) and ``@retry`` alone;
* ``tenacity.retry`` (3 attempts, exponential jitter), ``stamina.retry`` (3 attempts),
  ``pybreaker.CircuitBreaker`` (decorator) — the libraries a team would reach for.

Target: the policy costs ≤ 1 µs per call and is ≥ 5× cheaper than tenacity and stamina.

Usage: ``python benchmarks/bench_resilience.py [--runs N] [--quick]``
"""

from __future__ import annotations

import logging
import timeit
from collections.abc import Callable

import pybreaker
import stamina
import tenacity

from _common import median, parse_args, verdict
from tradai.common.resilience import (
    CircuitBreaker,
    ResiliencePolicy,
    RetryConfig,
    execute,
    resilient,
    retry,
)

logging.disable(logging.CRITICAL)


def target(x: int) -> int:
    """The protected function: as cheap as a call gets."""
    return x


def build_cases() -> dict[str, Callable[[], object]]:
    """One zero-argument callable per case (each calls ``target`` once)."""
    policy = ResiliencePolicy(
        retry=RetryConfig(on=ConnectionError, attempts=3),
        breaker=CircuitBreaker("bench-policy"),
    )
    policy_fn = resilient(policy)(target)
    breaker_fn = CircuitBreaker("bench-breaker")(target)
    retry_fn = retry(on=ConnectionError, attempts=3)(target)
    tenacity_fn = tenacity.retry(
        stop=tenacity.stop_after_attempt(3),
        wait=tenacity.wait_exponential_jitter(),
        retry=tenacity.retry_if_exception_type(ConnectionError),
        reraise=True,
    )(target)
    stamina_fn = stamina.retry(on=ConnectionError, attempts=3)(target)
    pybreaker_fn = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=30)(target)
    return {
        "baseline: bare call": lambda: target(1),
        "tradai ResiliencePolicy (@resilient)": lambda: policy_fn(1),
        "tradai execute(policy, fn, x)": lambda: execute(policy, target, 1),
        "tradai CircuitBreaker (decorator)": lambda: breaker_fn(1),
        "tradai retry (decorator)": lambda: retry_fn(1),
        "tenacity.retry": lambda: tenacity_fn(1),
        "stamina.retry": lambda: stamina_fn(1),
        "pybreaker.CircuitBreaker": lambda: pybreaker_fn(1),
    }


def measure(cases: dict[str, Callable[[], object]], runs: int, number: int) -> dict[str, float]:
    """Median seconds per call of each case, interleaving cases round by round."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            samples[name].append(timeit.timeit(case, number=number) / number)
    return {name: median(values) for name, values in samples.items()}


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=7)
    stamina.set_testing(False)
    cases = build_cases()
    number = 2_000 if args.quick else 200_000
    medians = measure(cases, args.runs, number)
    base = medians["baseline: bare call"]
    overhead = {name: max(value - base, 1e-12) for name, value in medians.items()}
    print(f"median of {args.runs} runs x {number:,} calls; overhead = case - bare call")
    for name, value in medians.items():
        extra = "" if name.startswith("baseline") else f"   overhead {overhead[name] * 1e9:8.0f} ns"
        print(f"  {name:40s} {value * 1e9:8.0f} ns/call{extra}")
    policy = overhead["tradai ResiliencePolicy (@resilient)"]
    vs_tenacity = overhead["tenacity.retry"] / policy
    vs_stamina = overhead["stamina.retry"] / policy
    vs_pybreaker = (
        overhead["pybreaker.CircuitBreaker"] / overhead["tradai CircuitBreaker (decorator)"]
    )
    print(f"policy overhead {policy * 1e9:.0f} ns (target <= 1000 ns): {verdict(policy <= 1e-6)}")
    print(
        f"policy is {vs_tenacity:.1f}x cheaper than tenacity (target >= 5x): "
        f"{verdict(vs_tenacity >= 5)}"
    )
    print(
        f"policy is {vs_stamina:.1f}x cheaper than stamina (target >= 5x): "
        f"{verdict(vs_stamina >= 5)}"
    )
    print(f"breaker alone is {vs_pybreaker:.1f}x cheaper than pybreaker (information)")


if __name__ == "__main__":
    main()
