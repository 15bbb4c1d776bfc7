"""Levers on common random numbers: paired differences, ranking, and the figures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from operation_helpers import cases, params

from resettle.simulation.operation.forecast import forecast_operation
from resettle.simulation.operation.levers import (
    Lever,
    compare_levers,
    faster_vetting,
    more_flights,
    more_interviewers,
    more_places,
    standard_levers,
)
from resettle.simulation.operation.params import Stage
from resettle.simulation.operation.report import (
    band_lines,
    forecast_lines,
    lever_lines,
    summary_line,
)


def test_levers_are_ranked_by_days_saved_with_paired_intervals(tmp_path: Path) -> None:
    # 60 persons, 40 places: only more places lets everyone leave.
    p = params(places=40, attack_rate_per_day=0.0)
    starts = cases(60, Stage.PLACEMENT)
    levers = (more_interviewers(2), more_places(30, "ALB"), faster_vetting(30))
    base, ranked = compare_levers(p, starts, levers, replications=4, seed=2)
    best = ranked[0]
    assert best.name == "30 more places in ALB"
    assert best.days_saved.mean > 0 and best.left_behind_saved.mean > 0
    assert best.share_everyone_left == 1.0 and not base.everyone_left.any()
    interviews = next(e for e in ranked if "interviewers" in e.name)
    # Cases already past interviews: the lever changes nothing, exactly (same numbers).
    assert interviews.days_saved.mean == interviews.person_days_saved.mean == 0.0
    assert "30 more places in ALB" in lever_lines(ranked)[1]
    assert "days on the last departure" not in lever_lines(ranked, 0.0)[2]
    # The baseline never empties the camp here: ranked by person-days, not by the horizon.
    by_risk = sorted(ranked, key=lambda e: -e.person_days_saved.mean)
    assert [e.name for e in ranked] == [e.name for e in by_risk]
    forecast = forecast_operation(p, starts, replications=2, seed=2)
    assert summary_line(forecast, ranked).endswith("what helps most: 30 more places in ALB")


def test_the_forecast_reports_dates_a_band_and_deaths(tmp_path: Path) -> None:
    p = params(places=100, attack_rate_per_day=0.01)
    forecast = forecast_operation(p, cases(50), replications=5, seed=4)
    assert forecast.share_everyone_left == 1.0
    last = forecast.last_departure_days
    assert 0 < last.low <= last.median <= last.high
    assert forecast.in_camp[1][0] == 50 and forecast.in_camp[2][-1] == 0
    assert forecast.expected_deaths.median > 0
    text = forecast_lines(forecast)
    assert "Last person departs" in text[1]
    assert band_lines(forecast)[1].startswith(f"  {p.start}: 50")


def test_standard_levers_name_the_largest_host() -> None:
    names = [lever.name for lever in standard_levers(params(places=10))]
    assert "500 more places in ALB" in names and len(names) == 5
    chosen = [lever.name for lever in standard_levers(params(places=10), places_in="DEU")]
    assert "500 more places in DEU" in chosen


@pytest.mark.parametrize("lever", [more_interviewers(2), more_places(40, "ALB"),
                                   faster_vetting(30), more_flights(2.0)],
                         ids=lambda lever: lever.name)
def test_more_capacity_never_makes_the_median_closure_later(lever: Lever) -> None:
    # Every step can bind here: few interviewers, small slow flights.
    p = params(places=90, interviewers=2, attack_rate_per_day=0.0)
    p = replace(p, default_host=replace(p.default_host, seats_per_flight=10,
                                        flight_interval_days=30.0))
    base, effects = compare_levers(p, cases(40, persons=2), [lever], replications=6, seed=8)
    assert base.everyone_left.all()  # so the last departure is a real date, not the horizon
    (effect,) = effects
    assert effect.days_saved.mean >= 0.0
    assert effect.person_days_saved.mean >= 0.0
