"""The timed steps of a session sheet: « 3. La respiration de la main (8 min) » as a heading under its « Déroulement »,
read the same way by the answer (which steps fit a shorter session), the extractive reader (which step a duration
question names) and the workshop planner (which step participants live)."""

from __future__ import annotations

import re

# « (8 min) », « (10 min par groupe) »: the minutes a heading gives its step.
_MINUTES = re.compile(r"\(\s*(\d+)\s*min", re.IGNORECASE)
# « 3. La respiration de la main (8 min) »: a step's number, title and minutes, the minutes closing the heading.
_STEP_HEADING = re.compile(r"^\s*(?:\d+\s*[.)-]\s*)?(.+?)\s*\((\d+)\s*min[^)]*\)\s*$")


def heading_minutes(heading: str) -> int | None:
    """The minutes a step heading gives, wherever they stand in it; None when it gives none."""
    match = _MINUTES.search(heading)
    return int(match.group(1)) if match else None


def timed_step(heading: str) -> tuple[str, int] | None:
    """A step heading's title and minutes when the heading ends on them (« Manche 2 (2 × 5 min) », a repeated round
    whose total is not the step's, is none)."""
    match = _STEP_HEADING.match(heading)
    if match is None or "×" in heading:
        return None
    return match.group(1).strip(), int(match.group(2))
