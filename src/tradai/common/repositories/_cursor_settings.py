"""Settings of the pagination cursors (imported on first use: pydantic-settings is not light).

Example:
    >>> CursorSettings(cursor_secret="an example secret of 32 characters!").cursor_secret
    SecretStr('**********')
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from tradai.common.settings import Settings

__all__ = ["CursorSettings"]


class CursorSettings(Settings):
    """Where the key that signs pagination cursors comes from.

    Attributes:
        cursor_secret: The HMAC key, from the environment variable ``TRADAI_CURSOR_SECRET``
            (at least 16 characters; shared by every instance that serves the same
            cursors). ``None`` when unset: reading past the first page then raises
            :class:`~tradai.common.exceptions.ConfigurationError`.
    """

    model_config = SettingsConfigDict(env_prefix="TRADAI_")

    cursor_secret: SecretStr | None = Field(default=None, description="HMAC key of cursors")
