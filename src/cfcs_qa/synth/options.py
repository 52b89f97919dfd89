"""What a synthetic extract is generated from: every choice is a parameter, so a run is
reproducible (same options = byte-identical files)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEFAULT_ANCHOR = date(2026, 11, 20)
"""Fixed so the bundled sample regenerates byte for byte; October 2026 is complete and the
November/December 2026 audit cycle has data."""
DEFAULT_CHILDREN = 3_000
"""About the number of children a Guernsey-sized service touches in three years."""
DEFAULT_MONTHS = 36
DEFAULT_SEED = 20261120
GUERNSEY_POPULATION_0_17 = 11_500


@dataclass(frozen=True)
class SynthOptions:
    """``children``: size of the pool of children (and young people) the service touches;
    yearly volumes scale with it (the default gives ~600 referrals a year). ``months``:
    history length ending at ``anchor`` (the extract date). ``clean``: leave out the
    deliberate data-quality problems."""

    children: int = DEFAULT_CHILDREN
    seed: int = DEFAULT_SEED
    months: int = DEFAULT_MONTHS
    anchor: date = DEFAULT_ANCHOR
    clean: bool = False

    @property
    def scale(self) -> float:
        """Yearly volumes relative to the Guernsey-sized default."""
        return self.children / DEFAULT_CHILDREN
