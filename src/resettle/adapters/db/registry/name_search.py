"""Which cases have a member whose id or name matches a search text, by index where there is one.

Every word of the text (``registry.search``: folded, in any order) must occur as a substring
of one person's four names (Latin and original script), letters compared without case as
Python's ``str.lower`` does (as PostgreSQL's ``lower()`` does too). SQLite answers from the
trigram table ``person_names`` (migration ``0310_name_search``) and PostgreSQL from trigram
indexes on the lowered names; a word of fewer than three characters has no trigram, so it is
matched by reading every name. Stored names are not folded: a name stored with harakat or
accents is found by the word typed with them, or by a word without the marked letter.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    and_,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.members import merged_away_ids, survivors
from resettle.adapters.db.registry.tables import PersonRow
from resettle.registry.search import fold, search_terms, search_words

_persons: Table = PersonRow.__table__  # type: ignore[assignment]
# Not in the ORM metadata: an FTS5 virtual table, created and kept in step by the migration.
_person_names = table("person_names", column("names"), column("case_id"))
MAX_VARIANTS = 16
SEARCH_CAP = 1000  # matching persons ordered for a page; beyond it, "more than"
TRIGRAM = 3
NAME_COLUMNS = ("given_name", "family_name", "given_name_original", "family_name_original")
# Objects the migration makes that the table declarations do not describe.
SEARCH_INDEX_OBJECTS = ("person_names", *(f"ix_persons_trgm_{name}" for name in NAME_COLUMNS))


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` escaped by a backslash."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def case_variants(needle: str) -> list[str]:
    """``needle`` with each non-ASCII letter in both cases (at most ``MAX_VARIANTS`` forms).

    SQLite's LIKE, in the trigram table as elsewhere, ignores the case of ASCII letters only:
    "élodie" must also be looked for as "Élodie". Persian and Arabic letters have no case.
    """
    options = [sorted({char, char.lower(), char.upper()})
               if not char.isascii() and char.lower() != char.upper() else [char]
               for char in needle]
    if math.prod(len(option) for option in options) > MAX_VARIANTS:
        return sorted({needle, needle.lower(), needle.upper()})
    return ["".join(chars) for chars in itertools.product(*options)]


@dataclass(frozen=True)
class NameMatches:
    """Case ids of matching persons (a subquery), and whether more persons matched than the cap."""

    case_ids: Select[Any]
    capped: bool


def cases_matching(session: Session, needle: str, *, within: Any = None,
                   cap: int = SEARCH_CAP) -> NameMatches:
    """Persons whose id is ``needle`` or one of whose names contains it; at most ``cap``.

    A common family name can match a tenth of a registry. Ordering all those cases for one
    page cost tens of milliseconds a search; past ``cap`` persons the caller says "more than"
    and asks for a longer text. ``within`` (a subquery of case ids) is applied first, so a
    narrow scope is never crowded out by matches outside it.
    """
    parts = _matching_persons(session, needle)
    if within is not None:
        parts = [part.where(part.selected_columns.case_id.in_(within)) for part in parts]
    found = union_all(*parts).limit(cap + 1).subquery() if len(parts) > 1 else \
        parts[0].limit(cap + 1).subquery()
    matched = session.scalar(select(func.count()).select_from(found)) or 0
    return NameMatches(select(found.c.case_id), capped=matched > cap)


def _matching_persons(session: Session, needle: str) -> list[Select[Any]]:
    """Persons whose id is ``needle`` (as typed or in capitals), or in whose names every word
    of it occurs (``registry.search``: folded, in the letter forms a stored name may hold)."""
    by_id = select(_persons.c.case_id).where(
        _persons.c.person_id.in_(sorted({needle, needle.upper()})))
    terms = search_terms(needle)
    if not terms:
        return [by_id]
    if session.get_bind().dialect.name != "sqlite":
        return [by_id, select(_persons.c.case_id).where(and_(*(or_(*(
            func.lower(_persons.c[name]).like(like_pattern(form.lower()), escape="\\")
            for name in NAME_COLUMNS for form in spellings)) for spellings in terms)))]
    names: Any = literal_column("person_names.names")
    indexed = [spellings for spellings in terms if min(map(len, spellings)) >= TRIGRAM]
    conditions: list[Any] = []
    if indexed:
        # Quoted phrases of trigrams are substring matches, their letters folded by the index.
        phrase = " AND ".join("(" + " OR ".join('"' + form.replace('"', '""') + '"'
                                                for form in spellings) + ")"
                              for spellings in indexed)
        conditions.append(literal_column("person_names").op("MATCH")(phrase))
    for spellings in terms:  # no trigram to look up: every name is read, case folded by LIKE
        if spellings not in indexed:
            conditions.append(or_(*(names.like(like_pattern(variant), escape="\\")
                                    for form in spellings for variant in case_variants(form))))
    return [by_id, select(_person_names.c.case_id).where(and_(*conditions))]


def merged_matching(session: Session, needle: str, case_ids: Sequence[str],
                    ) -> tuple[tuple[str, str], ...]:
    """Of the records merged away as duplicates in ``case_ids`` (a page of found cases), those
    whose id or names match ``needle`` (every word in their names, folded as a search folds),
    with the person each was merged into: a search shows such a record only as merged into
    its survivor, since its case no longer lists it."""
    rows = session.execute(
        select(_persons.c.person_id, *(_persons.c[name] for name in NAME_COLUMNS))
        .where(_persons.c.case_id.in_(list(case_ids)),
               _persons.c.person_id.in_(merged_away_ids())))
    words = search_words(needle)
    matched = [row[0] for row in rows
               if row[0] in {needle, needle.upper()}
               or (words and all(w in fold(" ".join(row[1:])) for w in words))]
    kept = survivors(session, matched)
    return tuple((person_id, kept[person_id]) for person_id in sorted(matched)
                 if person_id in kept)
