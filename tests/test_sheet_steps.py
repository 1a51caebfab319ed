"""The timed step headings of a session sheet, read once for the answer, the extractive reader and the planner."""

from assistant.sheet_steps import heading_minutes, timed_step


def test_a_numbered_step_gives_its_title_and_minutes() -> None:
    assert timed_step("3. La respiration de la main (8 min)") == ("La respiration de la main", 8)
    assert timed_step("Temps d'échange (10 min par groupe)") == ("Temps d'échange", 10)


def test_a_heading_without_closing_minutes_is_no_step() -> None:
    assert timed_step("Déroulement") is None
    assert timed_step("Étape (5 min) : les cartes") is None
    # A repeated round's minutes are not the step's total.
    assert timed_step("Manches (2 × 5 min)") is None


def test_minutes_are_read_wherever_they_stand() -> None:
    assert heading_minutes("Étape (5 min) : les cartes") == 5
    assert heading_minutes("Relaxation ( 9 minutes )") == 9
    assert heading_minutes("Objectifs") is None
