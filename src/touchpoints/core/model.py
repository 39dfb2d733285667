"""The plain values the engine works on: attendees, their interests, acquaintances.

All are frozen dataclasses: the core never mutates its inputs, and values can be
used as dict keys and compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Acquaintance",
    "AcquaintanceReason",
    "Attendee",
    "Interest",
    "InterestSource",
]


class InterestSource(StrEnum):
    """Where an interest phrase came from: it changes how it is quoted and weighed."""

    LIST = "interests"  # a phrase the attendee listed
    TEXT = "bio"  # a key phrase drawn from free text (bio, abstract)
    HOMETOWN = "hometown"
    LANGUAGE = "languages"


@dataclass(frozen=True, slots=True)
class Interest:
    """One interest phrase of one attendee, verbatim as written, and where it came from."""

    text: str
    source: InterestSource = InterestSource.LIST


@dataclass(frozen=True, slots=True)
class Attendee:
    """A person at an event.

    ``email`` and other contact details are private: nothing in the engine's
    output meant for other attendees may contain them. ``knows``, ``arrived_with``,
    ``want_to_meet`` and ``avoid`` hold e-mails or names exactly as registered; the
    engine resolves them against the event's attendees.
    """

    id: str
    name: str
    email: str | None = None
    organization: str | None = None
    job_title: str | None = None
    interests: tuple[str, ...] = ()
    bio: str | None = None
    hometown: str | None = None
    languages: tuple[str, ...] = ()
    knows: tuple[str, ...] = ()
    arrived_with: tuple[str, ...] = ()
    want_to_meet: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def first_name(self) -> str:
        """The name to print on a card: the first word of ``name``."""
        return self.name.split()[0] if self.name.split() else self.name


class AcquaintanceReason(StrEnum):
    """Why two attendees are not new to each other."""

    ORGANIZATION = "same organization"
    ARRIVED_TOGETHER = "arrived together"
    DECLARED = "said they know each other"


@dataclass(frozen=True, slots=True)
class Acquaintance:
    """Two attendees (ids in sorted order) who already know each other, and why."""

    a: str
    b: str
    reasons: tuple[AcquaintanceReason, ...]
