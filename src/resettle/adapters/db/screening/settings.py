"""Screening settings to and from JSON (stored in ``screening_settings``; editable by the CLI)."""

from __future__ import annotations

from datetime import date
from typing import Any

from resettle.core.protection import ProtectionSettings
from resettle.core.status import Priority
from resettle.screening.deadlines import DeadlineTargets
from resettle.screening.exclusion import ExclusionTriggers
from resettle.screening.ports import ScreeningSettings


def settings_to_json(settings: ScreeningSettings) -> dict[str, Any]:
    triggers, targets = settings.triggers, settings.deadlines
    return {
        "first_asylum_country": settings.protection.first_asylum_country,
        "first_asylum_is_no_return": settings.protection.first_asylum_is_no_return,
        "triggers": {
            "armed_units": sorted(triggers.armed_units),
            "named_events": sorted(triggers.named_events),
            "roles": sorted(triggers.roles),
        },
        "processing_days": {str(p): d for p, d in targets.processing_days.items()},
        "submission_days": {str(p): d for p, d in targets.submission_days.items()},
        "due_soon_days": targets.due_soon_days,
        "records_as_of": targets.records_as_of.isoformat() if targets.records_as_of else None,
        "require_private_interview": settings.require_private_interview,
        "require_private_consent": settings.require_private_consent,
        "appeal_days": settings.appeal_days,
    }


def settings_from_json(data: dict[str, Any]) -> ScreeningSettings:
    default = ScreeningSettings()
    triggers = data.get("triggers", {})
    return ScreeningSettings(
        protection=ProtectionSettings(
            data.get("first_asylum_country"), bool(data.get("first_asylum_is_no_return", True))
        ),
        triggers=ExclusionTriggers(
            frozenset(triggers.get("armed_units", ())),
            frozenset(triggers.get("named_events", ())),
            frozenset(triggers.get("roles", ())),
        ),
        deadlines=DeadlineTargets(
            _days(data.get("processing_days"), default.deadlines.processing_days),
            _days(data.get("submission_days"), default.deadlines.submission_days),
            int(data.get("due_soon_days", default.deadlines.due_soon_days)),
            date.fromisoformat(data["records_as_of"]) if data.get("records_as_of") else None,
        ),
        require_private_interview=bool(data.get("require_private_interview", True)),
        require_private_consent=bool(data.get("require_private_consent", True)),
        appeal_days=int(data.get("appeal_days", default.appeal_days)),
    )


def _days(stored: dict[str, int] | None, default: Any) -> dict[Priority, int]:
    merged = {Priority(p): int(d) for p, d in default.items()}
    merged.update({Priority(p): int(d) for p, d in (stored or {}).items()})
    return merged
