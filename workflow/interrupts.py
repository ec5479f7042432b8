"""Ctrl-C that is never lost.

Python delivers SIGINT as a KeyboardInterrupt wherever the main thread happens to be, and where that is a
``__del__`` method or a weakref callback (SQLAlchemy cleans up its objects in them) Python prints "Exception
ignored" and carries on: the batch would run to its end. So the CLI remembers the signal as well (and keeps that
message quiet), and the pipeline raises it again at its next safe point (each progress step: an article read, a
batch decoded).

A step that must not be cut in two (a commit and the count the run records for it) runs inside ``deferred()``:
Ctrl-C there is raised when the step ends.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_received = threading.Event()
_deferring = 0
"""How many ``deferred()`` steps the main thread is inside (signal handlers run in the main thread)."""


@contextmanager
def remembered() -> Iterator[None]:
    """While inside (in the main thread, where Python's own handler is in place), SIGINT raises KeyboardInterrupt
    as usual and is also remembered for ``check()``."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return

    def interrupt(signum, frame) -> None:
        _received.set()
        if not _deferring:
            raise KeyboardInterrupt

    def unraisable(report) -> None:
        if not isinstance(report.exc_value, KeyboardInterrupt):  # that one is raised again at the next check()
            previous_hook(report)

    previous_hook = sys.unraisablehook
    _received.clear()
    signal.signal(signal.SIGINT, interrupt)
    sys.unraisablehook = unraisable
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.unraisablehook = previous_hook
        _received.clear()


@contextmanager
def deferred() -> Iterator[None]:
    """Inside ``remembered()``, Ctrl-C during this step is raised when it ends, not in its middle."""
    global _deferring
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
    if not _deferring:
        check()


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C came since ``remembered()`` began (raised again if it was swallowed)."""
    if _received.is_set():
        raise KeyboardInterrupt
