"""The ``briefdesk`` command line: one Click group over the pipeline's API.

Only Click is imported at start-up (``briefdesk --help`` answers fast); each command imports what it needs.
Exit codes: 0 success, 1 when some items failed (the rest was done), 2 for usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from workflow import __version__

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _targets(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


def _budget(sentences: int | None, words: int | None):
    from workflow.summarize import DEFAULT_SENTENCES, Budget

    if sentences is not None and words is not None:
        raise click.UsageError("give --sentences or --words, not both")
    try:
        return Budget(sentences=sentences if words is None else None, words=words) if (sentences or words) \
            else Budget(sentences=DEFAULT_SENTENCES)
    except ValueError as error:
        raise click.UsageError(str(error)) from error


# Algorithm and role names are static; list them without importing sumy or the store so --help stays fast.
_ROLES = ("reader", "editor", "admin")
_ALGORITHMS = ("news", "lead", "lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic", "edmundson", "reduction",
               "random")
algorithm_option = click.option("--algorithm", type=click.Choice(_ALGORITHMS), default="news", show_default=True,
                                help="Brief method: 'news' (position x centrality, default), 'lead' or a sumy "
                                     "algorithm.")
sentences_option = click.option("--sentences", type=click.IntRange(min=1), help="Brief length in sentences "
                                                                                  "(default 3).")
words_option = click.option("--words", type=click.IntRange(min=1), help="Brief length as an English word budget.")


def decoding_options(function):
    function = click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True)(function)
    function = click.option("--compute-type", default="auto", show_default=True,
                            help="CTranslate2 compute type: auto, int8, int8_float32, float32…")(function)
    function = click.option("--threads", type=click.IntRange(min=0), default=0, show_default=True,
                            help="Translation threads in all (0: all cores), split over two workers.")(function)
    return function


def _settings(beam_size: int, compute_type: str, threads: int):
    from workflow.translate import Settings, split_threads

    workers, per_worker = split_threads(threads)
    return Settings(beam_size=beam_size, compute_type=compute_type, inter_threads=workers, intra_threads=per_worker)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefdesk")
def main() -> None:
    """Briefdesk: translate English news into Khmer and Chinese offline, brief it, and review it.

    Everything Briefdesk writes lives in BRIEFDESK_HOME (default: your user data dir).
    """


# --- run -----------------------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "targets", default="km,zh", show_default=True, help="Target languages, comma-separated.")
@sentences_option
@words_option
@algorithm_option
@decoding_options
def run(paths, targets, sentences, words, algorithm, beam_size, compute_type, threads) -> None:
    """Ingest, summarize and translate articles (files or folders) into the store."""
    report = _run(paths, _targets(targets), _budget(sentences, words), algorithm,
                  _settings(beam_size, compute_type, threads))
    if report.errors:
        sys.exit(1)


def _run(paths, targets, budget, algorithm, settings):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from workflow import pipeline
    from workflow.store import Store

    err = Console(stderr=True)
    options = pipeline.Options(targets=targets, budget=budget, algorithm=algorithm, decoding=settings)
    tasks: dict[str, int] = {}
    with Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False, disable=not err.is_terminal) as bars:
        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage.replace("translate:", "translate → "), total=total)
            bars.update(tasks[stage], completed=done, total=total)

        report = pipeline.run(paths, Store(), options, progress)
    _print_report(report, targets)
    return report


def _print_report(report, targets) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console()
    table = Table(title=f"Run {report.run_id}", title_justify="left")
    table.add_column("article")
    table.add_column("sentences", justify="right")
    table.add_column("brief", justify="right")
    for lang in targets:
        table.add_column(f"new {lang}", justify="right")
    for item in report.articles:
        table.add_row(item.external_id[:48], str(item.sentences), str(item.brief_sentences),
                      *[str(item.translated.get(lang, "—")) for lang in targets])
    out.print(table)
    for lang, model in report.models.items():
        note = "  [bold yellow]DEMO model: it only knows its training sentences[/]" if model.demo else ""
        out.print(f"{lang}: {model.label}, {report.decoded.get(lang, 0)} sentences decoded{note}")
    if report.articles and report.translated_nothing and report.models:
        out.print("Nothing to translate: every article is unchanged and already translated with these models "
                  "and settings.")
    for error in report.errors:
        Console(stderr=True).print(f"[red]error[/] {error['item']} ({error['stage']}): {error['reason']}",
                                   highlight=False)
    out.print(f"{len(report.articles)} articles stored, {len(report.errors)} errors.")


# --- translate and summarize ---------------------------------------------------------------------------------


def _read_text(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read()
        label = "standard input"
    else:
        path = Path(source)
        if not path.is_file():
            raise click.ClickException(f"{source}: no such file")
        data, label = path.read_bytes(), source
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{label}: not UTF-8 text (invalid byte at offset {error.start})") from error


@main.command()
@click.argument("source", default="-")
@click.option("--to", "target", default="km", show_default=True, help="Target language: km, zh or zt.")
@decoding_options
def translate(source, target, beam_size, compute_type, threads) -> None:
    """Translate one English text (FILE or - for stdin) and print it."""
    from workflow.corpus import clean_text
    from workflow.models import ModelError, find
    from workflow.segment import split_sentences
    from workflow.translate import Translator, join_sentences

    text = clean_text(_read_text(source))
    try:
        model = find(target)
    except ModelError as error:
        raise click.ClickException(str(error)) from error
    sentences = split_sentences(text)
    outputs = Translator(model, _settings(beam_size, compute_type, threads)).translate(s.text for s in sentences)
    paragraphs: dict[int, list[str]] = {}
    for sentence, output in zip(sentences, outputs):
        paragraphs.setdefault(sentence.paragraph, []).append(output.text)
    click.echo("\n\n".join(join_sentences(target, group) for _, group in sorted(paragraphs.items())))
    if model.demo:
        click.echo(f"(translated with the DEMO model {model.label}: it knows only its training sentences)",
                   err=True)


@main.command("summarize")
@click.argument("source", default="-")
@sentences_option
@words_option
@algorithm_option
@click.option("--input-jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='Batch mode: lines of {"id", "text"}.')
@click.option("--output-jsonl", type=click.Path(dir_okay=False, path_type=Path),
              help='Batch mode: writes lines of {"id", "summary"} (one sentence a line).')
def summarize_command(source, sentences, words, algorithm, input_jsonl, output_jsonl) -> None:
    """Print an extractive brief of one text, or summarize a JSONL file in batch."""
    from workflow import summarize

    budget = _budget(sentences, words)
    if input_jsonl or output_jsonl:
        if not (input_jsonl and output_jsonl):
            raise click.UsageError("--input-jsonl and --output-jsonl go together")
        failures = _summarize_jsonl(input_jsonl, output_jsonl, budget, algorithm)
        if failures:
            sys.exit(1)
        return
    for line in summarize.brief_of_text(_read_text(source), budget=budget, algorithm=algorithm):
        click.echo(line)


def _summarize_jsonl(source: Path, target: Path, budget, algorithm: str) -> int:
    from workflow import summarize

    failures = written = 0
    with source.open("rb") as lines, target.open("w", encoding="utf-8") as out:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw.decode("utf-8"))
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError('expected an object with a string "text"')
                chosen = summarize.brief_of_text(item["text"], budget=budget, algorithm=algorithm)
            except (ValueError, UnicodeDecodeError) as error:
                click.echo(f"{source}:{number}: {error}", err=True)
                failures += 1
                continue
            out.write(json.dumps({"id": item.get("id", number), "summary": "\n".join(chosen)},
                                 ensure_ascii=False) + "\n")
            written += 1
    click.echo(f"{written} summaries written to {target}" + (f", {failures} lines failed" if failures else ""),
               err=True)
    return failures


# --- export --------------------------------------------------------------------------------------------------


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--status", type=click.Choice(["new", "in_review", "approved", "rejected"]),
              help="Only items with this review status.")
@click.option("--lang", help="Only this language.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="File (default stdout).")
def export(fmt, status, lang, output) -> None:
    """Export stored translations and briefs, one JSON object per article and language."""
    from workflow.export import records
    from workflow.store import Store

    for item in records(Store(), status=status, lang=lang):
        output.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")


# --- benchmarks --------------------------------------------------------------------------------------------


@main.group()
def bench() -> None:
    """Benchmarks that print numbers (speed, memory, latency)."""


@bench.command("translate")
@click.option("--articles", type=click.IntRange(min=1), default=41, show_default=True,
              help="VOA stories of corpus/ to translate (repeated beyond 41).")
@click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True)
@click.option("--compute-type", default="int8", show_default=True)
@click.option("--skip-peer", is_flag=True, help="Skip argostranslate (slow) for a quick pipeline-vs-ceiling check.")
@click.option("--json", "as_json", is_flag=True)
def bench_translate(articles, beam_size, compute_type, skip_peer, as_json) -> None:
    """argostranslate vs Briefdesk vs raw CTranslate2 on one real-size benchmark model (built once)."""
    from workflow import bench as benchmarks

    result = benchmarks.translate(articles, beam_size, compute_type, peer=not skip_peer)
    _print_result(result, as_json, "Translation throughput")


@bench.command("summarize")
@click.option("--json", "as_json", is_flag=True)
def bench_summarize(as_json) -> None:
    """Articles per second and peak RSS of the default brief method; time for a 500-sentence article."""
    from workflow import bench as benchmarks

    _print_result(benchmarks.summarize(), as_json, "Summaries")


@bench.command("serve")
@click.option("--articles", type=click.IntRange(min=100), default=10_000, show_default=True)
@click.option("--requests", "request_count", type=click.IntRange(min=10), default=400, show_default=True)
@click.option("--clients", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Server processes  [default: as serve].")
@click.option("--json", "as_json", is_flag=True)
def bench_serve(articles, request_count, clients, workers, as_json) -> None:
    """Queue and article page latency (p50, p95) with a full store, on loopback, bounded load."""
    from workflow import bench as benchmarks

    _print_result(benchmarks.serve(articles, request_count, clients, workers), as_json, "Review app under load")


@bench.command("convert")
@click.option("--json", "as_json", is_flag=True)
def bench_convert(as_json) -> None:
    """CPU speed of a converted NLLB-600M-shaped checkpoint (random weights; needs the convert extra)."""
    from workflow import bench as benchmarks

    _print_result(benchmarks.converted(), as_json, "Converted NLLB-600M-shaped model")


def _print_result(result: dict, as_json: bool, title: str) -> None:
    if as_json:
        click.echo(json.dumps(result))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_header=False)
    for key, value in result.items():
        table.add_row(key, str(value))
    Console().print(table)


# --- database ----------------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Back up and restore the database (SQLite)."""


