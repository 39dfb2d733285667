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
def demo_plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    cards = folder / "cards.html"
    result = CliRunner().invoke(
        cli,
        ["plan", "--demo", "--size", "8", "--rounds", "2", "--time", "2", "--cards", str(cards)],
    )
    assert result.exit_code == 0, result.output
    return result.stdout, cards.read_text(encoding="utf-8"), result.stderr


def test_plan_seats_every_demo_attendee_once_per_round(demo_plan):
    rows = list(csv.DictReader(io.StringIO(demo_plan[0])))

    for round_number in ("1", "2"):
        seated = [r["attendee_id"] for r in rows if r["round"] == round_number]
        assert len(seated) == 120
        assert len(set(seated)) == 120
    sizes = {(r["round"], r["table"]) for r in rows}
    assert len(sizes) == 30


def test_plan_explains_hooks_and_prints_metrics(demo_plan):
    rows = list(csv.DictReader(io.StringIO(demo_plan[0])))

    assert all(r["hook"] for r in rows)
    assert any("You both" in r["hook"] or "You’re both" in r["hook"] for r in rows)
    assert "hook coverage" in demo_plan[2]
    assert "rule violations 0" in demo_plan[2]


def test_plan_outputs_carry_no_email(demo_plan):
    assert EMAIL.findall(demo_plan[0]) == []
    assert EMAIL.findall(demo_plan[1]) == []


def test_plan_cards_have_one_card_per_table_and_an_agenda_per_attendee(demo_plan):
    html = demo_plan[1]

    assert html.count("<h2>Round ") == 30
    assert html.count('class="card agenda"') == 120


def test_plan_cards_escape_what_attendees_typed(tmp_path):
    path = tmp_path / "evil.csv"
    path.write_text(
        'Name,Interests\n"<script>alert(1)</script> Eve",chess\nBo,chess\nCy,chess\n',
        encoding="utf-8",
    )
    cards = tmp_path / "cards.html"

    result = CliRunner().invoke(
        cli, ["plan", str(path), "--size", "3", "--time", "0.2", "--cards", str(cards)]
    )

    assert result.exit_code == 0, result.output
    html = cards.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_plan_json_lists_rounds_of_tables():
    result = CliRunner().invoke(
        cli, ["plan", "--demo", "--capacities", "40,40,40", "--time", "0.5", "--format", "json"]
    )

    document = json.loads(result.stdout)

    assert result.exit_code == 0
    assert [len(t["seats"]) for t in document] == [40, 40, 40]


def test_plan_history_keeps_earlier_tablemates_apart(tmp_path):
    people = "Name,Interests\n" + "".join(f"P{i},chess\n" for i in range(9))
    path = tmp_path / "nine.csv"
    path.write_text(people, encoding="utf-8")
    first = tmp_path / "first.csv"
    CliRunner().invoke(
        cli, ["plan", str(path), "--size", "3", "--time", "0.2", "--out", str(first)]
    )

    result = CliRunner().invoke(
        cli, ["plan", str(path), "--size", "3", "--time", "0.5", "--history", str(first)]
    )

    def pairs(text):
        tables = {}
        for row in csv.DictReader(io.StringIO(text)):
            tables.setdefault(row["table"], []).append(row["attendee_id"])
        return {frozenset((a, b)) for m in tables.values() for a in m for b in m if a != b}

    assert result.exit_code == 0, result.output
    assert pairs(first.read_text(encoding="utf-8")) & pairs(result.stdout) == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--capacities", "8,x"], "expected numbers"),
        (["--capacities", "10,10"], "do not fit"),
    ],
)
def test_plan_bad_layouts_are_clear_errors(args, message):
    result = CliRunner().invoke(cli, ["plan", "--demo", "--time", "0", *args])

    assert result.exit_code in (1, 2)
    assert message in result.output
