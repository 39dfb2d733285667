"""Which column of a registration file feeds which attendee field.

Registration exports (Eventbrite, Meetup, Tito, Google Forms, hand-made sheets)
name the same thing many ways: "Email Address", "Attendee email", "E-mail",
"emailAddress". :func:`guess_mapping` recognizes the usual spellings, so most
files import with no configuration, and :meth:`ColumnMapping.with_overrides`
lets the organizer fix what the guess got wrong (``--column FIELD=HEADER``).

Headers are compared case-, space-, underscore- and punctuation-insensitively,
camelCase is split, accents are ignored, and a parenthesised hint such as
"Interests (separate with ;)" is dropped. A header is matched in two passes:
first exact aliases ("Email Address", "Company / Organization"), then keywords
for long form questions ("Which topics would you like to talk about?"). The
keyword rules are tried in a fixed order so that, for instance, "E-mail of
people you want to meet" feeds ``want_to_meet`` and not ``email``.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from touchpoints.errors import ColumnMappingError

__all__ = [
    "FIELDS",
    "LIST_FIELDS",
    "ColumnMapping",
    "field_for_header",
    "guess_mapping",
    "resolve_mapping",
]

#: Fields that hold one value: at most one column feeds each.
SCALAR_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "name",
    "email",
    "organization",
    "job_title",
    "bio",
    "hometown",
)
#: Fields that hold a list: one or several columns feed each ("Interest 1", "Interest 2").
LIST_FIELDS = ("interests", "languages", "knows", "arrived_with", "want_to_meet", "avoid")
#: Every field a column can be mapped to, in the order they are shown to people.
FIELDS = (
    "id",
    "first_name",
    "last_name",
    "name",
    "email",
    "organization",
    "job_title",
    "interests",
    "bio",
    "hometown",
    "languages",
    "knows",
    "arrived_with",
    "want_to_meet",
    "avoid",
)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """The header(s) that feed each attendee field; ``None`` or ``()`` when none does.

    ``name`` is the full-name column; when it is missing (or empty in a row) the
    attendee's name is ``first_name`` and ``last_name`` joined by a space.
    """

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
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

    def headers_for(self, field: str) -> tuple[str, ...]:
        """The headers that feed ``field`` (empty when none does)."""
        if field not in FIELDS:
            raise ValueError(f"unknown field {field!r}; valid fields: {', '.join(FIELDS)}")
        value: str | tuple[str, ...] | None = getattr(self, field)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        return value

    def items(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """``(field, headers)`` for every field that some column feeds, in FIELDS order."""
        for field in FIELDS:
            headers = self.headers_for(field)
            if headers:
                yield field, headers

    @property
    def mapped_headers(self) -> frozenset[str]:
        """Every header that feeds some field."""
        return frozenset(h for _, headers in self.items() for h in headers)

    def with_overrides(
        self,
        overrides: Mapping[str, str | Sequence[str]],
        headers: Sequence[str],
        *,
        filename: str = "<input>",
    ) -> ColumnMapping:
        """This mapping with the user's ``{"field": "Header"}`` choices applied.

        A list field may be given several headers. An empty header (``""``) means
        "no column for this field", which is how to make a guessed column be ignored.
        A header chosen by the user is taken away from any field it was guessed for,
        since one column should not feed two fields by accident.

        Raises ColumnMappingError for an unknown field or a header not in ``headers``.
        """
        chosen: dict[str, tuple[str, ...]] = {}
        for raw_field, raw_headers in overrides.items():
            field = _field_name(raw_field, filename=filename)
            wanted = (raw_headers,) if isinstance(raw_headers, str) else tuple(raw_headers)
            wanted = tuple(h for h in wanted if h.strip())
            if field in SCALAR_FIELDS and len(wanted) > 1:
                raise ColumnMappingError(
                    f"{filename}: the field {field} takes one column, not {len(wanted)}",
                    filename=filename,
                )
            chosen[field] = tuple(_find_header(h, headers, filename=filename) for h in wanted)

        taken = {h for hs in chosen.values() for h in hs}
        changes: dict[str, str | tuple[str, ...] | None] = {}
        for field in FIELDS:
            if field in chosen:
                new = chosen[field]
            else:
                new = tuple(h for h in self.headers_for(field) if h not in taken)
            changes[field] = new if field in LIST_FIELDS else (new[0] if new else None)
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def guess_mapping(headers: Iterable[str]) -> ColumnMapping:
    """The mapping that the headers' names suggest; headers it cannot place are left out.

    Exact aliases win over keyword matches; among equals the leftmost column wins a
    one-value field, and every match joins a list field, in file order.
    """
    unique = [h for h in dict.fromkeys(headers) if h.strip()]
    keys = {h: _HeaderKey.of(h) for h in unique}
    found: dict[str, list[str]] = {}
    taken: set[str] = set()
    for match in (_exact_field, _keyword_field):
        for header in unique:
            if header in taken:
                continue
            field = match(keys[header])
            if field is None or (field in SCALAR_FIELDS and field in found):
                continue
            found.setdefault(field, []).append(header)
            taken.add(header)
    position = {h: i for i, h in enumerate(unique)}
    values: dict[str, str | tuple[str, ...]] = {}
    for field, hs in found.items():
        ordered = tuple(sorted(hs, key=position.__getitem__))
        values[field] = ordered if field in LIST_FIELDS else ordered[0]
    return ColumnMapping(**values)  # type: ignore[arg-type]


def field_for_header(header: str) -> str | None:
    """The field a header would feed on its own, or None (used to sniff CSV delimiters)."""
    key = _HeaderKey.of(header)
    return _exact_field(key) or _keyword_field(key)


def resolve_mapping(
    headers: Sequence[str],
    overrides: Mapping[str, str | Sequence[str]] | None = None,
    *,
    filename: str = "<input>",
) -> ColumnMapping:
    """Guess the mapping, apply the user's overrides, and check that names can be read.

    Raises ColumnMappingError when no column holds the attendees' names.
    """
    mapping = guess_mapping(headers)
    if overrides:
        mapping = mapping.with_overrides(overrides, headers, filename=filename)
    if mapping.name is None and mapping.first_name is None:
        raise ColumnMappingError(
            f"{filename}: no column holds the attendees' names (looked for headers such as "
            f'"Name", "Full Name", "First Name"); the columns are: {_quoted(headers)}. '
            "Map one with --column name=HEADER or --column first_name=HEADER",
            filename=filename,
        )
    return mapping


# -- header recognition -------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_HINT = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: Words that say nothing about the field: dropped before comparing with the aliases.
_FILLER = frozenset(
    "a an the your you my me is are do does what whats which who please enter ticket tickets "
    "attendee attendees participant registrant member guest primary s d".split()
)


@dataclass(frozen=True, slots=True)
class _HeaderKey:
    """A header reduced for comparison: its words, and two compact spellings."""

    words: tuple[str, ...]
    compact: str  # every word, run together: "emailaddress"
    core: str  # without filler words and numbering: "Ticket Email 2" -> "email"

    @classmethod
    def of(cls, header: str) -> _HeaderKey:
        text = _CAMEL.sub(" ", header)
        text = unicodedata.normalize("NFKD", text).casefold()
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.replace("#", " number ").replace("e-mail", "email").replace("e mail", "email")
        without_hint = _HINT.sub(" ", text)
        if _WORD.search(without_hint):
            text = without_hint
        words = tuple(_WORD.findall(text))
        core = [w for w in words if w not in _FILLER]
        while core and core[-1].isdigit():
            core.pop()
        while core and core[0].isdigit():
            core.pop(0)
        return cls(words=words, compact="".join(words), core="".join(core))


def _aliases(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ALIASES: dict[str, frozenset[str]] = {
    "id": _aliases(
        "id uid uuid attendeeid attendeenumber registrationid registrationnumber ticketid "
        "ticketnumber ticketreference reference ref userid memberid participantid badgeid"
    ),
    "first_name": _aliases("firstname first givenname forename fname firstnames prenom vorname"),
    "last_name": _aliases("lastname last surname familyname lname nachname"),
    "name": _aliases(
        "name names fullname attendeename participantname displayname badgename yourname "
        "firstandlastname nameandsurname"
    ),
    "email": _aliases("email emails emailaddress emailadress mail emailid contactemail"),
    "organization": _aliases(
        "organization organisation organizationname organisationname company companyname "
        "companyorganization companyorganisation organizationcompany organisationcompany "
        "employer affiliation institution org university companyaffiliation firma unternehmen "
        "entreprise"
    ),
    "job_title": _aliases(
        "jobtitle title role position occupation job profession designation jobrole"
    ),
    "interests": _aliases(
        "interests interest topics topic hobbies hobby passions areasofinterest keywords likes"
    ),
    "bio": _aliases(
        "bio biography about aboutme aboutyou aboutyourself abstract description "
        "tellusaboutyourself shortbio intro introduction summary profile"
    ),
    "hometown": _aliases("hometown city location town homecity wherefrom origin"),
    "languages": _aliases("languages language spokenlanguages languagesspoken langs"),
    "knows": _aliases("knows know alreadyknow alreadyknows acquaintances friends"),
    "arrived_with": _aliases(
        "arrivedwith comingwith arrivingwith attendingwith travellingwith travelingwith "
        "group companions companion"
    ),
    "want_to_meet": _aliases(
        "wanttomeet wantstomeet meet liketomeet wouldliketomeet hopetomeet peopletomeet"
    ),
    "avoid": _aliases("avoid avoids donotseatwith dontseatwith keepapart keepapartfrom"),
}


@dataclass(frozen=True, slots=True)
class _Rule:
    """A keyword rule: any of these words or phrases, and none of the ``unless`` words."""

    field: str
    words: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()
    unless: frozenset[str] = frozenset()

    def matches(self, key: _HeaderKey) -> bool:
        present = set(key.words)
        if present & self.unless:
            return False
        spaced = f" {' '.join(key.words)} "
        return bool(present & self.words) or any(f" {p} " in spaced for p in self.phrases)


# Order matters: the first rule that matches wins (see the module docstring).
_RULES = (
    _Rule(
        "want_to_meet",
        words=_aliases("meet"),
        phrases=("want to meet", "like to meet", "hope to meet", "wish to meet"),
    ),
    _Rule(
        "avoid",
        words=_aliases("avoid avoids"),
        phrases=("do not seat", "don t seat", "dont seat", "keep apart", "do not pair"),
    ),
    _Rule(
        "arrived_with",
        words=_aliases("companion companions group"),
        phrases=tuple(
            f"{verb} with"
            for verb in "arrived arriving arrive coming come came attending travelling "
            "traveling here".split()
        ),
        unless=_aliases("age size type"),
    ),
    _Rule(
        "knows",
        words=_aliases("knows acquaintance acquaintances"),
        phrases=("already know", "do you know", "who you know", "people you know"),
    ),
    _Rule("email", words=_aliases("email emails mail emailaddress")),
    _Rule(
        "first_name",
        words=_aliases("firstname forename givenname"),
        phrases=("first name", "given name"),
    ),
    _Rule(
        "last_name",
        words=_aliases("lastname surname familyname"),
        phrases=("last name", "family name"),
    ),
    _Rule(
        "organization",
        words=_aliases(
            "company organization organisation employer affiliation institution university "
            "org companies"
        ),
    ),
    _Rule(
        "languages",
        words=_aliases("language languages"),
        phrases=("do you speak", "you speak"),
    ),
    _Rule(
        "hometown",
        words=_aliases("hometown city town location residence"),
        phrases=("home town", "are you from", "where from", "you based", "do you live"),
    ),
    _Rule(
        "job_title",
        words=_aliases("title jobtitle role position occupation job profession designation"),
        unless=_aliases("talk session presentation paper"),
    ),
    _Rule(
        "interests",
        words=_aliases("interest interests interested topic topics hobby hobbies passion passions"),
    ),
    _Rule(
        "bio",
        words=_aliases("bio biography abstract description introduction intro yourself"),
        phrases=("about you", "about me", "tell us"),
    ),
    _Rule(
        "name",
        words=_aliases("name names fullname"),
        unless=_aliases("user username emergency event team project pet"),
    ),
    _Rule(
        "id",
        words=_aliases("id uid uuid identifier"),
        phrases=("registration number", "ticket number"),
        unless=_aliases("order transaction payment barcode event"),
    ),
)


def _exact_field(key: _HeaderKey) -> str | None:
    for field, aliases in _ALIASES.items():
        if key.compact in aliases or key.core in aliases:
            return field
    return None


def _keyword_field(key: _HeaderKey) -> str | None:
    for rule in _RULES:
        if rule.matches(key):
            return rule.field
    return None


# -- overrides ----------------------------------------------------------------------------------


def _field_name(raw: str, *, filename: str) -> str:
    """The field a user meant: "First name", "first-name" and "first_name" all work."""
    field = "_".join(_WORD.findall(_CAMEL.sub(" ", raw).casefold()))
    field = {"full_name": "name", "e_mail": "email", "interest": "interests"}.get(field, field)
    if field not in FIELDS:
        raise ColumnMappingError(
            f'{filename}: "{raw}" is not a field a column can be mapped to; '
            f"valid fields: {', '.join(FIELDS)}",
            filename=filename,
        )
    return field


def _find_header(wanted: str, headers: Sequence[str], *, filename: str) -> str:
    """The file's header the user meant: exact, else the only one equal once normalized."""
    if wanted in headers:
        return wanted
    compact = _HeaderKey.of(wanted).compact
    close = list(dict.fromkeys(h for h in headers if _HeaderKey.of(h).compact == compact))
    if len(close) == 1:
        return close[0]
    raise ColumnMappingError(
        f'{filename}: the column mapping names the column "{wanted}", but the file has no '
        f"such column; its columns are: {_quoted(headers)}",
        filename=filename,
    )


def _quoted(headers: Iterable[str]) -> str:
    return ", ".join(f'"{h}"' for h in dict.fromkeys(headers)) or "(none)"
