from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints.core.text import is_free_text, key_phrases, phrase_key


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("Arsenal", "arsenal"),
        ("big Premier League fan", "premier league"),
        ("Premier-League!", "premier league"),
        ("Board games", "board game"),
        ("playing chess", "chess"),
        ("Café culture", "cafe culture"),
        ("I'm a huge fan", ""),
    ],
)
def test_phrase_key_drops_case_filler_and_plurals(phrase, key):
    assert phrase_key(phrase) == key


def test_key_phrases_are_verbatim_spans_of_the_text():
    text = "I moved to Lisbon to work on climate data pipelines. Weekends: climbing gym."

    phrases = key_phrases(text)

    assert phrases == ["Lisbon", "climate data pipelines", "climbing gym"]
    assert all(p in text for p in phrases)


def test_key_phrases_drop_stray_lowercase_words_but_keep_names_and_known_words():
    text = "Happy to talk about anything. I love yoga with Ana in Sintra."

    assert key_phrases(text) == ["Ana", "Sintra"]
    assert key_phrases(text, known_words={"yoga"}) == ["yoga", "Ana", "Sintra"]


def test_key_phrases_keep_the_highest_rake_scores_when_capped():
    text = "electoral systems, party polarization, parliamentary democracy, turnout."

    kept = key_phrases(text, max_phrases=2)

    assert len(kept) == 2
    assert set(kept) <= set(key_phrases(text))


def test_is_free_text_tells_sentences_from_tags():
    assert is_free_text("I play chess online most nights")
    assert not is_free_text("jazz piano")


@given(st.text(max_size=200))
def test_key_phrases_never_invent_text(text):
    for phrase in key_phrases(text):
        assert phrase in text
        assert phrase_key(phrase)
