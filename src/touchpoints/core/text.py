"""Interest phrases from what attendees wrote: lists, sentences and free text.

Two jobs, both pure string work:

* :func:`phrase_key` reduces a phrase to a comparison key ("Big Premier-League fan!"
  -> "premier league"), so that trivially different spellings meet;
* :func:`key_phrases` draws candidate key phrases out of free text (a bio, an
  abstract) the RAKE way: runs of content words between stop words and
  punctuation, each kept *verbatim* (original casing) for display.

References
----------
.. [1] Rose, Engel, Cramer, Cowley, "Automatic keyword extraction from individual
   documents", in Text Mining: Applications and Theory, 2010 (RAKE).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterator
from functools import lru_cache

import snowballstemmer
from rapidfuzz.distance import Levenshtein

__all__ = [
    "CONNECTORS",
    "FILLER_WORDS",
    "GENERIC_WORDS",
    "LEADING_VERBS",
    "MIN_LONE_WORD_CHARS",
    "STOP_WORDS",
    "VAGUE_WORDS",
    "initials",
    "is_free_text",
    "key_phrases",
    "lexical_bag",
    "lexical_word",
    "lexically_same",
    "phrase_key",
    "stem",
    "word_bag",
]

#: Words that carry no meaning of their own in a stated interest ("big X fan").
FILLER_WORDS = frozenset(
    """
    a an the my our your i im i'm me we very really quite huge big avid keen passionate
    hardcore lifelong die-hard diehard casual amateur hobbyist aspiring fan fans lover lovers
    enthusiast enthusiasts addict nerd geek junkie buff buffs fanatic fanatics aficionado
    aficionados love loves loved like likes enjoy enjoys
    enjoying into follow follows following follower followers supporter supporter's interested
    interest interests in also all things stuff lots lot of about kind sort
    """.split()
)

#: Function words that split free text into candidate phrases (RAKE stop list, trimmed).
STOP_WORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and any are
    around as at be because been before being below between both but by can could did do does
    doing done down during each either else ever every few for from further get gets getting got
    had has have having he her here hers herself him himself his how however i i'm if in into is
    it it's its itself just least less let like lot lots made make makes making many may me might
    more most much must my myself near nearly neither never no nor not now of off often on once
    one only onto or other others otherwise our ours ourselves out over own per perhaps quite
    rather really same several shall she should since so some something sometimes still such
    than that the their theirs them themselves then there therefore these they this those though
    through thus to together too toward towards under until up upon us use used uses using very
    via was we well were what whatever when where whether which while who whom whose why will
    with within without would yet you your yours yourself yourselves
    based whose whereby across along beyond etc e.g i.e new show shows shown find finds found
    paper article study studies argue argues analysis analyse analyze examine examines explore
    explores investigate investigates suggest suggests provide provides results result evidence
    approach aim aims focus focuses contribute contributes literature research question
    questions case cases first second third two three four five work works working day days week
    weekends weekend year years time times people person things thing way ways lives live
    love loves enjoy enjoys spend spends spent go goes going went weekends currently recently
    moved move based part parts previously former big fan fans huge avid keen anything
    everything nothing anyone everyone someone anybody everybody somebody anywhere everywhere
    somewhere whenever wherever whatever together especially
    """.split()
)

#: Verbs that often lead a stated interest ("playing chess", "watching Liverpool games").
LEADING_VERBS = frozenset(
    "play plays playing watch watches watching do doing practice practicing practising "
    "follow follows following build builds building make making create creating "
    "develop developing".split()
)

#: Single words too vague to be a topic on their own when drawn from free text.
VAGUE_WORDS = frozenset(
    """
    friends family night nights morning mornings evening evenings effect effects impact role
    countries country members member level levels context contexts model models factor factors
    number numbers type types kind form forms aspect aspects issue issues problem problems
    area areas field fields process processes group groups change changes
    """.split()
)

#: Words too broad to be a point of common ground on their own (phrase-key forms): a
#: topic made only of these ("research", "policies", "data science") is *generic*,
#: never a hook or a table theme. Words that are a real interest however broad
#: ("music", "travel", "football") are not here; how many people hold a topic is
#: measured by specificity instead.
GENERIC_WORDS = frozenset(
    """
    research study policy technology tech data science business innovation management
    development strategy system approach theory practice method methodology analysis
    analytic networking learning work career industry professional leadership growth
    people life project solution challenge impact change future communication
    information knowledge experience skill issue problem process outcome performance
    quality service product social global international general effect role level
    factor model context group area field community society world example program
    programme initiative activity event meetup topic interest hobby thing stuff fun
    public private network application tool framework design use user value
    """.split()
)

#: A lone lowercase word from free text must be this long to count as a topic.
MIN_LONE_WORD_CHARS = 6

_WORD = re.compile(r"[^\W_](?:[\w'’&+.-]*[^\W_])?|[+#]{1,2}", re.UNICODE)
_SPLIT = re.compile(r"[.!?;:,()\[\]{}\"“”«»/\\|–—\n\r\t]+")
_MAX_PHRASE_WORDS = 4
_FIRST_PERSON = frozenset("i i'm im my me we we're our us".split())
_FREE_TEXT_WORDS = 6


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold(word: str) -> str:
    return _strip_accents(word).casefold().replace("’", "'")


