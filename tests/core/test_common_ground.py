from __future__ import annotations

import pytest
from hypothesis import given

from tests.core.crowds import SOCCER_CROWD, crowds, person
from touchpoints.core import topics
from touchpoints.core.acquaintance import acquaintances
from touchpoints.core.common_ground import GroundKind, common_ground
from touchpoints.core.model import AcquaintanceReason
from touchpoints.core.pair_score import MIN_SCORE
from touchpoints.core.topics import event_topics


def test_common_ground_explains_the_english_soccer_example():
    vocabulary = event_topics(SOCCER_CROWD)

    ground = common_ground(vocabulary, "ann", "di")

    assert ground is not None
    assert ground.kind is GroundKind.SAME
    assert ground.topic.label == "English football"
    assert ground.explanation == (
        "You both follow English football (you: “Arsenal”; they: “follows English soccer”)"
        " — 4 of 16 people here do."
    )


def test_common_ground_prefers_the_rarer_shared_topic():
    crowd = [
        person("a", "networking", "Thelonious Monk"),
        person("b", "networking", "jazz piano"),
        *[person(f"n{i}", "networking") for i in range(6)],
    ]

    ground = common_ground(event_topics(crowd), "a", "b")

    assert ground is not None
    assert ground.topic.label == "jazz piano"
    assert ground.strength == 1.0


def test_common_ground_is_related_and_weaker_through_a_broader_topic():
    crowd = [
        person("a", "Arsenal"),
        person("b", "soccer"),
        person("c", "Arsenal"),
        person("d", "chess"),
        person("e", "chess"),
        person("f", "Real Madrid"),
    ]
    vocabulary = event_topics(crowd)

    related = common_ground(vocabulary, "a", "b")
    same = common_ground(vocabulary, "a", "c")

    assert related is not None
    assert same is not None
    assert related.kind is GroundKind.RELATED
    assert related.topic.label == "football (soccer)"
    assert related.score < same.score
    assert related.explanation.startswith("You have related interests in football (soccer)")
    # siblings under football share no ground: "you both follow football" would be a stretch
    assert common_ground(vocabulary, "a", "f") is None


def test_common_ground_is_none_between_strangers():
    vocabulary = event_topics([person("a", "chess"), person("b", "pottery")])

    assert common_ground(vocabulary, "a", "b") is None


def test_common_ground_flags_acquaintances():
    crowd = [person("a", "chess", organization="Acme"), person("b", "chess", organization="ACME")]

    ground = common_ground(event_topics(crowd), "a", "b", acquaintances=acquaintances(crowd))

    assert ground is not None
    assert ground.acquainted == (AcquaintanceReason.ORGANIZATION,)


def test_common_ground_refuses_the_same_attendee_twice():
    vocabulary = event_topics([person("a", "chess"), person("b", "chess")])

    with pytest.raises(ValueError, match="two different attendees"):
        common_ground(vocabulary, "a", "a")


def test_common_ground_names_unknown_attendees():
    vocabulary = event_topics([person("a", "chess"), person("b", "chess")])

    with pytest.raises(KeyError, match="zed"):
        common_ground(vocabulary, "a", "zed")


@given(crowds)
def test_common_ground_is_symmetric_bounded_and_quotes_real_phrases(crowd):
    vocabulary = event_topics(crowd)
    interests = {a.id: set(a.interests) for a in crowd}

    for a in crowd:
        for b in crowd:
            if a.id >= b.id:
                continue
            forward = common_ground(vocabulary, a.id, b.id)
            backward = common_ground(vocabulary, b.id, a.id)
            if forward is None:
                assert backward is None
                continue
            assert backward is not None
            assert forward.score == backward.score
            assert forward.kind == backward.kind
            assert 0.0 <= forward.score <= 1.0
            assert forward.phrase_a in interests[a.id]
            assert forward.phrase_b in interests[b.id]
            assert f"“{forward.phrase_a}”" in forward.explanation
            assert f"of {len(crowd)} people here" in forward.explanation
            assert forward.reversed() == backward


@given(crowds)
def test_common_ground_is_deterministic(crowd):
    first, second = event_topics(crowd), event_topics(list(crowd))

    for a in crowd[1:]:
        assert common_ground(first, crowd[0].id, a.id) == common_ground(second, crowd[0].id, a.id)


def test_a_generic_topic_is_the_weakest_named_ground():
    crowd = [
        person("a", "research", "chess"),
        person("b", "research"),
        person("c", "chess"),
        *[person(f"x{i}", "pottery") for i in range(9)],
    ]
    vocabulary = event_topics(crowd)

    generic = common_ground(vocabulary, "a", "b")
    specific = common_ground(vocabulary, "a", "c")

    assert generic is not None
    assert specific is not None
    assert generic.topic.generic
    assert generic.strength == MIN_SCORE
    assert generic.score < specific.score


def test_profile_similarity_orders_partners_with_equally_strong_ground():
    crowd = [
        person("a", "chess", "jazz piano lessons"),
        person("b", "chess", "piano"),
        person("c", "chess", "pottery"),
        *[person(f"x{i}", "hiking") for i in range(6)],
    ]
    vocabulary = event_topics(crowd)

    near = common_ground(vocabulary, "a", "b")
    far = common_ground(vocabulary, "a", "c")

    assert near is not None
    assert far is not None
    assert near.topic.label == far.topic.label == "chess"
    assert near.strength == far.strength
    assert near.score > far.score


@pytest.mark.parametrize("embedded_texts", [20_000, 1])
def test_common_ground_between_free_texts_needs_a_rare_phrase(monkeypatch, embedded_texts):
    """Also for big events, whose whole texts are not embedded (MAX_EMBEDDED_TEXTS)."""
    monkeypatch.setattr(topics, "MAX_EMBEDDED_TEXTS", embedded_texts)
    texts = [
        "We study electoral volatility in Western Europe and its causes.",
        "Electoral volatility has risen across Western Europe since 1990.",
        "This paper studies coalition bargaining in Western Europe.",
        "Parliaments in Western Europe delegate to committees.",
    ]
    vocabulary = event_topics([person(str(i), bio=t) for i, t in enumerate(texts)])

    rare = common_ground(vocabulary, "0", "1")

    assert rare is not None
    assert rare.topic.label.casefold() == "electoral volatility"
    assert common_ground(vocabulary, "2", "3") is None  # "Western Europe": 4 of 4
