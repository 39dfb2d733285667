"""Each event's crowd as the engine sees it, computed once and kept in memory.

Finding an event's topics loads the embedding model and takes seconds, so the result
is kept per event (the latest :data:`MAX_EVENTS` events), for attendees' pages and
for planning alike. It is keyed by the event's attendee version, a counter in the
database that every import, registration and interests edit increments
(:func:`touchpoints.storage.views.event_version`): a change made through any process
reaches every process's next page. One computation runs per event at a time, so a
breakfast-time rush on a cold cache waits for one computation instead of starting a
hundred. The parts only some pages need (pair values for planning, the best matches
for attendees) are computed on first use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool

from touchpoints.core.acquaintance import AcquaintanceMap, acquaintances
from touchpoints.core.candidates import best_matches
from touchpoints.core.common_ground import CommonGround, common_ground
from touchpoints.core.model import Attendee
from touchpoints.core.plans.objective import plan_values
from touchpoints.core.plans.tables import HOOK_MIN
from touchpoints.core.plans.values import Values, row_max
from touchpoints.core.topics import Progress, Vocabulary, event_topics
from touchpoints.storage import views

__all__ = ["MATCHES", "Crowd", "CrowdCache", "crowds_of", "event_crowd"]

#: People to meet kept per attendee.
MATCHES = 5
#: Events kept in memory (the least recently used one goes first).
MAX_EVENTS = 8


@dataclass(frozen=True, eq=False)
class Crowd:
    """An event's attendees (in import order; engine ids are their row ids as text)
    with their topics and acquaintances, and on demand their pair values and best
    matches."""

    attendees: tuple[Attendee, ...]
    vocabulary: Vocabulary
    known: AcquaintanceMap

    @classmethod
    def of(cls, attendees: Sequence[Attendee], progress: Progress | None = None) -> Crowd:
        """A crowd from scratch (seconds: loads and runs the embedding model)."""
        people = tuple(attendees)
        return cls(people, event_topics(people, progress=progress), acquaintances(people))

    @cached_property
    def row_ids(self) -> tuple[int, ...]:
        return tuple(int(a.id) for a in self.attendees)

    @cached_property
    def index(self) -> dict[int, int]:
        """Attendee row id -> position."""
        return {row: i for i, row in enumerate(self.row_ids)}

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.attendees]

    @cached_property
    def values(self) -> Values:
        """Every pair's common ground, as the planners take it."""
        return plan_values(self.vocabulary)

    @cached_property
    def matches(self) -> Sequence[Sequence[CommonGround]]:
        """Everybody's best people to meet (acquaintances left out), best first."""
        if not self.attendees:
            return []
        return best_matches(self.vocabulary, MATCHES, acquaintances=self.known)

    def acquainted(self) -> list[tuple[int, int]]:
        """Pairs (positions) who already know each other."""
        where = {a.id: i for i, a in enumerate(self.attendees)}
        return [(where[p.a], where[p.b]) for p in self.known.pairs.values()]

    def unmatched(self) -> list[int]:
        """Who shares nothing with anybody at the event."""
        if not self.attendees:
            return []
        return [int(i) for i, best in enumerate(row_max(self.values)) if best < HOOK_MIN]

    def ground(self, a: str, b: str) -> CommonGround | None:
        """The strongest shared point of ``a`` and ``b``, addressed to ``a``."""
        return common_ground(self.vocabulary, a, b, acquaintances=self.known)

    def name_of(self, a: str) -> str:
        """Attendee ``a``'s full name (show others their first name only)."""
        return self.attendees[self.vocabulary.index_of(a)].name

    def to_meet(self, a: str) -> Sequence[CommonGround]:
        """``a``'s best people to meet, best first."""
        return self.matches[self.vocabulary.index_of(a)]


@dataclass(eq=False)
class CrowdCache:
    """Per event: (attendee version, its :class:`Crowd`), the latest events only."""

    size: int = MAX_EVENTS
    _entries: OrderedDict[int, tuple[int, Crowd]] = field(default_factory=OrderedDict)
    _locks: dict[int, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, event_id: int, version: int) -> Crowd | None:
        """The event's crowd as of ``version``, if it is kept."""
        with self._lock:
            entry = self._entries.get(event_id)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(event_id)
            return entry[1]

    def compute(
        self,
        event_id: int,
        version: int,
        attendees: Callable[[], Sequence[Attendee]],
        progress: Progress | None = None,
    ) -> Crowd:
        """The crowd as of ``version``: computed from ``attendees()`` here, unless another
        thread has just done it (read the version before the attendees)."""
        with self._lock:
            lock = self._locks.setdefault(event_id, threading.Lock())
        with lock:
            found = self.get(event_id, version)
            if found is not None:
                return found
            crowd = Crowd.of(attendees(), progress)
            with self._lock:
                self._entries[event_id] = (version, crowd)
                self._entries.move_to_end(event_id)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            return crowd

    def crowd(self, db: Session, event_id: int, progress: Progress | None = None) -> Crowd:
        """The event's crowd now (computed in this thread if it is not kept)."""
        version = views.event_version(db, event_id)
        found = self.get(event_id, version)
        if found is not None:
            return found
        return self.compute(
            event_id, version, lambda: views.event_attendees(db, event_id), progress
        )


def crowds_of(app: Starlette) -> CrowdCache:
    """The app's cache of crowds (created on first use)."""
    cache = getattr(app.state, "crowds", None)
    if not isinstance(cache, CrowdCache):
        cache = app.state.crowds = CrowdCache()
    return cache


async def event_crowd(app: Starlette, event_id: int, version: int) -> Crowd:
    """The event's crowd as of ``version`` for a page: from the cache, else computed in
    a worker thread with a database session of its own. Call it with no session open:
    a cold-cache rush of pages waits here, and must not hold the pool's connections
    meanwhile."""
    cache = crowds_of(app)
    found = cache.get(event_id, version)
    if found is not None:
        return found

    def attendees() -> list[Attendee]:
        with app.state.db() as db:
            return views.event_attendees(db, event_id)

    return await run_in_threadpool(cache.compute, event_id, version, attendees)
