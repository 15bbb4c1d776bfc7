"""A refused form comes back as it was typed, each problem next to its field.

``Typed`` is what the page needs to show one form again: the values sent, the problems by
field name (the ``field`` of each :class:`~resettle.core.issues.Issue`, which the forms use
as input names), and the problem that belongs to no field. The templates' macros
(``_form.html``) fill the inputs, link each message with ``aria-describedby`` and put
``autofocus`` on the first field in error (no script needed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from resettle.errors import ResettleError, ValidationError


@dataclass(frozen=True)
class Typed:
    name: str  # which form on the page
    values: Mapping[str, str | list[str]] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)  # field name -> message
    general: str = ""  # the refusal's message, and the problems no field carries
    first: str = ""  # the field to focus: the first in error, in the form's order

    def value(self, name: str, default: str = "") -> str:
        found = self.values.get(name, default)
        return found if isinstance(found, str) else (found[0] if found else default)

    def chosen(self, name: str) -> list[str]:
        found = self.values.get(name, [])
        return [found] if isinstance(found, str) else list(found)


def typed(name: str, values: Mapping[str, str | list[str]], refused: ResettleError,
          order: Iterable[str] = ()) -> Typed:
    """The form ``name`` as sent, with the refusal's problems placed on its fields."""
    fields = list(order) or list(values)
    errors: dict[str, str] = {}
    general: list[str] = [refused.message]
    if isinstance(refused, ValidationError) and refused.issues:
        for issue in refused.issues:
            if issue.field in fields:
                errors[issue.field] = "; ".join(filter(None, (errors.get(issue.field),
                                                                 issue.message)))
            else:
                general.append(issue.message)
    first = next((f for f in fields if f in errors), "")
    return Typed(name, dict(values), errors, " ".join(general), first)
