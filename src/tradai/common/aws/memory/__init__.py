"""In-memory twins of the AWS ports, shipped for services' unit tests.

Each twin implements the same protocol as its AWS adapter and raises the same errors; one
contract test suite runs against both (``tests/contract/aws``). Imported lazily.

Example:
    >>> from tradai.common.aws.memory import InMemoryQueue
    >>> InMemoryQueue.__name__
    'InMemoryQueue'
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tradai.common.aws.memory.object_store import InMemoryObjectStore
    from tradai.common.aws.memory.queue import InMemoryQueue, InMemoryTopic
    from tradai.common.aws.memory.secrets import InMemorySecretsStore
    from tradai.common.aws.memory.table import InMemoryTable

__all__ = [
    "InMemoryObjectStore",
    "InMemoryQueue",
    "InMemorySecretsStore",
    "InMemoryTable",
    "InMemoryTopic",
]

_EXPORTS = {
    "InMemoryObjectStore": "tradai.common.aws.memory.object_store",
    "InMemoryQueue": "tradai.common.aws.memory.queue",
    "InMemorySecretsStore": "tradai.common.aws.memory.secrets",
    "InMemoryTable": "tradai.common.aws.memory.table",
    "InMemoryTopic": "tradai.common.aws.memory.queue",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
