"""Discover and prune the models FreqAI saves under ``<user_data_dir>/models``.

FreqAI keeps one directory per identifier, ``models/<identifier>/``, holding one
``sub-train-<COIN>_<unix ts>/`` directory per training (the model file
``cb_<coin>_<ts>_model.joblib`` — or ``.h5``/``.zip`` for Keras, PyTorch and RL models —
with ``cb_<coin>_<ts>_metadata.json``, pipelines and training frames), plus
``pair_dictionary.json`` (per pair, the model in use: ``model_filename``, ``data_path``,
``trained_timestamp``), ``run_params.json`` (the run's FreqAI config and ``pairs``) and
``backtesting_predictions/``. :class:`FreqAIModelRegistry` lists those trainings as
:class:`FreqAIModel` values, finds the latest per pair and removes old ones.

Decisions where the specification is silent:

* A training directory matches FreqAI's own purge pattern ``sub-train-<coin>_<10 digits>``;
  anything else (files, ``backtesting_predictions/``, symbolic links) is ignored, and
  so are identifier directories holding neither a training, ``pair_dictionary.json`` nor
  ``run_params.json``.
* ``pair`` comes from ``pair_dictionary.json`` (the entry whose ``data_path`` names the
  directory, else the one whose coin matches), else the metadata's ``pair``, else the one
  ``run_params.json`` pair with that coin, else the coin itself (``"BTC"``). FreqAI names
  directories by coin only, so two pairs of one coin share them — as they do in FreqAI.
* ``trained_at`` is the directory's timestamp (UTC). ``metadata`` is the parsed
  ``cb_<coin>_<ts>_metadata.json`` (else the first ``*_metadata.json``; ``{}`` if none or
  unreadable, with a warning). ``NaN`` in it reads as ``None``.
* Identifiers are 1-128 characters of letters, digits and ``_ . -`` starting with a letter
  or digit, never holding ``..`` (``ValidationError(field="identifier")``). A missing
  models or identifier directory gives empty results, not an error.
* :meth:`FreqAIModelRegistry.cleanup` keeps the newest ``keep`` trainings of each pair
  and also never removes the one ``pair_dictionary.json`` points at (the model FreqAI
  loads), so the count kept can exceed ``keep``.

Example:
    >>> registry = FreqAIModelRegistry("/nonexistent/user_data/models")
    >>> registry.identifiers(), registry.list_models(), registry.latest_per_pair("proto1")
    ([], [], {})
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade.results import parse_stats_json
from tradai.common.logger_mixin import LoggerMixin

__all__ = ["FreqAIModel", "FreqAIModelRegistry"]

_SUB_TRAIN_RE = re.compile(r"sub-train-(.+)_(\d{10})")
_IDENTIFIER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_MODEL_FILE_RE = re.compile(r".+_model(?:\.[A-Za-z0-9]+)?")
_PAIR_DICTIONARY = "pair_dictionary.json"
_RUN_PARAMS = "run_params.json"


@dataclass(frozen=True, slots=True)
class FreqAIModel:
    """One FreqAI training: a ``sub-train-<COIN>_<ts>`` directory.

    Attributes:
        identifier: The FreqAI identifier (the directory under ``models/``).
        pair: The pair trained, e.g. ``"BTC/USDT"`` (the coin when it cannot be told).
        coin: The coin of the directory name, e.g. ``"BTC"``.
        trained_at: When the training's data ends (the directory timestamp, UTC).
        path: The training directory.
        model_files: The saved model files (``*_model.joblib``, ``*_model.zip``...), sorted.
        metadata: The parsed ``*_metadata.json``, ``{}`` if absent.
    """

    identifier: str
    pair: str
    coin: str
    trained_at: _dt.datetime
    path: Path
    model_files: tuple[Path, ...]
    metadata: dict[str, Any] = field(hash=False)


@dataclass(frozen=True, slots=True)
class _IdentifierInfo:
    pairs_by_dir: dict[str, str]
    pairs_by_coin: dict[str, str]
    run_pairs_by_coin: dict[str, str]
    protected: frozenset[str]


def _validate_identifier(identifier: object) -> str:
    if (
        not isinstance(identifier, str)
        or _IDENTIFIER_RE.fullmatch(identifier) is None
        or ".." in identifier
    ):
        shown = repr(identifier)[:80]
        raise ValidationError(
            f"identifier {shown} must be 1-128 letters, digits, '_', '.' or '-' starting "
            "with a letter or digit, without '..'",
            field="identifier",
        )
    return identifier


def _coin(pair: str) -> str:
    return pair.split("/", 1)[0]


def _unique_by_coin(pairs: list[str]) -> dict[str, str]:
    by_coin: dict[str, list[str]] = {}
    for pair in sorted(set(pairs)):
        by_coin.setdefault(_coin(pair), []).append(pair)
    return {coin: found[0] for coin, found in by_coin.items() if len(found) == 1}


class FreqAIModelRegistry(LoggerMixin):
    """The FreqAI models under one ``models`` directory.

    Args:
        models_dir: ``<user_data_dir>/models``; it need not exist.

    Attributes:
        models_dir: The directory given.
    """

    def __init__(self, models_dir: str | os.PathLike[str]) -> None:
        try:
            self.models_dir = Path(os.fspath(models_dir))
        except TypeError as exc:
            raise ValidationError(
                f"models_dir must be a path, not {type(models_dir).__name__}",
                field="models_dir",
            ) from exc

    def identifiers(self) -> list[str]:
        """List the FreqAI identifiers that have models or run files.

        Returns:
            The identifiers, sorted.
        """
        if not self.models_dir.is_dir():
            return []
        found = []
        for entry in self.models_dir.iterdir():
            if (
                entry.is_dir()
                and not entry.is_symlink()
                and _IDENTIFIER_RE.fullmatch(entry.name)
                and ".." not in entry.name
                and self._is_freqai_dir(entry)
            ):
                found.append(entry.name)
        return sorted(found)

    @staticmethod
    def _is_freqai_dir(directory: Path) -> bool:
        if (directory / _PAIR_DICTIONARY).is_file() or (directory / _RUN_PARAMS).is_file():
            return True
        return any(_SUB_TRAIN_RE.fullmatch(entry.name) for entry in directory.iterdir())

    def list_models(
        self, identifier: str | None = None, pair: str | None = None
    ) -> list[FreqAIModel]:
        """List the trainings, optionally of one identifier and/or one pair.

        Args:
            identifier: Only this identifier's models (default: every identifier).
            pair: Only this pair's models (compared case-insensitively).

        Returns:
            The models sorted by identifier, pair and training time.

        Raises:
            ValidationError: For a malformed ``identifier`` or an empty ``pair``.
        """
        if pair is not None and (not isinstance(pair, str) or not pair.strip()):
            raise ValidationError("pair must be a non-empty string", field="pair")
        names = self.identifiers() if identifier is None else [_validate_identifier(identifier)]
        models = [model for name in names for model in self._models_of(name)]
        if pair is not None:
            wanted = pair.strip().upper()
            models = [model for model in models if model.pair.upper() == wanted]
        return sorted(models, key=lambda m: (m.identifier, m.pair, m.trained_at, m.path.name))

    def latest(self, identifier: str, pair: str) -> FreqAIModel | None:
        """The newest training of one pair.

        Args:
            identifier: The FreqAI identifier.
            pair: The pair, e.g. ``"BTC/USDT"``.

        Returns:
            The model with the latest ``trained_at``, or ``None`` if there is none.

        Raises:
            ValidationError: For a malformed ``identifier`` or an empty ``pair``.
        """
        models = self.list_models(identifier, pair)
        return models[-1] if models else None

    def latest_per_pair(self, identifier: str) -> dict[str, FreqAIModel]:
        """The newest training of every pair of one identifier.

        Args:
            identifier: The FreqAI identifier.

        Returns:
            ``{pair: model}``, pairs sorted.

        Raises:
            ValidationError: For a malformed ``identifier``.
        """
        latest: dict[str, FreqAIModel] = {}
        for model in self.list_models(identifier):
            latest[model.pair] = model  # sorted by time: the last one wins
        return latest

    def cleanup(self, identifier: str, *, keep: int = 1, dry_run: bool = False) -> list[Path]:
        """Remove all but the newest ``keep`` trainings of each pair of one identifier.

        The training ``pair_dictionary.json`` points at is never removed; nor is anything
        that is not a training directory.

        Args:
            identifier: The FreqAI identifier.
            keep: How many trainings to keep per pair (at least 1).
            dry_run: Only report what would be removed.

        Returns:
            The directories removed (or that would be), sorted.

        Raises:
            ValidationError: For a malformed ``identifier`` or ``keep`` below 1.
        """
        if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
            raise ValidationError(f"keep must be an integer >= 1, not {keep!r}", field="keep")
        name = _validate_identifier(identifier)
        protected = self._read_info(self.models_dir / name).protected
        by_pair: dict[str, list[FreqAIModel]] = {}
        for model in self.list_models(name):
            by_pair.setdefault(model.pair, []).append(model)
        doomed = sorted(
            model.path
            for models in by_pair.values()
            for model in models[:-keep]
            if model.path.name not in protected
        )
        for path in doomed:
            if dry_run:
                self.logger.info("would remove FreqAI model %s", path)
            else:
                self.logger.info("removing FreqAI model %s", path)
                shutil.rmtree(path)
        return doomed

    def _read_json(self, path: Path) -> dict[str, Any]:
        try:
            return parse_stats_json(path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValidationError) as exc:
            self.logger.warning("ignoring unreadable FreqAI file %s: %s", path, exc)
            return {}

    def _read_info(self, directory: Path) -> _IdentifierInfo:
        pairs_by_dir: dict[str, str] = {}
        dictionary_pairs: list[str] = []
        for pair, entry in self._read_json(directory / _PAIR_DICTIONARY).items():
            dictionary_pairs.append(pair)
            data_path = entry.get("data_path") if isinstance(entry, dict) else None
            if isinstance(data_path, str) and data_path:
                pairs_by_dir[Path(data_path).name] = pair
        run_pairs = self._read_json(directory / _RUN_PARAMS).get("pairs")
        return _IdentifierInfo(
            pairs_by_dir=pairs_by_dir,
            pairs_by_coin=_unique_by_coin(dictionary_pairs),
            run_pairs_by_coin=_unique_by_coin(
                [p for p in run_pairs if isinstance(p, str)] if isinstance(run_pairs, list) else []
            ),
            protected=frozenset(pairs_by_dir),
        )

    def _models_of(self, identifier: str) -> list[FreqAIModel]:
        directory = self.models_dir / identifier
        if not directory.is_dir() or directory.is_symlink():
            return []
        info = self._read_info(directory)
        models = []
        for entry in directory.iterdir():
            match = _SUB_TRAIN_RE.fullmatch(entry.name)
            if match is None or not entry.is_dir() or entry.is_symlink():
                continue
            coin, stamp = match.group(1), match.group(2)
            metadata = self._metadata(entry, coin, stamp)
            meta_pair = metadata.get("pair")
            pair = (
                info.pairs_by_dir.get(entry.name)
                or info.pairs_by_coin.get(coin)
                or (meta_pair if isinstance(meta_pair, str) and meta_pair else None)
                or info.run_pairs_by_coin.get(coin)
                or coin
            )
            models.append(
                FreqAIModel(
                    identifier=identifier,
                    pair=pair,
                    coin=coin,
                    trained_at=_dt.datetime.fromtimestamp(int(stamp), tz=_dt.UTC),
                    path=entry,
                    model_files=tuple(
                        sorted(p for p in entry.iterdir() if _MODEL_FILE_RE.fullmatch(p.name))
                    ),
                    metadata=metadata,
                )
            )
        return models

    def _metadata(self, directory: Path, coin: str, stamp: str) -> dict[str, Any]:
        expected = directory / f"cb_{coin.lower()}_{stamp}_metadata.json"
        if not expected.is_file():
            found = sorted(directory.glob("*_metadata.json"))
            if not found:
                return {}
            expected = found[0]
        return self._read_json(expected)
