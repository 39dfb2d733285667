from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from touchpoints.cli import cli

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture(scope="module")
def demo_matches_csv():
    result = CliRunner().invoke(cli, ["match", "--demo", "--top", "3", "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_match_demo_lists_every_attendee_and_reports_loners(demo_matches_csv):
    rows = list(csv.DictReader(io.StringIO(demo_matches_csv)))

    attendees = {r["attendee_id"] for r in rows}
    loners = {r["attendee"] for r in rows if r["partner_id"] == ""}

    assert len(attendees) == 120
    assert {"Oswin Thackeray", "Rufus Ellingham"} <= loners
    assert all(r["explanation"] for r in rows)


def test_match_demo_explains_english_football_with_both_phrases(demo_matches_csv):
    rows = list(csv.DictReader(io.StringIO(demo_matches_csv)))

    tom = [r for r in rows if r["attendee"] == "Tom Hadley" and r["topic"] == "English football"]

    assert tom
    assert "you: “Arsenal”" in tom[0]["explanation"]
    assert "of 120 people here do." in tom[0]["explanation"]


def test_match_output_never_contains_an_email(demo_matches_csv):
    assert EMAIL.findall(demo_matches_csv) == []


def test_match_json_has_ranked_matches():
    result = CliRunner().invoke(cli, ["match", "--demo", "--top", "2", "--format", "json"])

    document = json.loads(result.stdout)

    assert result.exit_code == 0
    assert len(document) == 120
    first = next(d for d in document if d["matches"])
    assert [m["score"] for m in first["matches"]] == sorted(
        (m["score"] for m in first["matches"]), reverse=True
    )
    assert EMAIL.findall(result.stdout) == []


def test_match_table_prints_names_and_shared_points():
    result = CliRunner().invoke(cli, ["match", "--demo", "--top", "1"])

    assert result.exit_code == 0
    assert "Tom Hadley" in result.stdout
    assert "no common ground with anyone here yet" in result.stdout


def test_topics_demo_shows_counts_and_examples():
    result = CliRunner().invoke(cli, ["topics", "--demo", "--format", "json"])

    topics = {t["topic"]: t for t in json.loads(result.stdout)}

    assert result.exit_code == 0
    assert topics["English football"]["wrote_it"] >= 5
    assert "Arsenal" in topics["English football"]["examples"]
    assert topics["American football"]["attendees"] == 4


def test_match_neutralizes_formulas_in_csv(tmp_path):
    path = tmp_path / "evil.csv"
    path.write_text("Name,Interests\n=cmd|' /C calc'!A0,chess\nBo,chess\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["match", str(path), "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout)))

    assert result.exit_code == 0
    assert rows[1][1] == "'=cmd|' /C calc'!A0"


def test_a_bad_file_gives_one_clear_line_and_exit_code_1(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Name,Email\nAnn,not-an-address\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["match", str(path)])

    assert result.exit_code == 1
    assert "bad.csv" in result.output
    assert "line 2" in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["topics", str(tmp_path / "nope.csv")])

    assert result.exit_code == 1
    assert "no such file" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["match"],
        ["match", "--demo", "x.csv"],
        ["match", "--demo", "--column", "oops"],
        ["match", "--demo", "--top", "0"],
    ],
)
def test_usage_errors_exit_with_2(args):
    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 2


def test_column_overrides_reach_the_importer(tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text("Who,Likes\nAnn,chess\nBo,chess\n", encoding="utf-8")

    result = CliRunner().invoke(
        cli,
        [
            "match",
            str(path),
            "--column",
            "name=Who",
            "--column",
            "interests=Likes",
            "--format",
            "json",
        ],
    )

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document[0]["matches"][0]["topic"] == "chess"
