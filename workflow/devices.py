"""Where decoding runs: ``--device auto|cpu|cuda`` (or ``BRIEFDESK_DEVICE``). ``auto`` takes a CUDA GPU when
CTranslate2 sees one (``get_cuda_device_count() > 0``) and the CPUs otherwise; ``cuda`` on a machine without one
fails, saying so. On a GPU the compute type ``auto`` becomes ``int8_float16`` (or ``float16``), the types
CTranslate2 runs fastest there, and batches are larger: a GPU is fed by big batches, CPUs by many small ones."""

from __future__ import annotations

from workflow.errors import UsageError

DEVICES = ("auto", "cpu", "cuda")
GPU_BATCH_TOKENS = 8192
"""Tokens per batch on a GPU (CPUs: ``translate.MAX_BATCH_TOKENS`` or what ``bench translate --tune`` found)."""
GPU_COMPUTE_TYPES = ("int8_float16", "float16")


class DeviceError(UsageError):
    """A device asked for that this machine does not have."""


def cuda_count() -> int:
    """CUDA devices CTranslate2 can use here (0 without a GPU, a driver, or a CUDA build)."""
    import ctranslate2

    try:
        return ctranslate2.get_cuda_device_count()
    except RuntimeError:  # a driver too old for the CUDA runtime
        return 0


def resolve(requested: str) -> str:
    """``cpu`` or ``cuda``, for what was asked on this machine."""
    if requested not in DEVICES:
        raise DeviceError(f"unknown device {requested!r}; choose from {', '.join(DEVICES)}")
    if requested == "cpu":
        return "cpu"
    if cuda_count():
        return "cuda"
    if requested == "cuda":
        raise DeviceError("--device cuda: CTranslate2 sees no CUDA device on this machine (no NVIDIA GPU, driver "
                          "or CUDA 12 runtime); use --device auto or cpu")
    return "cpu"


def compute_type(device: str, requested: str) -> str:
    """The compute type to load a model with on ``device`` (an explicit choice is kept)."""
    if device != "cuda" or requested != "auto":
        return requested
    import ctranslate2

    try:
        supported = ctranslate2.get_supported_compute_types("cuda")
    except RuntimeError:  # no GPU here (a cluster's coordinator): the GPU workers' CTranslate2 chooses
        return "auto"
    return next((kind for kind in GPU_COMPUTE_TYPES if kind in supported), "auto")
