"""design.md "config/" Usage, followed literally."""

from __future__ import annotations

from pathlib import Path


def test_design_md_import_line_works_and_the_classes_work_together(tmp_path: Path) -> None:
    from tradai.common.config import StrategyConfigLoader, ConfigMergeService  # noqa: I001

    folder = tmp_path / "PascalStrategy"
    folder.mkdir()
    (folder / "1.0.0.yaml").write_text("timeframe: 1h\npairs: [BTC/USDT:USDT]\n")

    base = StrategyConfigLoader.from_location(tmp_path).load_config("PascalStrategy")
    environment = {"exchange": "binance_futures"}
    override = {"timeframe": "4h"}
    config = ConfigMergeService().merge_to_model(base, environment, override)

    assert (config.name, config.version, config.timeframe) == ("PascalStrategy", "1.0.0", "4h")
    assert config.exchange == "binance_futures"


def test_every_config_export_resolves() -> None:
    import tradai.common.config as config_package

    for name in config_package.__all__:
        assert getattr(config_package, name).__name__ == name
    assert sorted(dir(config_package)) >= sorted(config_package.__all__)


def test_the_config_package_imports_nothing_heavy_until_sources_are_used() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tradai.common.config import StrategyConfigLoader, ConfigMergeService\n"
        "heavy = {'boto3', 'botocore', 'yaml', 'pydantic_settings'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "from tradai.common.config import S3ConfigSource\n"
        "S3ConfigSource('s3://tradai-configs/strategies')\n"
        "assert not {'boto3', 'botocore'} & set(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
