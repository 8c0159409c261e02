"""S3ConfigSource construction (no S3 access needed; behaviour is in tests/integration)."""

from __future__ import annotations

import pytest

from tradai.common.config.sources import S3ConfigSource
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import ValidationError


@pytest.mark.parametrize(
    "root",
    [
        "http://tradai-configs/strategies",
        "s3://Bad_Bucket/strategies",
        "s3://tradai-configs/../strategies",
        "s3://tradai-configs/a\nb",
        " s3://tradai-configs/strategies",
        "s3://tradai-configs/strategies\x00",
        "",
    ],
)
def test_an_invalid_s3_root_is_rejected_naming_root(root: str) -> None:
    with pytest.raises(ValidationError) as info:
        S3ConfigSource(root)
    assert info.value.field == "root"


def test_root_accepts_a_uri_or_an_s3_path() -> None:
    from_uri = S3ConfigSource("s3://tradai-configs/strategies/")
    from_path = S3ConfigSource(S3Path(bucket="tradai-configs", key="strategies/"))
    assert from_uri.root == from_path.root == S3Path.parse("s3://tradai-configs/strategies/")
    assert repr(from_uri) == "S3ConfigSource('s3://tradai-configs/strategies/')"
