#!/usr/bin/env python3
"""10,000 and 100,000 attendees end to end: import, topics, top-10 for everybody.

Synthetic events (seeded) built from the real Meetup.com topic vocabulary
(``meetup_topics/`` under ``$TOUCHPOINTS_BENCH_DATA`` or ``<project root>/../shared/bench``;
2,509 topics with member counts, 11,876 groups with the topics they use; latin-1):

* **interests**: 3-10 per attendee (uniform). About half of them, ``ceil(n/2)`` at most,
  are the topics of one Meetup group drawn uniformly (so interests co-occur as they do
  in real groups); the rest are drawn from all 2,509 topic names with probability
  proportional to their Meetup member counts, without repeats. Topic names are
  written verbatim; 153 names hold commas ("Communication, Social Skills"), which the
  importer splits into separate interests, as it would for a real export.
* **hometown**: one of 300 real city names, taken (seeded) from the system time-zone
  database (``/usr/share/zoneinfo/zone1970.tab``, else :func:`zoneinfo.available_timezones`),
  drawn with Zipf weights (1/rank) so that some cities are big.
* **languages**: 1-2 from a fixed list of 20 widely spoken languages with rough
  weights (this short list is written by hand; it is not the interest vocabulary).
* **names** "Attendee 000123", e-mails ``attendee000123@example.org``; **organizations**:
  30 % of attendees share one with 2-20 others (organizations of 3-21 people), the
  others have their own (half) or none (half).

Free-text mode (``--bios``): every attendee also has a **bio** of 100-200 words (target
length uniform, seeded) made of real sentences: those of the EPSA conference abstracts
2019-2022 (``epsa/epsaYYYY-abstracts.tsv`` next to ``meetup_topics/``, column
``abstract_text``; 2,386 distinct abstracts, political science), split into sentences
with a simple regex (a ``.``, ``!`` or ``?`` followed by a space and a capital, digit,
quote or bracket). To keep a bio on one subject, as real bios are, it is built from
abstracts in order: one abstract drawn uniformly, read from a sentence drawn uniformly
among its sentences, then, while the bio is shorter than its target, the next abstract
drawn uniformly, from its start, and so on (1-3 abstracts: about 28 % one, 70 % two,
2 % three); the bio is cut at the sentence boundary nearest its target that keeps it
within 100-200 words (a sentence that would carry a bio still under 100 words past 200
is skipped). A bio equal to one already given is drawn again, so bios are
distinct, as real ones are; their sentences are not: 2,386 abstracts hold about 18,000
sentences, so at 100,000 attendees each sentence is in some 40 bios (real bios share
words and phrases, not whole sentences). In this mode attendees list
only 0-4 interests (uniform, same mix as above), hometown and languages as above. The
bio text has its own seeded stream, so the other columns of the short-phrase mode are
unchanged by the option's existence.

The event is written as a CSV registration file (First Name, Last Name, Email,
Company, Interests joined with "; ", Hometown, Languages joined with "; ", and in
free-text mode Bio, the header the importer maps to the bio field); writing it
is not timed. Each size then runs in a fresh child process, which times, in one
process: model load (the packaged embedding model and the concept-alias embeddings,
once per process), import (:func:`touchpoints.read_registrations`), topics
(:func:`touchpoints.event_topics`) and top-10 for everybody
(:func:`touchpoints.top_matches`), and reports its peak RSS (``ru_maxrss``).

Usage::

    python bench/scale.py --sizes 10000 100000 --seed 1
    python bench/scale.py --sizes 100000 --profile topics   # cProfile one stage (stderr)
    python bench/scale.py --sizes 10000 100000 --seed 1 --bios   # free-text bios

Targets, 100,000 attendees, total of all stages (model load, import, topics, top-10)
in one process:

* short phrases (default): <= 180 s (3 minutes) and <= 6 GB peak RSS;
* free text (``--bios``): <= 600 s (10 minutes) and <= 6 GB peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections import defaultdict
from pathlib import Path

import numpy as np

LANGUAGES = (  # (language, rough weight)
    ("English", 40), ("Spanish", 12), ("French", 8), ("German", 7), ("Mandarin", 6),
    ("Portuguese", 5), ("Italian", 4), ("Hindi", 4), ("Arabic", 4), ("Russian", 3),
    ("Japanese", 3), ("Dutch", 2), ("Polish", 2), ("Korean", 2), ("Turkish", 2),
    ("Swedish", 1), ("Greek", 1), ("Vietnamese", 1), ("Hebrew", 1), ("Swahili", 1),
)
HEADERS = ("First Name", "Last Name", "Email", "Company", "Interests", "Hometown", "Languages")
CITY_COUNT = 300
SHARED_ORG_SHARE = 0.30
BIO_WORDS = (100, 200)  # a bio's target length in words, uniform, both ends included
BIO_INTERESTS = (0, 4)  # listed interests per attendee in free-text mode (uniform)
SHORT_INTERESTS = (3, 10)  # listed interests per attendee in short-phrase mode (uniform)
EPSA_YEARS = (2019, 2020, 2021, 2022)
#: (mode, total seconds, peak GB): the 100,000-attendee targets of the module docstring
TARGETS = {"short phrases": (180, 6.0), "free text": (600, 6.0)}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[\u201c\u2018])")


def data_dir() -> Path:
    """The benchmark data folder, or exit with a message saying where it was looked for."""
    env = os.environ.get("TOUCHPOINTS_BENCH_DATA")
    root = Path(__file__).resolve().parents[1]
    folder = Path(env) if env else root.parent / "shared" / "bench"
    if not (folder / "meetup_topics" / "topics.csv").is_file():
        where = f"$TOUCHPOINTS_BENCH_DATA={env}" if env else str(folder)
        sys.exit(
            f"scale.py: benchmark data not found: no meetup_topics/topics.csv in {where}. "
            "Set TOUCHPOINTS_BENCH_DATA to the folder that holds meetup_topics/."
        )
    return folder / "meetup_topics"


def _read_text(path: Path) -> str:
    """The files are cp1252 (a superset of latin-1 in print): byte 0x95 is a bullet,
    not the C1 control latin-1 would make of it (which the importer rightly refuses)."""
    raw = path.read_bytes()
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def load_meetup(folder: Path) -> tuple[list[str], np.ndarray, list[list[int]]]:
    """Topic names, member counts, and each group's topics (as indices into names)."""
    rows = list(csv.DictReader(io.StringIO(_read_text(folder / "topics.csv"))))
    names = [" ".join(r["topic_name"].split()) for r in rows]
    members = np.array([max(int(r["members"] or 0), 1) for r in rows], dtype=np.float64)
    index = {r["topic_id"]: i for i, r in enumerate(rows)}
    groups: dict[str, list[int]] = defaultdict(list)
    for r in csv.DictReader(io.StringIO(_read_text(folder / "groups_topics.csv"))):
        if r["topic_id"] in index:
            groups[r["group_id"]].append(index[r["topic_id"]])
    return names, members, [sorted(set(g)) for _, g in sorted(groups.items())]


