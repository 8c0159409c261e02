"""Exchange connection entities: market type, process mode and credentials.

:class:`TradingMode` is the market type (Freqtrade-compatible); :class:`OperatingMode` is
what a strategy process does (``tradai.common.entrypoint.settings`` re-exports it as
``TradingMode``); :class:`ExchangeConfig` is a ccxt connection whose CEX (API key) or DEX
(private key) credentials are :class:`~pydantic.SecretStr` and never appear in ``repr``,
``str``, dumps or error messages.

Decisions where the specification is silent:

* ``key`` is always ``"<name>_<trading_mode>"`` (``binance_spot`` too), so one exchange in
  two markets never shares a key; ``trading_mode`` defaults to ``FUTURES`` like
  :meth:`ExchangeConfig.from_secret`.
* No ``AuthType.NONE``: public-data access is a config without credentials. Credentials of
  the other auth type are refused, not ignored; ``wallet_address`` is optional.
* A credential is opaque printable ASCII (``$``/``&`` allowed: it never reaches a shell);
  empty values, surrounding whitespace, control characters, non-ASCII and the dump mask
  ``**********`` are refused.
* ``OperatingMode.requires_credentials`` is true for ``LIVE`` only (dry runs use public data).
* ``from_secret`` ignores keys it does not know (secrets may carry metadata) and never
  reads ``sandbox``; use ``model_copy(update={"sandbox": True})``.
* ``from_secret`` without a client reads through the process-wide cached secrets store
  (:func:`tradai.common.aws.secrets_manager.default_store`).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, TypeVar

from pydantic import ConfigDict, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError

from tradai.common.entities._base import FrozenModel
from tradai.common.entities._exchange_io import (
    CEX_FIELDS,
    DEX_FIELDS,
    check_secret_text,
    check_with_ccxt,
    credentials_from_payload,
    load_secret_payload,
    wrap_secret,
)
from tradai.common.exceptions import AuthenticationError, ValidationError

__all__ = ["AuthType", "ExchangeConfig", "OperatingMode", "TradingMode"]

_E = TypeVar("_E", bound=Enum)

_EXCHANGE_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,49}")
_SECRET_FIELDS = CEX_FIELDS + DEX_FIELDS


def _parse_enum(enum_cls: type[_E], value: object, what: str) -> _E:
    if isinstance(value, str) and value.isascii():
        for member in enum_cls:
            if member.value == value.lower():
                return member
    expected = ", ".join(str(m.value) for m in enum_cls)
    raise ValueError(f"unknown {what} {value!r:.40}; expected one of {expected}")


class TradingMode(str, Enum):
    """Trading mode enum compatible with Freqtrade's TradingMode.

    SPOT, MARGIN and FUTURES (perpetual swaps and delivery futures) markets; maps to CCXT
    market types via the :attr:`ccxt_types` property.

    Example:
        >>> mode = TradingMode.FUTURES
        >>> mode.value
        'futures'
        >>> sorted(mode.ccxt_types)
        ['future', 'swap']
    """

    SPOT = "spot"
    MARGIN = "margin"
    FUTURES = "futures"

    @property
    def ccxt_types(self) -> frozenset[str]:
        """Get CCXT market types for filtering.

        Returns:
            Set of CCXT type strings for this trading mode.
        """
        if self is TradingMode.FUTURES:
            return frozenset({"swap", "future"})
        return frozenset({self.value})

    @classmethod
    def from_string(cls, value: str) -> TradingMode:
        """Parse trading mode from string (case-insensitive).

        Args:
            value: Trading mode string ('spot', 'margin', 'futures').

        Returns:
            TradingMode enum value.

        Raises:
            ValueError: If value is not a valid trading mode (surrounding spaces and
                look-alike letters included).

        Example:
            >>> TradingMode.from_string("SPOT")
            <TradingMode.SPOT: 'spot'>
        """
        return _parse_enum(cls, value, "trading mode")


class OperatingMode(str, Enum):
    """What a strategy process does.

    Example:
        >>> OperatingMode.from_string("dry_run").is_live
        False
        >>> OperatingMode.LIVE.requires_credentials
        True
    """

    BACKTEST = "backtest"
    HYPEROPT = "hyperopt"
    TRAIN = "train"
    DRY_RUN = "dry_run"
    LIVE = "live"

    @property
    def is_live(self) -> bool:
        """Whether real orders are placed with real money."""
        return self is OperatingMode.LIVE

    @property
    def requires_credentials(self) -> bool:
        """Whether the process needs authenticated exchange access (``LIVE`` only)."""
        return self is OperatingMode.LIVE

    @classmethod
    def from_string(cls, value: str) -> OperatingMode:
        """Parse an operating mode from its value (case-insensitive).

        Args:
            value: One of 'backtest', 'hyperopt', 'train', 'dry_run', 'live'.

        Returns:
            The OperatingMode.

        Raises:
            ValueError: If value is not an operating mode.
        """
        return _parse_enum(cls, value, "operating mode")


class AuthType(str, Enum):
    """How an exchange authenticates: CEX API key/secret or DEX wallet private key."""

    API_KEY = "api_key"
    PRIVATE_KEY = "private_key"


_FOREIGN_FIELDS: dict[AuthType, tuple[str, ...]] = {
    AuthType.API_KEY: DEX_FIELDS,
    AuthType.PRIVATE_KEY: CEX_FIELDS,
}


class ExchangeConfig(FrozenModel):
    """Configuration for a CCXT exchange connection.

    Supports both CEX (API key/secret) and DEX (private key) authentication. Uses
    TradingMode enum for market type. Provides ccxt_types property for CCXT market
    filtering. Credentials never appear in ``repr``, ``str``, dumps or error messages.

    Example:
        >>> config = ExchangeConfig(name="binance", trading_mode=TradingMode.FUTURES)
        >>> config.key
        'binance_futures'
        >>> dex = ExchangeConfig(
        ...     name="hyperliquid",
        ...     auth_type=AuthType.PRIVATE_KEY,
        ...     private_key=SecretStr("0x..."),
        ... )
        >>> dex.is_authenticated, dex.private_key
        (True, SecretStr('**********'))
    """

    model_config = ConfigDict(hide_input_in_errors=True)

    name: str
    trading_mode: TradingMode = TradingMode.FUTURES
    auth_type: AuthType = AuthType.API_KEY
    api_key: SecretStr | None = None
    api_secret: SecretStr | None = None
    passphrase: SecretStr | None = None
    private_key: SecretStr | None = None
    wallet_address: SecretStr | None = None
    sandbox: bool = False

    @field_validator("name")
    @classmethod
    def validate_name(cls, v: str) -> str:
        """Normalize exchange name to lowercase (a ccxt exchange id such as ``binance``).

        Args:
            v: The exchange name as given.

        Returns:
            The name in lower case.

        Raises:
            ValueError: If the name is not ASCII letters, digits and ``_`` starting with a
                letter.
        """
        lowered = v.lower() if v.isascii() else ""
        if _EXCHANGE_NAME_RE.fullmatch(lowered) is None:
            raise ValueError(
                f"exchange name {v!r:.60} must be a ccxt exchange id "
                "(ASCII letters, digits and '_', starting with a letter)"
            )
        return lowered

    @field_validator("trading_mode", mode="before")
    @classmethod
    def parse_trading_mode(cls, v: str | TradingMode) -> TradingMode:
        """Parse trading mode from string or TradingMode enum.

        Args:
            v: A TradingMode or its value in any case (``"Futures"``).

        Returns:
            The TradingMode.

        Raises:
            ValueError: If the value is not a trading mode.
        """
        if isinstance(v, TradingMode):
            return v
        return TradingMode.from_string(v)

    @model_validator(mode="before")
    @classmethod
    def _wrap_secrets(cls, data: Any) -> Any:
        # pydantic's ``errors()`` carries each field's raw input even with
        # ``hide_input_in_errors``; wrapped first, a refused credential (or a mistyped
        # field name holding one) shows as a mask.
        if isinstance(data, dict):
            public = cls.model_fields.keys() - _SECRET_FIELDS
            return {k: v if k in public else wrap_secret(v) for k, v in data.items()}
        return data

    @field_validator(*_SECRET_FIELDS)
    @classmethod
    def _check_secret(cls, v: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if v is None:
            return v
        auth_type = info.data.get("auth_type")
        if isinstance(auth_type, AuthType) and info.field_name in _FOREIGN_FIELDS[auth_type]:
            raise ValueError(f"cannot be used with auth_type {auth_type.value!r}")
        check_secret_text(v.get_secret_value())
        return v

    @property
    def key(self) -> str:
        """Return dict key for this exchange (e.g., 'binance_futures')."""
        return f"{self.name}_{self.trading_mode.value}"

    @property
    def ccxt_types(self) -> frozenset[str]:
        """Get CCXT market types for filtering."""
        return self.trading_mode.ccxt_types

    @property
    def is_authenticated(self) -> bool:
        """Check if credentials are present for authentication.

        Returns:
            True if required credentials are set (API key and secret for CEX, private
            key for DEX).
        """
        if self.auth_type is AuthType.PRIVATE_KEY:
            return self.private_key is not None
        return self.api_key is not None and self.api_secret is not None

    def to_ccxt_config(self) -> dict[str, str]:
        """Convert credentials to CCXT configuration format.

        This is the one place secrets are unwrapped: keep the result out of logs.

        Returns:
            Dictionary suitable for CCXT exchange initialization (``apiKey``, ``secret``,
            ``password`` for CEX; ``privateKey``, ``walletAddress`` for DEX).

        Example:
            >>> config = ExchangeConfig(
            ...     name="binance", api_key=SecretStr("key"), api_secret=SecretStr("secret")
            ... )
            >>> config.to_ccxt_config()
            {'apiKey': 'key', 'secret': 'secret'}
        """
        pairs: tuple[tuple[str, SecretStr | None], ...]
        if self.auth_type is AuthType.PRIVATE_KEY:
            pairs = (("privateKey", self.private_key), ("walletAddress", self.wallet_address))
        else:
            pairs = (
                ("apiKey", self.api_key),
                ("secret", self.api_secret),
                ("password", self.passphrase),
            )
        return {k: v.get_secret_value() for k, v in pairs if v is not None}

    def validate_credentials(self, timeout: int = 10) -> None:
        """Validate exchange credentials by making an authenticated API call.

        Uses fetch_balance() as the validation method - it's lightweight and requires
        authentication on all exchanges. Needs the ``exchange`` extra (ccxt).

        Args:
            timeout: Request timeout in seconds (0 < timeout <= 300).

        Raises:
            AuthenticationError: If credentials are invalid or missing (missing ones are
                reported before ccxt is imported).
            TransientError: If the exchange could not be reached (timeouts, rate limits).
            ExternalServiceError: If exchange API call fails for other reasons.
            ConfigurationError: If ccxt has no exchange of this name.
            ValidationError: If timeout is out of range.
            MissingDependencyError: If ccxt is not installed.
        """
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise ValidationError("timeout must be a number of seconds", field="timeout")
        if not 0 < timeout <= 300:
            raise ValidationError("timeout must be in (0, 300] seconds", field="timeout")
        if not self.is_authenticated:
            raise AuthenticationError(
                f"exchange {self.name!r} has no complete {self.auth_type.value} credentials",
                context={"exchange": self.name},
            )
        check_with_ccxt(self.name, self.to_ccxt_config(), sandbox=self.sandbox, timeout=timeout)

    @classmethod
    def from_secret(
        cls,
        secret_name: str,
        name: str | None = None,
        trading_mode: TradingMode = TradingMode.FUTURES,
        client: Any = None,
    ) -> ExchangeConfig:
        """Load credentials from AWS Secrets Manager.

        The secret is a JSON object. For a CEX: ``api_key``, ``api_secret`` and optionally
        ``passphrase``; for a DEX: ``private_key`` and optionally ``wallet_address``. Both
        may carry ``exchange_name``. The auth type is inferred from the keys present.

        Args:
            secret_name: Name or ARN of the secret in Secrets Manager.
            name: Exchange name (optional, can be in secret as "exchange_name"; the
                argument wins when both are given).
            trading_mode: Trading mode (default: FUTURES).
            client: A secrets store (``get_secret(name) -> str | Mapping``) or a boto3
                Secrets Manager client (read uncached). When ``None``, the process-wide
                cached store (needs the ``aws`` extra).

        Returns:
            ExchangeConfig instance.

        Raises:
            ExternalServiceError: If secret retrieval fails, a missing secret included
                (``TransientError`` when AWS throttles or fails internally).
            ValidationError: If secret format is invalid. Messages name the secret and
                the field, never a value.
        """
        secret_name, payload = load_secret_payload(secret_name, client)
        exchange_name = name if name is not None else payload.get("exchange_name")
        if not isinstance(exchange_name, str):
            raise ValidationError(
                f"no exchange name: pass name= or set exchange_name in secret {secret_name!r}",
                field="exchange_name",
            )
        data = credentials_from_payload(secret_name, payload)
        data.update(name=exchange_name, trading_mode=trading_mode)
        try:
            return cls.model_validate(data)
        except PydanticValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg']}"
                for e in exc.errors(include_input=False, include_url=False)
            )
            raise ValidationError(
                f"secret {secret_name!r} holds an invalid exchange config: {problems}",
                field="secret",
            ) from exc
