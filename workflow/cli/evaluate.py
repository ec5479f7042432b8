"""``briefdesk eval``: quality figures for briefs (ROUGE), translations (chrF++, BLEU), glossary terms and the
translation checks."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workflow.cli import options, registry


@click.group("eval")
def eval_group() -> None:
    """Measure quality: ROUGE of briefs, chrF++ and BLEU of translations, against references."""


@eval_group.command("summaries")
@click.option("--input-jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help='Lines of {"text", "summary"} (the summary one highlight a line).')
@click.option("--sentences", type=click.IntRange(min=1), default=3, show_default=True,
              help="Brief length in sentences.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def eval_summaries(input_jsonl, sentences, as_json) -> None:
    """ROUGE-1/2/Lsum F1 of every registered brief method but random and reduction (lead = Lead-3)."""
    from workflow import evaluate, summarize

    items = evaluate.read_jsonl(input_jsonl, ["text", "summary"])
    rows = evaluate.summaries(items, sentences=sentences)
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
        name = f"{row.method} (default)" if row.method == summarize.DEFAULT_ALGORITHM else row.method
        table.add_row(name, f"{row.rouge1:.2f}", f"{row.rouge2:.2f}", f"{row.rougeLsum:.2f}")
    Console().print(table)


@eval_group.command("translations")
@click.option("--input-jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help='Lines with "id", "en" and the reference in a field named after the language.')
@options.target(None, required=True)
@click.option("--output-jsonl", type=click.Path(dir_okay=False, path_type=Path),
              help='Also write {"id", "translation"} lines.')
@click.option("--hypotheses", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='Score this JSONL of {"id", "translation"} instead of translating.')
@click.option("--json", "as_json", is_flag=True, help='One JSON object: lang, sentences, chrf, bleu.')
def eval_translations(input_jsonl, target, output_jsonl, hypotheses, as_json) -> None:
    """chrF++ and BLEU of the installed model (or of given hypotheses) against references."""
    from workflow import evaluate

    items = evaluate.read_jsonl(input_jsonl, ["en", target])
    if hypotheses:
        outputs = evaluate.read_hypotheses(hypotheses, items)
    else:
        outputs = evaluate.translate_items(items, registry().find(target))
    score = evaluate.score_translations(outputs, [i[target] for i in items], target)
    if output_jsonl:
        with output_jsonl.open("w", encoding="utf-8") as out:
            for item, output in zip(items, outputs):
                out.write(json.dumps({"id": item.get("id"), "translation": output}, ensure_ascii=False) + "\n")
    result = {"lang": score.lang, "sentences": score.sentences, "chrf": score.chrf, "bleu": score.bleu}
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"{target}: {score.sentences} sentences  chrF++ {score.chrf:.2f}  BLEU {score.bleu:.2f} "
                   f"(tokenize={score.bleu_tokenize})")


@eval_group.command("terms")
@click.option("--input-jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help='Lines with "id" and "en" (a reference field is not needed).')
@options.target(None, required=True)
@click.option("--hypotheses", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='Score this JSONL of {"id", "translation"} instead of translating.')
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a line of text.")
def eval_terms(input_jsonl, target, hypotheses, as_json) -> None:
    """Term accuracy: the share of glossary terms in the English whose approved form the translation uses,
    as translated and after the automatic fixes. The glossary is the one in the database (glossary import)."""
    from workflow import evaluate, glossary
    from workflow.cli import store

    items = evaluate.read_jsonl(input_jsonl, ["en"])
    with store().read() as session:
        terms = glossary.load(session)
    if not len(terms):
        raise evaluate.EvalError("the glossary is empty: import one first (briefdesk glossary import FILE)")
    outputs = evaluate.read_hypotheses(hypotheses, items) if hypotheses else \
        evaluate.translate_items(items, registry().find(target))
    score = evaluate.term_accuracy(items, outputs, target, terms)
    result = {"lang": score.lang, "sentences": score.sentences, "terms": score.occurrences,
              "accuracy": score.accuracy, "accuracy_fixed": score.accuracy_fixed,
              "missing": [{"id": item, "term": term} for item, term in score.misses]}
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"{target}: {score.occurrences} glossary terms in {score.sentences} sentences  "
               f"term accuracy {score.accuracy:.2f} %  with automatic fixes {score.accuracy_fixed:.2f} %")
    for item, term in score.misses[:20]:
        click.echo(f"  missing: {term!r} in {item}")
    if len(score.misses) > 20:
        click.echo(f"  … and {len(score.misses) - 20} more (--json lists them all)")


@eval_group.command("checks")
@click.option("--input-jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help='Lines of {"id", "en", "<lang>"} with correct (professional) translations.')
@options.target(None, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object, with the flagged references listed.")
def eval_checks(input_jsonl, target, as_json) -> None:
    """How often the translation checks flag correct references (false alarms), and how often they catch the
    faults they inject into them: a changed or dropped number, an English tail, a loop, a cut sentence."""
    from workflow.checks import faults, records

    items = [item for item in records.read(input_jsonl, target) if isinstance(item, records.Record)]
    result = faults.evaluate([(item.id, item.en, item.text) for item in items], target)
    data = result.data()
    if as_json:
        click.echo(json.dumps({**data, "flagged_references": result.examples}, ensure_ascii=False))
        return
    click.echo(f"{target}: {data['sentences']} correct translations, {data['flagged']} flagged "
               f"({data['flagged_percent']} %): "
               + (", ".join(f"{name} {count}" for name, count in data["flagged_by"].items()) or "none"))
    for kind, fault in data["faults"].items():
        by = ", ".join(f"{name} {count}" for name, count in fault["by"].items())
        click.echo(f"  {kind}: {fault['caught']} of {fault['injected']} caught ({fault['caught_percent']} %)"
                   + (f" by {by}" if by else ""))


COMMANDS = (eval_group,)
