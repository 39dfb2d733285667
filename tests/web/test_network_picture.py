from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from touchpoints.core.network import Tie
from touchpoints.web.network_picture import ISOLATED_FILL, LINKED_FILL, network_svg

SVG = "{http://www.w3.org/2000/svg}"
AT = datetime.datetime(2025, 5, 1, 10)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def circles(root: ET.Element) -> dict[str, ET.Element]:
    """Circles keyed by their tooltip."""
    return {c.find(f"{SVG}title").text: c for c in root.iter(f"{SVG}circle")}


def fill_of(root: ET.Element, circle: ET.Element) -> str:
    if "fill" in circle.attrib:
        return circle.get("fill")
    parents = {child: parent for parent in root.iter() for child in parent}
    return parents[circle].get("fill")


POSITIONS = {"a": (0.0, 0.0), "b": (1.0, 0.0), "c": (0.5, 0.5), "d": (0.5, 1.0)}
LABELS = {"a": "Ann", "b": "Bo", "c": "Cy", "d": "Di"}
TIES = [Tie("a", "b", AT), Tie("a", "c", AT)]


def test_network_svg_draws_one_circle_per_person_and_one_segment_per_tie():
    root = parse(network_svg(POSITIONS, TIES, LABELS))

    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 800 600"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith("Touchpoint network: 4 attendees, 2")
    assert sorted(circles(root)) == ["Ann", "Bo", "Cy", "Di"]
    (path,) = root.iter(f"{SVG}path")
    assert path.get("d").count("M") == 2
    assert path.get("d").count("L") == 2


def test_network_svg_sizes_by_touchpoints_and_colours_the_isolated():
    root = parse(network_svg(POSITIONS, TIES, LABELS))
    dots = circles(root)

    radius = {name: float(c.get("r")) for name, c in dots.items()}
    assert radius["Ann"] > radius["Bo"] == radius["Cy"] > radius["Di"]
    assert fill_of(root, dots["Di"]) == ISOLATED_FILL
    assert fill_of(root, dots["Ann"]) == LINKED_FILL


def test_network_svg_keeps_everyone_inside_the_canvas():
    root = parse(network_svg(POSITIONS, TIES, LABELS, width=300, height=200))

    for c in root.iter(f"{SVG}circle"):
        x, y, r = (float(c.get(k)) for k in ("cx", "cy", "r"))
        assert r <= x <= 300 - r
        assert r <= y <= 200 - r


def test_network_svg_escapes_labels():
    labels = {**LABELS, "a": "<script>alert(1)</script>", "b": 'Bo & "Co"\x00\x1b'}

    svg = network_svg(POSITIONS, TIES, labels)

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    names = circles(parse(svg))
    assert "<script>alert(1)</script>" in names
    assert 'Bo & "Co"' in names


def test_network_svg_falls_back_to_the_id_without_a_label():
    root = parse(network_svg({"x1": (0.5, 0.5)}, [], {}))

    assert list(circles(root)) == ["x1"]


def test_network_svg_highlights_on_top_and_ignores_unknown_ids():
    root = parse(network_svg(POSITIONS, TIES, LABELS, highlight={"d", "b", "nobody"}))

    (group,) = (g for g in root.iter(f"{SVG}g") if g.get("class") == "highlight")
    ringed = [c.find(f"{SVG}title").text for c in group]
    assert ringed == ["Bo", "Di"]
    assert [c.get("fill") for c in group] == [LINKED_FILL, ISOLATED_FILL]
    assert list(root)[-1] is group
    assert len(circles(root)) == 4


def test_network_svg_of_an_empty_network_is_just_the_frame():
    root = parse(network_svg({}, [], {}))

    assert [child.tag for child in root] == [f"{SVG}title"]
    assert "0 attendees, 0 touchpoints" in root.find(f"{SVG}title").text


def test_network_svg_rejects_a_tie_without_positions():
    with pytest.raises(ValueError, match="'zed'"):
        network_svg(POSITIONS, [Tie("a", "zed", AT)], LABELS)


def test_network_svg_rounds_coordinates_to_one_decimal():
    root = parse(network_svg({"a": (0.123456, 0.654321)}, [], {}))

    (dot,) = root.iter(f"{SVG}circle")
    for key in ("cx", "cy", "r"):
        assert len(dot.get(key).partition(".")[2]) <= 1
