"""The planners' hot loops are compiled with numba: nopython mode, cached on disk,
so a loop costs its compile time once per installation, not once per run."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import numba

__all__ = ["jit"]

F = TypeVar("F", bound=Callable[..., object])


def jit(function: F) -> F:
    """Compile ``function`` to machine code (keeping its type for mypy)."""
    return cast(F, numba.njit(cache=True, nogil=True)(function))
