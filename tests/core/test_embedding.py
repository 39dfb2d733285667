from __future__ import annotations

import numpy as np

from touchpoints.core.embedding import default_embedder


def test_default_embedder_gives_normalized_deterministic_vectors():
    embedder = default_embedder()

    first = embedder.embed(["jazz piano", "sourdough baking", ""])
    second = embedder.embed(["jazz piano"])

    assert first.shape == (3, embedder.dim)
    assert first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first[:2], axis=1), 1.0, atol=1e-5)
    assert np.allclose(first[0], second[0], atol=1e-6)


def test_default_embedder_puts_paraphrases_closer_than_unrelated_phrases():
    vectors = default_embedder().embed(["birdwatching", "birding", "gardening"])

    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_default_embedder_is_loaded_once_and_handles_no_texts():
    assert default_embedder() is default_embedder()
    assert default_embedder().embed([]).shape == (0, 384)


def test_default_embedder_reports_progress():
    calls = []

    default_embedder().embed(
        [f"phrase {i}" for i in range(70)], progress=lambda d, t: calls.append((d, t))
    )

    assert calls[-1] == (70, 70)
    assert len(calls) == 2
