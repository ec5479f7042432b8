import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from tests.web_client import csrf_token
from workflow.cli import main
from workflow.corpus import sample_dir

CORPUS = sample_dir()


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_help_imports_no_torch_stanza_or_spacy():
    code = ("import sys\nfrom workflow.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "import workflow\nprint([m for m in ('torch', 'stanza', 'spacy', 'argostranslate') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("[]")
    assert "Usage: " in out.stdout


def test_every_command_has_help():
    for command in (["run"], ["translate"], ["summarize"], ["export"], ["models"], ["models", "list"],
                    ["models", "install"], ["models", "add"], ["models", "remove"], ["demo"]):
        result = invoke(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_run_export_and_rerun(demo_models, home, references, tmp_path):

    result = invoke("run", str(CORPUS / "hor-namhong-china-visit.en.txt"), "--sentences", "2")
    assert result.exit_code == 0, result.output
    assert "DEMO" in result.output and "19 sentences decoded" in result.output  # 18 and the headline
    again = invoke("run", str(CORPUS / "hor-namhong-china-visit.en.txt"), "--sentences", "2")
    assert "Nothing to translate" in again.output
    lines = [json.loads(x) for x in invoke("export", "--format", "jsonl").output.splitlines()]
    assert {(r["article_id"], r["lang"]) for r in lines} == {("hor-namhong-china-visit", "km"),
                                                             ("hor-namhong-china-visit", "zh")}
    zh = next(r for r in lines if r["lang"] == "zh")
    assert set(zh) == {"article_id", "title", "lang", "text", "brief", "status", "model", "demo"}
    assert zh["brief"] == references[0]["zh"] + references[1]["zh"]
    assert zh["text"].startswith(references[0]["zh"] + "\n\n" + references[1]["zh"])
    assert zh["demo"] is True and zh["status"] == "new"
    assert invoke("export", "--status", "approved").output == ""
    word = tmp_path / "story.docx"
    result = invoke("export", "--format", "docx", "--article", "hor-namhong-china-visit", "--to", "zh", "-o", word)
    assert result.exit_code == 0, result.output
    assert Document(word).core_properties.title == zh["title"] and Document(word).core_properties.language == "zh-Hans"
    refused = invoke("export", "--format", "md", "--to", "zh")
    assert refused.exit_code == 2 and "--format md exports one article in one language" in refused.output
    missing = invoke("export", "--format", "txt", "--article", "nope", "--to", "zh", "-o", tmp_path / "x.txt")
    assert missing.exit_code == 1 and "no translation of article 'nope' into zh" in missing.output
    empty = tmp_path / "approved.zip"
    assert invoke("export", "--format", "zip", "-o", empty).exit_code == 0
    assert zipfile.ZipFile(empty).namelist() == ["index.json", "index.md"]  # nothing approved yet


def test_run_with_a_failing_item_exits_non_zero(demo_models, home, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = invoke("run", str(tmp_path), "--to", "zh")
    assert result.exit_code == 1 and "empty file" in result.output


def test_translate_stdin(demo_models, home, references):
    result = invoke("translate", "--to", "zh", "-", input=references[4]["en"] + " " + references[5]["en"])
    assert result.exit_code == 0
    assert result.stdout.strip() == references[4]["zh"] + references[5]["zh"]


def test_translate_without_model_fails_clearly(home):
    result = invoke("translate", "--to", "km", "-", input="Hello.")
    assert result.exit_code == 1 and "models install" in result.output


def test_summarize_text_and_jsonl_batch(home, tmp_path):
    text = "First sentence is about the vote. Second sentence is about turnout. Third is about results."
    result = invoke("summarize", "-", "--algorithm", "lead", "--sentences", "2", input=text)
    assert result.stdout.splitlines() == ["First sentence is about the vote.", "Second sentence is about turnout."]
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": text}) + "\nnot json\n" + json.dumps({"id": "b", "text": 3})
                      + "\n")
    target = tmp_path / "out.jsonl"
    result = invoke("summarize", "--input-jsonl", str(source), "--output-jsonl", str(target), "--sentences", "1",
                    "--algorithm", "lead")
    assert result.exit_code == 1
    assert [json.loads(x) for x in target.read_text().splitlines()] == [
        {"id": "a", "summary": "First sentence is about the vote."}]


def test_models_commands(home, tmp_path):
    assert "No models installed" in invoke("models", "list").output
    assert "installed en→km 1.0-demo (DEMO)" in invoke("models", "install", "demo").output
    assert "DEMO" in invoke("models", "list").output
    bad = tmp_path / "bad.argosmodel"
    bad.write_text("nope")
    result = invoke("models", "add", str(bad))
    assert result.exit_code == 1 and "not a zip archive" in result.output
    assert invoke("models", "remove", "km").exit_code == 0
    assert invoke("models", "remove", "km").exit_code == 1


def test_conflicting_budget_options(home):
    result = invoke("summarize", "-", "--sentences", "2", "--words", "20", input="A. B.")
    assert result.exit_code == 2


def test_users_commands(home):
    add_maly = ("users", "add", "maly", "--role", "editor", "--password-stdin")
    assert invoke(*add_maly, input="maly-password\n").exit_code == 0
    result = invoke(*add_maly, input="maly-password\n")
    assert result.exit_code == 1 and "already exists" in result.output
    short = invoke("users", "add", "sok", "--role", "reader", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 8" in short.output
    assert invoke("users", "list").output.startswith("maly\teditor")
    assert invoke("users", "remove", "maly").exit_code == 0
    assert invoke("users", "list").output == ""


def test_serve_runs_worker_processes_that_share_the_login_limit(home, store):
    """`serve --workers 2`: gunicorn (not Flask's dev server) with two worker processes; failed logins count
    across both, so the rate limit is not multiplied by the number of workers."""
    import http.cookiejar
    import socket
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    from workflow import accounts

    accounts.add_user(store, "eddie", "eddie-password", "editor")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-m", "workflow", "serve", "--port", str(port), "--workers", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def login(password: str) -> int:
        page = opener.open(base + "/login", timeout=5).read().decode()
        form = urllib.parse.urlencode({"username": "eddie", "password": password,
                                       "csrf_token": csrf_token(page)}).encode()
        try:
            return opener.open(base + "/login", form, timeout=5).status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/login", timeout=1) as response:
                    assert response.status == 200
                    assert response.headers["Server"] == "gunicorn"  # not Werkzeug's development server
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start")
        for _ in range(100):  # the second worker may still be starting
            workers = _children(process.pid)
            if len(workers) == 2:
                break
            time.sleep(0.1)
        assert len(workers) == 2
        # Spread over both workers (each request may land on either), the pair's failures still add up: after
        # the free ones it must wait, whichever worker answers.
        assert [login("wrong-password") for _ in range(3)] == [401] * 3
        assert [login("eddie-password") for _ in range(4)] == [429] * 4
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert f"{base}/" in output
    assert process.returncode == 0, output
    assert all(not Path(f"/proc/{pid}").exists() for pid in workers)  # workers stop with the server


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, IndexError):
            continue  # the process ended while we looked
    return found



def _briefdesk(*args, env=None, input=None):
    """The real command in a child process, as an operator runs it (no test runner catching anything)."""
    import os

    return subprocess.run([sys.executable, "-m", "workflow", *args], capture_output=True, text=True, input=input,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_expected_failures_are_one_line_never_a_traceback(tmp_path, home):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    cases = [
        ({"BRIEFDESK_HOME": str(a_file)}, ["users", "list"], "set BRIEFDESK_HOME to a writable folder"),
        ({"DATABASE_URL": "garbage"}, ["users", "list"], "is not a database URL"),
        ({"DATABASE_URL": "postgresql://briefdesk:secret@127.0.0.1:9/briefdesk"}, ["users", "list"],
         "cannot open the database postgresql://briefdesk:***@127.0.0.1:9/briefdesk"),
        ({"DATABASE_URL": "mysql+nosuchdriver://briefdesk:secret@127.0.0.1/briefdesk"}, ["users", "list"],
         "is not a database URL"),
        ({}, ["run", str(CORPUS), "--to", "xx"], "unknown language 'xx'"),
        ({}, ["run", str(CORPUS), "--to", ""], "no target language"),
        ({}, ["translate", "--to", "km"], "no en→km model installed"),
        ({}, ["models", "remove", "zh"], "no en→zh model installed"),
        ({"BRIEFDESK_WORKERS": "many"}, ["users", "list"], "BRIEFDESK_WORKERS='many'"),
    ]
    for env, args, message in cases:
        result = _briefdesk(*args, env=env, input="Good morning.\n")
        assert result.returncode in (1, 2), (args, result.stderr)
        assert "Traceback" not in result.stderr and message in result.stderr, (args, result.stderr)
        assert "secret" not in result.stderr
        assert len([line for line in result.stderr.splitlines() if line.startswith("Error")]) == 1


def test_a_bad_target_is_a_usage_error_before_any_work(home):
    from workflow.config import Config
    from workflow.store import Run, Store

    result = _briefdesk("run", str(CORPUS), "--to", "km,xx")
    assert result.returncode == 2 and "unknown language 'xx'" in result.stderr
    store = Store(Config.at(home).database_url)
    with store.read() as session:
        assert session.query(Run).count() == 0  # nothing ingested, no run recorded


def test_an_unopenable_database_is_one_line_and_debug_shows_the_stack(home, tmp_path):
    target = tmp_path / "db-is-a-folder"
    target.mkdir()
    result = _briefdesk("users", "list", env={"DATABASE_URL": f"sqlite:///{target}"})
    assert result.returncode == 1 and result.stderr.startswith("Error: cannot open the database")
    assert "Traceback" not in result.stderr
    debug = _briefdesk("--debug", "users", "list", env={"DATABASE_URL": f"sqlite:///{target}"})
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_a_bug_shows_one_line_and_keeps_the_stack_in_a_log(home):
    """The root group's handling of an unexpected exception, on a command that has a bug."""
    import click

    from workflow.cli import Group, config

    @click.group(cls=Group)
    @click.option("--debug", is_flag=True)
    @click.pass_context
    def root(ctx, debug):
        ctx.meta["briefdesk.debug"] = debug

    @root.command()
    def broken():
        config()  # reads the data dir, where the log goes
        return 1 / 0

    result = CliRunner().invoke(root, ["broken"])
    assert result.exit_code == 1 and "unexpected ZeroDivisionError" in result.output
    log = Path(result.output.split("details are in ")[1].split(",")[0])
    assert log.parent == home / "logs" and "1 / 0" in log.read_text()
    assert isinstance(CliRunner().invoke(root, ["--debug", "broken"]).exception, ZeroDivisionError)


def test_models_add_with_a_traversing_code_writes_nothing_outside(home, tmp_path):
    """As found: `briefdesk models add` of a package whose to_code is km/../../../../victim."""
    import zipfile

    from workflow.models import demo_archives

    victim = home.parent / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("precious")
    evil = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(demo_archives()[0]) as source, zipfile.ZipFile(evil, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("metadata.json"):
                data = json.dumps({**json.loads(data), "to_code": "km/../../../../victim"}).encode()
            target.writestr(item, data)
    result = _briefdesk("models", "add", str(evil))
    assert result.returncode == 1 and "not a known language code" in result.stderr
    assert "Traceback" not in result.stderr and (victim / "keep.txt").read_text() == "precious"
    assert sorted(p.name for p in victim.iterdir()) == ["keep.txt"]


def test_one_deeply_nested_line_never_costs_the_rest_of_the_run(home, tmp_path):
    """As found: `briefdesk run` on a JSONL file with one line of 100,000 '['."""
    assert _briefdesk("models", "install", "demo").returncode == 0
    feed = tmp_path / "feed.jsonl"
    story = {"title": "Prince", "text": "Hun Sen’s forces won and the prince went into exile."}
    feed.write_text(json.dumps({**story, "id": "a"}) + "\n" + "[" * 100_000 + "\n" + json.dumps({**story, "id": "b"})
                    + "\n")
    result = _briefdesk("run", str(feed), "--to", "zh")
    assert result.returncode == 1, result.stderr
    assert f"{feed}:2" in result.stderr and "nested too deeply" in result.stderr and "Traceback" not in result.stderr
    assert "2 articles stored, 1 error." in result.stdout


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")  # pytest's report of 'ignored'
def test_a_ctrl_c_that_python_swallows_is_raised_again_at_the_next_check(capsys):
    import signal
    import time

    from workflow import interrupts

    class CleansUpOnDelete:
        def __del__(self):  # the signal arrives while Python runs a __del__, where exceptions are ignored
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)

    with interrupts.remembered():
        CleansUpOnDelete()
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    assert "Exception ignored" not in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    interrupts.check()  # outside, nothing is remembered


def test_each_error_is_one_whole_line_however_long_its_path_or_whatever_brackets_it_holds(demo_models, tmp_path):
    """Rich wrapped error lines at 80 columns and read ``[...]`` in a file name as markup: a path could not be
    found in the output, or lost characters."""
    folder = tmp_path / ("a-folder-with-a-long-name-" * 4 + "[red]kept")
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "story.txt").write_text("Prince\n\nHun Sen’s forces won and the prince went into exile.\n")
    result = _briefdesk("run", str(folder), "--to", "zh")
    assert result.returncode == 1, result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error ")]
    assert line.startswith(f"error {folder / 'empty.txt'} (ingest): "), result.stderr


def test_a_log_gets_plain_progress_lines_at_start_periodically_and_at_the_end():
    from workflow.cli.progress import PlainProgress

    lines, now = [], [0.0]
    progress = PlainProgress(every=10, echo=lines.append, clock=lambda: now[0])
    for done in range(1, 101):
        now[0] = done * 0.5  # one article every half second: 50 s in all
        progress("translate:km", done, 100)
    progress("translate:km", 100, 100)  # a repeat of the end adds nothing
    assert lines == [f"translate → km: {n}/100 ({n}%), 0:{n // 2:02d} elapsed" for n in (1, 21, 41, 61, 81, 100)]


def test_a_redirected_run_logs_its_progress(demo_models, home, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFDESK_PROGRESS_SECONDS", "0")
    result = invoke("run", str(CORPUS / "hor-namhong-china-visit.en.txt"), "--to", "zh")
    assert result.exit_code == 0, result.output
    assert "ingest: 1/1 (100%)" in result.stderr and "translate → zh: 19/19 (100%)" in result.stderr
    monkeypatch.setenv("BRIEFDESK_PROGRESS_SECONDS", "soon")
    refused = invoke("run", str(CORPUS / "hor-namhong-china-visit.en.txt"), "--to", "zh")
    assert refused.exit_code == 2 and "BRIEFDESK_PROGRESS_SECONDS='soon': give a number of seconds" in refused.output
