"""Translation throughput: argostranslate vs Briefdesk vs raw CTranslate2 on one real-size benchmark model.

Each side runs in its own process (fair imports, its own peak RSS) on the same model, inputs, beam size,
compute type and thread count:

* peer: ``argostranslate.translate``, one article at a time as Argos and LibreTranslate run it, with an offline
  sentence splitter (Briefdesk's) swapped in for MiniSBD, which cannot download its model here;
* briefdesk: ``pipeline.run`` end to end, from the article files to translations stored in SQLite;
* ceiling: one raw ``translate_batch`` over all pre-tokenized sentences with the best settings found.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from workflow import tuning
from workflow.bench import BEST, THREADS, articles, cpu, in_child, peak_rss_mb, stories
from workflow.bench import model as bench_model
from workflow.config import Config
from workflow.models import Registry


def prepare(config: Config, count: int) -> tuple[Path, Path]:
    """Build (once) the benchmark model, install it in a private data dir, write the input file."""
    folder = config.home / "bench"
    archive = bench_model.build([story["text"] for story in stories()], folder / "model")
    bench_home = folder / "home"
    registry = Registry(Config.at(bench_home))
    if not any(m.version == "1.0-bench" for m in registry.installed()):
        registry.add(archive)
    source = folder / f"articles-{count}.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in articles(count)) + "\n")
    return bench_home, source


def run(config: Config, count: int, beam_size: int = 4, compute_type: str = "int8", peer: bool = True,
        device: str = "cpu") -> dict:
    """Translate ``count`` VOA stories into Khmer three ways on the benchmark model; each side in a child process
    (fair imports, its own peak RSS) with the same inputs, beam size, compute type, threads and device."""
    from workflow import devices

    device = devices.resolve(device)
    compute_type = devices.compute_type(device, compute_type)
    bench_home, source = prepare(config, count)
    env = {**os.environ, "BRIEFDESK_HOME": str(bench_home), "ARGOS_BEAM_SIZE": str(beam_size),
           "ARGOS_COMPUTE_TYPE": compute_type, "ARGOS_INTER_THREADS": "1", "ARGOS_INTRA_THREADS": str(THREADS),
           "ARGOS_DEVICE_TYPE": device}
    sides = {}
    for name in ("ceiling", "briefdesk", "peer") if peer else ("ceiling", "briefdesk"):
        code = (f"from workflow.bench.translate import side; side({name!r}, {str(source)!r}, {beam_size}, "
                f"{compute_type!r}, {device!r})")
        sides[name] = in_child(code, env, name)
    model_dir = next((bench_home / "argos" / "packages").iterdir())
    briefdesk, ceiling = sides["briefdesk"], sides["ceiling"]
    peer = sides.get("peer", {"seconds": None, "target_tokens": None, "peak_rss_mb": None})  # --skip-peer
    return {
        "articles": count, "sentences": briefdesk["sentences"], "target_tokens": briefdesk["target_tokens"],
        "peer_target_tokens": peer["target_tokens"], "ceiling_target_tokens": ceiling["target_tokens"],
        "peer_seconds": peer["seconds"], "briefdesk_seconds": briefdesk["seconds"],
        "ceiling_seconds": ceiling["seconds"],
        "speedup_vs_argos": round(peer["seconds"] / briefdesk["seconds"], 2) if peer["seconds"] else None,
        "fraction_of_ceiling": round(ceiling["seconds"] / briefdesk["seconds"], 3),
        "peak_rss_mb": briefdesk["peak_rss_mb"], "peer_peak_rss_mb": peer["peak_rss_mb"],
        "model_mb": round(sum(p.stat().st_size for p in (model_dir / "model").iterdir()) / 1e6, 1),
        "beam_size": beam_size, "compute_type": compute_type, "threads": THREADS,
        "briefdesk_threads": "2 inter x 1 intra", "peer_threads": f"1 inter x {THREADS} intra", "cpu": cpu(),
        "device": device,
    }


def side(name: str, source: str, beam_size: int, compute_type: str, device: str = "cpu") -> None:
    """Run one side in this process and print its JSON result (called in a child process)."""
    from workflow import corpus
    from workflow.segment import split_sentences

    config = Config.from_env()
    documents = [d for d in corpus.read([source]) if isinstance(d, corpus.Document)]
    if name == "briefdesk":
        from workflow import pipeline
        from workflow.store import Store
        from workflow.translate import Settings

        store = Store(f"sqlite:///{config.home / f'bench-{time.time_ns()}.db'}")
        options = pipeline.Options(targets=["km"], decoding=Settings(beam_size=beam_size, compute_type=compute_type,
                                                                     device=device, **BEST))
        start = time.perf_counter()
        report = pipeline.run([source], store, Registry(config), options)
        seconds = time.perf_counter() - start
        assert not report.errors, report.errors
        result = {"sentences": sum(a.sentences for a in report.articles), "target_tokens": report.tokens["km"]}
    elif name == "ceiling":
        import ctranslate2
        import sentencepiece

        from workflow.translate import LENGTH_PENALTY

        model = Registry(config).find("km")
        processor = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
        sources = [processor.encode(s.text, out_type=str) for d in documents for s in split_sentences(d.text)]
        translator = ctranslate2.Translator(str(model.path / "model"), device=device, compute_type=compute_type,
                                            inter_threads=BEST["inter_threads"], intra_threads=BEST["intra_threads"])
        start = time.perf_counter()
        results = translator.translate_batch(sources, beam_size=beam_size, length_penalty=LENGTH_PENALTY,
                                             replace_unknowns=True, max_batch_size=BEST["max_batch_tokens"],
                                             batch_type="tokens")
        seconds = time.perf_counter() - start
        result = {"sentences": len(sources), "target_tokens": sum(len(r.hypotheses[0]) for r in results)}
    else:
        result, seconds = _peer(documents, Registry(config))
    print(json.dumps({**result, "seconds": round(seconds, 2), "peak_rss_mb": round(peak_rss_mb())}))


def _peer(documents, registry: Registry) -> tuple[dict, float]:
    import ctranslate2

    from workflow.segment import split_sentences

    registry.argos_package_module()  # settings into the benchmark's data dir
    import argostranslate.settings as settings
    import argostranslate.translate as argos

    class OfflineSentencizer:
        """Briefdesk's pysbd splitter in place of MiniSBD (whose model download fails offline)."""

        def __init__(self, package):
            pass

        def split_sentences(self, text: str) -> list[str]:
            return [s.text for s in split_sentences(text)]

    argos.MiniSBDSentencizer = OfflineSentencizer
    translation = argos.get_translation_from_codes("en", "km")  # a CachedTranslation, as argos users get
    package_translation = translation.underlying
    tokens = [0, 0]

    class Counting:
        """Counts what CTranslate2 decodes; argos's own calls pass straight through."""

        def __init__(self, translator):
            self.translator = translator

        def translate_batch(self, *args, **kwargs):
            results = self.translator.translate_batch(*args, **kwargs)
            tokens[0] += sum(len(r.hypotheses[0]) for r in results)
            tokens[1] += len(results)
            return results

    package_translation.translator = Counting(ctranslate2.Translator(
        str(package_translation.pkg.package_path / "model"), device=settings.device,
        inter_threads=settings.inter_threads, intra_threads=settings.intra_threads,
        compute_type=settings.compute_type))
    start = time.perf_counter()
    for document in documents:
        translation.translate(document.text)
    seconds = time.perf_counter() - start
    return {"sentences": tokens[1], "target_tokens": tokens[0]}, seconds


