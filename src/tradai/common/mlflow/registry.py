"""Model registry operations: register versions, aliases, version resolution, legacy stages.

Resolution of ``BacktestConfig.strategy_version`` (spec README point 2):

* a number (``"3"``) → that version;
* ``"latest"`` → the highest version number;
* a stage name (``"Production"``, ``"Staging"``, ``"Archived"``, ``"None"``) → the version
  the alias of the same name in lower case points at (``production``) if it is set,
  otherwise the newest version the server still holds in that legacy stage.

Every resolution returns the :class:`~tradai.common.entities.mlflow.ModelVersion` entity
and raises ``NotFoundError`` when nothing matches.

Decisions where the design document is silent:

* :meth:`ModelRegistry.register_version` creates the registered model on first use and
  defaults the source to ``runs:/<run_id>/model``.
* Legacy stage transitions stay available (:meth:`ModelRegistry.transition_stage`) but
  never touch aliases: aliases are the MLflow 3 mechanism and win during resolution.
* :meth:`ModelRegistry.promote` moves an alias (``champion`` by default; see
  :data:`ALIAS_CHAMPION`/:data:`ALIAS_CHALLENGER`) and returns the promoted version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from tradai.common.entities.backtest import BacktestConfig
from tradai.common.entities.mlflow import ModelStage, ModelVersion, RegisteredModel
from tradai.common.exceptions import ConflictError, NotFoundError
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow._convert import model_version_from_sdk, registered_model_from_sdk
from tradai.common.mlflow.utils import MLflowURIConverter
from tradai.common.validators import ensure

if TYPE_CHECKING:
    from tradai.common.mlflow._protocol import TrackingBackend

__all__ = [
    "ALIAS_CHALLENGER",
    "ALIAS_CHAMPION",
    "ModelRegistry",
    "model_version_from_sdk",
    "registered_model_from_sdk",
]

#: Alias of the model version serving live trading.
ALIAS_CHAMPION: Final = "champion"
#: Alias of the model version competing against the champion.
ALIAS_CHALLENGER: Final = "challenger"


class ModelRegistry:
    """Register, alias and resolve model versions.

    Args:
        backend: The tracking backend.

    Example:
        >>> from tradai.common.mlflow.memory import InMemoryTrackingBackend
        >>> backend = InMemoryTrackingBackend()
        >>> run = backend.create_run("0")
        >>> registry = ModelRegistry(backend)
        >>> registry.register_version("PascalStrategy", run_id=run.run_id).version
        '1'
        >>> registry.set_alias("PascalStrategy", "production", "1")
        >>> registry.resolve_version("PascalStrategy", "Production").version
        '1'
    """

    def __init__(self, backend: TrackingBackend) -> None:
        self._backend = backend

    def get_or_create_model(
        self,
        name: str,
        *,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """Return the registered model ``name``, creating it if needed.

        Args:
            name: The model name.
            tags: Tags for a newly created model.
            description: Description for a newly created model.

        Returns:
            The registered model.

        Raises:
            ValidationError: If the name or tags are invalid.
        """
        try:
            return self._backend.get_registered_model(name)
        except NotFoundError:
            pass
        try:
            return self._backend.create_registered_model(name, tags=tags, description=description)
        except ConflictError:
            return self._backend.get_registered_model(name)

    def register_version(
        self,
        name: str,
        *,
        run_id: str,
        artifact_path: str = "model",
        source: str | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> ModelVersion:
        """Register a new version from a run (creating the model on first use).

        Args:
            name: The registered model.
            run_id: The run that produced the model.
            artifact_path: Path of the model inside the run's artifacts.
            source: Explicit source URI (default ``runs:/<run_id>/<artifact_path>``).
            tags: Version tags.
            description: Version description.

        Returns:
            The new version.

        Raises:
            ValidationError: If an argument is invalid (nothing is created).
            NotFoundError: If the run does not exist.
        """
        checks.model_name(name)
        uri = (
            source
            if source is not None
            else MLflowURIConverter.build_run_uri(run_id, artifact_path)
        )
        checks.source(uri, run_id)
        checks.tags(tags)
        self._backend.get_run(checks.run_id(run_id))
        self.get_or_create_model(name)
        return self._backend.create_model_version(
            name, source=uri, run_id=run_id, tags=tags, description=description
        )

    def get_version(self, name: str, version: str | int) -> ModelVersion:
        """Get one version.

        Args:
            name: The registered model.
            version: The version number.

        Returns:
            The version.

        Raises:
            NotFoundError: If it does not exist.
        """
        return self._backend.get_model_version(name, checks.version(version))

    def set_alias(self, name: str, alias: str, version: str | int) -> None:
        """Point an alias at a version (moving it from any other version).

        Args:
            name: The registered model.
            alias: The alias (``champion``, ``production``...).
            version: The version number.

        Raises:
            ValidationError: If the alias is invalid or reserved.
            NotFoundError: If the model or version does not exist.
        """
        self._backend.set_alias(name, alias, checks.version(version))

    def promote(
        self, name: str, version: str | int, *, alias: str = ALIAS_CHAMPION
    ) -> ModelVersion:
        """Move an alias (``champion`` by default) to a version and return that version.

        Args:
            name: The registered model.
            version: The version to promote.
            alias: The alias to move.

        Returns:
            The promoted version (with its aliases).

        Raises:
            NotFoundError: If the model or version does not exist.
        """
        number = checks.version(version)
        self._backend.set_alias(name, alias, number)
        return self._backend.get_model_version(name, number)

    def delete_alias(self, name: str, alias: str) -> None:
        """Remove an alias (no-op if it is not set).

        Args:
            name: The registered model.
            alias: The alias.

        Raises:
            NotFoundError: If the model does not exist.
        """
        self._backend.delete_alias(name, alias)

    def get_by_alias(self, name: str, alias: str) -> ModelVersion:
        """Get the version an alias points at.

        Args:
            name: The registered model.
            alias: The alias.

        Returns:
            The version.

        Raises:
            NotFoundError: If the model does not exist or the alias is not set.
        """
        return self._backend.get_version_by_alias(name, alias)

    def latest_version(self, name: str) -> ModelVersion:
        """Get the version with the highest number.

        Args:
            name: The registered model.

        Returns:
            The newest version.

        Raises:
            NotFoundError: If the model does not exist or has no version.
        """
        model = self._backend.get_registered_model(name)
        if not model.latest_versions:
            raise NotFoundError(
                f"model {name!r} has no version", resource="model_version", key=name
            )
        newest = max(model.latest_versions, key=lambda v: int(v.version))
        return self._backend.get_model_version(name, newest.version)

    def resolve_version(self, name: str, strategy_version: str) -> ModelVersion:
        """Resolve a ``BacktestConfig.strategy_version`` value to a model version.

        Args:
            name: The registered model (the strategy name).
            strategy_version: ``"latest"``, a stage name or a version number.

        Returns:
            The model version.

        Raises:
            ValidationError: If ``strategy_version`` is not one of the accepted forms.
            NotFoundError: If the model, version, alias or stage has nothing to offer.
        """
        spec = ensure(
            BacktestConfig.validate_strategy_version, strategy_version, field="strategy_version"
        )
        checks.model_name(name)
        if spec == "latest":
            return self.latest_version(name)
        if spec not in {stage.value for stage in ModelStage}:
            return self._backend.get_model_version(name, spec)
        stage = ModelStage(spec)
        model = self._backend.get_registered_model(name)
        number = model.version_for_stage(stage)
        if number is None:
            raise NotFoundError(
                f"model {name!r} has no alias {stage.alias!r} and no version in stage {spec}",
                resource="model_version",
                key=f"{name}/{spec}",
            )
        return self._backend.get_model_version(name, number)

    def transition_stage(
        self,
        name: str,
        version: str | int,
        stage: ModelStage | str,
        *,
        archive_existing: bool = False,
    ) -> ModelVersion:
        """Move a version to a legacy stage (deprecated by MLflow 3, still served).

        Args:
            name: The registered model.
            version: The version.
            stage: Target stage.
            archive_existing: Archive the other versions in that stage.

        Returns:
            The updated version.

        Raises:
            ValidationError: If the stage is unknown.
            NotFoundError: If the model or version does not exist.
        """
        return self._backend.transition_stage(
            name, checks.version(version), checks.stage(stage), archive_existing=archive_existing
        )
