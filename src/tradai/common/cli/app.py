"""The ``tradai`` Typer application: options and help of every command.

The command functions only parse options; the work is done in
:mod:`tradai.common.cli._data_cmds` and :mod:`tradai.common.cli._backtest_cmds`, which
return exit codes: 0 success, 1 failure, 2 bad options (nothing created), 130 Ctrl-C.

Example:
    >>> from typer.testing import CliRunner
    >>> result = CliRunner().invoke(app, ["--version"])
    >>> result.exit_code, result.output.startswith("tradai ")
    (0, True)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradai.common.cli._options import GreedyListCommand
from tradai.common.cli._render import Consoles

if TYPE_CHECKING:
    from tradai.common.cli.workspace import Workspace

__all__ = ["app", "data_app"]

_HOME_HELP = "Workspace directory (default: $TRADAI_HOME, else ./.tradai)."
_PAIRS_HELP = "Trading pairs, e.g. BTC/USDT ETH/USDT or BTC/USDT:USDT (futures)."

app = typer.Typer(
    name="tradai",
    help="TradAI on your laptop: seed market data, run Freqtrade backtests and hyperopt, "
    "track them in MLflow and read an HTML report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(
    help="Market data in the workspace's store (ArcticDB).", no_args_is_help=True
)
app.add_typer(data_app, name="data")

Home = Annotated[Path | None, typer.Option("--home", help=_HOME_HELP, show_default=False)]
Pairs = Annotated[list[str], typer.Option("--pairs", "-p", help=_PAIRS_HELP)]
Timeframe = Annotated[str, typer.Option("--timeframe", "-t", help="Candle timeframe.")]
Start = Annotated[str, typer.Option("--start", help="First day, YYYY-MM-DD.")]
End = Annotated[str, typer.Option("--end", help="Last day, YYYY-MM-DD.")]
Strategy = Annotated[str, typer.Option("--strategy", "-s", help="Strategy class name.")]
StrategyPath = Annotated[
    Path | None,
    typer.Option(
        "--strategy-path",
        exists=True,
        help="A strategy .py file or a directory of them (default: the bundled strategies).",
    ),
]
Experiment = Annotated[
    str | None, typer.Option("--experiment", help="MLflow experiment name.", show_default=False)
]
Timeout = Annotated[
    float, typer.Option("--timeout", min=1.0, help="Seconds before Freqtrade is stopped.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of tables.")]


def _workspace(home: Path | None, consoles: Consoles, jobs_table: str | None = None) -> Workspace:
    from tradai.common.cli.workspace import Workspace
    from tradai.common.exceptions import ValidationError

    try:
        return Workspace.resolve(home, jobs_table=jobs_table)
    except ValidationError as exc:
        consoles.error(exc.message)
        raise typer.Exit(2) from None


def _version(value: bool) -> None:
    if value:
        from tradai.common import __version__

        typer.echo(f"tradai {__version__}")
        raise typer.Exit


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log the library's progress to stderr.")
    ] = False,
) -> None:
    """TradAI command-line program."""
    if verbose:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def _exit(code: int) -> None:
    if code:
        raise typer.Exit(code)


@data_app.command("seed", cls=GreedyListCommand)
def data_seed(
    *,
    pairs: Pairs,
    timeframe: Timeframe = "1h",
    start: Start = "2024-01-01",
    end: Annotated[str, typer.Option("--end", help="Day after the last candle, YYYY-MM-DD.")] = (
        "2024-07-01"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 42,
    volatility: Annotated[
        float, typer.Option("--volatility", help="Standard deviation of one candle's log return.")
    ] = 0.01,
    home: Home = None,
) -> None:
    """Write deterministic synthetic candles for [start, end) into the store."""
    from tradai.common.cli._data_cmds import SeedOptions
    from tradai.common.cli._data_cmds import seed as run_seed

    consoles = Consoles.create()
    options = SeedOptions(pairs, timeframe, start, end, seed=seed, volatility=volatility)
    _exit(run_seed(_workspace(home, consoles), options, consoles))


@data_app.command("import")
def data_import(
    paths: Annotated[
        list[Path],
        typer.Argument(exists=True, dir_okay=False, metavar="PATH", help="Parquet or CSV files."),
    ],
    pair: Annotated[str, typer.Option("--pair", help="The files' trading pair.")],
    timeframe: Timeframe = "1h",
    home: Home = None,
) -> None:
    """Import candles of one pair from Parquet/CSV files (all validated before writing).

    Columns: open, high, low, close, volume; open time as index or `date` column.
    """
    from tradai.common.cli._data_cmds import import_files

    consoles = Consoles.create()
    _exit(import_files(_workspace(home, consoles), paths, pair, timeframe, consoles))


@data_app.command("list")
def data_list(home: Home = None, as_json: AsJson = False) -> None:
    """List the stored series: pair, timeframe, first and last candle, count."""
    from tradai.common.cli._data_cmds import list_series

    consoles = Consoles.create()
    _exit(list_series(_workspace(home, consoles), consoles, as_json=as_json))


@app.command("backtest", cls=GreedyListCommand)
def backtest(
    *,
    pairs: Pairs,
    start: Start,
    end: End,
    timeframe: Timeframe = "1h",
    strategy: Strategy = "SampleSmaCrossover",
    strategy_path: StrategyPath = None,
    exchange: Annotated[
        str | None,
        typer.Option(
            "--exchange",
            help="binance or binance_futures (default: binance_futures for BTC/USDT:USDT "
            "pairs, else binance).",
            show_default=False,
        ),
    ] = None,
    stake_amount: Annotated[
        float | None, typer.Option("--stake-amount", help="Stake per trade (default 1000).")
    ] = None,
    stoploss: Annotated[
        float | None,
        typer.Option("--stoploss", help="Stoploss ratio, e.g. -0.05 (default: the strategy's)."),
    ] = None,
    freqai_model: Annotated[
        str | None, typer.Option("--freqai-model", help="FreqAI model, e.g. LightGBMRegressor.")
    ] = None,
    experiment: Experiment = None,
    timeout: Timeout = 3600.0,
    home: Home = None,
    jobs_table: Annotated[
        str | None,
        typer.Option(
            "--jobs-table",
            help="DynamoDB table of job records (default: $JOBS_TABLE, else in memory).",
            show_default=False,
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Backtest a strategy on the stored candles; log it to MLflow; write an HTML report."""
    from tradai.common.cli._backtest_cmds import BacktestOptions, run_backtest

    options = BacktestOptions(
        pairs=pairs, timeframe=timeframe, start=start, end=end, strategy=strategy,
        strategy_path=strategy_path, exchange=exchange, stake_amount=stake_amount,
        stoploss=stoploss, freqai_model=freqai_model, experiment=experiment,
        timeout=timeout, as_json=as_json,
    )  # fmt: skip
    consoles = Consoles.create()
    _exit(run_backtest(_workspace(home, consoles, jobs_table), options, consoles))