def load_abstracts(folder: Path) -> list[list[str]]:
    """The distinct EPSA abstracts (folder ``epsa/`` beside ``folder``), each as its sentences."""
    epsa = folder.parent / "epsa"
    paths = [epsa / f"epsa{year}-abstracts.tsv" for year in EPSA_YEARS]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        sys.exit(f"scale.py: --bios needs the EPSA abstracts; not found in {epsa}: "
                 f"{', '.join(missing)}")
    csv.field_size_limit(1 << 30)
    seen: set[str] = set()
    abstracts: list[list[str]] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                text = " ".join((row["abstract_text"] or "").split())
                if not text or text == "NA" or text in seen:
                    continue
                seen.add(text)
                abstracts.append([s for s in _SENTENCE_END.split(text) if s])
    return abstracts


def make_bio(rng: np.random.Generator, abstracts: list[list[str]]) -> tuple[str, int]:
    """A bio of real sentences, near a uniform target length; and how many abstracts fed it."""
    low, high = BIO_WORDS
    target = int(rng.integers(low, high + 1))
    sentences = abstracts[int(rng.integers(len(abstracts)))]
    queue = list(sentences[int(rng.integers(len(sentences))):])
    used, words = 1, 0
    chosen: list[str] = []
    while True:
        if not queue:
            queue = list(abstracts[int(rng.integers(len(abstracts)))])
            used += 1
        sentence = queue.pop(0)
        size = len(sentence.split())
        if words + size > high and words < low:
            continue  # a long sentence that would overshoot: the next one may fit
        if words >= low and (words + size > high
                             or abs(words + size - target) > abs(words - target)):
            break
        chosen.append(sentence)
        words += size
        if words >= target:
            break
    return " ".join(chosen), used