def _singular(word: str) -> str:
    """Crude English singular, enough to meet "boardgames" with "boardgame"."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=200_000)
def phrase_key(text: str) -> str:
    """The comparison key of an interest phrase.

    Case, accents, punctuation, filler words ("big ... fan") and plural endings are
    dropped; word order is kept. Returns ``""`` when nothing meaningful is left.

    Examples
    --------
    >>> phrase_key("Big Premier-League fan!")
    'premier league'
    >>> phrase_key("Board games")
    'board game'
    """
    plain = _strip_accents(text).casefold().replace("’", "'").replace("-", " ")
    words = [w for w in _words(plain) if w not in FILLER_WORDS]
    while len(words) > 1 and words[0] in LEADING_VERBS:
        words = words[1:]
    return " ".join(_singular(w) for w in words)


#: Words that join the parts of a tag without adding meaning ("food & wine").
CONNECTORS = frozenset("and & + for of the to with in on a an or".split())

_STEMMER = snowballstemmer.stemmer("english")
_KEEP_WHOLE = ("ism", "isms", "ist", "ists", "ity", "ities")


def word_bag(key: str) -> frozenset[str]:
    """The stems of a phrase key's words, order and connectors ignored.

    Two tags with the same bag are the same interest written differently: "food and
    wine pairing" / "wine & food pairing", "multiplayer games" / "multiplayer gaming".

    >>> sorted(word_bag(phrase_key("Wine & Food Pairing")))
    ['food', 'pair', 'wine']
    """
    return frozenset(stem(w) for w in key.split() if w not in CONNECTORS)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a word, except that -ism/-ist/-ity words stay whole
    (Snowball makes "socialism" "social" and "spirituality" "spiritualism")."""
    if word.endswith(_KEEP_WHOLE):
        return word
    return str(_STEMMER.stemWord(word))


def is_free_text(text: str) -> bool:
    """True when a listed interest reads like a sentence (or a list) rather than a tag.

    Six words or more, and either a first-person word or punctuation inside:
    "I play chess online most nights" is a sentence, "Teaching English as a Second
    Language" is a (long) tag.
    """
    words = _words(text)
    if len(words) < _FREE_TEXT_WORDS:
        return False
    if any(_fold(w) in _FIRST_PERSON for w in words):
        return True
    return _SPLIT.search(text.strip().rstrip(".!")) is not None


def _content_runs(text: str) -> Iterator[list[tuple[str, int, int]]]:
    """Runs of non-stop words (word, start, end) between stop words and punctuation."""
    start = 0
    for sep in _SPLIT.finditer(text):
        yield from _runs_in(text, start, sep.start())
        start = sep.end()
    yield from _runs_in(text, start, len(text))


def _runs_in(text: str, lo: int, hi: int) -> Iterator[list[tuple[str, int, int]]]:
    run: list[tuple[str, int, int]] = []
    for match in _WORD.finditer(text, lo, hi):
        word = match.group()
        folded = _fold(word)
        if folded in STOP_WORDS or folded.isdigit() or len(folded) < 2:
            if run:
                yield run
            run = []
        else:
            run.append((word, match.start(), match.end()))
    if run:
        yield run


def key_phrases(
    text: str,
    *,
    max_phrases: int | None = None,
    known_words: Container[str] = frozenset(),
) -> list[str]:
    """Key phrases of free text, verbatim, in order of first appearance.

    Every run of content words is a candidate; runs longer than four words are
    cut into four-word windows. A lone word is kept only when it is likely to be a
    topic rather than a stray verb or adjective: a name (capitalized inside a
    sentence), a word whose :func:`phrase_key` is in ``known_words``, or a long
    technical word (:data:`MIN_LONE_WORD_CHARS` letters or more, not an -ly adverb).
    When ``max_phrases`` is given, the candidates with the highest RAKE score
    (sum of word degree/frequency) are kept.

    Examples
    --------
    >>> key_phrases("Weekends I'm at the climbing gym or watching Liverpool games.")
    ['climbing gym', 'Liverpool games']
    """
    candidates: list[str] = []
    seen: set[str] = set()
    for run in _content_runs(text):
        windows = (
            [run]
            if len(run) <= _MAX_PHRASE_WORDS
            else [run[i : i + _MAX_PHRASE_WORDS] for i in range(0, len(run), _MAX_PHRASE_WORDS)]
        )
        for window in windows:
            while len(window) > 1 and _fold(window[0][0]) in LEADING_VERBS:
                window = window[1:]
            if len(window) == 1 and not _topic_like(text, *window[0], known_words):
                continue
            phrase = text[window[0][1] : window[-1][2]]
            key = phrase_key(phrase)
            if key and key not in seen:
                seen.add(key)
                candidates.append(phrase)
    if max_phrases is None or len(candidates) <= max_phrases:
        return candidates
    return _top_by_rake(candidates, max_phrases)