@app.command("hyperopt", cls=GreedyListCommand)
def hyperopt(
    *,
    pairs: Pairs,
    start: Start,
    end: End,
    timeframe: Timeframe = "1h",
    strategy: Strategy = "SampleSmaCrossover",
    strategy_path: StrategyPath = None,
    epochs: Annotated[int, typer.Option("--epochs", "-e", help="Number of trials.")] = 10,
    spaces: Annotated[
        list[str] | None,
        typer.Option(
            "--spaces",
            help="Spaces to optimise: buy sell roi stoploss trailing protection (default: buy).",
            show_default=False,
        ),
    ] = None,
    loss: Annotated[
        str, typer.Option("--loss", help="Freqtrade hyperopt loss class.")
    ] = "SharpeHyperOptLoss",
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 42,
    min_trades: Annotated[
        int, typer.Option("--min-trades", help="Trades a trial needs to count.")
    ] = 1,
    exchange: Annotated[
        str | None,
        typer.Option(
            "--exchange",
            help="binance or binance_futures (default: from the pairs).",
            show_default=False,
        ),
    ] = None,
    stake_amount: Annotated[
        float, typer.Option("--stake-amount", help="Stake per trade.")
    ] = 1000.0,
    experiment: Experiment = None,
    timeout: Timeout = 3600.0,
    home: Home = None,
    as_json: AsJson = False,
) -> None:
    """Optimise a strategy's parameters with Freqtrade hyperopt; log the best to MLflow."""
    from tradai.common.cli._backtest_cmds import HyperoptOptions, run_hyperopt

    options = HyperoptOptions(
        pairs=pairs, timeframe=timeframe, start=start, end=end, strategy=strategy,
        strategy_path=strategy_path, epochs=epochs, spaces=spaces or ["buy"], loss=loss,
        seed=seed, min_trades=min_trades, exchange=exchange, stake_amount=stake_amount,
        experiment=experiment, timeout=timeout, as_json=as_json,
    )  # fmt: skip
    consoles = Consoles.create()
    _exit(run_hyperopt(_workspace(home, consoles), options, consoles))
