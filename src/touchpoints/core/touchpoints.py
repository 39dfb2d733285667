"""The double-blind rules of touchpoints: who sees what, and when contacts are released.

An attendee *confirms* they met someone. A confirmation is one-sided until the other
person confirms too; then the pair is a *touchpoint* (mutual). The rules:

- a one-sided confirmation is visible to the one who made it ("waiting"), never to
  the other person: nobody learns that someone confirmed them until they confirm too;
- contact details are released only within a touchpoint, and only those each person
  chose to share (:class:`Sharing`);
- a confirmation can be withdrawn while it is one-sided, not once it is mutual;
- confirming is idempotent: confirming again changes nothing.

Pure functions over plain values; the database keeps one row per confirmation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from touchpoints.errors import TouchpointsError

__all__ = [
    "Confirmation",
    "Contact",
    "Sharing",
    "Standing",
    "TouchpointError",
    "View",
    "contact_of",
    "mutual_pairs",
    "standing",
    "view_of",
]

#: Longest phone number and profile link kept (characters).
MAX_PHONE, MAX_LINK = 40, 300
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{3,38}[0-9]$")


class TouchpointError(TouchpointsError):
    """A confirmation, withdrawal or sharing choice that cannot be made."""


@dataclass(frozen=True, slots=True)
class Confirmation:
    """Attendee ``by`` confirmed they met ``met``, at ``at``."""

    by: str
    met: str
    at: dt.datetime


class Standing(StrEnum):
    """Where a pair stands, as seen by one of the two."""

    NONE = "none"  # I have not confirmed (whatever the other did: that is not mine to see)
    WAITING = "waiting"  # I confirmed, they have not (yet)
    MUTUAL = "mutual"  # both confirmed: a touchpoint


def standing(me: str, other: str, confirmed: Iterable[tuple[str, str]]) -> Standing:
    """How ``me`` sees their pair with ``other``, given every (by, met) confirmation.

    >>> standing("a", "b", [("b", "a")])  # b confirmed a: invisible to a
    <Standing.NONE: 'none'>
    >>> standing("a", "b", [("a", "b")]), standing("a", "b", [("a", "b"), ("b", "a")])
    (<Standing.WAITING: 'waiting'>, <Standing.MUTUAL: 'mutual'>)
    """
    pairs = set(confirmed)
    if (me, other) not in pairs:
        return Standing.NONE
    return Standing.MUTUAL if (other, me) in pairs else Standing.WAITING


@dataclass(frozen=True, slots=True)
class View:
    """What one attendee sees of their confirmations."""

    mutual: tuple[tuple[str, dt.datetime], ...]  # (other, when it became mutual), oldest first
    waiting: tuple[str, ...]  # confirmed by me only, oldest first


def view_of(me: str, confirmations: Iterable[Confirmation]) -> View:
    """``me``'s touchpoints and the confirmations they are waiting on; confirmations
    of ``me`` by others that ``me`` has not returned are left out (double-blind)."""
    mine: dict[str, dt.datetime] = {}
    theirs: dict[str, dt.datetime] = {}
    for c in confirmations:
        if c.by == me:
            mine[c.met] = c.at
        elif c.met == me:
            theirs[c.by] = c.at
    mutual = sorted(
        ((other, max(at, theirs[other])) for other, at in mine.items() if other in theirs),
        key=lambda pair: (pair[1], pair[0]),
    )
    waiting = sorted((other for other in mine if other not in theirs), key=lambda o: mine[o])
    return View(tuple(mutual), tuple(waiting))


def mutual_pairs(confirmations: Iterable[Confirmation]) -> list[tuple[str, str, dt.datetime]]:
    """Every touchpoint once, as (a, b, when it became mutual) with a < b, oldest first."""
    when: dict[tuple[str, str], dt.datetime] = {}
    for c in confirmations:
        when[c.by, c.met] = c.at
    pairs = [(a, b, max(at, when[b, a])) for (a, b), at in when.items() if a < b and (b, a) in when]
    return sorted(pairs, key=lambda pair: (pair[2], pair[0], pair[1]))


@dataclass(frozen=True, slots=True)
class Sharing:
    """The contact details an attendee chose to release to their touchpoints."""

    email: bool = False  # the e-mail address they registered with
    phone: str = ""
    link: str = ""  # a profile page (http or https)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Sharing:
        data = data or {}
        return cls(
            bool(data.get("email")), str(data.get("phone") or ""), str(data.get("link") or "")
        )

    def to_json(self) -> dict[str, Any]:
        return {"email": self.email, "phone": self.phone, "link": self.link}

    @classmethod
    def chosen(cls, *, email: bool, phone: str, link: str) -> Sharing:
        """A sharing choice as typed, checked: a phone number of digits (with + ( ) . -
        and spaces) and an http(s) link, each optional."""
        phone, link = " ".join(phone.split()), link.strip()
        if phone and (len(phone) > MAX_PHONE or not _PHONE.match(phone)):
            raise TouchpointError(
                "a phone number is digits, with + ( ) - . or spaces: for example +44 20 7946 0958"
            )
        if link:
            parts = urlsplit(link)
            if len(link) > MAX_LINK or parts.scheme not in ("http", "https") or not parts.netloc:
                raise TouchpointError(
                    f"a profile link starts with https:// (at most {MAX_LINK} characters)"
                )
        return cls(email, phone, link)


@dataclass(frozen=True, slots=True)
class Contact:
    """The details one touchpoint released to the other (None: not shared)."""

    name: str
    email: str | None
    phone: str | None
    link: str | None

    @property
    def shares_anything(self) -> bool:
        return bool(self.email or self.phone or self.link)


def contact_of(name: str, email: str | None, sharing: Sharing) -> Contact:
    """What a touchpoint sees of someone: their name and the details they chose.

    >>> contact_of("Ann Lee", "ann@x.org", Sharing(phone="+1 555 0100"))
    Contact(name='Ann Lee', email=None, phone='+1 555 0100', link=None)
    """
    return Contact(
        name,
        email if sharing.email and email else None,
        sharing.phone or None,
        sharing.link or None,
    )
