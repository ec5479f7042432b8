"""Where decoding runs: --device auto|cpu|cuda on this machine (auto takes a GPU only when CTranslate2 sees one;
cuda without one fails, saying so), and figures that name the instruction set decoding actually uses."""

import pytest
from click.testing import CliRunner

from workflow import devices, tuning
from workflow.cli import main
from workflow.corpus import sample_dir

HAS_CUDA = devices.cuda_count() > 0


def test_cpu_is_always_cpu_and_an_unknown_device_is_refused():
    assert devices.resolve("cpu") == "cpu"
    assert devices.compute_type("cpu", "auto") == "auto" and devices.compute_type("cuda", "int8") == "int8"
    with pytest.raises(devices.DeviceError, match="unknown device 'tpu'"):
        devices.resolve("tpu")


@pytest.mark.skipif(HAS_CUDA, reason="this machine has a CUDA device")
def test_without_cuda_auto_decodes_on_cpu_and_cuda_fails_clearly(demo_models):
    assert devices.resolve("auto") == "cpu"
    with pytest.raises(devices.DeviceError, match="sees no CUDA device"):
        devices.resolve("cuda")
    story = str(sample_dir() / "hor-namhong-china-visit.en.txt")
    auto = CliRunner().invoke(main, ["run", story, "--to", "zh", "--device", "auto"])
    assert auto.exit_code == 0 and "decoding on cpu:" in auto.output
    refused = CliRunner().invoke(main, ["translate", "--to", "zh", "--device", "cuda", "-"], input="Hello.")
    assert refused.exit_code == 2 and "--device cuda: CTranslate2 sees no CUDA device" in refused.output
    from_env = CliRunner().invoke(main, ["translate", "--to", "zh", "-"], input="Hello.",
                                  env={"BRIEFDESK_DEVICE": "cuda"})
    assert from_env.exit_code == 2 and "no CUDA device" in from_env.output


@pytest.mark.skipif(not HAS_CUDA, reason="no CUDA device here")
def test_with_cuda_auto_takes_the_gpu_with_a_gpu_compute_type(demo_models):
    assert devices.resolve("auto") == "cuda"
    assert devices.compute_type("cuda", "auto") in devices.GPU_COMPUTE_TYPES
    result = CliRunner().invoke(main, ["translate", "--to", "zh", "--device", "cuda", "-"], input="Hello.")
    assert result.exit_code == 0 and result.output.strip()


def test_a_forced_instruction_set_is_named_in_the_figures(monkeypatch):
    monkeypatch.delenv("CT2_FORCE_CPU_ISA", raising=False)
    own = tuning.cpu()
    monkeypatch.setenv("CT2_FORCE_CPU_ISA", "AVX2")
    forced = tuning.cpu()
    assert forced.endswith("(AVX2, forced by CT2_FORCE_CPU_ISA)") and forced.split(" (")[0] == own.split(" (")[0]
    monkeypatch.setenv("CT2_FORCE_CPU_ISA", "AVX512")
    assert "(AVX-512, forced" in tuning.cpu()
