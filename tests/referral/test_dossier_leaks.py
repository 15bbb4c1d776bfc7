"""Property: no field outside a state's agreement reaches its dossier, page, API form or PDF.

Thousands of generated cases (every field carrying a traceable token) x every version of every
configured host state's agreement (the Ashraf file) x a random allow-list. Each allowed value
must be found too, so a check that could not see a leak fails instead of passing silently.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from io import BytesIO

from dossier_cases import ON, allow_lists, case_lists, dossier_cases, labels_outside, traces
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from resettle.adapters.web.referral.dossier_render import render_dossier_html, render_dossier_pdf
from resettle.core import Case
from resettle.referral.agreements import (
    ASHRAF_AGREEMENTS_FILE,
    DataSharingAgreement,
    load_agreements,
)
from resettle.referral.dossier import Dossier, build_dossier
from resettle.referral.fields import CASE_FIELDS, MEMBER_FIELDS

CONFIGURED = load_agreements(ASHRAF_AGREEMENTS_FILE).agreements
FIELD_CELL = re.compile(r'data-field="([a-z_]+)"')


def random_agreement(fields: frozenset[str]) -> DataSharingAgreement:
    return DataSharingAgreement("FRA", "random", date(2010, 1, 1), "test", 30, fields)


def dossier_for(case: Case, agreement: DataSharingAgreement) -> Dossier:
    day = ON if agreement.in_force_on(ON) else agreement.valid_from
    return build_dossier(case, agreement, consenting=[m.person_id for m in case.members],
                         requested_by="officer", on=day)


def check_text(text: str, case: Case, allowed: frozenset[str], where: str) -> None:
    found = {value: bool(fields & allowed) for value, fields in traces(case) if value in text}
    expected = {value for value, fields in traces(case) if fields & allowed}
    leaked = sorted(value for value, ok in found.items() if not ok)
    assert leaked == [], f"{where} shows values of fields outside the agreement: {leaked}"
    assert expected <= set(found), f"{where} misses allowed values {expected - set(found)}"


def check_labels(text: str, allowed: frozenset[str], where: str) -> None:
    shown = sorted(name for label, name in labels_outside(allowed).items() if label in text)
    assert shown == [], f"{where} labels fields outside the agreement: {shown}"


# No "explain" phase: re-running a failing example hundreds of times to explain it costs minutes.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)


@settings(max_examples=220, deadline=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow])
@given(cases=case_lists(10), fields=allow_lists)
def test_dossier_json_and_page_hold_only_allowed_fields(cases: list[Case],
                                                        fields: frozenset[str]) -> None:
    for agreement in (*CONFIGURED, random_agreement(fields)):
        allowed = agreement.fields
        for case in cases:
            dossier = dossier_for(case, agreement)
            sent = dossier.to_json()
            assert set(sent["case"]) == {f for f in CASE_FIELDS if f in allowed}
            assert all(set(m) == {f for f in MEMBER_FIELDS if f in allowed}
                       for m in sent["members"])
            check_text(json.dumps(sent, ensure_ascii=False), case, allowed, "API form")
            page = render_dossier_html(dossier)
            assert set(FIELD_CELL.findall(page)) <= allowed
            assert "<i>" not in page and "<script" not in page  # values are escaped
            text = html.unescape(re.sub(r"<[^>]+>", " ", page))
            check_text(text, case, allowed, f"page for {agreement.country}")
            check_labels(text, allowed, f"page for {agreement.country}")


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


@settings(max_examples=12, deadline=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=dossier_cases(1), which=st.integers(0, len(CONFIGURED)), fields=allow_lists)
def test_pdf_holds_only_allowed_fields(case: Case, which: int, fields: frozenset[str]) -> None:
    agreement = (*CONFIGURED, random_agreement(fields))[which]
    pdf = render_dossier_pdf(dossier_for(case, agreement))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    check_text(text, case, agreement.fields, f"PDF for {agreement.country}")
    check_labels(text, agreement.fields, f"PDF for {agreement.country}")
