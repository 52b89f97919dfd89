"""Seeds and generators: every random choice in sampling is reproducible from the run's seed.

One generator per draw, ``numpy.random.Generator(numpy.random.PCG64(seed))``, consumed in
this fixed order (``draw.draw_sample`` then ``run``):

1. ``permutation(K)``: the strata's tie-break ranks (strata sorted by category, team);
2. ``permutation(m)`` for every stratum in that order: the order its eligible cases (sorted
   by child_id) are taken in;
3. ``permutation(S)``: the auditors' slots' order of preference in the matching;
4. ``choice(A, k, replace=False)``: the allocations flagged for family contact (A sorted by
   allocation id).

Later changes to one allocation (moving a declined family-contact flag, drawing a
replacement case) use their own generator derived from the run's seed, a purpose and the
allocation id, so they never depend on what else happened in between.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

SEED_LIMIT = 2**63
"""Seeds are whole numbers 0 <= seed < 2**63 (the store keeps them as BIGINT)."""


def new_seed() -> int:
    """A fresh seed when the user gives none (printed and stored with the sample)."""
    return secrets.randbelow(10**9)


def check_seed(seed: int) -> int:
    if not 0 <= int(seed) < SEED_LIMIT:
        from ..errors import UserError

        raise UserError(f"--seed {seed} is out of range: use a whole number from 0 to 2**63 - 1.")
    return int(seed)


def generator(seed: int) -> Any:
    import numpy as np

    return np.random.Generator(np.random.PCG64(int(seed)))


def derived_seed(seed: int, purpose: str, key: str) -> int:
    """A seed for one later change: SHA-256 of ``seed:purpose:key``, first 8 bytes, < 2**63."""
    digest = hashlib.sha256(f"{int(seed)}:{purpose}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % SEED_LIMIT


def derived_generator(seed: int, purpose: str, key: str) -> Any:
    return generator(derived_seed(seed, purpose, key))
