"""The columns deduplication compares, derived from a person as registered.

One row per person, every value plain (strings, booleans, lists of strings) so the same rows
feed Splink on DuckDB or Spark. Names keep their Latin reading (romanized when registered in
Persian or Arabic script), their ranked Latin candidates and their consonant skeleton; dates
keep the year, the 1 January flag and the dates they may have been mistaken for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from resettle.core.case import Case
from resettle.core.person import Person
from resettle.registry.dedup.dates import date_variants, is_placeholder
from resettle.registry.dedup.names import fold_latin, has_arabic_script, romanize, skeleton

FeatureRow = dict[str, Any]


def name_features(prefix: str, name: str, original: str, *, family: bool) -> FeatureRow:
    """``<prefix>_latin``, ``<prefix>_key`` and ``<prefix>_candidates`` for one name."""
    latin, key, candidates = _name_columns(name, original, family=family)
    return {f"{prefix}_latin": latin, f"{prefix}_key": key,
            f"{prefix}_candidates": list(candidates) or None}


@lru_cache(maxsize=200_000)  # names repeat: a registry has far fewer names than persons
def _name_columns(name: str, original: str, *, family: bool,
                  ) -> tuple[str | None, str | None, tuple[str, ...]]:
    candidates = romanize(name)
    if original and has_arabic_script(original) and not has_arabic_script(name):
        candidates = tuple(dict.fromkeys((*candidates, *romanize(original))))
    key = skeleton(name, family=family) or skeleton(original, family=family)
    return (candidates[0] if candidates else None), (key or None), candidates


def person_features(person: Person, household: Iterable[Person] = ()) -> FeatureRow:
    """The comparison columns of one person; ``household`` is the rest of the case."""
    relatives = {skeleton(r.name) for r in person.relatives}
    relatives.update(skeleton(m.given_name) for m in household if m.person_id != person.person_id)
    relatives.discard("")
    row: FeatureRow = {"unique_id": person.person_id, "case_id": person.case_id}
    row.update(name_features("given", person.given_name, person.given_name_original,
                             family=False))
    row.update(name_features("family", person.family_name, person.family_name_original,
                             family=True))
    row["given_plain"] = fold_latin(person.given_name) or None  # the baseline's only reading
    row["family_plain"] = fold_latin(person.family_name) or None
    row["name_key"] = f"{row['given_key'] or ''}|{row['family_key'] or ''}"
    # Blocking only: the family skeleton's first letter, and the date unless a placeholder.
    row["family_initial"] = (row["family_key"] or "")[:1] or None
    row.update(
        sex=person.sex.value,
        nationality=person.nationality or None,
        dob=person.birth_date.isoformat(),
        birth_year=person.birth_date.year,
        dob_placeholder=is_placeholder(person.birth_date),
        exact_dob=None if is_placeholder(person.birth_date) else person.birth_date.isoformat(),
        dob_variants=[d.isoformat() for d in date_variants(person.birth_date)],
        relatives_keys=sorted(relatives) or None,
    )
    return row


def registry_rows(cases: Iterable[Case]) -> Iterator[FeatureRow]:
    """Feature rows of every member of every case."""
    for case in cases:
        for member in case.members:
            yield person_features(member, case.members)
