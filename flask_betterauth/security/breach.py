"""The breached-password check: Have I Been Pwned's range API, by k-anonymity.

Off by default (``email_and_password.breached_passwords.enabled``). When on, a new
password's SHA-1 is computed here; only its first five hex digits are sent
(``GET <api_url><prefix>``, with ``Add-Padding: true`` so the answer's size says nothing
either), and the answer's ``SUFFIX:COUNT`` lines are searched here for the rest.

A password found with a count above zero is refused: 400 ``PASSWORD_COMPROMISED``. When
the API cannot be asked (timeout, network error, bad status, unreadable answer) the
option ``on_unavailable`` decides: ``"allow"`` logs a warning and lets the password
through, ``"deny"`` refuses it with 503 ``BREACH_CHECK_UNAVAILABLE``.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request

from ..errors import APIError
from ..options.groups import BreachedPasswordOptions

logger = logging.getLogger("flask_betterauth")

USER_AGENT = "flask-betterauth password checker"
#: The most an answer may weigh (a real one is about 40 KB with padding).
MAX_ANSWER_BYTES = 2 * 1024 * 1024


class BreachCheckUnavailable(Exception):
    """The range API could not be asked or did not answer sensibly."""


def sha1_parts(password: str) -> tuple[str, str]:
    """The upper-case hex SHA-1 of ``password``: its 5-digit prefix and 35-digit rest."""
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    return digest[:5], digest[5:]


def count_in_range(answer: str, suffix: str) -> int:
    """How often ``suffix`` appears in a range answer (``0`` when absent).

    :raises BreachCheckUnavailable: for a line with our suffix and a count that is not a
        plain non-negative integer.
    """
    wanted = suffix.upper() + ":"
    for line in answer.splitlines():
        if line[: len(wanted)].upper() != wanted:
            continue
        text = line[len(wanted) :].strip()
        if not text.isdigit():
            raise BreachCheckUnavailable(f"unreadable count {text!r} in the range answer")
        return int(text)
    return 0


def fetch_range(options: BreachedPasswordOptions, prefix: str) -> str:
    """The range API's answer for ``prefix``.

    :raises BreachCheckUnavailable: on any failure to get a 200 answer in time.
    """
    url = options.api_url.rstrip("/") + "/" + prefix
    if not url.startswith(("https://", "http://")):
        raise BreachCheckUnavailable(f"api_url {options.api_url!r} is not an http(s) URL")
    req = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"Add-Padding": "true", "User-Agent": USER_AGENT}
    )
    try:
        with urllib.request.urlopen(req, timeout=options.timeout) as response:  # noqa: S310
            if response.status != 200:
                raise BreachCheckUnavailable(f"the range API answered {response.status}")
            data: bytes = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise BreachCheckUnavailable(f"the range API answered {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise BreachCheckUnavailable(f"the range API could not be reached: {error}") from error
    if len(data) > MAX_ANSWER_BYTES:
        raise BreachCheckUnavailable("the range API's answer is too large")
    return data.decode("utf-8", errors="replace")


def times_breached(options: BreachedPasswordOptions, password: str) -> int:
    """How often ``password`` appears in the breach corpus.

    :raises BreachCheckUnavailable: when the range API cannot tell.
    """
    prefix, suffix = sha1_parts(password)
    return count_in_range(fetch_range(options, prefix), suffix)


def check_breached(options: BreachedPasswordOptions, password: str) -> None:
    """Refuse ``password`` when it is known from breaches (nothing when the check is off).

    :raises APIError: 400 ``PASSWORD_COMPROMISED``; 503 ``BREACH_CHECK_UNAVAILABLE`` when
        the API cannot be asked and ``on_unavailable`` is ``"deny"``.
    """
    if not options.enabled:
        return
    try:
        count = times_breached(options, password)
    except BreachCheckUnavailable as error:
        if options.on_unavailable == "deny":
            raise APIError(503, "BREACH_CHECK_UNAVAILABLE") from None
        logger.warning("breached-password check skipped: %s", error)
        return
    if count > 0:
        raise APIError(400, "PASSWORD_COMPROMISED", options.message)
