"""Progress of a long command: rich's bars on a terminal, plain periodic lines in a log.

A redirected ``briefdesk run`` (cron, systemd, ``> run.log 2>&1``) would otherwise show nothing until the end.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import click

EVERY_SECONDS = 10.0
"""How often a log gets a line per stage (BRIEFDESK_PROGRESS_SECONDS); the first and the last always come."""


class PlainProgress:
    """``stage: done/total (percent), elapsed`` when a stage starts, at most every ``every`` seconds, and when
    it completes."""

    def __init__(self, every: float | None = None, echo: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.every = every if every is not None else _every_from_env()
        self.echo = echo or (lambda line: click.echo(line, err=True))
        self.clock = clock
        self.started = clock()
        self.last: dict[str, float] = {}
        self.finished: set[str] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        complete = total > 0 and done >= total
        if stage in self.finished or not (stage not in self.last or complete or now - self.last[stage] >= self.every):
            return
        self.last[stage] = now
        if complete:
            self.finished.add(stage)
        percent = f" ({100 * done // total}%)" if total else ""
        elapsed = int(now - self.started)
        self.echo(f"{stage.replace('translate:', 'translate → ')}: {done:,}/{total:,}{percent}, "
                  f"{elapsed // 60}:{elapsed % 60:02d} elapsed")


def _every_from_env() -> float:
    value = os.environ.get("BRIEFDESK_PROGRESS_SECONDS", "").strip()
    try:
        return max(0.0, float(value)) if value else EVERY_SECONDS
    except ValueError:
        raise click.UsageError(f"BRIEFDESK_PROGRESS_SECONDS={value!r}: give a number of seconds") from None
