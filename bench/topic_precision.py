"""Topic precision: are "same topic" claims right on a labelled set of interest pairs?

The set (``bench/data/topic_pairs.csv``, built as ``bench/data/topic_pairs.md`` says)
labels pairs of interest phrases *same*, *related* or *different*. All phrases go into
one event, one attendee per phrase (as a real event would hold them), and the engine's
verdict for each pair is read off its common ground:

* same    — both phrases land in one topic (even a generic one, which gives no ground);
* related — related ground (a broader topic, or close topics);
* different — no common ground.

Prints the confusion matrix, precision and recall per verdict, the same per source
of the pairs (``source`` column: meetup, hand, epsa, demo), and every wrong "same"
claim. Targets: "related" precision >= 90 %, "same" precision >= 97 %, "same" recall
>= 60 %.

The labelled set has two parts (``bench/data/topic_pairs.md``): the dev part,
``topic_pairs.csv``, which tuning may look at, and the frozen test part,
``topic_pairs_test.csv``, split off before any tuning, which is only measured:

    python bench/topic_precision.py               # dev part
    python bench/topic_precision.py --split test  # frozen test part
    python bench/topic_precision.py --pairs FILE
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from pathlib import Path

import touchpoints as tp

HERE = Path(__file__).resolve().parent
LABELS = ("same", "related", "different")


def verdicts(pairs: list[tuple[str, str]], embedder: tp.Embedder | None = None) -> list[str]:
    """The engine's verdict for each pair of phrases, all judged in one event."""
    phrases = sorted({p for pair in pairs for p in pair})
    attendee_of = {phrase: str(i) for i, phrase in enumerate(phrases)}
    crowd = [tp.Attendee(attendee_of[p], f"A{i}", interests=(p,)) for i, p in enumerate(phrases)]
    vocabulary = tp.event_topics(crowd, embedder=embedder)
    out = []
    for a, b in pairs:
        i, j = vocabulary.index_of(attendee_of[a]), vocabulary.index_of(attendee_of[b])
        topics_a = {t for t, m in vocabulary.memberships[i].items() if m.direct}
        topics_b = {t for t, m in vocabulary.memberships[j].items() if m.direct}
        if topics_a & topics_b:
            out.append("same")
            continue
        ground = tp.common_ground(vocabulary, attendee_of[a], attendee_of[b])
        out.append("different" if ground is None else ground.kind.value)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--pairs", type=Path, help="another labelled file (a,b,label,why)")
    args = parser.parse_args()
    name = "topic_pairs.csv" if args.split == "dev" else "topic_pairs_test.csv"
    path = args.pairs or HERE / "data" / name
    with path.open(encoding="utf-8") as fp:
        rows = [r for r in csv.DictReader(fp) if r["a"] != r["b"]]
    started = time.perf_counter()
    predicted = verdicts([(r["a"], r["b"]) for r in rows])
    seconds = time.perf_counter() - started
    confusion = Counter((r["label"], p) for r, p in zip(rows, predicted, strict=True))

    print(f"{path.name}: {len(rows)} labelled pairs, judged in {seconds:.1f} s\n")
    print("| label \\ verdict | " + " | ".join(LABELS) + " |")
    print("|---|" + "---:|" * len(LABELS))
    for label in LABELS:
        print(f"| {label} | " + " | ".join(str(confusion[(label, p)]) for p in LABELS) + " |")
    print("\n| verdict | precision | recall |")
    print("|---|---:|---:|")
    for verdict in LABELS:
        claimed = sum(confusion[(label, verdict)] for label in LABELS)
        truth = sum(confusion[(verdict, p)] for p in LABELS)
        precision = confusion[(verdict, verdict)] / claimed if claimed else float("nan")
        recall = confusion[(verdict, verdict)] / truth if truth else float("nan")
        print(
            f"| {verdict} | {precision:.1%} ({confusion[(verdict, verdict)]}/{claimed}) "
            f"| {recall:.1%} |"
        )
    sources = sorted({r.get("source") or "" for r in rows} - {""})
    if sources:
        print("\n| source | pairs | same precision | same recall | related precision |")
        print("|---|---:|---:|---:|---:|")
        for source in sources:
            part = [(r["label"], p) for r, p in zip(rows, predicted, strict=True)
                    if r.get("source") == source]
            print(f"| {source} | {len(part)} | {_share(part, 'same', True)} "
                  f"| {_share(part, 'same', False)} | {_share(part, 'related', True)} |")
    wrong = [
        r for r, p in zip(rows, predicted, strict=True) if p == "same" and r["label"] != "same"
    ]
    if wrong:
        print("\nWrong 'same' claims:")
        for r in wrong:
            print(f"- {r['a']!r} ~ {r['b']!r} (labelled {r['label']}: {r['why']})")


def _share(pairs: list[tuple[str, str]], verdict: str, precision: bool) -> str:
    """Precision (right among claimed) or recall (found among true) of one verdict."""
    hits = sum(1 for label, p in pairs if label == p == verdict)
    base = sum(1 for label, p in pairs if (p if precision else label) == verdict)
    return f"{hits / base:.1%} ({hits}/{base})" if base else "–"


if __name__ == "__main__":
    main()
