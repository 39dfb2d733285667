"""The per-event vocabulary: interest phrases grouped into topics, with specificity.

A *topic* groups phrases that mean the same thing in this crowd ("English football"
<- "Arsenal", "Premier League"). Three signals decide, strongest first:

1. the curated concepts of :mod:`touchpoints.core.knowledge`: a phrase that *is* an
   alias takes the concept; one that only mentions it is narrower;
2. lexical identity: the same bag of word stems (:func:`~touchpoints.core.text.word_bag`)
   with the same head word;
3. sentence embeddings, at a high cosine only (:data:`SAME_THRESHOLD`) and only when
   the words two phrases do not share agree (:class:`_Agreement`), because generic
   models rate different things close when they share words.

Topics that are broader/narrower (through the concepts) or close in embedding space
(cosine from :data:`RELATED_THRESHOLD`, not merged) are *related*: they give weaker
common ground, labelled as such. Hometowns and languages are topics of their own
kinds, matched lexically only. docs/engine.md tells the whole story.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from touchpoints.core.embedding import Embedder, default_embedder
from touchpoints.core.knowledge import NON_NARROWING_WORDS, Knowledge, default_knowledge
from touchpoints.core.model import Attendee, Interest, InterestSource
from touchpoints.core.text import (
    FILLER_WORDS,
    LEADING_VERBS,
    is_free_text,
    key_phrases,
    phrase_key,
    stem,
    word_bag,
)

__all__ = [
    "RELATED_THRESHOLD",
    "SAME_THRESHOLD",
    "Membership",
    "RelatedTopics",
    "Topic",
    "TopicKind",
    "Vocabulary",
    "event_topics",
    "interests_of",
    "specificity",
]

#: Cosine at or above which two phrases that no concept explains are one topic.
SAME_THRESHOLD = 0.84
#: Cosine from which two topics count as related (weaker common ground).
RELATED_THRESHOLD = 0.55
#: Related topics kept per topic (the nearest ones).
MAX_RELATED_PER_TOPIC = 10
#: Candidate key phrases drawn from one bio or abstract.
MAX_PHRASES_PER_TEXT = 40
#: Key phrases kept per bio or abstract: the ones closest to the whole text.
MAX_TOPICS_PER_TEXT = 20
#: Cosine to the whole text below which a drawn phrase is off-topic.
MIN_CENTRALITY = 0.25

Progress = Callable[[str, int, int], None]
FloatMatrix = npt.NDArray[np.float32]


class TopicKind(StrEnum):
    """What a topic is about; it decides the wording of explanations."""

    INTEREST = "interest"
    HOMETOWN = "hometown"
    LANGUAGE = "language"


@dataclass(frozen=True, slots=True)
class Topic:
    """A per-event concept that groups interests meaning the same thing.

    ``attendee_count`` counts everybody who holds the topic, directly or through a
    narrower topic ("Arsenal" holds "football (soccer)" through "English football");
    ``direct_count`` only those who wrote a phrase of the topic itself.
    """

    id: int
    label: str
    kind: TopicKind
    verb: str
    attendee_count: int
    direct_count: int
    specificity: float
    examples: tuple[str, ...]
    broader: tuple[int, ...] = ()
    concept: str | None = None
    depth: int = 0  # how many broader topics lie above it: narrower topics explain better


@dataclass(frozen=True, slots=True)
class Membership:
    """An attendee holds a topic through ``phrase`` (verbatim); ``direct`` is False
    when the topic is only broader than what they wrote."""

    topic: int
    phrase: str
    direct: bool


@dataclass(frozen=True, slots=True)
class RelatedTopics:
    """Two topics close in meaning but not the same (``a < b``)."""

    a: int
    b: int
    similarity: float
    attendee_count: int
    specificity: float


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Topics of one event and who holds which, by attendee index."""

    attendee_ids: tuple[str, ...]
    topics: tuple[Topic, ...]
    memberships: tuple[Mapping[int, Membership], ...]
    related: tuple[RelatedTopics, ...]

    @property
    def n_attendees(self) -> int:
        return len(self.attendee_ids)

    def index_of(self, attendee_id: str) -> int:
        """Position of an attendee; raises KeyError naming the unknown id."""
        index = self._positions().get(attendee_id)
        if index is None:
            raise KeyError(f"no attendee with id {attendee_id!r} in this vocabulary")
        return index

    def holders(self) -> tuple[list[list[int]], list[list[int]]]:
        """Per topic, the attendees who hold it (directly or through a narrower topic)
        and those who hold it directly, by attendee index in ascending order."""
        cached: tuple[list[list[int]], list[list[int]]] | None = self.__dict__.get("_holders_cache")
        if cached is None:
            cached = _holders(self.memberships, len(self.topics))
            object.__setattr__(self, "_holders_cache", cached)
        return cached

    def related_to(self, topic_id: int) -> tuple[RelatedTopics, ...]:
        """The related pairs that involve ``topic_id``."""
        index: dict[int, tuple[RelatedTopics, ...]] | None = self.__dict__.get("_related_cache")
        if index is None:
            grouped: dict[int, list[RelatedTopics]] = defaultdict(list)
            for pair in self.related:
                grouped[pair.a].append(pair)
                grouped[pair.b].append(pair)
            index = {topic: tuple(pairs) for topic, pairs in grouped.items()}
            object.__setattr__(self, "_related_cache", index)
        return index.get(topic_id, ())

    def _positions(self) -> dict[str, int]:
        cached: dict[str, int] | None = self.__dict__.get("_position_cache")
        if cached is None:
            cached = {a: i for i, a in enumerate(self.attendee_ids)}
            object.__setattr__(self, "_position_cache", cached)
        return cached


