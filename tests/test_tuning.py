"""Tuned decoding settings: saved per machine by `bench translate --tune`, used by `run` unless --threads is
given, ignored when they come from another CPU."""

import json

from click.testing import CliRunner

from workflow import tuning
from workflow.cli import main
from workflow.corpus import sample_dir


def test_run_uses_settings_tuned_on_this_cpu_and_says_so(demo_models, config):
    story = str(sample_dir() / "hor-namhong-china-visit.en.txt")
    plain = CliRunner().invoke(main, ["run", story, "--to", "zh"])
    assert plain.exit_code == 0 and "2 workers x 1 threads, 2048-token batches" in plain.output
    assert "tuned" not in plain.output
    tuning.save(config, {"inter_threads": 1, "intra_threads": 2, "max_batch_tokens": 4096, "cpu": tuning.cpu(),
                         "seconds": 1.0})
    tuned = CliRunner().invoke(main, ["run", story, "--to", "zh"])
    assert tuned.exit_code == 0 and "1 workers x 2 threads, 4096-token batches (tuned" in tuned.output
    explicit = CliRunner().invoke(main, ["run", story, "--to", "zh", "--threads", "2"])
    assert "2 workers x 1 threads" in explicit.output and "tuned" not in explicit.output


def test_settings_from_another_cpu_or_a_damaged_file_are_ignored(config):
    tuning.save(config, {"inter_threads": 1, "intra_threads": 2, "max_batch_tokens": 4096, "cpu": "Other (AVX-512)"})
    assert tuning.load(config) is None
    tuning.path(config).write_text("{not json")
    assert tuning.load(config) is None
    tuning.path(config).write_text(json.dumps({"inter_threads": 0, "intra_threads": 2, "max_batch_tokens": 1,
                                               "cpu": tuning.cpu()}))
    assert tuning.load(config) is None
