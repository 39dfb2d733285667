"""Whole-profile similarity: how alike two attendees' interests read as a whole.

Common ground names *one* shared topic; it says nothing about the rest of what two
people wrote. Two papers on radical-right voting may share no single phrase the
engine can name and still be each other's best match. The pair score
(:mod:`touchpoints.core.pair_score`) therefore also weighs how alike the whole
profiles are, from two views of everything an attendee wrote (listed interests and
free text, not hometown or languages, which are topics of their own):

* **terms**: TF-IDF over word stems (scikit-learn's ``TfidfVectorizer`` with our
  analyzer: the stems of :func:`~touchpoints.core.text.word_bag`, stop words out,
  sublinear counts), so rare shared words count more than common ones;
* **meanings**: the mean of the sentence embeddings of the attendee's topics (and of
  their free text as a whole), so "Arsenal" and "Premier League" read alike.

Similarity is ``TERM_WEIGHT x terms cosine + (1 - TERM_WEIGHT) x meanings cosine``,
clipped to [0, 1]. It orders people; it is never shown as a reason to meet.

Each profile also records its ``text_share``: how much of what the attendee holds
was drawn from free text rather than listed. Phrases drawn from a text are weaker
evidence of an interest than phrases a person listed, so the pair score leans more on
similarity for such profiles (:func:`touchpoints.core.pair_score.blend`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from touchpoints.core.text import STOP_WORDS, phrase_key, stem

__all__ = ["TERM_WEIGHT", "Profiles", "build_profiles", "profile_terms"]

#: Share of the terms view in profile similarity (the rest is the meanings view).
TERM_WEIGHT = 0.5

FloatMatrix = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
_CHUNK = 200_000


def profile_terms(texts: Sequence[str]) -> list[str]:
    """The word stems an attendee's texts contribute to the terms view.

    >>> profile_terms(["Big Premier League fan", "I play chess"])
    ['premier', 'leagu', 'chess']
    """
    stems = []
    for text in texts:
        for word in phrase_key(text).split():
            if word not in STOP_WORDS and len(word) > 1 and not word.isdigit():
                stems.append(stem(word))
    return stems


@dataclass(frozen=True, eq=False)
class Profiles:
    """Each attendee's profile in both views, rows L2-normalized (a zero row = nothing
    written)."""

    terms: sparse.csr_matrix
    meanings: FloatMatrix
    text_share: npt.NDArray[np.float64]

    @property
    def size(self) -> int:
        return int(self.meanings.shape[0])

    def similarity_at(self, rows: IntArray, cols: IntArray) -> npt.NDArray[np.float64]:
        """The similarity of the pairs (rows[p], cols[p]), in [0, 1]."""
        out = np.zeros(len(rows), dtype=np.float64)
        for lo in range(0, len(rows), _CHUNK):
            r, c = rows[lo : lo + _CHUNK], cols[lo : lo + _CHUNK]
            words = np.asarray(self.terms[r].multiply(self.terms[c]).sum(axis=1)).ravel()
            meanings = np.einsum("ij,ij->i", self.meanings[r], self.meanings[c])
            out[lo : lo + len(r)] = TERM_WEIGHT * words + (1.0 - TERM_WEIGHT) * meanings
        return np.clip(out, 0.0, 1.0)

    def text_share_at(self, rows: IntArray, cols: IntArray) -> npt.NDArray[np.float64]:
        """The mean text share of the two profiles of each pair."""
        return (self.text_share[rows] + self.text_share[cols]) / 2.0

    def text_share_matrix(self) -> npt.NDArray[np.float64]:
        return (self.text_share[:, None] + self.text_share[None, :]) / 2.0

    def similarity_matrix(self) -> npt.NDArray[np.float64]:
        """Every pair's similarity as a dense (n, n) matrix (small events only)."""
        words = np.asarray((self.terms @ self.terms.T).toarray(), dtype=np.float64)
        meanings = self.meanings.astype(np.float64) @ self.meanings.T.astype(np.float64)
        return np.clip(TERM_WEIGHT * words + (1.0 - TERM_WEIGHT) * meanings, 0.0, 1.0)


def build_profiles(
    texts: Sequence[Sequence[str]], meanings: FloatMatrix, text_share: npt.ArrayLike
) -> Profiles:
    """Profiles from each attendee's texts, (unnormalized) meaning vectors and share of
    interests drawn from free text."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy; only when building

    documents = [profile_terms(t) for t in texts]
    if any(documents):
        vectorizer = TfidfVectorizer(
            analyzer=lambda terms: terms, sublinear_tf=True, dtype=np.float32
        )
        terms = sparse.csr_matrix(vectorizer.fit_transform(documents), dtype=np.float32)
    else:
        terms = sparse.csr_matrix((len(documents), 0), dtype=np.float32)
    norms = np.linalg.norm(meanings, axis=1, keepdims=True)
    unit = np.where(norms > 1e-12, meanings / np.maximum(norms, 1e-12), 0.0)
    share = np.clip(np.asarray(text_share, dtype=np.float64), 0.0, 1.0)
    return Profiles(terms, np.ascontiguousarray(unit, dtype=np.float32), share)
