"""Small crowds for core tests (built in memory, real embedding model)."""

from __future__ import annotations

from touchpoints.core.model import Attendee


def person(id: str, *interests: str, **fields: object) -> Attendee:
    """An attendee named after its id, with the given interests."""
    return Attendee(id, f"Person {id}", interests=interests, **fields)  # type: ignore[arg-type]


SOCCER_CROWD = [
    person("ann", "Arsenal", "sourdough"),
    person("bo", "big Premier League fan", "bread making"),
    person("cy", "English football"),
    person("di", "follows English soccer"),
    person("ed", "NFL", "Detroit Lions"),
    person("flo", "American football"),
    person("gus", "rugby union"),
    person("hal", "Six Nations"),
    *[person(f"x{i}", "networking", "technology") for i in range(8)],
]
