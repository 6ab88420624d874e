"""The ``flask_betterauth`` logger, set up from the ``logger`` option."""

from __future__ import annotations

import logging
from collections.abc import Callable

from .options.advanced import LoggerOptions

logger = logging.getLogger("flask_betterauth")


class _CallbackHandler(logging.Handler):
    """Hands each record to the app's ``log(level, message)`` function."""

    def __init__(self, log: Callable[[str, str], None]) -> None:
        super().__init__()
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        self.log(record.levelname.lower(), record.getMessage())


def configure_logger(options: LoggerOptions) -> None:
    """Apply ``logger.disabled``, ``logger.level`` and ``logger.log``."""
    logger.disabled = options.disabled
    if options.level is not None:
        level = options.level.upper()
        logger.setLevel("WARNING" if level == "WARN" else level)
    if options.log is not None and not any(
        isinstance(h, _CallbackHandler) and h.log is options.log for h in logger.handlers
    ):
        logger.addHandler(_CallbackHandler(options.log))