@db.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(path) -> None:
    """Write a consistent copy of the live database to PATH (safe while the app and batches run)."""
    from workflow.store import Store, backup

    try:
        target = backup(Store(), path)
    except (FileExistsError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backed up to {target} ({target.stat().st_size / 1e6:.1f} MB)")


@db.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="Replace the current database with this backup?")
def db_restore(path) -> None:
    """Replace the database with the backup at PATH (stop `serve` and running batches first)."""
    from workflow.store import restore

    try:
        target = restore(path)
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"restored {path} into {target}")


# --- eval --------------------------------------------------------------------------------------------------


@main.group("eval")
def eval_group() -> None:
    """Measure quality: ROUGE of briefs against reference summaries."""


@eval_group.command("summaries")
@click.option("--input-jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help='Lines of {"text", "summary"} (the summary one highlight a line).')
@click.option("--sentences", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def eval_summaries(input_jsonl, sentences, as_json) -> None:
    """ROUGE-1/2/Lsum F1 of Lead-3, sumy's algorithms and Briefdesk's default brief method."""
    from workflow import evaluate

    try:
        items = evaluate.read_jsonl(input_jsonl, ["text", "summary"])
        rows = evaluate.summaries(items, sentences=sentences)
    except evaluate.EvalError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps({"items": len(items), "sentences": sentences,
                               "methods": [row.__dict__ for row in rows]}))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"ROUGE F1 x 100 on {len(items)} items, {sentences} sentences", title_justify="left")
    for column in ("method", "ROUGE-1", "ROUGE-2", "ROUGE-Lsum"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for row in rows:
        name = f"{row.method} (default)" if row.method == "news" else row.method
        table.add_row(name, f"{row.rouge1:.2f}", f"{row.rouge2:.2f}", f"{row.rougeLsum:.2f}")
    Console().print(table)


@eval_group.command("translations")
@click.option("--input-jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help='Lines with "id", "en" and the reference in a field named after the language.')
@click.option("--to", "lang", type=click.Choice(["km", "zh", "zt"]), required=True)
@click.option("--output-jsonl", type=click.Path(dir_okay=False, path_type=Path),
              help='Also write {"id", "translation"} lines.')
@click.option("--hypotheses", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='Score this JSONL of {"id", "translation"} instead of translating.')
@click.option("--json", "as_json", is_flag=True, help='One JSON object: lang, sentences, chrf, bleu.')
def eval_translations(input_jsonl, lang, output_jsonl, hypotheses, as_json) -> None:
    """chrF++ and BLEU of the installed model (or of given hypotheses) against references."""
    from workflow import evaluate
    from workflow.models import ModelError

    try:
        items = evaluate.read_jsonl(input_jsonl, ["en", lang])
        if hypotheses:
            given = {str(h["id"]): h["translation"] for h in evaluate.read_jsonl(hypotheses, ["translation"])}
            missing = [str(i.get("id")) for i in items if str(i.get("id")) not in given]
            if missing:
                raise evaluate.EvalError(f"{hypotheses}: no translation for id(s) {', '.join(missing[:5])}")
            outputs = [given[str(i.get("id"))] for i in items]
        else:
            outputs = evaluate.translate_items(items, lang)
        score = evaluate.score_translations(outputs, [i[lang] for i in items], lang)
    except (evaluate.EvalError, ModelError) as error:
        raise click.ClickException(str(error)) from error
    if output_jsonl:
        with output_jsonl.open("w", encoding="utf-8") as out:
            for item, output in zip(items, outputs):
                out.write(json.dumps({"id": item.get("id"), "translation": output}, ensure_ascii=False) + "\n")
    result = {"lang": score.lang, "sentences": score.sentences, "chrf": score.chrf, "bleu": score.bleu}
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"{lang}: {score.sentences} sentences  chrF++ {score.chrf:.2f}  BLEU {score.bleu:.2f} "
                   f"(tokenize={score.bleu_tokenize})")


# --- models --------------------------------------------------------------------------------------------------


@main.group()
def models() -> None:
    """List, install, add and remove translation models (Argos packages)."""


@models.command("list")
def models_list() -> None:
    """Show installed models: pair, source, version, size, demo flag."""
    from rich.console import Console
    from rich.table import Table

    from workflow.models import installed

    table = Table(title="Installed models", title_justify="left")
    for column in ("pair", "source", "version", "size", "demo", "licence"):
        table.add_column(column)
    found = installed()
    for model in found:
        table.add_row(model.pair, model.source, model.version, f"{model.size_bytes / 1e6:.1f} MB",
                      "[bold yellow]DEMO[/]" if model.demo else "no", model.license)
    Console().print(table if found else "No models installed. Try `briefdesk models install demo`.")


@models.command("install")
@click.argument("lang")
@click.option("--recipe", help="km: nllb-600m | madlad-3b; zh: argos (default) | opus-mt | nllb-600m.")
def models_install(lang, recipe) -> None:
    """Install LANG's model (online), or 'demo' for the bundled demo models.

    zh comes from the Argos index by default; Argos has no Khmer model, so km is built from a Hugging Face
    checkpoint (--recipe nllb-600m, the default, or madlad-3b): downloaded, converted, installed.
    """
    from workflow.models import ModelError, install_demo, install_from_index

    if lang == "km" and recipe is None:
        recipe = "nllb-600m"
    try:
        if lang == "demo":
            installed_models = install_demo()
        elif recipe in (None, "argos"):
            installed_models = [install_from_index(lang)]
        else:
            installed_models = [_install_recipe(lang, recipe)]
    except ModelError as error:
        raise click.ClickException(str(error)) from error
    for model in installed_models:
        click.echo(f"installed {model.label} ({model.size_bytes / 1e6:.1f} MB, licence {model.license})")


def _install_recipe(lang: str, recipe: str):
    import tempfile

    from workflow import convert
    from workflow.models import ModelError, add

    known = convert.RECIPES.get(lang, {})
    if recipe not in known:
        raise ModelError(f"no recipe {recipe!r} for {lang}; choose one of {', '.join(known) or 'none'}")
    chosen = known[recipe]
    click.echo(f"{chosen.hub_id}: licence {chosen.license}; {chosen.size}. {chosen.note}")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            archive = convert.convert(chosen.hub_id, "en", lang, Path(tmp) / "model.argosmodel",
                                      license=chosen.license)
        except convert.ConvertError as error:
            raise ModelError(str(error)) from error
        return add(archive)


@models.command("convert")
@click.argument("source")
@click.option("--from", "from_code", default="en", show_default=True)
@click.option("--to", "to_code", required=True, type=click.Choice(["km", "zh", "zt"]))
@click.option("--quantization", default="int8", show_default=True, help="int8, int8_float32, float16, float32…")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def models_convert(source, from_code, to_code, quantization, output) -> None:
    """Convert a Hugging Face checkpoint (folder, or hub id when online) into an .argosmodel.

    Marian/OPUS-MT (multi-target >>xxx<< tokens handled), NLLB-200, M2M-100 and MADLAD-400 (T5).
    """
    from workflow import convert

    try:
        path = convert.convert(source, from_code, to_code, output, quantization=quantization)
    except convert.ConvertError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB); install it with `briefdesk models add {path}`")