def _holders(
    memberships: Sequence[Mapping[int, Membership]], topic_count: int
) -> tuple[list[list[int]], list[list[int]]]:
    every: list[list[int]] = [[] for _ in range(topic_count)]
    direct: list[list[int]] = [[] for _ in range(topic_count)]
    for index, held in enumerate(memberships):
        for topic, membership in held.items():
            every[topic].append(index)
            if membership.direct:
                direct[topic].append(index)
    return every, direct


def specificity(count: int, total: int) -> float:
    """How distinctive a topic held by ``count`` of ``total`` attendees is, in [0, 1].

    1 for a topic only two people share, falling logarithmically to 0 for one
    everybody holds: ``log(total / count) / log(total / 2)``.

    Examples
    --------
    >>> round(specificity(4, 312), 2)
    0.86
    >>> round(specificity(250, 300), 2)
    0.04
    """
    if count <= 2 or total <= 2:
        return 1.0
    if count >= total:
        return 0.0
    return math.log(total / count) / math.log(total / 2)


def interests_of(attendee: Attendee, *, knowledge: Knowledge | None = None) -> tuple[Interest, ...]:
    """Every interest of an attendee: listed phrases, key phrases of the bio,
    hometown and languages."""
    known = (knowledge or default_knowledge()).contained
    found = [Interest(text, InterestSource.LIST) for text in attendee.interests]
    if attendee.bio:
        found += [
            Interest(p, InterestSource.TEXT)
            for p in key_phrases(attendee.bio, max_phrases=MAX_PHRASES_PER_TEXT, known_words=known)
        ]
    if attendee.hometown and attendee.hometown.strip():
        found.append(Interest(attendee.hometown.strip(), InterestSource.HOMETOWN))
    found += [Interest(lang, InterestSource.LANGUAGE) for lang in attendee.languages]
    return tuple(found)


@dataclass(frozen=True, slots=True)
class _Mention:
    attendee: int
    display: str
    unit: str
    key: str
    kind: TopicKind
    from_text: bool = False


def _mentions(attendees: Sequence[Attendee], knowledge: Knowledge) -> list[_Mention]:
    mentions: list[_Mention] = []
    for index, attendee in enumerate(attendees):
        for interest in interests_of(attendee, knowledge=knowledge):
            kind, units = _units(interest, knowledge)
            for unit in units:
                key = phrase_key(unit)
                if key:
                    from_text = interest.source is InterestSource.TEXT
                    mentions.append(_Mention(index, interest.text, unit, key, kind, from_text))
    return mentions


