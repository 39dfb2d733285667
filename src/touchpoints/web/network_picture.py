"""The touchpoint network as one standalone SVG, drawn on the server (no JavaScript).

Positions come from :func:`touchpoints.core.network.layout`. Every tie is a segment of
one ``<path>`` (20,000 ties as ``<line>`` elements would be several times bigger), every
attendee a circle sized by their number of touchpoints with a ``<title>`` tooltip; people
with no touchpoint are drawn in their own colour, highlighted people with a dark ring.
Labels are typed by attendees, so they are XML-escaped and stripped of the characters
XML cannot hold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from xml.sax.saxutils import escape

from touchpoints.core.network import Tie, touchpoints_per_attendee

__all__ = ["network_svg"]

#: Fill of people with touchpoints, of people with none, the ties' stroke, and the ring
#: of highlighted people (blue and orange stay apart for colour-blind readers).
LINKED_FILL = "#2563eb"
ISOLATED_FILL = "#ea580c"
TIE_STROKE = "#64748b"
HIGHLIGHT_STROKE = "#111827"

# Code points XML 1.0 cannot hold, even escaped (control characters, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _number(value: float) -> str:
    """``value`` to 1 decimal, without a trailing ``.0``: coordinates stay short."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def network_svg(
    positions: Mapping[str, tuple[float, float]],
    ties: Sequence[Tie],
    labels: Mapping[str, str],
    *,
    width: int = 800,
    height: int = 600,
    highlight: Collection[str] = (),
) -> str:
    """The network as an ``<svg>`` element: one circle per id in ``positions`` (unit
    square coordinates, y downwards), one segment per tie.

    A circle's tooltip is ``labels[id]`` (the id when it has no label). Ids in
    ``highlight`` but not in ``positions`` are ignored. Raises ValueError when a tie
    names an id that has no position.
    """
    ids = list(positions)
    degree = touchpoints_per_attendee(ids, ties)
    busiest = max(degree.values(), default=0)
    # Smaller dots for bigger crowds; the busiest person's dot is 2.5 times the base.
    base = min(5.0, max(1.5, 0.1 * math.sqrt(width * height / max(1, len(ids)))))
    pad = 2.5 * base + 2
    span_x, span_y = max(1.0, width - 2 * pad), max(1.0, height - 2 * pad)

    # Each person's coordinates, formatted once (a busy person ends many segments).
    xy = {
        person: (
            _number(pad + min(1.0, max(0.0, x)) * span_x),
            _number(pad + min(1.0, max(0.0, y)) * span_y),
        )
        for person, (x, y) in positions.items()
    }

    def circle(person: str, fill: str | None = None) -> str:
        x, y = xy[person]
        r = base * (1 + 1.5 * math.sqrt(degree[person] / busiest)) if busiest else base
        colour = f' fill="{fill}"' if fill else ""
        label = _text(labels.get(person, person))
        return f'<circle cx="{x}" cy="{y}" r="{_number(r)}"{colour}><title>{label}</title></circle>'

    marked = set(highlight) & degree.keys()
    linked = [p for p in ids if degree[p] and p not in marked]
    alone = [p for p in ids if not degree[p] and p not in marked]
    alone_count = sum(1 for count in degree.values() if not count)
    summary = (
        f"Touchpoint network: {len(ids)} attendees, {len(ties)} touchpoints, "
        f"{alone_count} without a touchpoint yet"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="network">',
        f"<title>{summary}</title>",
    ]
    if ties:
        segments = "".join(f"M{xy[t.a][0]} {xy[t.a][1]}L{xy[t.b][0]} {xy[t.b][1]}" for t in ties)
        # Fainter as ties multiply, so thousands of them stay a haze, not a blot.
        opacity = min(0.6, max(0.15, 30 / math.sqrt(len(ties))))
        parts.append(
            f'<path class="ties" d="{segments}" fill="none" stroke="{TIE_STROKE}" '
            f'stroke-opacity="{opacity:.2f}" stroke-width="0.6"/>'
        )
    if linked:
        parts.append(f'<g class="linked" fill="{LINKED_FILL}">')
        parts.extend(circle(p) for p in linked)
        parts.append("</g>")
    if alone:
        parts.append(f'<g class="isolated" fill="{ISOLATED_FILL}">')
        parts.extend(circle(p) for p in alone)
        parts.append("</g>")
    if marked:
        # Drawn last, so on top of everyone else.
        parts.append(f'<g class="highlight" stroke="{HIGHLIGHT_STROKE}" stroke-width="2">')
        parts.extend(
            circle(p, LINKED_FILL if degree[p] else ISOLATED_FILL) for p in ids if p in marked
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