@models.command("add")
@click.argument("file", type=click.Path(path_type=Path))
def models_add(file) -> None:
    """Install a local FILE.argosmodel (validated first)."""
    from workflow.models import ModelError, add

    try:
        model = add(file)
    except ModelError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"installed {model.label} ({model.size_bytes / 1e6:.1f} MB)")


@models.command("remove")
@click.argument("pair")
def models_remove(pair) -> None:
    """Remove the model for PAIR (e.g. 'km' or 'en-km')."""
    from workflow.models import ModelError, remove

    try:
        model = remove(pair)
    except ModelError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"removed {model.label}")


# --- review app ----------------------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes  [default: one per core, at most 8].")
@click.option("--debug", is_flag=True, help="Flask's development server with reloader (never in production).")
def serve(host, port, workers, debug) -> None:
    """Run the review web app (gunicorn worker processes; waitress on Windows)."""
    _serve(host, port, debug, workers)


def _serve(host: str, port: int, debug: bool, workers: int | None = None) -> None:
    from web import create_app, serve

    app = create_app()
    click.echo(f"Briefdesk review app: http://{host}:{port}/  (Ctrl+C to stop)")
    if debug:
        app.run(host=host, port=port, debug=True)
    else:
        serve.run(app, host, port, workers)


@main.group()
def users() -> None:
    """Manage the people who log in to the review app."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(_ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def users_add(name, role, password_stdin) -> None:
    """Add user NAME with a role: reader (downloads), editor (reviews) or admin (also manages users)."""
    from workflow import accounts
    from workflow.store import Store

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.add_user(Store(), name, password, role)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"added {name} ({role})")


@users.command("list")
def users_list() -> None:
    """List users and their roles."""
    from workflow import accounts
    from workflow.store import Store

    for user in accounts.list_users(Store()):
        click.echo(f"{user.username}\t{user.role}\t{user.created_at:%Y-%m-%d}")


@users.command("remove")
@click.argument("name")
def users_remove(name) -> None:
    """Remove user NAME."""
    from workflow import accounts
    from workflow.store import Store

    try:
        accounts.remove_user(Store(), name)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"removed {name}")


# --- demo ----------------------------------------------------------------------------------------------------


@main.command()
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=CORPUS, show_default=True)
@click.option("--serve/--no-serve", default=True, show_default=True, help="Start the review app afterwards.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def demo(corpus_dir, serve, port) -> None:
    """Run the whole job on the bundled corpus, then serve the review app with a demo login.

    Installs the demo models first when no real km/zh model is installed, and says so.
    """
    import secrets

    from workflow import accounts
    from workflow.models import ModelError, find, install_demo
    from workflow.store import Store

    missing = []
    for lang in ("km", "zh"):
        try:
            find(lang)
        except ModelError:
            missing.append(lang)
    if missing:
        click.echo(f"No real {'/'.join(missing)} model installed: installing the bundled DEMO models. They "
                   "translate only their training sentences; see README 'Real models'.")
        for model in install_demo(missing):
            click.echo(f"  installed {model.label}")
    if not corpus_dir.is_dir():
        raise click.ClickException(f"{corpus_dir}: corpus folder not found (run from a clone of the repository)")
    report = _run([corpus_dir], ["km", "zh"], _budget(None, None), "news", _settings(4, "auto", 0))
    # A fresh random password each time: nothing guessable is ever left behind.
    password = secrets.token_urlsafe(12)
    store = Store()
    try:
        accounts.add_user(store, "demo", password, "admin")
    except accounts.AccountError:
        accounts.set_password(store, "demo", password)
    click.echo(f"Demo login: user 'demo', password '{password}' (admin)")
    if serve:
        _serve("127.0.0.1", port, False)
    elif report.errors:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
