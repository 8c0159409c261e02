"""Hypothesis: exchange secrets never leak; config hashes, StrategyConfig and names hold up.

Valid values must be accepted and round-trip; near-misses (one mutation away from a valid
value: trailing newline, NUL, surrounding spaces, leading ``-``, shell metacharacters,
look-alike letters or digits) must raise pydantic's ValidationError and nothing else.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

import pydantic
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from tradai.common.config.catalog import StrategyConfig
from tradai.common.entities.config_version import ConfigVersion
from tradai.common.entities.exchange import AuthType, ExchangeConfig

_LOOKALIKES = str.maketrans(
    "aceopxyABCEHKMOPTX0123456789",
    "асеорхуАВСЕНКМОРТХ０１２３４５６７８９",
)


def _lookalike(value: str) -> str:
    for index, char in enumerate(value):
        swapped = char.translate(_LOOKALIKES)
        if swapped != char:
            return value[:index] + swapped + value[index + 1 :]
    return value + "а"


MUTATIONS: list[Callable[[str], str]] = [
    lambda s: s + "\n",
    lambda s: " " + s,
    lambda s: s + " ",
    lambda s: "-" + s,
    lambda s: s + "\x00",
    *(lambda s, c=c: s[:1] + c + s[1:] for c in ";|&$`"),
    _lookalike,
]


def near_misses(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Strings one mutation away from a valid one."""
    return st.builds(lambda s, mutate: mutate(s), valid, st.sampled_from(MUTATIONS))


# ----------------------------------------------------------------- secrets never leak

_SECRET_CHARS = string.ascii_letters + string.digits + string.punctuation
# The ``~`` fences keep a generated secret from matching text that is in every rendering
# anyway (hypothesis likes to draw strings from the code under test, e.g. "ExchangeConf").
secrets = st.text(_SECRET_CHARS, min_size=10, max_size=60).map(lambda s: f"~{s}~")
_CEX_FIELDS = ("api_key", "api_secret", "passphrase")


def _rendered(config: ExchangeConfig) -> list[str]:
    return [
        repr(config),
        str(config),
        config.model_dump_json(),
        str(config.model_dump(mode="json")),
        repr(config.model_dump()),
    ]


@settings(max_examples=100, deadline=None)
@given(values=st.tuples(secrets, secrets, secrets))
def test_cex_secrets_never_show_in_repr_str_or_dumps(values: tuple[str, str, str]) -> None:
    fields: dict[str, Any] = dict(zip(_CEX_FIELDS, map(SecretStr, values), strict=True))
    config = ExchangeConfig(name="okx", **fields)
    expected = dict(zip(["apiKey", "secret", "password"], values, strict=True))
    assert config.to_ccxt_config() == expected
    for text in _rendered(config):
        assert all(v not in text for v in values)


@settings(max_examples=100, deadline=None)
@given(secret=secrets, mutate=st.sampled_from([*MUTATIONS[:5], _lookalike]))
def test_refused_secrets_never_show_in_errors(secret: str, mutate: Callable[[str], str]) -> None:
    bad = mutate(secret)
    assume(bad != secret and (bad != bad.strip() or not (bad.isascii() and bad.isprintable())))
    with pytest.raises(pydantic.ValidationError) as info:
        ExchangeConfig.model_validate({"name": "binance", "api_key": bad, "apikey": secret})
    rendered = [str(info.value), repr(info.value.errors()), info.value.json()]
    for text in rendered:
        assert secret.strip() not in text


@settings(max_examples=75, deadline=None)
@given(secret=secrets, name=near_misses(st.from_regex(r"[a-z][a-z0-9]{1,15}", fullmatch=True)))
def test_valid_secrets_never_show_in_errors_of_other_fields(secret: str, name: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        ExchangeConfig(
            name=name,
            auth_type=AuthType.PRIVATE_KEY,
            private_key=SecretStr(secret),
            wallet_address=SecretStr(secret[::-1]),
        )
    for text in (str(info.value), repr(info.value.errors()), info.value.json()):
        assert secret not in text
        assert secret[::-1] not in text


# ----------------------------------------------------------------- exchange names

exchange_names = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)


