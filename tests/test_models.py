import json
import zipfile
from pathlib import Path

import pytest

from workflow import models
from workflow.errors import UsageError
from workflow.models import ModelError


def test_demo_models_install_list_and_remove(registry):
    installed = registry.install_demo()
    assert sorted(m.to_code for m in installed) == ["km", "zh"]
    listed = registry.installed()
    assert [(m.pair, m.demo) for m in listed] == [("en→km", True), ("en→zh", True)]
    assert all(m.size_bytes < 5_000_000 and m.license == "CC0-1.0" and "(DEMO)" in m.label for m in listed)
    assert registry.remove("en-km").to_code == "km"
    assert [m.to_code for m in registry.installed()] == ["zh"]
    with pytest.raises(ModelError, match="no en→km model installed.*models install"):
        registry.find("km")


def test_demo_archives_are_small_and_labelled():
    for archive in models.demo_archives():
        assert archive.stat().st_size < 5_000_000
        with zipfile.ZipFile(archive) as zf:
            top = {n.split("/")[0] for n in zf.namelist()}
            assert len(top) == 1
            metadata = json.loads(zf.read(f"{top.pop()}/metadata.json"))
        assert metadata["briefdesk"]["demo"] is True and metadata["package_version"].endswith("demo")


def test_unknown_language_is_a_clear_error(registry):
    with pytest.raises(UsageError, match="unknown language 'xx'"):
        registry.find("xx")


def _zip(path, files: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("files,reason", [
    ({"a/metadata.json": b"{}", "b/model/model.bin": b""}, "exactly one top-level folder"),
    ({"pkg/metadata.json": b'{"from_code": "en", "to_code": "km"}'}, "missing pkg/model/model.bin"),
    ({"pkg/metadata.json": b"{oops", "pkg/model/model.bin": b"", "pkg/sentencepiece.model": b""},
     "metadata.json is not valid JSON"),
    ({"pkg/../../evil.txt": b"x", "pkg/metadata.json": b"{}"}, "unsafe path"),
])
def test_bad_packages_are_rejected_and_nothing_is_half_installed(home, registry, tmp_path, files, reason):
    registry.install_demo(["zh"])
    before = sorted(p.name for p in (home / "argos" / "packages").iterdir())
    with pytest.raises(ModelError, match=reason):
        registry.add(_zip(tmp_path / "bad.argosmodel", files))
    assert sorted(p.name for p in (home / "argos" / "packages").iterdir()) == before
    assert [m.to_code for m in registry.installed()] == ["zh"]


def test_not_a_zip_is_rejected(registry, tmp_path):
    path = tmp_path / "model.argosmodel"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(ModelError, match="not a zip archive"):
        registry.add(path)


def test_truncated_package_is_rejected(registry, tmp_path):
    data = models.demo_archives()[0].read_bytes()
    path = tmp_path / "cut.argosmodel"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError):
        registry.add(path)
    assert registry.installed() == []


def test_index_install_offline_names_models_add(registry, no_network):
    with pytest.raises(ModelError, match="models add FILE"):
        registry.install_from_index("zh")
    assert no_network  # it did try the index


def test_packages_live_in_the_data_dir_and_argos_reads_them(registry, home):
    import argostranslate.package

    installed = registry.install_demo()  # the real `models add`, not the tests' copy of one
    packages = argostranslate.package.get_installed_packages([home / "argos" / "packages"])
    assert sorted(p.to_code for p in packages) == ["km", "zh"]
    assert all(str(m.path).startswith(str(home)) for m in installed)


def _relabelled(tmp_path, name: str, **metadata) -> Path:
    """The km demo package with metadata fields replaced."""
    source = models.demo_archives()[0]
    target = tmp_path / name
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.endswith("metadata.json"):
                data = json.dumps({**json.loads(data), **metadata}).encode()
            zout.writestr(item.filename, data)
    return target


@pytest.mark.parametrize("field,value", [
    ("to_code", "km/../../../../victim"), ("to_code", "../victim"), ("from_code", "en/.."), ("to_code", "xx"),
    ("to_code", "en"), ("from_code", "km"), ("to_code", ["km"]),
])
def test_metadata_codes_never_leave_the_packages_dir(registry, home, tmp_path, field, value):
    victim = home.parent / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("precious")
    with pytest.raises(ModelError, match="known language code|translates from en"):
        registry.add(_relabelled(tmp_path, "evil.argosmodel", **{field: value}))
    assert (victim / "keep.txt").read_text() == "precious"
    assert registry.installed() == []


def test_zip_bombs_and_file_floods_are_refused(registry, tmp_path):
    top = "translate-en_km-bomb"
    base = {f"{top}/metadata.json": json.dumps({"from_code": "en", "to_code": "km"}).encode(),
            f"{top}/sentencepiece.model": b"x"}
    bomb = tmp_path / "bomb.argosmodel"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in base.items():
            zf.writestr(name, data)
        with zf.open(f"{top}/model/model.bin", "w") as out:
            for _ in range(100):
                out.write(bytes(1 << 20))  # 100 MB of zeros, about 100 KB compressed
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(ModelError, match="zip bomb"):
        registry.add(bomb)
    flood = _zip(tmp_path / "flood.argosmodel", {**base, f"{top}/model/model.bin": b"",
                                                 **{f"{top}/extra/{i}": b"" for i in range(1_001)}})
    with pytest.raises(ModelError, match="at most 1000"):
        registry.add(flood)
    assert not [p for p in registry.packages_dir.iterdir() if not p.name.startswith(".")]
    assert not list(registry.packages_dir.glob(".incoming-*"))  # staging cleaned up


def test_a_package_that_cannot_translate_never_replaces_one_that_can(demo_models, registry, references, tmp_path):
    from workflow.translate import Translator

    top = "translate-en_km-broken"
    broken = _zip(tmp_path / "broken.argosmodel", {
        f"{top}/metadata.json": json.dumps({"from_code": "en", "to_code": "km", "package_version": "9"}).encode(),
        f"{top}/model/model.bin": b"not a model", f"{top}/model/config.json": b"{}",
        f"{top}/sentencepiece.model": b"not a sentencepiece model"})
    with pytest.raises(ModelError, match="cannot translate.*installed model is kept"):
        registry.add(broken)
    kept = registry.find("km")
    assert kept.version == demo_models["km"].version
    assert next(Translator(kept).translate([references[0]["en"]])).text == references[0]["km"]


def test_models_add_of_a_broken_package_is_one_line_not_a_traceback(demo_models, tmp_path):
    from click.testing import CliRunner

    from workflow.cli import main

    top = "translate-en_km-broken"
    broken = _zip(tmp_path / "broken.argosmodel", {
        f"{top}/metadata.json": b'{"from_code": "en", "to_code": "km"}', f"{top}/model/model.bin": b"x",
        f"{top}/sentencepiece.model": b"x"})
    result = CliRunner().invoke(main, ["models", "add", str(broken)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "cannot translate" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    translated = CliRunner().invoke(main, ["translate", "--to", "km"], input="Good morning.\n")
    assert translated.exit_code == 0, translated.output
