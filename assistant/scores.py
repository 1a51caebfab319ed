"""Small numeric helpers shared by the scorers (retrieval fusion, passage ranking, the linear models)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy stays out of the import of assistant.safety (which only needs `sigmoid`)
    import numpy as np


def minmax(values: np.ndarray) -> np.ndarray:
    """Scores rescaled to [0, 1]; a constant array becomes ones when positive, zeros otherwise (a signal
    that says nothing must not outweigh the other one in a fusion)."""
    import numpy as np

    if values.size == 0:
        return values
    lo, hi = float(values.min()), float(values.max())
    if hi - lo < 1e-9:
        return np.ones_like(values) if hi > 0 else np.zeros_like(values)
    return (values - lo) / (hi - lo)


def sigmoid(z: float) -> float:
    """The logistic function, without overflow for large |z|."""
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
