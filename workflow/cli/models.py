"""``briefdesk models``: list, install, convert, add and remove translation models (Argos packages)."""

from __future__ import annotations

from pathlib import Path

import click

from workflow import languages
from workflow.cli import registry


@click.group()
def models() -> None:
    """List, install, add and remove translation models (Argos packages)."""


@models.command("list")
def models_list() -> None:
    """Show installed models: pair, source, version, size, demo flag."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Installed models", title_justify="left")
    for column in ("pair", "source", "version", "size", "demo", "licence"):
        table.add_column(column)
    found = registry().installed()
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
    from workflow import convert

    if lang == "demo":
        installed = registry().install_demo()
    elif recipe == "argos" or (recipe is None and lang not in convert.RECIPES_FIRST):
        installed = [registry().install_from_index(lang)]
    else:
        chosen = convert.recipe(lang, recipe)
        click.echo(f"{chosen.hub_id}: licence {chosen.license}; {chosen.size}. {chosen.note}")
        installed = [convert.install(chosen, lang, registry())]
    for model in installed:
        click.echo(f"installed {model.label} ({model.size_bytes / 1e6:.1f} MB, licence {model.license})")


@models.command("convert")
@click.argument("source")
@click.option("--from", "from_code", default=languages.SOURCE, show_default=True, help="Source language.")
@click.option("--to", "to_code", required=True, type=click.Choice(languages.targets()), help="Target language.")
@click.option("--quantization", default="int8", show_default=True, help="int8, int8_float32, float16, float32…")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .argosmodel file to write.")
def models_convert(source, from_code, to_code, quantization, output) -> None:
    """Convert a Hugging Face checkpoint (folder, or hub id when online) into an .argosmodel.

    Marian/OPUS-MT (multi-target >>xxx<< tokens handled), NLLB-200, M2M-100 and MADLAD-400 (T5).
    """
    from workflow import convert

    path = convert.convert(source, from_code, to_code, output, quantization=quantization)
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB); install it with `briefdesk models add {path}`")


@models.command("add")
@click.argument("file", type=click.Path(path_type=Path))
def models_add(file) -> None:
    """Install a local FILE.argosmodel (validated first)."""
    model = registry().add(file)
    click.echo(f"installed {model.label} ({model.size_bytes / 1e6:.1f} MB)")


@models.command("remove")
@click.argument("pair")
def models_remove(pair) -> None:
    """Remove the model for PAIR (e.g. 'km' or 'en-km')."""
    click.echo(f"removed {registry().remove(pair).label}")


COMMANDS = (models,)
