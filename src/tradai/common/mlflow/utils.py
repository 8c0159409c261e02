"""MLflow URI parsing, building and conversion (no network, no mlflow import).

Supported forms:

* ``models:/<name>/<version>``, ``models:/<name>/<stage>``, ``models:/<name>/latest``,
  ``models:/<name>@<alias>`` and MLflow 3's logged models ``models:/m-<id>``;
* ``runs:/<run_id>[/<artifact path>]``;
* ``mlflow-artifacts:/<path>`` (optionally ``mlflow-artifacts://host:port/<path>``), the
  proxied-artifact URIs of a server started with ``--artifacts-destination``;
* ``s3://<bucket>/<key>`` (parsed by :class:`~tradai.common.entities.aws.S3Path`).

Decisions where the design document is silent:

* Invalid input raises :class:`~tradai.common.exceptions.ValidationError` naming the
  argument; nothing is guessed. Stage names are accepted in any case
  (``production``) and returned in MLflow's spelling (``Production``), as MLflow does.
* Run ids are 32 lower-case hex digits (what the MLflow server generates).
* Converting between ``mlflow-artifacts:`` and ``s3://`` needs the server's
  ``--artifacts-destination`` (``s3://bucket/prefix``), given to the converter.

Example:
    >>> MLflowURIConverter.build_model_uri("PascalStrategy", alias="champion")
    'models:/PascalStrategy@champion'
    >>> MLflowURIConverter.parse_model_uri("models:/PascalStrategy/production").stage
    'Production'
    >>> conv = MLflowURIConverter(artifacts_destination="s3://tradai-mlflow/artifacts")
    >>> conv.to_s3("mlflow-artifacts:/1/0123456789abcdef0123456789abcdef/artifacts/x.json")
    's3://tradai-mlflow/artifacts/1/0123456789abcdef0123456789abcdef/artifacts/x.json'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import ValidationError as PydanticValidationError

from tradai.common.entities.aws import S3Path
from tradai.common.entities.mlflow import ModelStage
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.mlflow._validation import (
    check,
    validate_alias,
    validate_artifact_path,
    validate_model_name,
    validate_run_id,
    validate_version,
)

__all__ = ["MLflowURIConverter", "ModelURI", "RunURI"]

_MODELS = "models:/"
_RUNS = "runs:/"
_ARTIFACTS = "mlflow-artifacts:"
_MODEL_ID_RE = re.compile(r"m-[0-9a-f]{32}")
_AUTHORITY_RE = re.compile(r"[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?")
_STAGES = {stage.value.lower(): stage.value for stage in ModelStage}


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, field=field)


@dataclass(frozen=True, slots=True)
class ModelURI:
    """A parsed ``models:/`` URI: exactly one of version, stage, alias, latest, model_id.

    Attributes:
        name: Registered model name (``None`` for a logged-model URI ``models:/m-<id>``).
        version: Version number.
        stage: Legacy stage name (``Production``...).
        alias: Alias (``champion``).
        latest: Whether the URI asks for the latest version.
        model_id: MLflow 3 logged-model id (``m-<32 hex>``).
    """

    name: str | None = None
    version: str | None = None
    stage: str | None = None
    alias: str | None = None
    latest: bool = False
    model_id: str | None = None

    @property
    def uri(self) -> str:
        """The URI in canonical form.

        Returns:
            ``models:/...``.
        """
        if self.model_id is not None:
            return f"{_MODELS}{self.model_id}"
        if self.alias is not None:
            return f"{_MODELS}{self.name}@{self.alias}"
        selector = "latest" if self.latest else (self.version or self.stage)
        return f"{_MODELS}{self.name}/{selector}"


@dataclass(frozen=True, slots=True)
class RunURI:
    """A parsed ``runs:/<run_id>/<path>`` URI.

    Attributes:
        run_id: The run id.
        path: Artifact path inside the run (``""`` for the run's root).
    """

    run_id: str
    path: str = ""

    @property
    def uri(self) -> str:
        """The URI in canonical form.

        Returns:
            ``runs:/<run_id>`` or ``runs:/<run_id>/<path>``.
        """
        return f"{_RUNS}{self.run_id}/{self.path}" if self.path else f"{_RUNS}{self.run_id}"


class MLflowURIConverter:
    """Parse, build and convert MLflow URIs.

    Args:
        artifacts_destination: The tracking server's ``--artifacts-destination``
            (``s3://bucket/prefix``); needed only by :meth:`to_s3` and :meth:`from_s3`.

    Raises:
        ValidationError: If ``artifacts_destination`` is not a valid ``s3://`` URI.
    """

    def __init__(self, *, artifacts_destination: str | None = None) -> None:
        self._destination = (
            None
            if artifacts_destination is None
            else self.parse_s3(artifacts_destination.rstrip("/"), field="artifacts_destination")
        )

    # ------------------------------------------------------------------ models:/

    @staticmethod
    def build_model_uri(
        name: str,
        *,
        version: str | int | None = None,
        stage: str | ModelStage | None = None,
        alias: str | None = None,
    ) -> str:
        """Build ``models:/<name>/<version|stage>``, ``models:/<name>@<alias>`` or ``/latest``.

        Args:
            name: Registered model name.
            version: Version number.
            stage: Stage name (any case) or :class:`ModelStage`.
            alias: Alias name.

        Returns:
            The URI (``models:/<name>/latest`` when no selector is given).

        Raises:
            ValidationError: If a part is invalid or more than one selector is given.

        Example:
            >>> MLflowURIConverter.build_model_uri("PascalStrategy", version=3)
            'models:/PascalStrategy/3'
        """
        check(validate_model_name, name, field="name")
        if sum(x is not None for x in (version, stage, alias)) > 1:
            raise _invalid("version", "give at most one of version, stage and alias")
        if version is not None:
            number = check(validate_version, version, field="version")
            return ModelURI(name, version=str(number)).uri
        if stage is not None:
            return ModelURI(name, stage=_stage(str(getattr(stage, "value", stage)))).uri
        if alias is not None:
            return ModelURI(name, alias=check(validate_alias, alias, field="alias")).uri
        return ModelURI(name, latest=True).uri

    @staticmethod
    def parse_model_uri(uri: str) -> ModelURI:
        """Parse a ``models:/`` URI.

        Args:
            uri: The URI.

        Returns:
            The parsed URI.

        Raises:
            ValidationError: If it is not a valid ``models:/`` URI.

        Example:
            >>> MLflowURIConverter.parse_model_uri("models:/PascalStrategy@champion").alias
            'champion'
        """
        if not isinstance(uri, str) or not uri.startswith(_MODELS):
            raise _invalid("uri", f"{str(uri)[:80]!r} is not a models:/ URI")
        rest = uri[len(_MODELS) :]
        if _MODEL_ID_RE.fullmatch(rest):
            return ModelURI(model_id=rest)
        if "@" in rest and "/" not in rest:
            name, _, alias = rest.rpartition("@")
            return ModelURI(
                check(validate_model_name, name, field="uri"),
                alias=check(validate_alias, alias, field="uri"),
            )
        name, sep, selector = rest.partition("/")
        if not sep:
            raise _invalid("uri", f"{uri[:80]!r} must name a version, stage, alias or latest")
        check(validate_model_name, name, field="uri")
        if selector == "latest":
            return ModelURI(name, latest=True)
        if selector.lower() in _STAGES:
            return ModelURI(name, stage=_STAGES[selector.lower()])
        return ModelURI(name, version=check(validate_version, selector, field="uri"))

    # ------------------------------------------------------------------ runs:/

    @staticmethod
    def build_run_uri(run_id: str, path: str = "") -> str:
        """Build ``runs:/<run_id>/<path>``.

        Args:
            run_id: The run id (32 hex digits).
            path: Artifact path inside the run, or ``""``.

        Returns:
            The URI.

        Raises:
            ValidationError: If the run id or path is invalid.

        Example:
            >>> MLflowURIConverter.build_run_uri("0123456789abcdef0123456789abcdef", "model")
            'runs:/0123456789abcdef0123456789abcdef/model'
        """
        check(validate_run_id, run_id, field="run_id")
        if path:
            check(validate_artifact_path, path, field="path")
        return RunURI(run_id, path).uri

    @staticmethod
    def parse_run_uri(uri: str) -> RunURI:
        """Parse a ``runs:/<run_id>/<path>`` URI.

        Args:
            uri: The URI.

        Returns:
            The parsed URI.

        Raises:
            ValidationError: If it is not a valid ``runs:/`` URI.
        """
        if not isinstance(uri, str) or not uri.startswith(_RUNS):
            raise _invalid("uri", f"{str(uri)[:80]!r} is not a runs:/ URI")
        run_id, _, path = uri[len(_RUNS) :].partition("/")
        check(validate_run_id, run_id, field="uri")
        path = path.rstrip("/")
        if path:
            check(validate_artifact_path, path, field="uri")
        return RunURI(run_id, path)

    # ------------------------------------------------------------------ artifacts

    @staticmethod
    def artifact_path(uri: str) -> str:
        """Return the path part of a ``mlflow-artifacts:`` URI.

        Args:
            uri: ``mlflow-artifacts:/<path>`` or ``mlflow-artifacts://host[:port]/<path>``.

        Returns:
            The path without leading ``/``.

        Raises:
            ValidationError: If the URI is malformed.

        Example:
            >>> MLflowURIConverter.artifact_path("mlflow-artifacts://mlflow:5000/1/abc/artifacts")
            '1/abc/artifacts'
        """
        if not isinstance(uri, str) or not uri.startswith(_ARTIFACTS):
            raise _invalid("uri", f"{str(uri)[:80]!r} is not a mlflow-artifacts: URI")
        rest = uri[len(_ARTIFACTS) :]
        if rest.startswith("//"):
            authority, sep, rest = rest[2:].partition("/")
            if not sep or not _AUTHORITY_RE.fullmatch(authority):
                raise _invalid("uri", f"{uri[:80]!r} has a malformed host part")
        elif rest.startswith("/"):
            rest = rest[1:]
        else:
            raise _invalid("uri", f"{uri[:80]!r} must be mlflow-artifacts:/<path>")
        return check(validate_artifact_path, rest.rstrip("/"), field="uri")

    @staticmethod
    def parse_s3(uri: str, *, field: str = "uri") -> S3Path:
        """Parse an ``s3://bucket/key`` URI.

        Args:
            uri: The URI.
            field: Argument name to report on error.

        Returns:
            The S3 path.

        Raises:
            ValidationError: If it is not a valid S3 URI.

        Example:
            >>> MLflowURIConverter.parse_s3("s3://tradai-mlflow/artifacts/1").key
            'artifacts/1'
        """
        try:
            return S3Path.parse(uri)
        except PydanticValidationError as exc:
            raise _invalid(field, f"{str(uri)[:80]!r} is not a valid s3:// URI") from exc

    def _require_destination(self) -> S3Path:
        if self._destination is None:
            raise ConfigurationError(
                "artifact URI conversion needs the server's artifacts destination",
                setting="artifacts_destination",
            )
        return self._destination

    def to_s3(self, uri: str) -> str:
        """Convert a ``mlflow-artifacts:`` (or ``s3://``) URI to the ``s3://`` location.

        Args:
            uri: A proxied-artifact URI as MLflow reports it (``run.info.artifact_uri``).

        Returns:
            The S3 URI under the server's artifacts destination (an ``s3://`` input is
            validated and returned unchanged).

        Raises:
            ValidationError: If the URI is malformed.
            ConfigurationError: If no ``artifacts_destination`` was given.
        """
        if isinstance(uri, str) and uri.startswith("s3://"):
            return self.parse_s3(uri).uri
        path = self.artifact_path(uri)
        destination = self._require_destination()
        return (destination / path).uri if destination.key else f"s3://{destination.bucket}/{path}"

    def from_s3(self, uri: str) -> str:
        """Convert an ``s3://`` URI under the artifacts destination to ``mlflow-artifacts:/``.

        Args:
            uri: The S3 URI.

        Returns:
            ``mlflow-artifacts:/<path>``.

        Raises:
            ValidationError: If the URI is malformed or outside the destination.
            ConfigurationError: If no ``artifacts_destination`` was given.
        """
        path = self.parse_s3(uri)
        destination = self._require_destination()
        prefix = f"{destination.key}/" if destination.key else ""
        if path.bucket != destination.bucket or not path.key.startswith(prefix):
            raise _invalid("uri", f"{uri[:80]!r} is outside {destination.uri!r}")
        relative = check(validate_artifact_path, path.key[len(prefix) :].rstrip("/"), field="uri")
        return f"{_ARTIFACTS}/{relative}"


def _stage(value: str) -> str:
    canonical = _STAGES.get(value.lower()) if isinstance(value, str) else None
    if canonical is None:
        raise _invalid(
            "stage", f"{value!r:.40} is not a stage (None, Staging, Production, Archived)"
        )
    return canonical
