"""JSON/YAML payloads and atomic local files shared by the object stores."""

from __future__ import annotations

import math
import sys

import pytest

from tradai.common.aws._s3_codecs import (
    dump_json,
    dump_yaml,
    load_json,
    load_yaml,
)
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import MissingDependencyError, ValidationError

PATH = S3Path.parse("s3://tradai-data/conf.json")


def test_json_is_compact_utf8_and_round_trips() -> None:
    value = {"pair": "BTC/USDT", "name": "ü", "n": [1, 2.5, None, True]}
    data = dump_json(value)
    assert data == '{"pair":"BTC/USDT","name":"ü","n":[1,2.5,null,true]}'.encode()
    assert load_json(data, PATH) == value


@pytest.mark.parametrize("value", [{1, 2}, object(), math.nan, {"x": math.inf}])
def test_dump_json_refuses_values_json_cannot_hold(value: object) -> None:
    with pytest.raises(ValidationError, match="not JSON-serialisable"):
        dump_json(value)


@pytest.mark.parametrize("data", [b"{", b"\xff\xfe", b""])
def test_load_json_refuses_non_json_naming_the_object(data: bytes) -> None:
    with pytest.raises(ValidationError, match=r"s3://tradai-data/conf\.json"):
        load_json(data, PATH)


def test_yaml_keeps_key_order_and_round_trips() -> None:
    value = {"z": 1, "a": {"list": [1, "two"]}, "ü": None}
    data = dump_yaml(value)
    assert data.decode().startswith("z: 1\n")
    assert load_yaml(data, PATH) == value


def test_dump_yaml_refuses_objects_safe_dump_cannot_represent() -> None:
    with pytest.raises(ValidationError, match="not YAML-serialisable"):
        dump_yaml({"x": object()})


@pytest.mark.parametrize("data", [b"a: [", b"!!python/object:os.system {}", b"\xff"])
def test_load_yaml_refuses_bad_or_unsafe_yaml(data: bytes) -> None:
    with pytest.raises(ValidationError, match="does not hold valid YAML"):
        load_yaml(data, PATH)


def test_yaml_without_pyyaml_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(MissingDependencyError, match=r"tradai-common\[yaml\]"):
        dump_yaml({"a": 1})
