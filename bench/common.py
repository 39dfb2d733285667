"""Helpers shared by the benchmark scripts (not part of the package)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bench_data(folder: str) -> Path:
    """The shared benchmark folder ``folder``; exits with a clear message if absent."""
    base = Path(os.environ.get("TOUCHPOINTS_BENCH_DATA", ROOT.parent / "shared" / "bench"))
    path = base / folder
    if not path.is_dir():
        sys.exit(
            f"benchmark data not found at {path}: put the shared bench folder at "
            "../shared/bench or set TOUCHPOINTS_BENCH_DATA"
        )
    return path
