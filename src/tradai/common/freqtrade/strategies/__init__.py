"""Strategies bundled with tradai-common (loaded by Freqtrade from this directory).

Example:
    >>> sample_strategy_dir().joinpath(f"{SAMPLE_STRATEGY}.py").is_file()
    True
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SAMPLE_STRATEGY", "sample_strategy_dir"]

#: Class name of the bundled sample strategy (a moving-average crossover).
SAMPLE_STRATEGY = "SampleSmaCrossover"


def sample_strategy_dir() -> Path:
    """The directory holding the bundled strategies (pass it as ``--strategy-path``).

    Returns:
        The absolute directory path.
    """
    return Path(__file__).resolve().parent
