"""Each event's topics and best matches, computed once and kept in memory.

Computing an event's vocabulary loads the embedding model and takes seconds, so the
result is kept per event, keyed by a version of its attendees (highest id and count,
see :func:`touchpoints.storage.views.event_version`) and a generation that
:meth:`VocabularyCache.invalidate` bumps when someone edits their interests. The work
runs in a worker thread, one computation per event at a time: a breakfast-time rush
on a cold cache waits for one computation instead of starting a hundred.

The cache lives in one process; with several processes, an interests edit reaches
the other processes' pages when the event's attendees next change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool

from touchpoints.core.acquaintance import AcquaintanceMap, acquaintances
from touchpoints.core.candidates import best_matches
from touchpoints.core.common_ground import CommonGround, common_ground
from touchpoints.core.model import Attendee
from touchpoints.core.topics import Vocabulary, event_topics
from touchpoints.storage import views

__all__ = ["MATCHES", "EventGround", "VocabularyCache", "cache_of", "event_ground"]

#: People to meet kept per attendee.
MATCHES = 5
#: Events kept in memory (the least recently used one goes first).
MAX_EVENTS = 32


@dataclass(frozen=True, eq=False)
class EventGround:
    """What an event's attendees share: its vocabulary, acquaintances, best matches."""

    vocabulary: Vocabulary
    acquaintances: AcquaintanceMap
    matches: Sequence[Sequence[CommonGround]]

    def ground(self, a: str, b: str) -> CommonGround | None:
        """The strongest shared point of ``a`` and ``b``, addressed to ``a``."""
        return common_ground(self.vocabulary, a, b, acquaintances=self.acquaintances)

    def to_meet(self, a: str) -> Sequence[CommonGround]:
        """``a``'s best people to meet (acquaintances left out), best first."""
        return self.matches[self.vocabulary.index_of(a)]


def compute_ground(attendees: Sequence[Attendee]) -> EventGround:
    """An event's ground, from scratch (seconds: loads and runs the embedding model)."""
    vocabulary = event_topics(attendees)
    known = acquaintances(attendees)
    matches = best_matches(vocabulary, MATCHES, acquaintances=known) if attendees else []
    return EventGround(vocabulary, known, matches)


@dataclass(eq=False)
class VocabularyCache:
    """Per event: (attendee version, generation) -> its :class:`EventGround`."""

    size: int = MAX_EVENTS
    _entries: OrderedDict[int, tuple[object, EventGround]] = field(default_factory=OrderedDict)
    _generations: dict[int, int] = field(default_factory=dict)
    _locks: dict[int, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def key(self, event_id: int, version: tuple[int, int]) -> object:
        """The key of the event's ground as of now (read it before reading attendees)."""
        with self._lock:
            return (version, self._generations.get(event_id, 0))

    def get(self, event_id: int, key: object) -> EventGround | None:
        with self._lock:
            entry = self._entries.get(event_id)
            if entry is None or entry[0] != key:
                return None
            self._entries.move_to_end(event_id)
            return entry[1]

    def compute(self, event_id: int, key: object, attendees: Sequence[Attendee]) -> EventGround:
        """The ground under ``key``: computed here unless another thread just did."""
        with self._lock:
            lock = self._locks.setdefault(event_id, threading.Lock())
        with lock:
            found = self.get(event_id, key)
            if found is not None:
                return found
            ground = compute_ground(attendees)
            with self._lock:
                self._entries[event_id] = (key, ground)
                self._entries.move_to_end(event_id)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            return ground

    def invalidate(self, event_id: int) -> None:
        """Forget the event's ground (someone changed their interests)."""
        with self._lock:
            self._generations[event_id] = self._generations.get(event_id, 0) + 1
            self._entries.pop(event_id, None)


def cache_of(app: Starlette) -> VocabularyCache:
    """The app's cache (created on first use)."""
    cache = getattr(app.state, "vocabulary_cache", None)
    if not isinstance(cache, VocabularyCache):
        cache = app.state.vocabulary_cache = VocabularyCache()
    return cache


async def event_ground(app: Starlette, db: Session, event_id: int) -> EventGround:
    """The event's ground: from the cache, else computed in a worker thread."""
    cache = cache_of(app)
    key = cache.key(event_id, views.event_version(db, event_id))
    found = cache.get(event_id, key)
    if found is not None:
        return found
    attendees = views.event_attendees(db, event_id)
    return await run_in_threadpool(cache.compute, event_id, key, attendees)
