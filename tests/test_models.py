import json
import zipfile

import pytest

from workflow import models
from workflow.models import ModelError


def test_demo_models_install_list_and_remove(home):
    installed = models.install_demo()
    assert sorted(m.to_code for m in installed) == ["km", "zh"]
    listed = models.installed()
    assert [(m.pair, m.demo) for m in listed] == [("en→km", True), ("en→zh", True)]
    assert all(m.size_bytes < 5_000_000 and m.license == "CC0-1.0" and "(DEMO)" in m.label for m in listed)
    assert models.remove("en-km").to_code == "km"
    assert [m.to_code for m in models.installed()] == ["zh"]
    with pytest.raises(ModelError, match="no en→km model installed.*models install"):
        models.find("km")


def test_demo_archives_are_small_and_labelled():
    for archive in models.demo_archives():
        assert archive.stat().st_size < 5_000_000
        with zipfile.ZipFile(archive) as zf:
            top = {n.split("/")[0] for n in zf.namelist()}
            assert len(top) == 1
            metadata = json.loads(zf.read(f"{top.pop()}/metadata.json"))
        assert metadata["briefdesk"]["demo"] is True and metadata["package_version"].endswith("demo")


def test_unknown_language_is_a_clear_error(home):
    with pytest.raises(ModelError, match="unknown target language 'xx'"):
        models.find("xx")


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
def test_bad_packages_are_rejected_and_nothing_is_half_installed(home, tmp_path, files, reason):
    models.install_demo(["zh"])
    before = sorted(p.name for p in (home / "argos" / "packages").iterdir())
    with pytest.raises(ModelError, match=reason):
        models.add(_zip(tmp_path / "bad.argosmodel", files))
    assert sorted(p.name for p in (home / "argos" / "packages").iterdir()) == before
    assert [m.to_code for m in models.installed()] == ["zh"]


def test_not_a_zip_is_rejected(home, tmp_path):
    path = tmp_path / "model.argosmodel"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(ModelError, match="not a zip archive"):
        models.add(path)


def test_truncated_package_is_rejected(home, tmp_path):
    data = models.demo_archives()[0].read_bytes()
    path = tmp_path / "cut.argosmodel"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError):
        models.add(path)
    assert models.installed() == []


def test_index_install_offline_names_models_add(home, no_network):
    with pytest.raises(ModelError, match="models add FILE"):
        models.install_from_index("zh")
    assert no_network  # it did try the index


def test_packages_live_in_the_data_dir_and_argos_reads_them(demo_models, home):
    import argostranslate.package

    packages = argostranslate.package.get_installed_packages([home / "argos" / "packages"])
    assert sorted(p.to_code for p in packages) == ["km", "zh"]
    assert all(str(m.path).startswith(str(home)) for m in demo_models.values())