@settings(max_examples=75, deadline=None)
@given(name=exchange_names, upper=st.booleans())
def test_valid_exchange_names_are_lowered_and_round_trip(name: str, upper: bool) -> None:
    config = ExchangeConfig(name=name.upper() if upper else name)
    assert config.name == name
    assert config.key.startswith(f"{name}_")
    assert ExchangeConfig.model_validate(config.model_dump()) == config


@settings(max_examples=100, deadline=None)
@given(name=near_misses(exchange_names))
def test_exchange_name_near_misses_are_refused(name: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        ExchangeConfig(name=name)


# ----------------------------------------------------------------- config hash

hashes = st.text("0123456789abcdefABCDEF", min_size=64, max_size=64)
_json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    # numbers DynamoDB can store (config versions live in a table)
    | st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: f == 0 or 1e-130 <= abs(f) < 1e126
    )
    | st.text(max_size=8)
)
json_data = st.recursive(
    _json_leaf,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
config_data = st.dictionaries(st.text(min_size=1, max_size=6), json_data, max_size=5)


def _version(config_hash: str, data: dict[str, Any] | None = None) -> ConfigVersion:
    return ConfigVersion(
        strategy_name="PascalStrategy",
        config_id="v1-abc12345",
        config_hash=config_hash,
        config_data=data if data is not None else {},
        version_number=1,
    )


@settings(max_examples=100, deadline=None)
@given(value=hashes, data=config_data)
def test_config_hash_is_lowered_and_versions_round_trip(value: str, data: dict[str, Any]) -> None:
    version = _version(value, data)
    assert version.config_hash == value.lower()
    assert ConfigVersion.model_validate(version.model_dump()) == version
    assert ConfigVersion.from_dynamodb_item(version.to_dynamodb_item()) == version


@settings(max_examples=100, deadline=None)
@given(
    value=near_misses(hashes)
    | st.text("0123456789abcdef", max_size=63)
    | st.text("0123456789abcdef", min_size=65, max_size=70)
)
def test_config_hash_near_misses_are_refused(value: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        _version(value)


@settings(max_examples=75, deadline=None)
@given(data=config_data, seed=st.randoms(use_true_random=False))
def test_compute_hash_ignores_key_order(data: dict[str, Any], seed: Any) -> None:
    items = list(data.items())
    seed.shuffle(items)
    digest = ConfigVersion.compute_hash(data)
    assert ConfigVersion.compute_hash(dict(items)) == digest
    assert _version(digest, data).hash_matches_data


# ----------------------------------------------------------------- StrategyConfig

names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,30}", fullmatch=True)
versions = st.builds("{}.{}.{}".format, *(st.integers(0, 999).map(str) for _ in range(3)))
timeframes = st.builds("{}{}".format, st.integers(1, 9999).map(str), st.sampled_from("mhd"))
_coin = st.from_regex(r"[A-Z0-9]{2,8}", fullmatch=True)
pairs = st.builds("{}/{}".format, _coin, _coin)


@settings(max_examples=100, deadline=None)
@given(
    name=names,
    version=versions,
    timeframe=timeframes,
    pair_list=st.lists(pairs, max_size=4, unique=True),
)
def test_valid_strategy_configs_are_accepted_and_round_trip(
    name: str, version: str, timeframe: str, pair_list: list[str]
) -> None:
    config = StrategyConfig(
        name=name, version=version, timeframe=timeframe, pairs=[p.lower() for p in pair_list]
    )
    assert config.pairs == pair_list
    assert StrategyConfig.model_validate(config.model_dump()) == config


@settings(max_examples=100, deadline=None)
@given(
    field_and_value=st.one_of(
        st.tuples(st.just("name"), near_misses(names)),
        st.tuples(st.just("version"), near_misses(versions)),
        st.tuples(st.just("timeframe"), near_misses(timeframes)),
        st.tuples(st.just("pairs"), near_misses(pairs).map(lambda p: [p])),
        st.tuples(st.just("stake_currency"), near_misses(_coin)),
        st.tuples(st.just("exchange"), near_misses(exchange_names)),
    )
)
def test_strategy_config_near_misses_are_refused(field_and_value: tuple[str, Any]) -> None:
    field, value = field_and_value
    data: dict[str, Any] = {"name": "PascalStrategy", "version": "1.0.0", "timeframe": "1h"}
    data[field] = value
    with pytest.raises(pydantic.ValidationError) as info:
        StrategyConfig(**data)
    assert info.value.errors()[0]["loc"][0] == field
