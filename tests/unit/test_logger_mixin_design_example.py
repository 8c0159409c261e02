"""design.md "3. Mixin Pattern (Composition over Inheritance)", followed literally."""

from __future__ import annotations

import logging

import pytest

from tradai.common.logger_mixin import LoggerMixin


class MyService(LoggerMixin):
    # Gets logging for free
    pass


def test_my_service_gets_a_working_logger_for_free(caplog: pytest.LogCaptureFixture) -> None:
    service = MyService()
    assert isinstance(service.logger, logging.Logger)
    assert service.logger.name == f"{__name__}.MyService"
    with caplog.at_level(logging.INFO, logger=service.logger.name):
        service.logger.info("started %s", "ok")
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        (f"{__name__}.MyService", "started ok")
    ]


def test_logger_is_a_property_as_in_the_design() -> None:
    assert isinstance(LoggerMixin.__dict__["logger"], property)
    assert MyService().logger is MyService().logger  # logging.getLogger caches by name
