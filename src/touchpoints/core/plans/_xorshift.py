"""A random-number generator for compiled code: xorshift64 (Marsaglia 2003).

numba's own generator is global; this one keeps its state in a one-element array the
caller owns, so a seeded search repeats itself. Without a multiplication it does not
warn of overflow when run uncompiled.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from touchpoints.core.plans._jit import jit

__all__ = ["below", "random_bits"]


@jit
def random_bits(state: npt.NDArray[np.uint64]) -> np.uint64:
    """The next 64 random bits of the stream whose state is ``state[0]`` (never 0)."""
    x = state[0]
    x ^= x << np.uint64(13)
    x ^= x >> np.uint64(7)
    x ^= x << np.uint64(17)
    state[0] = x
    return np.uint64(x)


@jit
def below(state: npt.NDArray[np.uint64], k: int) -> int:
    """A random integer in [0, k)."""
    return int((random_bits(state) >> np.uint64(11)) % np.uint64(k))
