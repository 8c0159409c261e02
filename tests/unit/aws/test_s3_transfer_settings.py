"""TransferSettings: sensible defaults, bounded and validated values; the port's shape."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from typing import Any

import pytest

from tradai.common.aws.s3_utils import ObjectStore, S3ObjectStore, TransferSettings
from tradai.common.exceptions import ConfigurationError

MIB = 1024 * 1024


def test_defaults_are_sixteen_mib_parts_and_eight_threads() -> None:
    settings = TransferSettings()
    assert (settings.multipart_threshold, settings.part_size, settings.max_concurrency) == (
        16 * MIB,
        16 * MIB,
        8,
    )


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TransferSettings().part_size = 6 * MIB  # type: ignore[misc]  # proving it is frozen


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("part_size", 5 * MIB - 1),
        ("part_size", 5 * 1024 * MIB + 1),
        ("part_size", True),
        ("part_size", 8.0 * MIB),
        ("multipart_threshold", MIB),
        ("max_concurrency", 0),
        ("max_concurrency", 65),
        ("max_concurrency", "8"),
    ],
)
def test_out_of_range_values_raise_configuration_error_naming_the_setting(
    field: str, value: Any
) -> None:
    with pytest.raises(ConfigurationError) as info:
        TransferSettings(**{field: value})
    assert info.value.setting == field


def test_the_smallest_and_largest_parts_are_accepted() -> None:
    assert TransferSettings(part_size=5 * MIB).part_size == 5 * MIB
    assert TransferSettings(part_size=5 * 1024 * MIB).part_size == 5 * 1024 * MIB


def test_the_s3_store_satisfies_the_object_store_protocol() -> None:
    store = S3ObjectStore(client=object(), settings=TransferSettings(max_concurrency=2))
    assert isinstance(store, ObjectStore)
    assert store.settings.max_concurrency == 2
    assert store.client is not None


@pytest.mark.parametrize(
    "module",
    [
        "tradai.common.aws.s3_utils",
        "tradai.common.aws.async_s3_utils",
        "tradai.common.aws.memory.object_store",
    ],
)
def test_importing_the_object_store_modules_does_not_import_boto3(module: str) -> None:
    code = f"import sys, json\nimport {module}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded = {name.split(".")[0] for name in json.loads(out)}
    assert not loaded & {"boto3", "botocore", "aioboto3", "aiobotocore", "yaml"}
