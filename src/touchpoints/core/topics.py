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

Topics that are broader/narrower (through the concepts, or one phrase being a kind
of the other: "street photography" / "photography") or, sharing no word, very close
in embedding space (cosine from :data:`RELATED_THRESHOLD`) are *related*: they give
weaker common ground, labelled as such. Siblings — phrases that share words but each
add their own ("Korean language" / "Japanese language", "wine tasting" / "beer
tasting") — are not related: no true sentence links them. Hometowns and languages are
topics of their own kinds, matched lexically only. docs/engine.md tells the whole story.
"""

from __future__ import annotations

import dataclasses
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
from touchpoints.core.profiles import Profiles, build_profiles
from touchpoints.core.text import (
    CONNECTORS,
    FILLER_WORDS,
    GENERIC_WORDS,
    LEADING_VERBS,
    initials,
    is_free_text,
    key_phrases,
    lexical_bag,
    lexical_word,
    lexically_same,
    phrase_key,
    stem,
    word_bag,
)

__all__ = [
    "NARROWER_THRESHOLD",
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
#: Cosine at or above which a phrase that adds words to another is still the same
#: interest ("Great outdoor adventures"); below, it is a narrower one.
ADDED_WORDS_SAME = 0.92
#: Cosine from which a topic and a narrower one ("photography" / "street photography")
#: count as related (weaker common ground).
NARROWER_THRESHOLD = 0.55
#: Cosine from which two topics that share no word count as related.
RELATED_THRESHOLD = 0.75
#: Related topics kept per topic (the nearest ones).
MAX_RELATED_PER_TOPIC = 10
#: Candidate key phrases drawn from one bio or abstract.
MAX_PHRASES_PER_TEXT = 40
#: Key phrases kept per bio or abstract: the ones closest to the whole text.
MAX_TOPICS_PER_TEXT = 20
#: Above this many free texts (bios, abstracts) in one event, whole texts are not
#: embedded (about 80 texts/s on two cores): phrases are not filtered by centrality
#: and profile similarity rests on the texts' words (TF-IDF) and listed interests.
MAX_EMBEDDED_TEXTS = 20_000
#: Cosine to the whole text below which a drawn phrase is off-topic.
MIN_CENTRALITY = 0.4

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
    generic: bool = False  # only broad words ("research", "technology"): never a reason to meet


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
    #: each attendee's whole profile, for the similarity part of the pair score
    profiles: Profiles | None = None

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
) -> tuple[list[_Mention], dict[int, FloatMatrix]]:
    """Keep, of the phrases drawn from each free text, those central to it.

    A bio or an abstract yields many candidate phrases, and rare stray ones
    ("unique opportunity") would otherwise count as highly specific shared topics.
    As KeyBERT does [1]_, each candidate is compared with the embedding of the whole
    text; the :data:`MAX_TOPICS_PER_TEXT` closest, at cosine
    :data:`MIN_CENTRALITY` or more, are kept. Phrases that name a curated concept
    are kept whatever their place in the text: a bio about work that mentions
    "Liverpool games" on weekends still says its author follows English football.

    Phrases drawn from a text that nobody else holds (in the same words, see
    :func:`~touchpoints.core.text.lexical_bag`) are left out before any embedding:
    a topic of one person is no common ground, and embedding every stray phrase of
    every bio is what made free text slow.

    Events with more than :data:`MAX_EMBEDDED_TEXTS` free texts skip the embeddings
    (and so the centrality filter) to stay fast.

    Returns the mentions kept and the embedding of each free text, by attendee.

    .. [1] Grootendorst, "KeyBERT: minimal keyword extraction with BERT", 2020.
    """
    owners = sorted({i for i, a in enumerate(attendees) if a.bio and a.bio.strip()})
    embed_texts = len(owners) <= MAX_EMBEDDED_TEXTS
    documents = embedder.embed([attendees[i].bio or "" for i in owners] if embed_texts else [])
    by_attendee = {owner: documents[row] for row, owner in enumerate(owners) if embed_texts}
    holders: dict[frozenset[str], set[int]] = defaultdict(set)
    for mention in mentions:
        holders[lexical_bag(mention.key)].add(mention.attendee)
    alone = {
        id(m)
        for m in mentions
        if m.from_text and len(holders[lexical_bag(m.key)]) < 2 and not knowledge.concepts_in(m.key)
    }
    mentions = [m for m in mentions if id(m) not in alone]
    drawn = [m for m in mentions if m.from_text and not knowledge.concepts_in(m.key)]
    if not drawn or not embed_texts:
        return mentions, by_attendee
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
    return [m for m in mentions if id(m) not in chosen or id(m) in keep], by_attendee


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

    Phrases that are the same words written differently
    (:func:`~touchpoints.core.text.lexically_same`: word forms, spacing, a typo, an
    initialism), in the same order, are merged first. Then pairs whose
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
    same_words: dict[object, list[int]] = defaultdict(list)
    for row, key in enumerate(keys):
        same_words[lexical_bag(key)].append(row)
        same_words[key.replace(" ", "")].append(row)
    for rows in same_words.values():
        for position, row in enumerate(rows[1:], start=1):
            partner = next(
                (r for r in rows[:position] if agree.same_order(keys[r], keys[row])), None
            )
            if partner is not None:
                merge(partner, row)
    sims, ids = _neighbours(vectors, vectors, 8)
    for a, b in sorted(_initialism_pairs(keys) | _neighbour_pairs(ids)):
        if forest.find(a) != forest.find(b) and lexically_same(keys[a], keys[b]):
            if agree.same_order(keys[a], keys[b]):
                merge(a, b)
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
        if ra == rb or not agree(keys[a], keys[b], float(vectors[a] @ vectors[b])):
            continue
        la, lb = leader[ra], leader[rb]
        leaders = float(vectors[la] @ vectors[lb])
        if leaders < SAME_THRESHOLD or not agree(keys[la], keys[lb], leaders):
            continue
        merge(a, b)
    return [forest.find(i) for i in range(count)]


def _neighbour_pairs(ids: npt.NDArray[np.int64]) -> set[tuple[int, int]]:
    return {
        (min(i, int(j)), max(i, int(j)))
        for i in range(ids.shape[0])
        for j in ids[i]
        if 0 <= j != i
    }


def _initialism_pairs(keys: list[str]) -> set[tuple[int, int]]:
    """Pairs of keys where a short word of one is the initials of the other's words."""
    by_initials: dict[str, list[int]] = defaultdict(list)
    for row, key in enumerate(keys):
        letters = initials(key)
        if 2 <= len(letters) <= 6:
            by_initials[letters].append(row)
    pairs: set[tuple[int, int]] = set()
    for row, key in enumerate(keys):
        for word in key.split():
            for other in by_initials.get(word, ()):
                if other != row:
                    pairs.add((min(row, other), max(row, other)))
    return pairs


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
    photography") unless the two still read as one (cosine >= :data:`ADDED_WORDS_SAME`:
    "tribal style belly dance" / "American tribal style belly dance"); both sides
    adding words ("PC gaming" / "computer gaming") are the
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

    @staticmethod
    def same_order(a: str, b: str) -> bool:
        """Same words must also have the same head: "teen parents" are not "parents
        of teens", unless a connector makes the order free ("food and wine"). When
        the heads are the very words that differ ("movie theaters" / "movie
        theatres"), the words that differ decide."""
        if any(w in _ORDER_FREE for w in (*a.split(), *b.split())):
            return True
        head_a, head_b = _head(a), _head(b)
        if lexical_word(head_a) == lexical_word(head_b):
            return True
        return head_a not in word_bag(b) and head_b not in word_bag(a)

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

    def __call__(self, a: str, b: str, similarity: float = 0.0) -> bool:
        split = self._split(a, b)
        if split is None:
            return True
        same, rest_a, rest_b = split
        if not rest_a:
            return same or (similarity >= ADDED_WORDS_SAME and self.same_order(a, b))
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
    mentions, documents = _central_text_mentions(
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
    exact_keys: dict[str, list[str]] = defaultdict(list)
    for (_, key), topic_ids in topic_of_key.items():
        if len(topic_ids) == 1 and (concept := drafts[topic_ids[0]].concept) is not None:
            exact_keys[concept].append(key)
    for key in list(unmatched):  # "movie watchers" is "movie watching" (= movies)
        same = next(
            (
                other
                for concept in mentioned.get(key, ())
                for other in exact_keys[concept]
                if lexically_same(key, other) and _Agreement.same_order(key, other)
            ),
            None,
        )
        if same is not None:
            topic_of_key[(TopicKind.INTEREST, key)] = topic_of_key[(TopicKind.INTEREST, same)]
            unmatched.remove(key)
            mentioned.pop(key, None)

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

    vocabulary = _assemble(ids, drafts, mentions, topic_of_key, embedder)
    return _with_profiles(vocabulary, attendees, drafts, documents, mentions, topic_of_key)


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
                generic=draft.kind is TopicKind.INTEREST and is_generic(label),
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
    """Pairs of directly held interest topics whose meanings are close (embedding)
    and whose relation can be said in words (:func:`_may_relate`).

    Two curated concepts are never related this way: the concepts already say how
    they relate (through a broader concept, or not at all).
    """
    candidates = [t.id for t in topics if t.kind is TopicKind.INTEREST and t.direct_count > 0]
    unlabelled = [t for t in candidates if drafts[t].vector is None]
    for topic, vector in zip(
        unlabelled, embedder.embed([topics[t].label for t in unlabelled]), strict=True
    ):
        drafts[topic].vector = vector
    if len(candidates) < 2:
        return ()
    matrix = np.stack([v for t in candidates if (v := drafts[t].vector) is not None]).astype(
        np.float32
    )
    sims, ids = _neighbours(matrix, matrix, MAX_RELATED_PER_TOPIC + 1)
    found: dict[tuple[int, int], float] = {}
    for row, topic in enumerate(candidates):
        for sim, col in zip(sims[row], ids[row], strict=True):
            other = candidates[int(col)]
            if other == topic or sim < min(NARROWER_THRESHOLD, RELATED_THRESHOLD):
                continue
            if drafts[topic].concept and drafts[other].concept:
                continue
            if not _may_relate(topics[topic].label, topics[other].label, float(sim)):
                continue
            pair = (min(topic, other), max(topic, other))
            found[pair] = max(found.get(pair, 0.0), float(sim))
    related = []
    for (a, b), sim in sorted(found.items()):
        union = len(set(direct[a]) | set(direct[b]))
        related.append(RelatedTopics(a, b, round(sim, 4), union, specificity(union, total)))
    return tuple(related)


def is_generic(label: str) -> bool:
    """True when a topic label holds only broad words (:data:`GENERIC_WORDS`).

    >>> is_generic("Policies"), is_generic("data science"), is_generic("radical right")
    (True, True, False)
    """
    words = [w for w in phrase_key(label).split() if w not in CONNECTORS]
    return bool(words) and all(w in GENERIC_WORDS for w in words)


def _with_profiles(
    vocabulary: Vocabulary,
    attendees: Sequence[Attendee],
    drafts: list[_Draft],
    documents: Mapping[int, FloatMatrix],
    mentions: Sequence[_Mention],
    topic_of_key: Mapping[tuple[TopicKind, str], list[int]],
) -> Vocabulary:
    """The vocabulary with every attendee's profile: their texts, the sum of the
    vectors of the interest topics they listed and of their free text as a whole (the
    phrases drawn from a text would only blur its embedding), and the share of their
    interest phrases drawn from free text."""
    dim = next((d.vector.shape[0] for d in drafts if d.vector is not None), 0)
    dim = dim or next((v.shape[0] for v in documents.values()), 1)
    meanings = np.zeros((len(attendees), dim), dtype=np.float32)
    for index, document in documents.items():
        meanings[index] += document
    listed: set[tuple[int, int]] = set()
    drawn, phrases = np.zeros(len(attendees)), np.zeros(len(attendees))
    for mention in mentions:
        if mention.kind is not TopicKind.INTEREST:
            continue
        phrases[mention.attendee] += 1
        drawn[mention.attendee] += mention.from_text
        if not mention.from_text:
            listed.update((mention.attendee, t) for t in topic_of_key[(mention.kind, mention.key)])
    for index, topic in listed:
        if (vector := drafts[topic].vector) is not None:
            meanings[index] += vector
    texts = [(*a.interests, a.bio or "") for a in attendees]
    profiles = build_profiles(texts, meanings, drawn / np.maximum(phrases, 1))
    return dataclasses.replace(vocabulary, profiles=profiles)


#: Words that make a group of people out of an interest without narrowing it.
_GROUP_WORDS = lexical_bag("club meetup group society scene community fan")
_NEUTRAL_LEXICAL = frozenset(lexical_word(w) for w in NON_NARROWING_WORDS)


def _may_relate(label_a: str, label_b: str, similarity: float) -> bool:
    """Whether two unmerged topics close in meaning are honestly *related*.

    One may be a kind of the other: its words hold all the other's, and the same head
    ("street photography" / "photography"; not "outdoor movies" / "outdoors"). Topics
    that share some words but each add their own are siblings, not related
    ("Korean language" / "Japanese language"). Topics that share no word are related
    only when very close in meaning (:data:`RELATED_THRESHOLD`).

    >>> _may_relate("photography", "street photography", 0.7)
    True
    >>> _may_relate("Korean language", "Japanese language", 0.8)
    False
    """
    key_a, key_b = phrase_key(label_a), phrase_key(label_b)
    bag_a, bag_b = lexical_bag(key_a) - _GROUP_WORDS, lexical_bag(key_b) - _GROUP_WORDS
    if not bag_a or not bag_b:
        return False
    if not bag_a & bag_b:
        return similarity >= RELATED_THRESHOLD
    if bag_a == bag_b:  # the same words in another order: "sporting dogs" / "dog sports"
        return similarity >= NARROWER_THRESHOLD and _Agreement.same_order(key_a, key_b)
    if bag_a < bag_b:
        return similarity >= NARROWER_THRESHOLD and lexical_word(_head(key_b)) in bag_a
    if bag_b < bag_a:
        return similarity >= NARROWER_THRESHOLD and lexical_word(_head(key_a)) in bag_b
    return False


def _head(key: str) -> str:
    """The stem of a phrase key's last content word (its head, in English)."""
    words = [stem(w) for w in key.split()]
    content = [w for w in words if lexical_word(w) not in _NEUTRAL_LEXICAL] or words
    return content[-1] if content else ""
