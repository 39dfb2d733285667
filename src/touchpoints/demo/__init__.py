"""The bundled demo event: ~120 fictional attendees of a tech & community meetup."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DEMO_FILENAME", "demo_event_bytes"]

DEMO_FILENAME = "demo_event.csv"


def demo_event_bytes() -> bytes:
    """The demo registration file, as shipped inside the package."""
    return (resources.files(__name__) / DEMO_FILENAME).read_bytes()


def demo_event_path() -> Path:
    """Where the demo file lies when the package is installed as plain files."""
    return Path(str(resources.files(__name__) / DEMO_FILENAME))