def _central_text_mentions(
    mentions: list[_Mention],
    attendees: Sequence[Attendee],
    embedder: Embedder,
    knowledge: Knowledge,
) -> list[_Mention]:
    """Keep, of the phrases drawn from each free text, those central to it.

    A bio or an abstract yields many candidate phrases, and rare stray ones
    ("unique opportunity") would otherwise count as highly specific shared topics.
    As KeyBERT does [1]_, each candidate is compared with the embedding of the whole
    text; the :data:`MAX_TOPICS_PER_TEXT` closest, at cosine
    :data:`MIN_CENTRALITY` or more, are kept. Phrases that name a curated concept
    are kept whatever their place in the text: a bio about work that mentions
    "Liverpool games" on weekends still says its author follows English football.

    .. [1] Grootendorst, "KeyBERT: minimal keyword extraction with BERT", 2020.
    """
    drawn = [m for m in mentions if m.from_text and not knowledge.concepts_in(m.key)]
    if not drawn:
        return mentions
    owners = sorted({m.attendee for m in drawn})
    documents = embedder.embed([attendees[i].bio or "" for i in owners])
    document_of = {owner: row for row, owner in enumerate(owners)}
    units = sorted({m.unit for m in drawn})
    unit_vectors = embedder.embed(units)
    unit_row = {unit: row for row, unit in enumerate(units)}
    centrality = np.array(
        [float(unit_vectors[unit_row[m.unit]] @ documents[document_of[m.attendee]]) for m in drawn]
    )
    keep: set[int] = set()
    by_owner: dict[int, list[int]] = defaultdict(list)
    for position, mention in enumerate(drawn):
        by_owner[mention.attendee].append(position)
    for positions in by_owner.values():
        ranked = sorted(positions, key=lambda p: -centrality[p])[:MAX_TOPICS_PER_TEXT]
        keep.update(id(drawn[p]) for p in ranked if centrality[p] >= MIN_CENTRALITY)
    chosen = {id(m) for m in drawn}
    return [m for m in mentions if id(m) not in chosen or id(m) in keep]


