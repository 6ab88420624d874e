"""The quickstart, followed as written: in a new folder, ``flask auth init``, the
quickstart's own files (``docs/quickstart/``, which the page includes), ``flask auth
migrate --yes`` and ``flask run``; then every command of ``docs/quickstart/try-it.console``
is made over HTTP and its answer checked against the lines the page shows.

The commands are curl commands; :class:`Curl` makes the same requests with the standard
library (the options the page uses: ``-i -s -b -c -H -d -X``), so the test needs no curl.
In the expected output, ``...`` stands for any number of lines; every other line must be
there as shown.
"""

from __future__ import annotations

import http.client
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.servers import ServerUnavailable
from tests.servers import free_port
from tests.servers import stop_process
from tests.servers import wait_for

pytestmark = pytest.mark.quickstart

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "docs" / "quickstart"
TRANSCRIPT = QUICKSTART / "try-it.console"
FLASK = Path(sys.executable).with_name("flask")
DOCUMENTED_HOST = "localhost:5000"
COMMAND_TIMEOUT = 60


@dataclass
class Step:
    """One command of the transcript and the output lines the page shows for it."""

    command: str
    expected: list[str] = field(default_factory=list)


def read_transcript(text: str) -> list[Step]:
    """The ``$ `` commands (with ``\\`` continuation lines joined) and their output."""
    steps: list[Step] = []
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\"):
                command = command[:-1] + next(lines).strip()
            steps.append(Step(command))
        elif steps:
            steps[-1].expected.append(line)
        else:
            raise AssertionError(f"output before the first command: {line!r}")
    return steps


def lines_match(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` with each ``...`` standing for any lines."""

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i] == "...":
            return any(match(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and actual[j] == expected[i] and match(i + 1, j + 1)

    return match(0, 0)


class Curl:
    """The curl options the quickstart uses, over ``http.client``; cookie jars by file name."""

    def __init__(self) -> None:
        self.jars: dict[str, dict[str, str]] = {}

    def run(self, command: str) -> str:
        """Make the request ``command`` describes; return what curl would print."""
        words = shlex.split(command)
        assert words[0] == "curl", command
        method, url, include, data = None, None, False, None
        headers = {"Accept": "*/*", "User-Agent": "curl/8"}
        read_jar = write_jar = None
        options = iter(words[1:])
        for word in options:
            if word == "-i":
                include = True
            elif word == "-s":
                pass
            elif word == "-b":
                read_jar = next(options)
            elif word == "-c":
                write_jar = next(options)
            elif word == "-H":
                name, _, value = next(options).partition(":")
                headers[name.strip()] = value.strip()
            elif word == "-d":
                data = next(options)
            elif word == "-X":
                method = next(options)
            elif word.startswith("http://"):
                url = word
            else:
                raise AssertionError(f"curl option not supported here: {word}")
        assert url is not None, command
        if data is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        cookies = dict(self.jars.get(read_jar, {})) if read_jar else {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.netloc, timeout=COMMAND_TIMEOUT)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method or ("POST" if data else "GET"), target, data, headers)
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    cookies.pop(name, None)
                else:
                    cookies[name] = morsel.value
        if write_jar:
            self.jars[write_jar] = cookies
        if not include:
            return body
        head = [f"HTTP/1.1 {response.status} {response.reason}"]
        head += [f"{name}: {value}" for name, value in response.getheaders()]
        return "\n".join([*head, "", body])


def _environment(port: int) -> dict[str, str]:
    """This environment's ``PATH`` and Python, none of its Flask or auth settings; the app's
    URL on the test's port (the environment wins over ``.env``)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "BETTER_AUTH_")) and k not in ("PYTHONPATH", "DATABASE_URL")
    }
    env["PATH"] = f"{FLASK.parent}{os.pathsep}{env.get('PATH', '')}"
    env["BETTER_AUTH_URL"] = f"http://{DOCUMENTED_HOST.split(':')[0]}:{port}"
    return env


def _flask(folder: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(FLASK), *args], cwd=folder, env=env, capture_output=True, text=True,
        timeout=COMMAND_TIMEOUT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/api/auth/ok")
        return connection.getresponse().status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def quickstart_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The quickstart's app, set up in a new folder as the page says, served by
    ``flask run`` on a free port; yields the port. The tests that share it do not
    depend on each other's requests."""
    tmp_path = tmp_path_factory.mktemp("quickstart")
    folder = tmp_path / "hello"
    folder.mkdir()
    port = free_port()
    env = _environment(port)
    init = _flask(folder, env, "auth", "init")
    assert "app.py: written" in init and "BETTER_AUTH_SECRET" in init
    # "Replace app.py with this one, and add the templates."
    shutil.copy(QUICKSTART / "app.py", folder / "app.py")
    shutil.copytree(QUICKSTART / "templates", folder / "templates")
    _flask(folder, env, "auth", "migrate", "--yes")
    log = (tmp_path / "flask-run.log").open("w")
    process = subprocess.Popen(
        [str(FLASK), "run", "--port", str(port)], cwd=folder, env=env,
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        try:
            wait_for(lambda: _answers(port), lambda: process.poll() is None, "flask run")
        except ServerUnavailable:
            log.flush()
            output = (tmp_path / "flask-run.log").read_text()
            raise AssertionError(f"flask run did not start:\n{output}") from None
        yield port
    finally:
        stop_process(process, group=True, timeout=20)
        log.close()


def test_the_transcript_reads_as_commands_and_answers() -> None:
    steps = read_transcript(TRANSCRIPT.read_text())
    assert len(steps) >= 6
    assert all(step.command.startswith("curl ") and step.expected for step in steps)
    assert lines_match(["a", "...", "c"], ["a", "b", "b", "c"])
    assert lines_match(["...", "c", "..."], ["c"])
    assert not lines_match(["a", "c"], ["a", "b", "c"])
    assert not lines_match(["a", "..."], ["b"])


def test_the_quickstart_runs_as_written(quickstart_app: int) -> None:
    curl = Curl()
    for step in read_transcript(TRANSCRIPT.read_text()):
        command = step.command.replace(DOCUMENTED_HOST, f"localhost:{quickstart_app}")
        output = curl.run(command).splitlines()
        assert lines_match(step.expected, output), (
            f"$ {step.command}\nexpected:\n" + "\n".join(step.expected)
            + "\ngot:\n" + "\n".join(output)
        )  # fmt: skip


def test_the_sign_in_redirect_lands_on_the_ready_made_page(quickstart_app: int) -> None:
    curl = Curl()
    redirect = curl.run(
        f"curl -i -H 'Accept: text/html' http://localhost:{quickstart_app}/dashboard"
    )
    location = next(
        line.split(": ", 1)[1] for line in redirect.splitlines() if line.startswith("Location: ")
    )
    page = curl.run(f"curl -i http://localhost:{quickstart_app}{location}")
    assert page.startswith("HTTP/1.1 200 ")
    assert "<h1>Sign in</h1>" in page and 'name="password"' in page


def test_a_fetch_from_a_page_gets_401(quickstart_app: int) -> None:
    # fetch("/dashboard") in a browser: Accept: */*, Sec-Fetch-Mode: cors.
    curl = Curl()
    answer = curl.run(
        f"curl -i -H 'Sec-Fetch-Mode: cors' -H 'Sec-Fetch-Dest: empty' "
        f"http://localhost:{quickstart_app}/dashboard"
    )
    assert answer.startswith("HTTP/1.1 401 ")
    assert answer.endswith('{"message":"Unauthorized","code":"UNAUTHORIZED"}')
