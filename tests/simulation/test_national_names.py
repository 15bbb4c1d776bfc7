"""Names as a national registry holds them: well formed in both scripts, frequent as published."""

from __future__ import annotations

from collections import Counter

import numpy as np

from resettle.registry.dedup.names import has_arabic_script, skeleton
from resettle.simulation.duplicates import generate_registry_with_duplicates
from resettle.simulation.names import FAMILY
from resettle.simulation.national_names import (
    COMPOUND_GIVEN_FEMALE,
    COMPOUND_GIVEN_MALE,
    NATIONAL_NAMES,
    TOP_FAMILY,
    family_names,
)


def test_every_family_name_reads_the_same_in_both_scripts() -> None:
    """A name's Latin and Persian forms share their consonant skeleton: a re-registration in
    Persian script is then noise the benchmark means (script), not a different name."""
    names = family_names()
    assert len(names) == len({latin for latin, _ in names}) > 1000
    for latin, persian in names:
        assert has_arabic_script(persian) and not has_arabic_script(latin)
        assert skeleton(latin, family=True) == skeleton(persian, family=True), latin
    for latin, persian in (*COMPOUND_GIVEN_MALE, *COMPOUND_GIVEN_FEMALE):
        assert skeleton(latin) == skeleton(persian), latin


def test_family_names_are_as_frequent_as_the_civil_registry_counts() -> None:
    """The most frequent name holds about 1% of persons (Mohammadi: 960,505 of some 85
    million), the ten most frequent about a tenth, in the registry's order, and the rest is a
    long tail: no name of the camp's list dominates."""
    rng = np.random.default_rng(3)
    drawn = Counter(NATIONAL_NAMES.draw(rng, bool(i % 2))[1] for i in range(100_000))
    share = {name: count / 100_000 for name, count in drawn.items()}
    assert 0.008 < share["Mohammadi"] < 0.016
    top_ten = sum(share.get(name, 0.0) for name in TOP_FAMILY)
    assert 0.07 < top_ten < 0.13
    assert share["Mohammadi"] > share["Hosseini"] > share["Ghasemi"]
    assert len(drawn) > 1000  # single and double-barrelled names
    assert sum(v * v for v in share.values()) < 0.005  # the camp's 70 names: 0.014


def test_the_camp_scenario_keeps_its_own_names() -> None:
    """National names are asked for; the camp scenario (demo, tests) is unchanged by them."""
    camp = generate_registry_with_duplicates(4, 300)
    national = generate_registry_with_duplicates(4, 300, national_names=True)
    camp_families = {p.family_name for p in camp.persons if not p.person_id.startswith("DUP")}
    assert camp_families <= {latin for latin, _ in FAMILY}
    assert len({p.family_name for p in national.persons}) > len(camp_families)
    assert len(camp.truth) > len({*camp.truth.values()})  # re-registrations in both
    assert len(national.truth) > len({*national.truth.values()})
