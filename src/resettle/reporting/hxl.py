"""The public aggregate table in HXL: persons by country of origin and stage, as of a day.

One row per (country of origin, stage) and a last row of totals (``#status`` = ``total``);
columns count persons by sex and age group (children 0-17, adults 18-59, older persons 60+),
those of another or unrecorded sex, then the row's total. Small cells are suppressed (k = 5,
:mod:`.suppression`) with the totals: a hidden count is written as an empty cell and
``#meta+suppressed`` names the hidden columns of the row. The schema in ``hxl_schema.csv``
says what a valid file holds.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources

from resettle.core.csv_cells import formula_safe_writer
from resettle.reporting.records import Aggregates, PopulationColumn
from resettle.reporting.suppression import K_DEFAULT, Suppression, suppress

TOTAL = "total"
# column -> (header, hashtag)
POPULATION_TAGS: dict[PopulationColumn, tuple[str, str]] = {
    PopulationColumn.FEMALE_CHILDREN: ("Girls (0-17)", "#population+f+children"),
    PopulationColumn.FEMALE_ADULTS: ("Women (18-59)", "#population+f+adults"),
    PopulationColumn.FEMALE_ELDERLY: ("Women (60+)", "#population+f+elderly"),
    PopulationColumn.MALE_CHILDREN: ("Boys (0-17)", "#population+m+children"),
    PopulationColumn.MALE_ADULTS: ("Men (18-59)", "#population+m+adults"),
    PopulationColumn.MALE_ELDERLY: ("Men (60+)", "#population+m+elderly"),
    PopulationColumn.OTHER_SEX: ("Other or unrecorded sex", "#population+x"),
}
KEY_COLUMNS = (("Date", "#date"), ("Country of origin", "#country+code+origin"),
               ("Country of asylum", "#country+code+asylum"), ("Stage", "#status"))
TAIL_COLUMNS = (("Total persons", "#population+total"),
                ("Suppressed cells", "#meta+suppressed"))
HEADERS = [h for h, _ in KEY_COLUMNS] + [h for h, _ in POPULATION_TAGS.values()] + [
    h for h, _ in TAIL_COLUMNS]
HASHTAGS = [t for _, t in KEY_COLUMNS] + [t for _, t in POPULATION_TAGS.values()] + [
    t for _, t in TAIL_COLUMNS]


@dataclass(frozen=True)
class HxlTable:
    text: str  # the CSV: header row, hashtag row, data rows
    suppression: Suppression
    rows: int


def population_grid(aggregates: Aggregates) -> tuple[list[tuple[str, str]], list[list[int]]]:
    keys = list(aggregates.population)
    grid = [[aggregates.population[key].get(c, 0) for c in PopulationColumn] for key in keys]
    return [(origin, str(group)) for origin, group in keys], grid


def hxl_table(aggregates: Aggregates, *, asylum_country: str,
              k: int = K_DEFAULT) -> HxlTable:
    """The suppressed table as HXL-tagged CSV; nothing in it names or counts fewer than k."""
    keys, grid = population_grid(aggregates)
    suppression = suppress(grid, k)
    published = suppression.published()
    out = io.StringIO()
    writer = formula_safe_writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerow(HASHTAGS)
    day = aggregates.as_of.isoformat()
    labels = [*keys, ("", TOTAL)]
    columns = list(POPULATION_TAGS.values())
    for (origin, stage), row in zip(labels, published, strict=True):
        hidden = [columns[j][1] if j < len(columns) else "#population+total"
                  for j, v in enumerate(row) if v is None]
        cells = ["" if v is None else str(v) for v in row]
        writer.writerow([day, origin, asylum_country, stage, *cells, " ".join(hidden)])
    return HxlTable(out.getvalue(), suppression, len(labels))


def schema_text() -> str:
    """The HXL schema (libhxl's #valid_* format) the export is validated against."""
    return resources.files("resettle.reporting").joinpath("hxl_schema.csv").read_text(
        encoding="utf-8")


def hxl_problems(text: str) -> list[str]:
    """What libhxl finds wrong in ``text`` against the repository's schema (empty: valid)."""
    import hxl  # noqa: PLC0415  (libhxl takes a moment to import; only the export needs it)
    from hxl.input import InputOptions  # noqa: PLC0415

    found: list[str] = []

    def collect(error: object) -> None:
        row = getattr(getattr(error, "row", None), "row_number", None)
        column = getattr(getattr(error, "column", None), "display_tag", "")
        value = getattr(error, "value", "")
        found.append(f"row {row}, {column}: {getattr(error, 'message', error)} ({value!r})")

    options = InputOptions(allow_local=True)
    schema = hxl.schema(hxl.data(io.BytesIO(schema_text().encode()), options), callback=collect)
    schema.validate(hxl.data(io.BytesIO(text.encode()), options))
    return found
