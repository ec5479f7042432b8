"""Options shared by several commands, and the values they turn into."""

from __future__ import annotations

from dataclasses import dataclass

import click

from workflow import languages, summarize
from workflow.errors import BriefdeskError


def _algorithm_help() -> str:
    return "Brief method: " + "; ".join(f"'{name}': {cls.description}" for name, cls in
                                        summarize.SUMMARIZERS.items()) + "."


algorithm = click.option("--algorithm", type=click.Choice(summarize.ALGORITHMS), default=summarize.DEFAULT_ALGORITHM,
                         show_default=True, help=_algorithm_help())
sentences = click.option("--sentences", type=click.IntRange(min=1),
                         help=f"Brief length in sentences (default {summarize.DEFAULT_SENTENCES}).")
words = click.option("--words", type=click.IntRange(min=1), help="Brief length as an English word budget.")


def target(default: str | None = "km", *, required: bool = False):
    """``--to LANG``: one target language, checked against the registered languages when the command runs."""
    return click.option("--to", "target", default=default, required=required, show_default=default is not None,
                        callback=_check_target, help=f"Target language: {', '.join(languages.targets())}.")


def targets(default: str = "km,zh"):
    """``--to LANGS``: comma-separated target languages, checked before any work starts."""
    return click.option("--to", "targets", default=default, show_default=True, callback=_check_targets,
                        help=f"Target languages, comma-separated: {', '.join(languages.targets())}.")


def _check_target(ctx, param, value):
    if value is not None and len(_check_targets(ctx, param, value)) != 1:
        raise click.BadParameter("give one language", ctx, param)
    return value


def _check_targets(ctx, param, value) -> list[str]:
    try:
        return languages.parse_targets(value)
    except BriefdeskError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def decoding(function):
    function = click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True,
                            help="Beam width (4, as argostranslate).")(function)
    function = click.option("--compute-type", default="auto", show_default=True,
                            help="CTranslate2 compute type: auto, int8, int8_float32, float32…")(function)
    function = click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
                            envvar="BRIEFDESK_DEVICE", show_default=True,
                            help="Decode on a CUDA GPU when there is one (auto), or on cpu or cuda; env "
                                 "BRIEFDESK_DEVICE.")(function)
    function = click.option("--threads", type=click.IntRange(min=0), default=0, show_default=True,
                            help="Translation threads in all (0: all cores), split over two translation "
                                 "workers.")(function)
    return function


def budget(sentence_count: int | None, word_count: int | None) -> summarize.Budget:
    if sentence_count is not None and word_count is not None:
        raise click.UsageError("give --sentences or --words, not both")
    if sentence_count or word_count:
        return summarize.Budget(sentences=sentence_count if word_count is None else None, words=word_count)
    return summarize.Budget(sentences=summarize.DEFAULT_SENTENCES)


@dataclass(frozen=True)
class Decoding:
    """What the decoding options asked for; the settings follow once it is known where decoding runs."""

    beam_size: int = 4
    compute_type: str = "auto"
    threads: int = 0
    device: str = "auto"

    def settings(self, resolved: str | None = None):
        """Decoding on this machine, or on ``resolved`` (``cpu`` or ``cuda``: a cluster's answer)."""
        return settings(self.beam_size, self.compute_type, self.threads, self.device, resolved)


def settings(beam_size: int, compute_type: str, threads: int, device: str = "auto", resolved: str | None = None):
    """Decoding settings: on a GPU (``workflow.devices``) its compute type and batch size; on CPUs ``--threads``
    split over workers, or (0) what ``bench translate --tune`` found best on this machine, or the built-in
    split. ``resolved``: the device already chosen elsewhere (a cluster's), not this machine's."""
    from workflow import devices, tuning
    from workflow.cli import config
    from workflow.translate import Settings, split_threads

    if (resolved or devices.resolve(device)) == "cuda":
        return Settings(beam_size=beam_size, compute_type=devices.compute_type("cuda", compute_type),
                        inter_threads=1, intra_threads=1, max_batch_tokens=devices.GPU_BATCH_TOKENS, device="cuda")
    tuned = tuning.load(config()) if threads == 0 else None
    if tuned:
        return Settings(beam_size=beam_size, compute_type=compute_type, inter_threads=tuned["inter_threads"],
                        intra_threads=tuned["intra_threads"], max_batch_tokens=tuned["max_batch_tokens"])
    workers, per_worker = split_threads(threads)
    return Settings(beam_size=beam_size, compute_type=compute_type, inter_threads=workers, intra_threads=per_worker)


def describe(settings, tuned: bool) -> str:
    """The settings line ``run`` and ``translate`` print."""
    return (f"decoding on {settings.device}: beam {settings.beam_size}, {settings.compute_type}, "
            f"{settings.inter_threads} workers x "
            f"{settings.intra_threads} threads, {settings.max_batch_tokens}-token batches"
            + (" (tuned on this machine by `bench translate --tune`)" if tuned else ""))


def read_text(source: str) -> str:
    """The text of FILE, or of standard input for ``-``, as UTF-8."""
    import sys
    from pathlib import Path

    if source == "-":
        data, label = sys.stdin.buffer.read(), "standard input"
    else:
        path = Path(source)
        if not path.is_file():
            raise click.ClickException(f"{source}: no such file")
        data, label = path.read_bytes(), source
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{label}: not UTF-8 text (invalid byte at offset {error.start})") from error


def print_table(result: dict, as_json: bool, title: str) -> None:
    """A flat result as JSON (for scripts) or as a two-column table."""
    if as_json:
        import json

        click.echo(json.dumps(result))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_header=False)
    for key, value in _flat(result):
        table.add_row(key, str(value))
    Console().print(table)


def _flat(result: dict, prefix: str = "") -> list[tuple[str, object]]:
    """Nested results as rows: ``{"stages": {"ingest": {"seconds": 1}}}`` is ``stages ingest seconds``."""
    rows = []
    for key, value in result.items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            rows += _flat(value, f"{prefix}{key} ")
        elif isinstance(value, dict) and prefix:
            rows += [(f"{prefix}{key} {k}", v) for k, v in value.items()]
        else:
            rows.append((f"{prefix}{key}", value))
    return rows


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 error``, ``2 errors``, ``1 story``, ``3 stories``: messages read as sentences."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
