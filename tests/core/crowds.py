"""Small crowds for core tests (built in memory, real embedding model)."""

from __future__ import annotations

from hypothesis import strategies as st

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


#: Interest phrases for generated crowds: paraphrases, near-misses, niche and common ones.
PHRASES = [
    "Arsenal",
    "Premier League",
    "NFL",
    "rugby union",
    "jazz piano",
    "bebop",
    "sourdough",
    "bread making",
    "chess",
    "baduk",
    "networking",
    "AI",
    "machine learning",
    "deep learning",
    "trail running",
    "ultramarathons",
    "hiking",
    "quantum computing",
    "quantum computers",
    "Esperanto",
    "rugby",
    "quantum physics",
    "startups",
    "coffee",
    "climbing",
    "bouldering",
    "birding",
    "poetry",
    "knitting",
    "pottery",
    "Rust",
    "Python",
]

#: Hypothesis strategy: crowds of 2-12 people with 0-4 of PHRASES each.
crowds = st.lists(
    st.lists(st.sampled_from(PHRASES), min_size=0, max_size=4, unique=True),
    min_size=2,
    max_size=12,
).map(lambda rows: [person(str(i), *row) for i, row in enumerate(rows)])
