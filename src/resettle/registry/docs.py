"""The column tables of docs/data-format.md, rendered from the column definitions.

``python -m resettle.registry.docs`` prints them; a test checks the doc holds them verbatim.
"""

from __future__ import annotations

from resettle.registry.codecs import Choice
from resettle.registry.columns import COLUMNS
from resettle.registry.records import RecordKind


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_columns(kind: RecordKind) -> str:
    """One Markdown table of a kind's columns, then the allowed values of its choices."""
    lines = [
        "| column | required | type (CSV, XLSX) | JSON | example | HXL | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    choices = []
    for column in COLUMNS[kind]:
        required = "required" if column.required else "optional"
        codec = column.codec
        lines.append(
            f"| `{column.name}` | {required} | {_cell(codec.text_type)} | "
            f"{_cell(codec.json_type)} | `{_cell(column.example)}` | `{column.hxl}` | "
            f"{_cell(column.doc)} |"
        )
        if isinstance(codec, Choice):
            values = ", ".join(f"`{member.value}`" for member in codec.enum)
            choices.append(f"- `{column.name}`: {values}")
    if choices:
        lines += ["", "Allowed values (any letter case is accepted):", "", *choices]
    return "\n".join(lines)


def render_all() -> str:
    return "\n\n".join(f"### {kind.value}\n\n{render_columns(kind)}" for kind in RecordKind)


if __name__ == "__main__":
    print(render_all())
