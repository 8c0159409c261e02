"""The ``tradai`` workspace: where the command-line program keeps its data and records.

A workspace is one directory (``--home``, else ``$TRADAI_HOME``, else ``./.tradai``),
created on demand, holding the embedded defaults that make ``tradai backtest`` work on a
laptop with no service running::

    <root>/
        arcticdb/              market data: ArcticDB on local LMDB
        mlflow.db              MLflow tracking store (SQLite)
        mlartifacts/           MLflow artifacts of the local store
        runs/<job_id>/         one Freqtrade working directory per run, with job.json
        reports/<job_id>.html  the HTML report of each backtest

Each default gives way to the real service when it is configured:

* market data: S3 when ``ARCTIC_S3_BUCKET`` is set (``ArcticDBDataRepository`` reads the
  ``ARCTIC_*`` variables itself);
* MLflow: the server in ``MLFLOW_TRACKING_URI`` when it is set;
* job records: the DynamoDB table ``--jobs-table`` / ``JOBS_TABLE`` when given, else an
  in-memory store. Either way the final record is also written to
  ``runs/<job_id>/job.json`` (an in-memory store dies with the process).

Decisions where the issue is silent: relative ``--home`` paths are resolved against the
current directory; experiments created in the local store put their artifacts under
``mlartifacts/<experiment name, with unsafe characters replaced>`` (MLflow would otherwise
use ``./mlruns`` of whatever directory the command runs in); job ids are
``<kind>-<UTC timestamp>-<8 hex digits>``.

Example:
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     ws = Workspace.resolve(tmp, environ={})
    ...     uri = ws.tracking_uri
    ...     local = ws.local_tracking
    ...     report = ws.report_path("bt-1").relative_to(ws.root).as_posix()
    >>> uri.startswith("sqlite:///"), local, report
    (True, True, 'reports/bt-1.html')
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tradai.common._files import write_text_atomic
from tradai.common.exceptions import ConfigurationError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tradai.common.aws.state_repository import DynamoDBStateRepository
    from tradai.common.entities.backtest import BacktestJobStatus
    from tradai.common.mlflow.adapter import SDKTrackingBackend
    from tradai.common.repositories.market_data import DataRepository

__all__ = ["DEFAULT_HOME", "HOME_ENV", "JOB_FILE", "Workspace", "new_job_id"]

#: The workspace directory when neither ``--home`` nor ``TRADAI_HOME`` is given.
DEFAULT_HOME = ".tradai"
#: The environment variable naming the workspace directory.
HOME_ENV = "TRADAI_HOME"
#: The name of the job record written in each run directory.
JOB_FILE = "job.json"

_UNSAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
_SAFE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


def new_job_id(kind: str = "bt") -> str:
    """Return a fresh, sortable job id.

    Args:
        kind: A short lower-case prefix (``"bt"`` backtest, ``"ho"`` hyperopt).

    Returns:
        ``<kind>-<YYYYmmddTHHMMSS>-<8 hex digits>`` (UTC).

    Example:
        >>> new_job_id("ho").startswith("ho-")
        True
    """
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S")
    return f"{kind}-{stamp}-{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Workspace:
    """The directory and the stores the ``tradai`` commands work with (module docstring).

    Attributes:
        root: The workspace directory (absolute).
        mlflow_uri: ``MLFLOW_TRACKING_URI`` as found, or ``""`` for the local store.
        jobs_table: The DynamoDB table of job records, or ``None`` for in-memory.
        arctic_bucket: ``ARCTIC_S3_BUCKET`` as found, or ``""`` for the local LMDB store.
    """

    root: Path
    mlflow_uri: str = ""
    jobs_table: str | None = None
    arctic_bucket: str = ""

    @classmethod
    def resolve(
        cls,
        home: str | os.PathLike[str] | None = None,
        *,
        jobs_table: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Workspace:
        """Find the workspace from the options and the environment (nothing is created).

        Args:
            home: The ``--home`` option (wins over ``TRADAI_HOME``).
            jobs_table: The ``--jobs-table`` option (wins over ``JOBS_TABLE``).
            environ: The environment (default ``os.environ``).

        Returns:
            The workspace.

        Raises:
            ValidationError: If the directory exists as something else than a directory
                (``field="home"``).
        """
        env = os.environ if environ is None else environ
        chosen = home if home is not None else (env.get(HOME_ENV) or DEFAULT_HOME)
        root = Path(chosen).expanduser().resolve()
        if root.exists() and not root.is_dir():
            raise ValidationError(f"workspace {str(root)!r} is not a directory", field="home")
        return cls(
            root=root,
            mlflow_uri=env.get("MLFLOW_TRACKING_URI", ""),
            jobs_table=jobs_table or env.get("JOBS_TABLE") or None,
            arctic_bucket=env.get("ARCTIC_S3_BUCKET", ""),
        )

    # ---------------------------------------------------------------- layout
    @property
    def arctic_dir(self) -> Path:
        """The local LMDB store of market data."""
        return self.root / "arcticdb"

    @property
    def mlflow_db(self) -> Path:
        """The SQLite file of the local MLflow store."""
        return self.root / "mlflow.db"

    @property
    def artifacts_dir(self) -> Path:
        """Where the local MLflow store keeps artifacts."""
        return self.root / "mlartifacts"

    def run_dir(self, job_id: str) -> Path:
        """The Freqtrade working directory of one run.

        Args:
            job_id: The job.

        Returns:
            ``<root>/runs/<job_id>``.
        """
        return self.root / "runs" / self._checked(job_id)

    def report_path(self, job_id: str) -> Path:
        """Where the HTML report of a backtest goes.

        Args:
            job_id: The job.

        Returns:
            ``<root>/reports/<job_id>.html``.
        """
        return self.root / "reports" / f"{self._checked(job_id)}.html"

    def job_file(self, job_id: str) -> Path:
        """Where the job record of a run is written.

        Args:
            job_id: The job.

        Returns:
            ``<root>/runs/<job_id>/job.json``.
        """
        return self.run_dir(job_id) / JOB_FILE

    @staticmethod
    def _checked(job_id: str) -> str:
        if not _SAFE_NAME_RE.fullmatch(job_id):
            raise ValidationError(f"job id {job_id!r:.40} is not a safe name", field="job_id")
        return job_id

    # ---------------------------------------------------------------- stores
    @property
    def local_tracking(self) -> bool:
        """Whether MLflow runs go to the workspace's own SQLite store."""
        return not self.mlflow_uri

    @property
    def tracking_uri(self) -> str:
        """The MLflow tracking URI in use.

        Returns:
            ``MLFLOW_TRACKING_URI``, or ``sqlite:///<root>/mlflow.db``.
        """
        return self.mlflow_uri or f"sqlite:///{self.mlflow_db}"

    def market_data(self) -> DataRepository:
        """Open the market-data store (LMDB under the workspace, or S3 when configured).

        Returns:
            An ``ArcticDBDataRepository``.

        Raises:
            MissingDependencyError: If the ``market`` extra is not installed.
            ConfigurationError: If the local store's directory cannot be created.
            ExternalServiceError: If the store cannot be opened.
        """
        from tradai.common.repositories.market_data import ArcticDBDataRepository

        try:
            self.root.mkdir(parents=True, exist_ok=True)
            return ArcticDBDataRepository(lmdb_path=self.arctic_dir)
        except ConfigurationError as exc:  # e.g. the store's path is taken by a file
            raise ConfigurationError(
                f"cannot open the market data store: {exc.message}", setting="home"
            ) from exc
        except OSError as exc:
            raise ConfigurationError(
                f"cannot open the market data store in {self.arctic_dir}: "
                f"{exc.strerror or type(exc).__name__}",
                setting="home",
            ) from exc

    @property
    def market_data_label(self) -> str:
        """A short description of the market-data store, for messages.

        Returns:
            The S3 bucket or the LMDB directory.
        """
        if self.arctic_bucket:
            return f"s3://{self.arctic_bucket} (ArcticDB)"
        return f"{self.arctic_dir} (ArcticDB on LMDB)"

    def tracking_backend(self) -> SDKTrackingBackend:
        """Build the MLflow tracking backend (nothing is contacted yet).

        Returns:
            The SDK backend for :attr:`tracking_uri`.

        Raises:
            ValidationError: If ``MLFLOW_TRACKING_URI`` is malformed.
        """
        import pydantic

        from tradai.common.mlflow.adapter import SDKTrackingBackend

        if self.local_tracking:
            self.root.mkdir(parents=True, exist_ok=True)
        try:
            return SDKTrackingBackend.from_uri(self.tracking_uri)
        except pydantic.ValidationError as exc:
            message = exc.errors()[0]["msg"]
            raise ValidationError(
                f"MLFLOW_TRACKING_URI is not usable: {message}", field="MLFLOW_TRACKING_URI"
            ) from None

    def experiment_id(self, backend: SDKTrackingBackend, name: str) -> str:
        """Get or create the experiment ``name``; a new local one keeps its artifacts here.

        On the local store a new experiment's artifacts go under :attr:`artifacts_dir`
        (MLflow would otherwise use ``./mlruns`` in whatever directory you run from); a
        tracking server's own artifact root applies.

        Args:
            backend: The backend from :meth:`tracking_backend`.
            name: The experiment name.

        Returns:
            The experiment id.

        Raises:
            ValidationError: If the name is invalid.
            TradAIError: If the store fails.
        """
        from tradai.common.mlflow.experiments import ExperimentManager

        location = (
            (self.artifacts_dir / _UNSAFE_NAME_RE.sub("_", name)).as_uri()
            if self.local_tracking
            else None
        )
        return ExperimentManager(backend).get_or_create(name, artifact_location=location)

    def job_store(self) -> DynamoDBStateRepository:
        """Open the job-record store.

        Returns:
            A ``DynamoDBStateRepository`` on :attr:`jobs_table`, or its in-memory twin.

        Raises:
            MissingDependencyError: If a table is configured and boto3 is missing.
        """
        from tradai.common.aws.state_repository import DynamoDBStateRepository

        if self.jobs_table is None:
            return DynamoDBStateRepository.in_memory(table_name="tradai-cli-jobs")
        return DynamoDBStateRepository(table_name=self.jobs_table)

    @property
    def job_store_label(self) -> str:
        """A short description of the job store, for messages.

        Returns:
            ``"DynamoDB table <name>"`` or ``"in-memory"``.
        """
        return "in-memory" if self.jobs_table is None else f"DynamoDB table {self.jobs_table}"

    def save_job(self, job: BacktestJobStatus) -> Path:
        """Write a job record to ``runs/<job_id>/job.json`` (atomically).

        Args:
            job: The job as stored.

        Returns:
            The file written.
        """
        path = self.job_file(job.job_id)
        write_text_atomic(path, job.model_dump_json(indent=2) + "\n")
        return path

    def save_json(self, path: Path, text: str) -> Path:
        """Write a JSON document atomically (parent directories are created).

        Args:
            path: The file.
            text: The JSON text.

        Returns:
            The file written.
        """
        write_text_atomic(path, text)
        return path
