"""``briefdesk bench``: benchmarks that print numbers (speed, memory, latency), each naming its CPU."""

from __future__ import annotations

import click

from workflow.cli import config, options


@click.group()
def bench() -> None:
    """Benchmarks that print numbers (speed, memory, latency)."""


@bench.command("translate")
@click.option("--articles", type=click.IntRange(min=1), default=41, show_default=True,
              help="VOA stories of the sample corpus to translate (repeated beyond 41).")
@click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True, help="Beam width.")
@click.option("--compute-type", default="int8", show_default=True, help="CTranslate2 compute type.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="cpu", show_default=True,
              help="Decode on the CPUs or a CUDA GPU (all three sides).")
@click.option("--skip-peer", is_flag=True, help="Skip argostranslate (slow) for a quick pipeline-vs-ceiling check.")
@click.option("--tune", is_flag=True, help="Instead: try thread splits and batch sizes on this machine (on 12 stories "
                                           "unless --articles is given) and save the fastest for `run`.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.pass_context
def bench_translate(ctx, articles, beam_size, compute_type, device, skip_peer, tune, as_json) -> None:
    """argostranslate vs Briefdesk vs raw CTranslate2 on one real-size benchmark model (built once)."""
    from workflow.bench import translate

    if tune:
        explicit = ctx.get_parameter_source("articles") == click.core.ParameterSource.COMMANDLINE
        result = translate.tune(config(), articles if explicit else 12, beam_size, compute_type)
        if as_json:
            options.print_table(result, True, "")
            return
        for trial in result["trials"]:
            click.echo(f"{trial['inter_threads']} workers x {trial['intra_threads']} threads, "
                       f"{trial['max_batch_tokens']}-token batches: {trial['seconds']:.2f} s")
        best = result["best"]
        click.echo(f"fastest on {result['cpu']}: {best['inter_threads']} x {best['intra_threads']}, "
                   f"{best['max_batch_tokens']} tokens; saved to {result['saved']} (used by `run` and `translate`)")
        return
    result = translate.run(config(), articles, beam_size, compute_type, peer=not skip_peer, device=device)
    options.print_table(result, as_json, "Translation throughput")


@bench.command("cluster")
@click.option("--articles", type=click.IntRange(min=1), default=41, show_default=True,
              help="VOA stories of the sample corpus to translate (repeated beyond 41).")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Worker processes of the LocalCluster (one thread each).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def bench_cluster(articles, workers, as_json) -> None:
    """The pipeline decoding locally vs on a Dask LocalCluster, on the same cores (needs the cluster extra)."""
    from workflow.bench import cluster

    result = cluster.run(config(), articles, workers)
    options.print_table(result, as_json, "Local run vs Dask cluster")


@bench.command("archive")
@click.option("--stories", type=click.IntRange(min=10), default=2000, show_default=True,
              help="Stories in the synthetic archive (the VOA stories, each copy's sentences marked).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def bench_archive(stories, as_json) -> None:
    """A whole batch at archive scale with the demo models: per-stage throughput, first vs last 10 %."""
    from workflow.bench import archive

    result = archive.run(config(), stories)
    options.print_table(result, as_json, "Archive batch")


@bench.command("glossary")
@click.option("--repeats", type=click.IntRange(1, 10), default=1, show_default=True,
              help="Runs of each side; the fastest counts.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def bench_glossary(repeats, as_json) -> None:
    """What checking every translation against the starter glossary adds to a run of the sample corpus."""
    from workflow.bench import glossary

    options.print_table(glossary.run(repeats), as_json, "Glossary check")


@bench.command("checks")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def bench_checks(as_json) -> None:
    """Milliseconds per sentence for all translation checks (the corpus's references, Khmer and Chinese)."""
    from workflow.bench import checks

    options.print_table(checks.run(), as_json, "Translation checks")


@bench.command("summarize")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def bench_summarize(as_json) -> None:
    """Articles per second and peak RSS of the default brief method; time for a 500-sentence article."""
    from workflow.bench import summarize

    options.print_table(summarize.run(), as_json, "Summaries")


@bench.command("serve")
@click.option("--articles", type=click.IntRange(min=100), default=10_000, show_default=True,
              help="Articles in the store it serves (built once into the data dir).")
@click.option("--requests", "request_count", type=click.IntRange(min=10), default=400, show_default=True,
              help="Timed requests in all, after an untimed round of each kind of page per client.")
@click.option("--clients", type=click.IntRange(1, 64), default=8, show_default=True, help="Concurrent clients.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Server processes  [default: as serve].")
@click.option("--database-url", help="Serve this database (e.g. postgresql+psycopg://…; an empty one is filled) "
                                     "instead of SQLite in the data dir.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def bench_serve(articles, request_count, clients, workers, database_url, as_json) -> None:
    """Queue and article page latency (p50, p95) with a full store, on loopback, bounded load."""
    from web import bench

    result = bench.run(config(), articles, request_count, clients, workers, database_url)
    options.print_table(result, as_json, "Review app under load")


@bench.command("convert")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def bench_convert(as_json) -> None:
    """CPU speed of a converted NLLB-600M-shaped checkpoint (random weights; needs the convert extra)."""
    from workflow.bench import convert

    options.print_table(convert.run(config()), as_json, "Converted NLLB-600M-shaped model")


COMMANDS = (bench,)
