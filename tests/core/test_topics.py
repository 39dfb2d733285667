from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.crowds import SOCCER_CROWD, person
from touchpoints.core import topics as topics_module
from touchpoints.core.common_ground import common_ground
from touchpoints.core.model import Attendee
from touchpoints.core.topics import TopicKind, event_topics, interests_of, specificity


def _topic_of(vocabulary, attendee_id, phrase):
    held = vocabulary.memberships[vocabulary.index_of(attendee_id)]
    return {
        vocabulary.topics[m.topic].label for m in held.values() if m.direct and m.phrase == phrase
    }


def test_event_topics_merge_paraphrases_of_english_football():
    vocabulary = event_topics(SOCCER_CROWD)

    labels = {
        _topic_of(vocabulary, "ann", "Arsenal").pop(),
        _topic_of(vocabulary, "bo", "big Premier League fan").pop(),
        _topic_of(vocabulary, "cy", "English football").pop(),
        _topic_of(vocabulary, "di", "follows English soccer").pop(),
    }

    assert labels == {"English football"}


def test_event_topics_keep_american_football_and_rugby_apart_from_soccer():
    vocabulary = event_topics(SOCCER_CROWD)

    assert _topic_of(vocabulary, "ed", "NFL") == {"American football"}
    assert _topic_of(vocabulary, "gus", "rugby union") == {"rugby union"}
    assert _topic_of(vocabulary, "hal", "Six Nations") == {"the Six Nations"}  # ⊂ rugby union
    soccer = next(t for t in vocabulary.topics if t.label == "English football")
    assert soccer.direct_count == 4
    assert soccer.attendee_count == 4


def test_event_topics_count_broader_topics_through_narrower_ones():
    vocabulary = event_topics(SOCCER_CROWD)

    sports = next(t for t in vocabulary.topics if t.label == "team sports")

    assert sports.direct_count == 0
    assert sports.attendee_count == 8


def test_event_topics_give_common_topics_low_specificity():
    vocabulary = event_topics(SOCCER_CROWD)
    by_label = {t.label: t for t in vocabulary.topics}

    assert by_label["networking"].specificity < by_label["English football"].specificity
    assert by_label["English football"].specificity < by_label["bread baking"].specificity


def test_event_topics_group_unknown_phrases_lexically_and_keep_examples_verbatim():
    crowd = [person("a", "Quantum Error Correction"), person("b", "quantum error-correction")]

    vocabulary = event_topics(crowd)
    (topic,) = [t for t in vocabulary.topics if t.direct_count]

    assert topic.direct_count == 2
    assert set(topic.examples) == {"Quantum Error Correction", "quantum error-correction"}


def test_event_topics_make_hometown_and_language_topics():
    crowd = [
        person("a", hometown="Lisbon, Portugal", languages=("Portuguese",)),
        person("b", hometown="Lisbon", languages=("portuguese", "English")),
    ]

    vocabulary = event_topics(crowd)
    kinds = {(t.kind, t.label) for t in vocabulary.topics if t.attendee_count == 2}

    assert kinds == {(TopicKind.HOMETOWN, "Lisbon"), (TopicKind.LANGUAGE, "Portuguese")}


def test_event_topics_draw_interests_from_a_bio():
    crowd = [
        person("a", bio="I build climate data pipelines. Weekends I go bouldering."),
        person("b", "bouldering"),
    ]

    vocabulary = event_topics(crowd)

    assert _topic_of(vocabulary, "a", "bouldering") == {"bouldering"}


def test_interests_of_lists_every_source():
    attendee = Attendee(
        "1",
        "Ann",
        interests=("chess",),
        bio="I love Esperanto.",
        hometown="Oslo",
        languages=("Norwegian",),
    )

    texts = [(i.text, i.source.value) for i in interests_of(attendee)]

    assert texts == [
        ("chess", "interests"),
        ("Esperanto", "bio"),
        ("Oslo", "hometown"),
        ("Norwegian", "languages"),
    ]


def test_event_topics_refuse_duplicate_ids():
    with pytest.raises(ValueError, match="unique"):
        event_topics([person("a", "chess"), person("a", "go")])


def test_event_topics_of_an_empty_event_are_empty():
    vocabulary = event_topics([])

    assert vocabulary.topics == ()
    assert vocabulary.n_attendees == 0


@given(st.integers(1, 10_000), st.integers(1, 10_000))
def test_specificity_is_bounded_and_falls_with_the_count(count, total):
    count = min(count, total)

    value = specificity(count, total)

    assert 0.0 <= value <= 1.0
    if count < total:
        assert specificity(count + 1, total) <= value


def test_specificity_matches_the_documented_examples():
    assert specificity(2, 312) == 1.0
    assert specificity(312, 312) == 0.0
    assert round(specificity(4, 312), 2) == 0.86


def test_event_topics_keep_the_phrases_central_to_a_long_text(monkeypatch):
    monkeypatch.setattr(topics_module, "MAX_TOPICS_PER_TEXT", 2)
    bio = (
        "Bouldering is my life: I set boulder problems and travel to Fontainebleau "
        "with my crash pad. Unique opportunity, remarkable circumstances, considerable "
        "paperwork and exceptional spreadsheets aside."
    )

    vocabulary = event_topics([person("a", bio=bio), person("b", "bouldering")])
    labels = {vocabulary.topics[m.topic].label for m in vocabulary.memberships[0].values()}
    stray = {
        "Unique opportunity",
        "remarkable circumstances",
        "considerable paperwork",
        "exceptional spreadsheets",
    }

    assert "bouldering" in labels
    assert labels & stray == set()


def test_event_topics_relate_a_phrase_to_a_kind_of_it_but_not_siblings():
    vocabulary = event_topics(
        [
            person("a", "landscape photography"),
            person("b", "photography"),
            person("c", "Korean language"),
            person("d", "Japanese language"),
            person("e", "wine tasting"),
            person("f", "beer tasting"),
        ]
    )

    narrower = common_ground(vocabulary, "a", "b")

    assert narrower is not None
    assert narrower.kind.value == "related"
    assert common_ground(vocabulary, "c", "d") is None
    assert common_ground(vocabulary, "e", "f") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("LGBT golf", "LGBT golfers"),
        ("Movie Watchers", "Movie Watching"),
        ("ASL Sign Language", "American Sign Language"),
        ("Mixed Martial Arts", "MMA"),
        ("Professional & Bussiness Networking", "Professional Business Networking"),
        ("NewAge Spirituality", "New Age Spirituality"),
        ("Great Outdoor Adventures", "outdoor adventures"),
    ],
)
def test_event_topics_merge_the_same_words_written_differently(a, b):
    vocabulary = event_topics([person("a", a), person("b", b), person("c", "chess")])

    ground = common_ground(vocabulary, "a", "b")

    assert ground is not None
    assert ground.kind.value == "same"


def test_event_topics_keep_word_order_traps_apart():
    vocabulary = event_topics([person("a", "Teen Parents"), person("b", "Parents of Teens")])

    ground = common_ground(vocabulary, "a", "b")

    assert ground is None or ground.kind.value != "same"
