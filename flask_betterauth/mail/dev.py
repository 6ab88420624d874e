"""A development sender: prints each message and keeps it in a JSON-lines file.

Nothing leaves the machine. Each message is printed (recipient, subject, link, text) and,
when ``BETTER_AUTH_MAIL_LOG`` names a file, appended to it as one JSON object per line::

    {"type": "verify-email", "email": "ann@example.com", "subject": "...",
     "url": "http://localhost:5000/api/auth/verify-email?token=...", "token": "..."}

so a person follows the link from the terminal and a test reads it from the file.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from typing import TextIO

from . import Mail

_RULE = "-" * 72


class DevSender:
    """Prints each :class:`Mail` to ``stream`` and appends it to ``log_path`` if given.

    :param log_path: the JSON-lines file, created if missing.
    :param stream: where to print; default ``sys.stdout`` at the time of sending.
    """

    def __init__(self, log_path: str | Path | None = None, stream: TextIO | None = None) -> None:
        self.log_path = Path(log_path) if log_path else None
        self.stream = stream
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DevSender:
        """A sender logging to ``BETTER_AUTH_MAIL_LOG`` when the config names one."""
        return cls(config.get("BETTER_AUTH_MAIL_LOG") or None)

    def send(self, mail: Mail) -> None:
        """Print ``mail`` and append its JSON line."""
        printed = "\n".join(
            [
                _RULE,
                f"Mail ({mail.kind}) to {mail.to}",
                f"Subject: {mail.subject}",
                f"Link: {mail.url}",
                "",
                mail.text.rstrip(),
                _RULE,
                "",
            ]
        )
        record = {
            "type": mail.kind,
            "email": mail.to,
            "subject": mail.subject,
            "url": mail.url,
            "token": mail.token,
        }
        with self._lock:
            stream = self.stream or sys.stdout
            stream.write(printed)
            stream.flush()
            if self.log_path is not None:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                with self.log_path.open("a", encoding="utf-8") as log:
                    log.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_log(path: str | Path) -> list[dict[str, Any]]:
    """Every message a :class:`DevSender` logged to ``path``, oldest first."""
    file = Path(path)
    if not file.exists():
        return []
    with file.open(encoding="utf-8") as log:
        return [json.loads(line) for line in log if line.strip()]