def tune(config: Config, count: int = 12, beam_size: int = 4, compute_type: str = "int8") -> dict:
    """Decode ``count`` stories with each thread split and batch size worth trying on this machine (the
    pipeline's own Translator, so chunking counts too), save the fastest into the data dir and return them all.
    Each candidate runs in its own process, like the benchmark's sides."""
    bench_home, source = prepare(config, count)
    env = {**os.environ, "BRIEFDESK_HOME": str(bench_home)}
    cores = os.cpu_count() or 1
    splits = sorted({(inter, max(1, cores // inter)) for inter in (1, 2, 4, cores) if inter <= cores})
    candidates = [(inter, intra, tokens) for inter, intra in splits for tokens in (1024, 2048, 4096)]
    trials = []
    for inter, intra, tokens in candidates:
        code = (f"from workflow.bench.translate import trial; trial({str(source)!r}, {beam_size}, "
                f"{compute_type!r}, {inter}, {intra}, {tokens})")
        trials.append({"inter_threads": inter, "intra_threads": intra, "max_batch_tokens": tokens,
                       "seconds": in_child(code, env, "tuning trial")["seconds"]})
    best = min(trials, key=lambda t: t["seconds"])
    saved = tuning.save(config, {**best, "cpu": cpu(), "articles": count, "beam_size": beam_size,
                                 "compute_type": compute_type})
    return {"best": best, "trials": trials, "saved": str(saved), "cpu": cpu()}


def trial(source: str, beam_size: int, compute_type: str, inter: int, intra: int, tokens: int) -> None:
    """One tuning candidate: the pipeline's Translator over every sentence of ``source`` (in a child process)."""
    from workflow import corpus
    from workflow.segment import split_sentences
    from workflow.translate import Settings, Translator

    texts = [s.text for d in corpus.read([source]) if isinstance(d, corpus.Document) for s in split_sentences(d.text)]
    settings = Settings(beam_size=beam_size, compute_type=compute_type, inter_threads=inter, intra_threads=intra,
                        max_batch_tokens=tokens)
    translator = Translator(Registry(Config.from_env()).find("km"), settings)
    start = time.perf_counter()
    for _ in translator.translate(texts):
        pass
    print(json.dumps({"seconds": round(time.perf_counter() - start, 2)}))