def _topic_like(text: str, word: str, start: int, _end: int, known: Container[str]) -> bool:
    folded = _fold(word)
    if folded in VAGUE_WORDS:
        return False
    if phrase_key(word) in known:
        return True
    before = text[:start].rstrip()
    if word[:1].isupper() and before and before[-1] not in ".!?\n":
        return True
    return len(folded) >= MIN_LONE_WORD_CHARS and not folded.endswith("ly")


def _top_by_rake(candidates: list[str], limit: int) -> list[str]:
    frequency: dict[str, int] = {}
    degree: dict[str, int] = {}
    split = [phrase_key(c).split() for c in candidates]
    for words in split:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
            degree[word] = degree.get(word, 0) + len(words)
    scores = [sum(degree[w] / frequency[w] for w in words) for words in split]
    order = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))[:limit]
    return [candidates[i] for i in sorted(order)]


#: Words that name nobody's interest in a group-style title ("How to make a movie",
#: "People who love to attend fashion shows", "Great outdoor adventures"): left out
#: when two phrases are compared word by word.
PHRASING_WORDS = frozenset(
    """
    how let let's lets people who love loves attend attending great discussion discussions
    meeting meetings other talk talking appreciation must
    """.split()
)

_AGENT_ENDINGS = ("ers", "er", "ors", "or")
_SKIPPED_IN_INITIALS = frozenset("as at by from".split())
_MIN_TYPO_CHARS = 6


def lexical_word(word: str) -> str:
    """A word's stem with an agent ending taken off ("golfers", "golf" -> "golf";
    "sailors", "sailing" -> "sail"), so people and their activity compare equal."""
    stemmed = stem(word)
    for ending in _AGENT_ENDINGS:
        if stemmed.endswith(ending) and len(stemmed) - len(ending) >= 4:
            return stemmed[: -len(ending)]
    return stemmed


@lru_cache(maxsize=200_000)
def lexical_bag(key: str) -> frozenset[str]:
    """The words of a phrase key as compared for sameness: stems without agent
    endings, connectors and phrasing words ("how", "great") left out.

    >>> sorted(lexical_bag(phrase_key("How to make a movie")))
    ['make', 'movi']
    >>> lexical_bag(phrase_key("LGBT Golfers")) == lexical_bag(phrase_key("LGBT golf"))
    True
    """
    return frozenset(
        lexical_word(w) for w in key.split() if w not in CONNECTORS and w not in PHRASING_WORDS
    )


def initials(key: str) -> str:
    """The first letters of a phrase key's content words ("american sign language" ->
    "asl"; connectors such as "as a" are skipped: "english as a second language" ->
    "esl")."""
    return "".join(
        w[0]
        for w in key.split()
        if w not in CONNECTORS and w not in _SKIPPED_IN_INITIALS and w[:1].isalpha()
    )


def lexically_same(a: str, b: str) -> bool:
    """Whether two phrase keys are the same words written differently, with no
    embedding needed.

    * the same :func:`lexical_bag` ("movie watchers" / "movie watching");
    * the same letters once spaces are gone ("bellydance" / "belly dance");
    * one typo in one long word, everything else equal ("bussiness networking");
    * an initialism of the other's words, written beside them or instead of them
      ("ASL sign language" / "American Sign Language", "MMA" / "mixed martial arts",
      "business networking international (BNI)").

    >>> lexically_same("asl sign language", "american sign language")
    True
    >>> lexically_same("professional bussiness networking", "professional business networking")
    True
    >>> lexically_same("korean language", "japanese language")
    False
    """
    bag_a, bag_b = lexical_bag(a), lexical_bag(b)
    if not bag_a or not bag_b:
        return False
    if bag_a == bag_b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    words_a = {w for w in a.split() if w not in CONNECTORS}
    words_b = {w for w in b.split() if w not in CONNECTORS}
    only_a, only_b = words_a - words_b, words_b - words_a
    if len(only_a) == 1 and len(only_b) == 1:
        (word_a,), (word_b,) = only_a, only_b
        if min(len(word_a), len(word_b)) >= _MIN_TYPO_CHARS and (
            Levenshtein.distance(word_a, word_b) <= 1
        ):
            return True
    return _initialism_of(a, b) or _initialism_of(b, a)


def _initialism_of(short: str, long: str) -> bool:
    """True when the words of ``short`` are ``long``'s words, with the initials of a
    run of ``long``'s words standing for that run (or appended to the full words)."""
    words = [w for w in short.split() if w not in CONNECTORS]
    other = [w for w in long.split() if w not in CONNECTORS and w not in _SKIPPED_IN_INITIALS]
    whole = lexical_bag(" ".join(other))
    for position, word in enumerate(words):
        if len(word) < 2 or not word.isalpha() or len(word) > len(other):
            continue
        rest = words[:position] + words[position + 1 :]
        for start in range(len(other) - len(word) + 1):
            run = other[start : start + len(word)]
            if initials(" ".join(run)) != word:
                continue
            outside = other[:start] + other[start + len(word) :]
            if lexical_bag(" ".join(rest + run)) == whole or lexical_bag(" ".join(rest)) == whole:
                return True
            if "".join(rest) == "".join(outside + run) or "".join(rest) == "".join(other):
                return True
    return False
