"""Benchmarks that print numbers: translation throughput, summary speed, review-app latency.

Each side of the translation benchmark runs in its own process (fair imports, its own peak RSS) on the same
model, inputs, beam size, compute type and thread count:

* peer: ``argostranslate.translate``, one article at a time as Argos and LibreTranslate run it, with an offline
  sentence splitter (Briefdesk's) swapped in for MiniSBD, which cannot download its model here;
* briefdesk: ``pipeline.run`` end to end, from the article files to translations stored in SQLite;
* ceiling: one raw ``translate_batch`` over all pre-tokenized sentences with the best settings found.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from workflow import home

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "voa-cambodia-2018.en.jsonl"
THREADS = 2


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stories() -> list[dict]:
    """The VOA stories of corpus/ (id, title, text)."""
    return [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]


def _articles(count: int) -> list[dict]:
    """The VOA stories of corpus/, repeated (with new ids) to reach ``count``."""
    stories = _stories()
    chosen = []
    for index in range(count):
        story = stories[index % len(stories)]
        suffix = f"-{index // len(stories)}" if index >= len(stories) else ""
        chosen.append({"id": story["id"] + suffix, "title": story["title"], "text": story["text"]})
    return chosen


def prepare(count: int) -> tuple[Path, Path]:
    """Build (once) the benchmark model, install it in a private data dir, write the input file."""
    from workflow import benchmodel, models

    folder = home.home() / "bench"
    archive = benchmodel.build([story["text"] for story in _stories()], folder / "model")
    bench_home = folder / "home"
    saved = os.environ.get("BRIEFDESK_HOME")
    os.environ["BRIEFDESK_HOME"] = str(bench_home)
    try:
        if not any(m.version == "1.0-bench" for m in models.installed()):
            models.add(archive)
    finally:
        if saved is None:
            os.environ.pop("BRIEFDESK_HOME")
        else:
            os.environ["BRIEFDESK_HOME"] = saved
    source = folder / f"articles-{count}.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in _articles(count)) + "\n")
    return bench_home, source


def translate(count: int, beam_size: int = 4, compute_type: str = "int8", peer: bool = True) -> dict:
    bench_home, source = prepare(count)
    env = {**os.environ, "BRIEFDESK_HOME": str(bench_home), "ARGOS_BEAM_SIZE": str(beam_size),
           "ARGOS_COMPUTE_TYPE": compute_type, "ARGOS_INTER_THREADS": "1", "ARGOS_INTRA_THREADS": str(THREADS)}
    sides = {}
    for side in ("ceiling", "briefdesk", "peer") if peer else ("ceiling", "briefdesk"):
        code = (f"from workflow.bench import _side; _side({side!r}, {str(source)!r}, {beam_size}, "
                f"{compute_type!r})")
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{side} failed: {done.stderr[-2000:]}")
        sides[side] = json.loads(done.stdout.strip().splitlines()[-1])
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
        "briefdesk_threads": "2 inter x 1 intra", "peer_threads": f"1 inter x {THREADS} intra",
    }


# Settings found best on 2 cores: two translation workers of one thread each, 2048-token batches.
BEST = {"inter_threads": 2, "intra_threads": 1, "max_batch_tokens": 2048}


def _side(side: str, source: str, beam_size: int, compute_type: str) -> None:
    """Run one side in this process and print its JSON result (called in a child process)."""
    from workflow import corpus
    from workflow.segment import split_sentences

    documents = [d for d in corpus.read([source]) if isinstance(d, corpus.Document)]
    if side == "briefdesk":
        from workflow import pipeline
        from workflow.store import Store
        from workflow.translate import Settings

        store = Store(f"sqlite:///{home.home() / f'bench-{time.time_ns()}.db'}")
        options = pipeline.Options(targets=["km"], decoding=Settings(beam_size=beam_size, compute_type=compute_type,
                                                                     **BEST))
        start = time.perf_counter()
        report = pipeline.run([source], store, options)
        seconds = time.perf_counter() - start
        assert not report.errors, report.errors
        result = {"sentences": sum(a.sentences for a in report.articles), "target_tokens": report.tokens["km"]}
    elif side == "ceiling":
        import ctranslate2
        import sentencepiece

        from workflow.models import find
        from workflow.translate import LENGTH_PENALTY

        model = find("km")
        processor = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
        sources = [processor.encode(s.text, out_type=str) for d in documents for s in split_sentences(d.text)]
        translator = ctranslate2.Translator(str(model.path / "model"), compute_type=compute_type,
                                            inter_threads=BEST["inter_threads"], intra_threads=BEST["intra_threads"])
        start = time.perf_counter()
        results = translator.translate_batch(sources, beam_size=beam_size, length_penalty=LENGTH_PENALTY,
                                             replace_unknowns=True, max_batch_size=BEST["max_batch_tokens"],
                                             batch_type="tokens")
        seconds = time.perf_counter() - start
        result = {"sentences": len(sources), "target_tokens": sum(len(r.hypotheses[0]) for r in results)}
    else:
        result, seconds = _peer(documents)
    print(json.dumps({**result, "seconds": round(seconds, 2), "peak_rss_mb": round(_peak_rss_mb())}))


def _peer(documents) -> tuple[dict, float]:
    import ctranslate2

    from workflow.models import argos_package_module
    from workflow.segment import split_sentences

    argos_package_module()  # settings into the benchmark's data dir
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


def summarize(long_sentences: int = 500) -> dict:
    """Articles per second for the default brief method over the corpus, and one very long article."""
    from workflow import corpus, summarize
    from workflow.segment import split_sentences

    documents = [d for d in corpus.read([CORPUS.parent]) if isinstance(d, corpus.Document)]
    start = time.perf_counter()
    for document in documents:
        sentences = split_sentences(document.text)
        summarize.summarize([s.text for s in sentences], paragraphs=[s.paragraph for s in sentences])
    corpus_seconds = time.perf_counter() - start
    pool = [s.text for d in documents for s in split_sentences(d.text)]
    long = (pool * (long_sentences // len(pool) + 1))[:long_sentences]
    start = time.perf_counter()
    summarize.summarize(long)
    long_seconds = time.perf_counter() - start
    return {"articles": len(documents), "seconds": round(corpus_seconds, 2),
            "articles_per_second": round(len(documents) / corpus_seconds, 1),
            "long_article_sentences": long_sentences, "long_article_seconds": round(long_seconds, 3),
            "peak_rss_mb": round(_peak_rss_mb()), "algorithm": summarize.DEFAULT_ALGORITHM}


def serve(articles: int = 10_000, requests: int = 400, clients: int = 8, workers: int | None = None) -> dict:
    """Fill a private store with ``articles``, serve it on loopback with ``briefdesk serve``, and time queue
    and article pages under ``clients`` concurrent clients making ``requests`` requests in all (bounded, then it
    stops). One untimed request per client first, as a running server has open connections and warm caches."""
    import http.cookiejar
    import random
    import re
    import socket
    import statistics
    import threading
    import urllib.parse
    import urllib.request

    from web.serve import default_workers

    workers = workers or default_workers()
    serve_home = home.home() / "bench" / f"serve-{articles}"
    env = {**os.environ, "BRIEFDESK_HOME": str(serve_home)}
    fill_seconds = _fill(serve_home, articles)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "workflow", "serve", "--port", str(port),
                               "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/login")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        opener.open(base + "/login", urllib.parse.urlencode(
            {"username": "bench", "password": "bench-password", "csrf_token": token}).encode()).read()
        rng = random.Random(10_000)
        paths = []
        for _ in range(requests):
            kind = rng.choice(["queue", "queue", "filter", "search", "article", "article"])
            paths.append((kind, {
                "queue": f"/?page={rng.randint(1, articles // 50)}",
                "filter": rng.choice(["/?status=new&lang=km", "/?status=approved", "/?lang=zh&page=3"]),
                "search": f"/?q={rng.choice(['Hun+Sen', 'election', 'garment', 'Phnom'])}",
                "article": f"/articles/bench-{rng.randrange(articles):05d}",
            }[kind]))
        timings: dict[str, list[float]] = {}
        lock = threading.Lock()
        failures = [0]

        def client(share: list) -> None:
            for kind, path in share:
                start = time.perf_counter()
                try:
                    with opener.open(base + path) as response:
                        response.read()
                        ok = response.status == 200 and "/login" not in response.url  # not sent to log in
                except OSError:
                    ok = False
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    timings.setdefault(kind, []).append(elapsed)
                    failures[0] += not ok

        warm = [threading.Thread(target=lambda p: opener.open(base + p).read(), args=(paths[i][1],))
                for i in range(clients)]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        server_cpu = _cpu_seconds(server.pid)
        threads = [threading.Thread(target=client, args=(paths[i::clients],)) for i in range(clients)]
        wall = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
        server_cpu = _cpu_seconds(server.pid) - server_cpu if server_cpu is not None else None
    finally:
        server.terminate()
        server.wait(timeout=30)

    def percentile(values: list[float], q: float) -> float:
        return round(statistics.quantiles(values, n=100)[q - 1], 1) if len(values) > 1 else round(values[0], 1)

    every = [t for values in timings.values() for t in values]
    return {"articles": articles, "requests": requests, "clients": clients, "workers": workers,
            "failures": failures[0], "fill_seconds": round(fill_seconds, 1),
            "requests_per_second": round(requests / wall, 1),
            "server_cpu_ms_per_request": round(server_cpu * 1000 / requests, 1) if server_cpu is not None else None,
            "p50_ms": percentile(every, 50), "p95_ms": percentile(every, 95),
            **{f"{kind}_p95_ms": percentile(values, 95) for kind, values in sorted(timings.items())}}


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process and its children that are alive (Linux /proc; None elsewhere)."""
    proc = Path("/proc")
    if not (proc / str(pid)).exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in proc.iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split() if entry.name.isdigit() else None
        except OSError:
            continue
        if fields and (int(entry.name) == pid or int(fields[1]) == pid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _wait_for(url: str, seconds: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


def _fill(serve_home: Path, count: int) -> float:
    """Insert ``count`` articles (VOA text, 12 sentences each, km and zh translations, reviews) in bulk."""
    from sqlalchemy import func, insert, select

    from workflow import accounts
    from workflow.segment import split_sentences
    from workflow.store import Article, Brief, Review, Sentence, Store, Translation

    serve_home.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{serve_home / 'briefdesk.db'}")
    with store.read() as session:
        if session.scalar(select(func.count(Article.id))) == count:
            return 0.0
    start = time.perf_counter()
    stories = _articles(41)
    segmented = [split_sentences(story["text"])[:12] for story in stories]  # once per story, not per copy
    statuses = ["new", "new", "in_review", "approved", "rejected"]
    with store.session() as session:
        for offset in range(0, count, 500):
            ids = range(offset, min(count, offset + 500))
            session.execute(insert(Article), [
                {"id": i + 1, "external_id": f"bench-{i:05d}", "title": f"{stories[i % 41]['title']} #{i}",
                 "source": "bench", "text": stories[i % 41]["text"], "content_hash": f"{i:064d}", "summary_key": ""}
                for i in ids])
            sentences, translations, reviews, briefs = [], [], [], []
            for i in ids:
                for position, sentence in enumerate(segmented[i % 41]):
                    sentence_id = i * 12 + position + 1
                    sentences.append({"id": sentence_id, "article_id": i + 1, "position": position,
                                      "paragraph": sentence.paragraph, "text": sentence.text, "in_brief": position < 3})
                    for lang in ("km", "zh"):
                        translations.append({"sentence_id": sentence_id, "lang": lang, "model": "bench",
                                             "text": f"[{lang}] {sentence.text}", "score": -0.5, "origin": "model"})
                for lang in ("km", "zh"):
                    reviews.append({"article_id": i + 1, "lang": lang, "status": statuses[(i + len(lang)) % 5],
                                    "model": "bench", "demo": True, "fingerprint": "bench"})
                    briefs.append({"article_id": i + 1, "lang": lang, "text": f"[{lang}] brief"})
            for table, rows in ((Sentence, sentences), (Translation, translations), (Review, reviews),
                                (Brief, briefs)):
                session.execute(insert(table), rows)
    try:
        accounts.add_user(store, "bench", "bench-password", "editor")
    except accounts.AccountError:
        pass
    return time.perf_counter() - start


def converted(sentences: int = 64, tokens: int = 40) -> dict:
    """CPU speed of a converted NLLB-200-distilled-600M-shaped checkpoint (random weights, real size: 12+12
    layers, d_model 1024, 256k-row output projection), built with transformers and converted by
    ``workflow.convert``; decoding is fixed at ``tokens`` target tokens a sentence. Needs the convert extra."""
    import tempfile
    import zipfile

    import ctranslate2
    import sentencepiece as spm
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    from workflow import convert
    from workflow.segment import split_sentences

    texts = [story["text"] for story in _stories()]
    with tempfile.TemporaryDirectory(dir=home.home()) as tmp:
        checkpoint = Path(tmp) / "nllb-600m-shaped"
        checkpoint.mkdir()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(line for text in texts for line in text.splitlines() if line.strip()),
            model_prefix=str(checkpoint / "sentencepiece.bpe"), vocab_size=8000, model_type="bpe",
            character_coverage=1.0, byte_fallback=True, unk_id=3, bos_id=0, eos_id=2, pad_id=1, minloglevel=2)
        tokenizer = NllbTokenizer(vocab_file=str(checkpoint / "sentencepiece.bpe.model"), src_lang="eng_Latn",
                                  tgt_lang="khm_Khmr")
        config = M2M100Config(vocab_size=256_206, d_model=1024, encoder_layers=12, decoder_layers=12,
                              encoder_attention_heads=16, decoder_attention_heads=16, encoder_ffn_dim=4096,
                              decoder_ffn_dim=4096, max_position_embeddings=1024, scale_embedding=True,
                              pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                              decoder_start_token_id=tokenizer.eos_token_id)
        torch.manual_seed(0)
        M2M100ForConditionalGeneration(config).save_pretrained(checkpoint)
        tokenizer.save_pretrained(checkpoint)
        archive = convert.convert(str(checkpoint), "en", "km", Path(tmp) / "nllb.argosmodel", quantization="int8")
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(tmp)
        root = Path(tmp) / zipfile.ZipFile(archive).namelist()[0].split("/")[0]
        extra = json.loads((root / "metadata.json").read_text())["briefdesk"]
        processor = spm.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
        sample = [s.text for text in texts[12:20] for s in split_sentences(text)][:sentences]
        sources = [extra["source_prefix"] + processor.encode(s, out_type=str) + extra["source_suffix"] for s in sample]
        translator = ctranslate2.Translator(str(root / "model"), compute_type="int8", **{
            k: v for k, v in BEST.items() if k.endswith("threads")})
        result = {"model": "NLLB-200-distilled-600M shape, random weights, int8",
                  "model_mb": round((root / "model" / "model.bin").stat().st_size / 1e6), "sentences": len(sources)}
        for beam in (4, 1):
            start = time.perf_counter()
            outputs = translator.translate_batch(
                sources, target_prefix=[[extra["target_prefix"]]] * len(sources), beam_size=beam,
                min_decoding_length=tokens, max_decoding_length=tokens, max_batch_size=BEST["max_batch_tokens"],
                batch_type="tokens")
            seconds = time.perf_counter() - start
            produced = sum(len(o.hypotheses[0]) for o in outputs)
            result[f"beam{beam}_tokens_per_second"] = round(produced / seconds)
    result["peak_rss_mb"] = round(_peak_rss_mb())
    return result
