"""Every AWS port (``typing.Protocol``) in one place, re-exported lazily.

Code that depends on a port should type against these, so the AWS adapter and its in-memory
twin (:mod:`tradai.common.aws.memory`) are interchangeable.

=====================  ===========================  ==================================
port                   AWS adapter                  twin
=====================  ===========================  ==================================
``ObjectStore``        ``s3_utils.S3ObjectStore``   ``memory.InMemoryObjectStore``
``SecretsStore``       ``secrets_manager.SecretsManagerCache``  ``memory.InMemorySecretsStore``
``MessageQueue``       ``sqs.SQSQueue``             ``memory.InMemoryQueue``
``Notifier``           ``sns.SNSTopic``             ``memory.InMemoryTopic``
``KeyValueTable``      ``dynamodb.DynamoDBTable``   ``memory.InMemoryTable``
``WorkflowRunner``     ``step_functions.StepFunctionsClient``
``LogReader``          ``cloudwatch_logs.CloudWatchLogsReader``
``MetricsSink``        ``cloudwatch_metrics.MetricsPublisher``
``JobRunner``          ``ecs_jobs.EcsJobManager``
``ServiceDeployer``    ``ecs_deploy.EcsDeployer``
=====================  ===========================  ==================================

Example:
    >>> from tradai.common.aws.protocols import MessageQueue
    >>> MessageQueue.__name__
    'MessageQueue'
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tradai.common.aws.cloudwatch_logs import LogReader
    from tradai.common.aws.cloudwatch_metrics import MetricsSink
    from tradai.common.aws.dynamodb.protocols import KeyValueTable
    from tradai.common.aws.ecs_deploy import ServiceDeployer
    from tradai.common.aws.ecs_jobs import JobRunner
    from tradai.common.aws.s3_utils import ObjectStore
    from tradai.common.aws.secrets_manager import SecretsStore
    from tradai.common.aws.sns import Notifier
    from tradai.common.aws.sqs import MessageQueue
    from tradai.common.aws.step_functions import WorkflowRunner

__all__ = [
    "JobRunner",
    "KeyValueTable",
    "LogReader",
    "MessageQueue",
    "MetricsSink",
    "Notifier",
    "ObjectStore",
    "SecretsStore",
    "ServiceDeployer",
    "WorkflowRunner",
]

_EXPORTS = {
    "JobRunner": "tradai.common.aws.ecs_jobs",
    "KeyValueTable": "tradai.common.aws.dynamodb.protocols",
    "LogReader": "tradai.common.aws.cloudwatch_logs",
    "MessageQueue": "tradai.common.aws.sqs",
    "MetricsSink": "tradai.common.aws.cloudwatch_metrics",
    "Notifier": "tradai.common.aws.sns",
    "ObjectStore": "tradai.common.aws.s3_utils",
    "SecretsStore": "tradai.common.aws.secrets_manager",
    "ServiceDeployer": "tradai.common.aws.ecs_deploy",
    "WorkflowRunner": "tradai.common.aws.step_functions",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
