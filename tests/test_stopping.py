"""``serve``, ``worker`` and ``demo`` stop cleanly, every time: on Ctrl+C (SIGINT to the whole process group, as a
terminal sends it) and on SIGTERM (to the main process, as ``kill`` and systemd send it), within seconds, with
exit status 0, no crash of a child, and no process of theirs left behind. Real processes, ten stops each."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CORPUS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="reads sessions from /proc")]

STOPS = [signal.SIGINT, signal.SIGTERM] * 5
STOP_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session(sid: int) -> list[str]:
    """The processes still alive in session ``sid`` (each command starts one of its own)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # (fields after the name: state, ppid, pgrp, session)
            alive.append(stat.parent.name)
    return alive


def _up(port: int, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the app never answered")


def _stop(process: subprocess.Popen, signum: int) -> str:
    started = time.monotonic()
    if signum == signal.SIGINT:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C reaches every process of the terminal's group
    else:
        process.send_signal(signal.SIGTERM)
    try:
        output = process.communicate(timeout=STOP_SECONDS * 3)[0]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError(f"still running {STOP_SECONDS * 3} s after {signum.name}: "
                             f"{process.communicate()[0]}") from None
    took = time.monotonic() - started
    deadline = time.monotonic() + 2
    while _session(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _session(process.pid)
    if left:
        os.killpg(process.pid, signal.SIGKILL)
    assert not left, f"left behind after {signum.name}: {left}\n{output}"
    assert process.returncode == 0, f"exit {process.returncode} after {signum.name}:\n{output}"
    assert took < STOP_SECONDS, f"{took:.1f} s to stop after {signum.name}"
    for crash in ("SIGSEGV", "SIGKILL", "Traceback", "Perhaps out of memory"):
        assert crash not in output, f"{crash} after {signum.name}:\n{output}"
    return output


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "workflow", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, start_new_session=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_serve_stops_cleanly_ten_times(home):
    port = _free_port()
    for signum in STOPS:
        process = _start("serve", "--port", str(port), "--workers", "2")
        _up(port, process)
        _stop(process, signum)


def test_the_worker_stops_cleanly_ten_times(home):
    for signum in STOPS:
        process = _start("worker", "--poll", "0.1")
        assert "waiting (Ctrl+C to stop)" in process.stdout.readline()
        output = _stop(process, signum)
        assert f"{signum.name}: stopping" in output and "0 stories translated by this worker." in output


def test_demo_stops_cleanly_ten_times_and_its_first_run_too(home, demo_models, tmp_path):
    # A one-story corpus keeps each start short; the first start translates it, so models were loaded in the
    # process that then forks the app's workers (where the crashes on Ctrl+C came from).
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "hor-namhong-china-visit.en.txt", corpus)
    port = _free_port()
    for number, signum in enumerate(STOPS):
        process = _start("demo", "--corpus", str(corpus), "--port", str(port))
        lines = []
        while not lines or "waiting (Ctrl+C to stop)" not in lines[-1]:  # its worker is up too
            lines.append(process.stdout.readline())
            assert lines[-1], "".join(lines)
        _up(port, process)
        output = "".join(lines) + _stop(process, signum)
        assert ("19 sentences decoded" in output) == (number == 0), output
        # the first start loads the starter glossary (and says so); later ones keep the glossary as it is
        assert ("Loaded the starter glossary (71 terms" in output) == (number == 0), output
        assert "0 stories translated by this worker." in output