def city_names(rng: np.random.Generator) -> list[str]:
    """CITY_COUNT real city names from the time-zone database, in a seeded order."""
    table = Path("/usr/share/zoneinfo/zone1970.tab")
    if table.is_file():
        zones = [
            line.split("\t")[2].strip()
            for line in table.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        ]
    else:
        zones = sorted(zoneinfo.available_timezones())
    cities = sorted({
        z.rsplit("/", 1)[-1].replace("_", " ")
        for z in zones
        if "/" in z and z.split("/")[0] not in ("Antarctica", "Arctic", "Etc", "SystemV")
    })
    if len(cities) < CITY_COUNT:
        sys.exit(f"scale.py: only {len(cities)} city names in the time-zone database")
    return [cities[i] for i in rng.permutation(len(cities))[:CITY_COUNT]]


def synthetic_csv(size: int, seed: int, folder: Path, bios: bool = False) -> str:
    """The registration file of a seeded synthetic event, as CSV text (with bios if asked)."""
    rng = np.random.default_rng(seed)
    names, members, groups = load_meetup(folder)
    popularity = members / members.sum()
    cities = city_names(rng)
    city_p = 1.0 / np.arange(1, CITY_COUNT + 1)
    city_p /= city_p.sum()
    lang_names = [name for name, _ in LANGUAGES]
    lang_p = np.array([w for _, w in LANGUAGES], dtype=np.float64)
    lang_p /= lang_p.sum()

    organization = [""] * size
    order = rng.permutation(size)
    shared = int(round(SHARED_ORG_SHARE * size))
    position, org_number = 0, 0
    while position < shared:
        width = min(int(rng.integers(3, 22)), shared - position)
        if width < 3:  # too few left for an organization of 3: they get their own
            break
        org_number += 1
        for person in order[position : position + width]:
            organization[person] = f"Organization {org_number:05d}"
        position += width
    for person in order[position:]:
        if rng.random() < 0.5:
            org_number += 1
            organization[person] = f"Organization {org_number:05d}"

    fewest, most = BIO_INTERESTS if bios else SHORT_INTERESTS
    counts = rng.integers(fewest, most + 1, size=size)
    group_of = rng.integers(0, len(groups), size=size)
    # a generous pool of popularity draws per attendee, repeats skipped below
    pool = rng.choice(len(names), size=(size, 24), p=popularity)
    towns = rng.choice(CITY_COUNT, size=size, p=city_p)
    first_lang = rng.choice(len(lang_names), size=size, p=lang_p)
    second_lang = rng.choice(len(lang_names), size=size, p=lang_p)
    two_langs = rng.random(size) < 0.5

    bio_rng = np.random.default_rng([seed, 2])  # its own stream: the other columns stay put
    abstracts = load_abstracts(folder) if bios else []
    given: set[str] = set()

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS + (("Bio",) if bios else ()))
    for i in range(size):
        n = int(counts[i])
        chosen: list[int] = []
        from_group = list(groups[group_of[i]])
        rng.shuffle(from_group)
        for topic in from_group[: math.ceil(n / 2)]:
            chosen.append(int(topic))
        for topic in pool[i]:
            if len(chosen) >= n:
                break
            if int(topic) not in chosen:
                chosen.append(int(topic))
        langs = [lang_names[first_lang[i]]]
        if two_langs[i] and second_lang[i] != first_lang[i]:
            langs.append(lang_names[second_lang[i]])
        number = f"{i + 1:06d}"
        row: tuple[str, ...] = (
            "Attendee", number, f"attendee{number}@example.org", organization[i],
            "; ".join(names[t] for t in chosen), cities[towns[i]], "; ".join(langs),
        )
        if bios:
            for _attempt in range(100):  # redraw a bio somebody already has
                bio = make_bio(bio_rng, abstracts)[0]
                if bio not in given:
                    break
            given.add(bio)
            row += (bio,)
        writer.writerow(row)
    return out.getvalue()


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def run_child(path: Path, profile: str | None) -> dict[str, object]:
    """Time every stage on one registration file, in this (fresh) process."""
    import touchpoints as tp

    times: dict[str, float] = {}
    peaks: dict[str, float] = {}

    def stage(name: str, call):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        if profile == name:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            result = profiler.runcall(call)
            times[name] = time.perf_counter() - start
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(25)
        else:
            result = call()
            times[name] = time.perf_counter() - start
        peaks[name] = _peak_gb()
        return result

    stage("model", lambda: tp.event_topics([
        tp.Attendee("w1", "w", interests=("chess",)), tp.Attendee("w2", "w", interests=("jazz",))
    ]))

    def do_import():  # type: ignore[no-untyped-def]
        with path.open("rb") as handle:
            return tp.read_registrations(handle, filename=path.name)

    imported = stage("import", do_import)
    attendees = imported.attendees
    vocab = stage("topics", lambda: tp.event_topics(attendees))
    matches = stage("top10", lambda: tp.top_matches(vocab, k=10))

    phrases = {p for a in attendees for p in a.interests}
    phrases |= {a.hometown for a in attendees if a.hometown}
    phrases |= {lang for a in attendees for lang in a.languages}
    found = (matches.partners >= 0).sum(axis=1)
    bio_words = [len(a.bio.split()) for a in attendees if a.bio]
    return {
        "attendees": len(attendees),
        "phrases": len(phrases),
        "topics": len(vocab.topics),
        "related": len(vocab.related),
        "times": times,
        "peaks": peaks,
        "peak_gb": _peak_gb(),
        "with_10": float((found == 10).mean()),
        "with_none": int((found == 0).sum()),
        "top1_mean": float(matches.scores[:, 0].mean()),
        "top10_mean": float(matches.scores[:, -1].mean()),
        "bios": len(bio_words),
        "bio_words_mean": float(np.mean(bio_words)) if bio_words else 0.0,
        "interests_mean": float(np.mean([len(a.interests) for a in attendees])),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", choices=("model", "import", "topics", "top10"),
                        help="cProfile this stage (top functions go to stderr)")
    parser.add_argument("--bios", action="store_true",
                        help="free-text mode: a 100-200 word bio of real EPSA abstract sentences "
                        "per attendee, and 0-4 listed interests")
    parser.add_argument("--keep", type=Path, help="write the CSV files into this folder")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        print(json.dumps(run_child(args.child, args.profile)))
        return

    folder = data_dir()
    mode = "free text" if args.bios else "short phrases"
    print(f"data: {folder}; mode: {mode}", file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        target = args.keep or Path(scratch)
        target.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            start = time.perf_counter()
            suffix = "_bios" if args.bios else ""
            path = target / f"scale_{size}_seed{args.seed}{suffix}.csv"
            path.write_text(synthetic_csv(size, args.seed, folder, args.bios), encoding="utf-8")
            print(f"  {size:,}: wrote {path.name} ({path.stat().st_size / 2**20:.1f} MiB) in "
                  f"{time.perf_counter() - start:.1f} s (not timed)", file=sys.stderr)
            command = [sys.executable, __file__, "--child", str(path)]
            if args.profile:
                command += ["--profile", args.profile]
            done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(result)
            print(f"  {size:,}: done in {sum(result['times'].values()):.1f} s", file=sys.stderr)

    what = ("a 100-200 word bio of EPSA abstract sentences and 0-4 listed interests each"
            if args.bios else "3-10 listed interests each")
    print(f"\nScale (seed {args.seed}; each size in a fresh process; CSV writing not timed)")
    print(f"Mode: {mode} ({what}; unique phrases = listed interests, hometowns and languages, "
          "not the bios)\n")
    print("| attendees | unique phrases | topics | model load s | import s | topics s "
          "| top-10 s | total s | peak RSS GB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        t = r["times"]
        print(f"| {r['attendees']:,} | {r['phrases']:,} | {r['topics']:,} | {t['model']:.1f} "
              f"| {t['import']:.1f} | {t['topics']:.1f} | {t['top10']:.1f} "
              f"| {sum(t.values()):.1f} | {r['peak_gb']:.2f} |")
    print()
    for r in results:
        peaks = ", ".join(f"{k} {v:.2f}" for k, v in r["peaks"].items())
        bios = (f"{r['bios']:,} bios of {r['bio_words_mean']:.0f} words on average, "
                if r["bios"] else "")
        print(f"- {r['attendees']:,}: {bios}{r['interests_mean']:.1f} listed interests on average; "
              f"{r['related']:,} related-topic pairs; "
              f"{r['with_10']:.1%} have 10 partners, {r['with_none']} have none; "
              f"mean best score {r['top1_mean']:.3f}, mean 10th {r['top10_mean']:.3f}; "
              f"peak RSS GB after each stage: {peaks}")
    limit_s, limit_gb = TARGETS[mode]
    big = [r for r in results if r["attendees"] >= 100_000]
    for r in big:
        total = sum(r["times"].values())
        ok = total <= limit_s and r["peak_gb"] <= limit_gb
        print(f"\nTarget ({mode}) 100,000 in <= {limit_s} s and <= {limit_gb:g} GB: "
              f"{'met' if ok else 'NOT met'} ({total:.0f} s, {r['peak_gb']:.2f} GB)")


if __name__ == "__main__":
    main()
