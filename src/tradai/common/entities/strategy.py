"""The registered trading strategy.

Decisions where the reference is silent:

* ``version`` is a semantic version; a leading ``v`` is accepted and kept as given.
* ``ecr_url`` is any ECR image URL (account id of 1-12 digits, region, repository, optional
  tag or digest), checked by :func:`~tradai.common.validators.validate_ecr_image_url`.
* Tag keys follow AWS tag-key characters without spaces (1-128 of letters, digits and
  ``_ . : / = + @ -``); values are at most 256 characters with no control characters.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from tradai.common.entities._base import FrozenModel, utc_now
from tradai.common.types import StrategyName, UtcDatetime
from tradai.common.validators import validate_ecr_image_url, validate_semver

__all__ = ["Strategy"]


def _semver_with_v(value: str) -> str:
    return validate_semver(value, allow_v_prefix=True)


_TagKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:/=+@-]{1,128}$")]
_TagValue = Annotated[str, Field(max_length=256, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$")]


class Strategy(FrozenModel):
    """Trading strategy entity: a registered strategy with its metadata.

    Attributes:
        name: Strategy name (a letter, then letters, digits, ``_`` and ``-``).
        version: Semantic version (``"1.0.0"`` or ``"v1.0.0"``).
        ecr_url: ECR image URL for deployment.
        created_at: Creation timestamp (UTC; defaults to now).
        tags: Optional metadata tags.

    Example:
        >>> strategy = Strategy(
        ...     name="PascalStrategy",
        ...     version="2.0.0",
        ...     ecr_url="123456789.dkr.ecr.eu-central-1.amazonaws.com"
        ...     "/tradai-strategies:pascal-2.0.0",
        ... )
        >>> strategy.name, strategy.version
        ('PascalStrategy', '2.0.0')
    """

    name: StrategyName
    version: Annotated[str, AfterValidator(_semver_with_v)]
    ecr_url: str
    created_at: UtcDatetime = Field(default_factory=utc_now)
    tags: dict[_TagKey, _TagValue] = Field(default_factory=dict)

    @field_validator("ecr_url")
    @classmethod
    def validate_ecr_url(cls, v: str) -> str:
        """Validate the ECR URL format.

        Args:
            v: ``<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]``.

        Returns:
            The URL unchanged.

        Raises:
            ValueError: If it is not an ECR image URL.
        """
        return validate_ecr_image_url(v)
