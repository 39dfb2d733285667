"""Curated concepts: what phrases mean the same interest, and what is broader.

Generic embeddings confuse shared words with shared meaning ("English soccer" and
"American football" score higher than "English soccer" and "Premier League"), and
they know little about teams, leagues or niche hobbies. ``concepts.json`` (shipped
in this package) lists concepts with aliases and broader concepts; an alias found
in a phrase settles what it is about, and two different concepts are never merged,
only related through a shared broader concept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from touchpoints.core.text import CONNECTORS, phrase_key

__all__ = ["NON_NARROWING_WORDS", "Concept", "Knowledge", "default_knowledge"]

_MAX_ALIAS_WORDS = 4

#: Words that leave the meaning of an interest as it is ("Spurs season ticket" is
#: still English football); any other extra word makes a phrase narrower.
NON_NARROWING_WORDS = frozenset(
    """
    season ticket match club team supporter watching watch news meetup meetups
    scene community group night nights fc afc weekend weekends online tv live
    """.split()
)


@dataclass(frozen=True, slots=True)
class Concept:
    """One curated interest: a label, a verb ("follow") and broader concepts."""

    id: str
    label: str
    verb: str
    broader: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    """Concepts and an alias index keyed by :func:`phrase_key` forms."""

    concepts: Mapping[str, Concept]
    #: alias key -> concept id; aliases that may appear inside a longer phrase
    contained: Mapping[str, str]
    #: alias key -> concept id; ambiguous aliases that must be the whole phrase
    whole: Mapping[str, str]

    def ancestors(self, concept_id: str) -> tuple[str, ...]:
        """All broader concepts, nearest first, without repeats."""
        seen: list[str] = []
        frontier = list(self.concepts[concept_id].broader)
        while frontier:
            current = frontier.pop(0)
            if current not in seen:
                seen.append(current)
                frontier.extend(self.concepts[current].broader)
        return tuple(seen)

    def concepts_in(self, key: str) -> tuple[str, ...]:
        """Concepts a phrase key mentions, most specific only, in order of appearance.

        A whole-phrase alias wins outright. Otherwise every word n-gram is looked
        up; an n-gram inside a longer matched n-gram is ignored ("jazz" inside
        "jazz piano"), and a concept broader than another match is dropped.
        """
        return self.meaning(key)[0]

    def meaning(self, key: str) -> tuple[tuple[str, ...], bool]:
        """The concepts a phrase key mentions, and whether it *is* that concept.

        "big Liverpool FC fan" is English football (the words left over say nothing
        new), but "street photography" only mentions photography, and "nature
        photography" mentions two concepts: each is narrower than what it mentions,
        related to it rather than the same interest.
        """
        if key in self.whole:
            return (self.whole[key],), True
        if key in self.contained:
            return (self.contained[key],), True
        words = key.split()
        found: list[tuple[int, int, str]] = []
        for size in range(min(_MAX_ALIAS_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                concept = self.contained.get(" ".join(words[start : start + size]))
                if concept is None:
                    continue
                if any(s <= start and start + size <= s + n for s, n, _ in found):
                    continue
                found.append((start, size, concept))
        ids = [c for _, _, c in sorted(found)]
        broader = {a for c in ids for a in self.ancestors(c)}
        unique = tuple(dict.fromkeys(c for c in ids if c not in broader))
        covered = {i for start, size, c in found if c in unique for i in range(start, start + size)}
        rest = {w for i, w in enumerate(words) if i not in covered} - CONNECTORS
        return unique, len(unique) == 1 and rest <= NON_NARROWING_WORDS


def knowledge_from_dict(data: Mapping[str, object]) -> Knowledge:
    """Build the alias index from the JSON structure of ``concepts.json``."""
    concepts: dict[str, Concept] = {}
    contained: dict[str, str] = {}
    whole: dict[str, str] = {}
    raw = data["concepts"]
    assert isinstance(raw, list)
    for item in raw:
        concept = Concept(
            id=item["id"],
            label=item["label"],
            verb=item.get("verb", "into"),
            broader=tuple(item.get("broader", ())),
        )
        concepts[concept.id] = concept
        for alias in [item["label"], *item["aliases"]]:
            target = whole if alias.startswith("=") else contained
            key = phrase_key(alias.lstrip("="))
            if key:
                target.setdefault(key, concept.id)
    for key in whole:
        contained.pop(key, None)
    for concept in concepts.values():
        for parent in concept.broader:
            if parent not in concepts:
                raise ValueError(f"concept {concept.id!r} names unknown broader {parent!r}")
    return Knowledge(concepts=concepts, contained=contained, whole=whole)


@cache
def default_knowledge() -> Knowledge:
    """The concepts shipped with touchpoints (``core/concepts.json``)."""
    text = (resources.files("touchpoints.core") / "concepts.json").read_text(encoding="utf-8")
    return knowledge_from_dict(json.loads(text))