def _units(interest: Interest, knowledge: Knowledge) -> tuple[TopicKind, list[str]]:
    if interest.source is InterestSource.HOMETOWN:
        return TopicKind.HOMETOWN, [interest.text.split(",")[0]]
    if interest.source is InterestSource.LANGUAGE:
        return TopicKind.LANGUAGE, [interest.text]
    if interest.source is InterestSource.LIST and is_free_text(interest.text):
        phrases = key_phrases(interest.text, known_words=knowledge.contained)
        return TopicKind.INTEREST, phrases or [interest.text]
    return TopicKind.INTEREST, [interest.text]


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _neighbours(
    vectors: FloatMatrix, queries: FloatMatrix, k: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """Exact inner-product k nearest neighbours (faiss flat index)."""
    import faiss  # numpy-level kernel; imported here to keep `import touchpoints` light

    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    sims, ids = index.search(np.ascontiguousarray(queries, dtype=np.float32), min(k, len(vectors)))
    return sims, ids


def _cluster(
    keys: list[str], vectors: FloatMatrix, order_weight: Sequence[int], embedder: Embedder
) -> list[int]:
    """Group phrases that mean the same; returns a root (row index) per row.

    Phrases with the same bag of word stems are merged first. Then pairs whose
    cosine reaches SAME_THRESHOLD are merged strongest first, if the words they do
    not share agree (:class:`_Agreement`), and only while the two groups' leaders
    (their most used phrase) also agree and reach the threshold, so chains of near
    neighbours cannot drift from one meaning to another.
    """
    count = len(vectors)
    forest = _UnionFind(count)
    leader = list(range(count))
    if count < 2:
        return list(range(count))

    def merge(a: int, b: int) -> None:
        ra, rb = forest.find(a), forest.find(b)
        la, lb = leader[ra], leader[rb]
        forest.union(ra, rb)
        leader[forest.find(ra)] = la if order_weight[la] >= order_weight[lb] else lb

    agree = _Agreement(embedder)
    rows_of_bag: dict[frozenset[str], list[int]] = defaultdict(list)
    for row, key in enumerate(keys):
        rows_of_bag[word_bag(key)].append(row)
    for rows in rows_of_bag.values():
        for position, row in enumerate(rows[1:], start=1):
            partner = next(
                (r for r in rows[:position] if agree.same_order(keys[r], keys[row])), None
            )
            if partner is not None:
                merge(partner, row)
    sims, ids = _neighbours(vectors, vectors, 8)
    edges = sorted(
        (
            (float(sims[i, j]), i, int(ids[i, j]))
            for i in range(count)
            for j in range(ids.shape[1])
            if ids[i, j] > i and sims[i, j] >= SAME_THRESHOLD
        ),
        reverse=True,
    )
    agree.prefetch([(keys[a], keys[b]) for _, a, b in edges])
    for _, a, b in edges:
        ra, rb = forest.find(a), forest.find(b)
        if ra == rb or not agree(keys[a], keys[b]):
            continue
        la, lb = leader[ra], leader[rb]
        if float(vectors[la] @ vectors[lb]) < SAME_THRESHOLD or not agree(keys[la], keys[lb]):
            continue
        merge(a, b)
    return [forest.find(i) for i in range(count)]


#: Connectors around which word order does not matter ("food and wine", "networking
#: for women"); "of" is not one: "parents of teens" are not "teen parents".
_ORDER_FREE = frozenset("and & + for with".split())


def _words_with_stems(key: str, stems: frozenset[str]) -> str:
    return " ".join(w for w in key.split() if stem(w) in stems)


class _Agreement:
    """Whether two phrase keys that embed close may really be one topic.

    Phrases are compared as bags of word stems (:func:`word_bag`), so word order,
    connectors and inflection do not matter. Phrases with no stem in common are left
    to the cosine alone. Otherwise the stems only one side has must not change the
    meaning: none, or only words such as "club" or "meetup" (then they are the
    same); one side adding real words makes it narrower ("photography" / "street
    photography"); both sides adding words ("PC gaming" / "computer gaming") are the
    same only if those words are (cosine >= SAME_THRESHOLD).
    """

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._vectors: dict[str, FloatMatrix] = {}
        self._neutral = word_bag(" ".join(NON_NARROWING_WORDS))

    def _split(self, a: str, b: str) -> tuple[bool, str, str] | None:
        """None when the cosine alone decides; else (same?, rest of a, rest of b)."""
        bag_a, bag_b = word_bag(a), word_bag(b)
        if not bag_a & bag_b:
            return None
        only_a, only_b = bag_a - bag_b - self._neutral, bag_b - bag_a - self._neutral
        if not only_a or not only_b or not self.same_order(a, b):
            return (not only_a and not only_b and self.same_order(a, b)), "", ""
        return False, _words_with_stems(a, only_a), _words_with_stems(b, only_b)

    def same_order(self, a: str, b: str) -> bool:
        """Same words must also have the same head: "teen parents" are not "parents
        of teens", unless a connector makes the order free ("food and wine"). When
        the heads are the very words that differ ("movie theaters" / "movie
        theatres"), the words that differ decide."""
        if any(w in _ORDER_FREE for w in (*a.split(), *b.split())):
            return True
        head_a, head_b = self._head(a), self._head(b)
        return head_a == head_b or (head_a not in word_bag(b) and head_b not in word_bag(a))

    def _head(self, key: str) -> str:
        words = [stem(w) for w in key.split()]
        content = [w for w in words if w not in self._neutral] or words
        return content[-1] if content else ""

    def prefetch(self, pairs: list[tuple[str, str]]) -> None:
        """Embed, in one batch, the differing words of many pairs."""
        rests: set[str] = set()
        for a, b in pairs:
            split = self._split(a, b)
            if split is not None and split[1]:
                rests.update(split[1:])
        missing = sorted(rests - self._vectors.keys())
        for text, vector in zip(missing, self._embedder.embed(missing), strict=True):
            self._vectors[text] = vector

    def __call__(self, a: str, b: str) -> bool:
        split = self._split(a, b)
        if split is None:
            return True
        same, rest_a, rest_b = split
        if not rest_a:
            return same
        self.prefetch([(a, b)])
        return float(self._vectors[rest_a] @ self._vectors[rest_b]) >= SAME_THRESHOLD


@lru_cache(maxsize=100_000)
def _clean_label(unit: str) -> str:
    words = unit.split()
    while len(words) > 1 and words[0].casefold() in FILLER_WORDS | LEADING_VERBS:
        words = words[1:]
    while len(words) > 1 and words[-1].casefold() in FILLER_WORDS:
        words = words[:-1]
    return " ".join(words)


@dataclass
class _Draft:
    label: str
    kind: TopicKind
    verb: str = "into"
    concept: str | None = None
    broader: tuple[int, ...] = ()
    vector: FloatMatrix | None = None


def event_topics(
    attendees: Sequence[Attendee],
    *,
    embedder: Embedder | None = None,
    knowledge: Knowledge | None = None,
    progress: Progress | None = None,
) -> Vocabulary:
    """Group the interests of an event's attendees into topics.

    Parameters
    ----------
    attendees : sequence of Attendee
        The whole event; ids must be unique.
    embedder : Embedder, optional
        Sentence embeddings; the packaged MiniLM model by default.
    knowledge : Knowledge, optional
        Curated concepts; the packaged ``concepts.json`` by default.
    progress : callable(stage, done, total), optional
        Called as the phrases are embedded.

    Returns
    -------
    Vocabulary
        Topics with counts and specificity, and each attendee's memberships.

    Examples
    --------
    >>> from touchpoints.core.model import Attendee
    >>> crowd = [Attendee("1", "Ann", interests=("Arsenal",)),
    ...          Attendee("2", "Bo", interests=("Premier League",)),
    ...          Attendee("3", "Cy", interests=("NFL",))]
    >>> vocabulary = event_topics(crowd)
    >>> [(t.label, t.direct_count) for t in vocabulary.topics if t.direct_count]
    [('English football', 2), ('American football', 1)]
    """
    ids = tuple(a.id for a in attendees)
    if len(set(ids)) != len(ids):
        duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
        raise ValueError(f"attendee ids must be unique; repeated: {duplicates[:5]}")
    embedder = embedder or default_embedder()
    knowledge = knowledge or default_knowledge()
    mentions = _central_text_mentions(
        _mentions(attendees, knowledge), attendees, embedder, knowledge
    )
    key_use = Counter((m.kind, m.key) for m in mentions)

    drafts: list[_Draft] = []
    topic_of_key: dict[tuple[TopicKind, str], list[int]] = {}
    concept_topic: dict[str, int] = {}

    def concept_topic_id(concept_id: str) -> int:
        if concept_id not in concept_topic:
            concept = knowledge.concepts[concept_id]
            broader = tuple(concept_topic_id(parent) for parent in concept.broader)
            concept_topic[concept_id] = len(drafts)
            drafts.append(
                _Draft(concept.label, TopicKind.INTEREST, concept.verb, concept_id, broader)
            )
        return concept_topic[concept_id]

    unmatched: list[str] = []
    mentioned: dict[str, tuple[str, ...]] = {}
    for kind, key in key_use:
        if kind is not TopicKind.INTEREST:
            continue
        concepts, exact = knowledge.meaning(key)
        if exact:
            topic_of_key[(kind, key)] = [concept_topic_id(c) for c in concepts]
        else:
            unmatched.append(key)
            if concepts:
                mentioned[key] = concepts

    vectors = _embed(embedder, unmatched, progress)
    weights = [key_use[(TopicKind.INTEREST, k)] for k in unmatched]
    roots = _cluster(unmatched, vectors, weights, embedder)
    members_of_root: dict[int, list[int]] = defaultdict(list)
    for row, root in enumerate(roots):
        members_of_root[root].append(row)
    for rows in members_of_root.values():
        centroid = vectors[rows].mean(axis=0)
        named = dict.fromkeys(c for row in rows for c in mentioned.get(unmatched[row], ()))
        broader = tuple(concept_topic_id(c) for c in named)  # may add drafts: before the id
        topic_id = len(drafts)
        drafts.append(
            _Draft(
                "",
                TopicKind.INTEREST,
                broader=broader,
                vector=centroid / max(float(np.linalg.norm(centroid)), 1e-12),
            )
        )
        for row in rows:
            topic_of_key[(TopicKind.INTEREST, unmatched[row])] = [topic_id]

    for kind, key in key_use:
        if kind is not TopicKind.INTEREST and (kind, key) not in topic_of_key:
            topic_of_key[(kind, key)] = [len(drafts)]
            drafts.append(_Draft("", kind, "speak" if kind is TopicKind.LANGUAGE else "from"))

    return _assemble(ids, drafts, mentions, topic_of_key, embedder)


def _embed(embedder: Embedder, texts: list[str], progress: Progress | None) -> FloatMatrix:
    def report(done: int, total: int) -> None:
        if progress is not None:
            progress("embedding phrases", done, total)

    return embedder.embed(texts, progress=report)


def _assemble(
    ids: tuple[str, ...],
    drafts: list[_Draft],
    mentions: list[_Mention],
    topic_of_key: dict[tuple[TopicKind, str], list[int]],
    embedder: Embedder,
) -> Vocabulary:
    total = len(ids)
    memberships: list[dict[int, Membership]] = [{} for _ in ids]
    displays: list[Counter[str]] = [Counter() for _ in drafts]
    units: list[Counter[str]] = [Counter() for _ in drafts]
    for mention in mentions:
        for topic in topic_of_key[(mention.kind, mention.key)]:
            held = memberships[mention.attendee]
            if topic not in held or not held[topic].direct:
                held[topic] = Membership(topic, mention.display, True)
            displays[topic][mention.display] += 1
            units[topic][_clean_label(mention.unit)] += 1
    ancestors = [_ancestors(drafts, topic) for topic in range(len(drafts))]
    for held in memberships:
        for membership in list(held.values()):
            for ancestor in ancestors[membership.topic]:
                if ancestor not in held:
                    held[ancestor] = Membership(ancestor, membership.phrase, False)

    members, direct = _holders(memberships, len(drafts))

    for held in memberships:  # broader topics nobody wrote: show what led there
        for topic, membership in held.items():
            if not membership.direct and not direct[topic]:
                displays[topic][membership.phrase] += 1
    topics = []
    for topic_id, draft in enumerate(drafts):
        label = draft.label or _most_common(units[topic_id])
        topics.append(
            Topic(
                id=topic_id,
                label=label,
                kind=draft.kind,
                verb=draft.verb,
                attendee_count=len(members[topic_id]),
                direct_count=len(direct[topic_id]),
                specificity=specificity(len(members[topic_id]), total),
                examples=tuple(p for p, _ in displays[topic_id].most_common(5)),
                broader=draft.broader,
                concept=draft.concept,
                depth=len(ancestors[topic_id]),
            )
        )
    related = _related_topics(topics, drafts, direct, total, embedder)
    return Vocabulary(ids, tuple(topics), tuple(memberships), related)


def _most_common(counter: Counter[str]) -> str:
    return counter.most_common(1)[0][0] if counter else ""


def _ancestors(drafts: list[_Draft], topic: int) -> list[int]:
    seen: list[int] = []
    frontier = list(drafts[topic].broader)
    while frontier:
        current = frontier.pop(0)
        if current not in seen:
            seen.append(current)
            frontier.extend(drafts[current].broader)
    return seen


def _related_topics(
    topics: list[Topic],
    drafts: list[_Draft],
    direct: list[list[int]],
    total: int,
    embedder: Embedder,
) -> tuple[RelatedTopics, ...]:
    """Pairs of directly held interest topics whose meanings are close (embedding).

    Two curated concepts are never related this way: the concepts already say how
    they relate (through a broader concept, or not at all).
    """
    candidates = [t.id for t in topics if t.kind is TopicKind.INTEREST and t.direct_count > 0]
    if len(candidates) < 2:
        return ()
    labels = [drafts[t].label for t in candidates if drafts[t].vector is None]
    label_vectors = iter(embedder.embed(labels)) if labels else iter(())
    matrix = np.stack(
        [v if (v := drafts[t].vector) is not None else next(label_vectors) for t in candidates]
    ).astype(np.float32)
    sims, ids = _neighbours(matrix, matrix, MAX_RELATED_PER_TOPIC + 1)
    found: dict[tuple[int, int], float] = {}
    for row, topic in enumerate(candidates):
        for sim, col in zip(sims[row], ids[row], strict=True):
            other = candidates[int(col)]
            if other == topic or sim < RELATED_THRESHOLD:
                continue
            if drafts[topic].concept and drafts[other].concept:
                continue
            pair = (min(topic, other), max(topic, other))
            found[pair] = max(found.get(pair, 0.0), float(sim))
    related = []
    for (a, b), sim in sorted(found.items()):
        union = len(set(direct[a]) | set(direct[b]))
        related.append(RelatedTopics(a, b, round(sim, 4), union, specificity(union, total)))
    return tuple(related)
