"""The dossier: consent of every adult first, the allow-list only, a stable digest, rendering."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from registry_samples import make_case, make_person
from resettle.adapters.web.referral.dossier_render import (
    render_dossier_html,
    script_font_file,
    text_direction,
)
from resettle.core import Case, MedicalCondition, Severity
from resettle.errors import ValidationError
from resettle.referral.agreements import DataSharingAgreement, default_agreement
from resettle.referral.dossier import (
    ConsentOverride,
    adults_without_consent,
    build_dossier,
    check_consent,
    dossier_digest,
    needs_sealed_values,
)
from resettle.referral.fields import MEMBER_FIELDS, RRF_MINIMUM

ON = date(2015, 6, 30)
MEDICAL = DataSharingAgreement("DEU", "2013-1", date(2013, 1, 1), "admission", 3650,
                               RRF_MINIMUM | {"medical_conditions", "occupation"})


def family() -> Case:
    """Two adults and a child; the father has a sealed medical condition."""
    father = make_person("P1", "C1", given_name="Reza", family_name="Karimi",
                         birth_date=date(1970, 5, 1), given_name_original="رضا",
                         family_name_original="کریمی", occupation="teacher",
                         medical_conditions=(MedicalCondition("kidney failure",
                                                              Severity.SEVERE, ("dialysis",)),))
    mother = make_person("P2", "C1", given_name="Maryam", relationship="spouse",
                         birth_date=date(1975, 1, 1), occupation="nurse")
    child = make_person("P3", "C1", given_name="Sara", relationship="child",
                        birth_date=date(2005, 1, 1))
    return make_case("C1", [father, mother, child])


def test_every_adult_must_consent_children_need_not() -> None:
    case = family()
    assert adults_without_consent(case, ["P1"], on=ON) == ("P2",)
    with pytest.raises(ValidationError) as caught:
        build_dossier(case, MEDICAL, consenting=["P1", "P3"], requested_by="ana", on=ON)
    assert [(i.code, i.record) for i in caught.value.issues] == [("consent_missing", "P2")]
    assert "1 adult(s) of case C1 have not consented" in caught.value.message
    built = build_dossier(case, MEDICAL, consenting=["P1", "P2"], requested_by="ana", on=ON)
    assert len(built.members) == 3


def test_a_child_who_turns_18_must_consent_from_that_day() -> None:
    case = family()
    assert adults_without_consent(case, ["P1", "P2"], on=date(2022, 12, 31)) == ()
    assert adults_without_consent(case, ["P1", "P2"], on=date(2023, 1, 1)) == ("P3",)


@pytest.mark.parametrize(("override", "codes"), [
    (ConsentOverride("ana", "hospitalised"), {"same_officer"}),
    (ConsentOverride(" ", "hospitalised"), {"override_incomplete"}),
    (ConsentOverride("ben", "  "), {"override_incomplete"}),
    (ConsentOverride("ana", ""), {"same_officer", "override_incomplete"}),
])
def test_an_override_needs_a_second_officer_and_a_reason(override: ConsentOverride,
                                                         codes: set[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        build_dossier(family(), MEDICAL, consenting=["P1"], requested_by="ana", on=ON,
                      override=override)
    assert {i.code for i in caught.value.issues} == codes


def test_a_valid_override_shares_and_names_who_had_not_consented() -> None:
    override = ConsentOverride("ben", "P2 is in hospital; emergency submission")
    assert check_consent(family(), ["P1"], on=ON, requested_by="ana", override=override) \
        == ("P2",)
    assert check_consent(family(), ["P1", "P2"], on=ON, requested_by="ana",
                         override=override) == ()
    built = build_dossier(family(), MEDICAL, consenting=["P1"], requested_by="ana", on=ON,
                          override=override)
    assert "override" not in str(built.to_json())  # the override is audited, not sent


def test_only_the_allowed_fields_are_read() -> None:
    minimum = build_dossier(family(), default_agreement("ALB"), consenting=["P1", "P2"],
                            requested_by="ana", on=ON)
    sent = str(minimum.to_json())
    assert "kidney" not in sent and "teacher" not in sent and "dialysis" not in sent
    assert set(minimum.members[0]) == RRF_MINIMUM & set(MEMBER_FIELDS)
    assert minimum.members[0]["given_name_original"] == "رضا"
    medical = build_dossier(family(), MEDICAL, consenting=["P1", "P2"], requested_by="ana",
                            on=ON)
    assert medical.members[0]["medical_conditions"] == (
        {"name": "kidney failure", "severity": "severe", "services": "dialysis"},)
    assert needs_sealed_values(MEDICAL) and not needs_sealed_values(default_agreement("ALB"))
    assert medical.retain_until == date(2025, 6, 27)


def test_an_agreement_not_in_force_is_refused() -> None:
    later = replace(MEDICAL, valid_from=date(2016, 1, 1))
    with pytest.raises(ValidationError) as caught:
        build_dossier(family(), later, consenting=["P1", "P2"], requested_by="ana", on=ON)
    assert caught.value.issues[0].code == "agreement_not_in_force"


def test_the_digest_is_stable_and_changes_with_what_is_sent() -> None:
    def digest(case: Case, agreement: DataSharingAgreement) -> str:
        return dossier_digest(build_dossier(case, agreement, consenting=["P1", "P2"],
                                            requested_by="ana", on=ON))

    first = digest(family(), MEDICAL)
    assert first == digest(family(), MEDICAL) and len(first) == 64
    assert first != digest(family(), default_agreement("DEU"))
    case = family()
    renamed = case.with_members((replace(case.members[0], occupation="farmer"),
                                 *case.members[1:]))
    assert digest(renamed, MEDICAL) != first
    hidden = case.with_members((replace(case.members[0], skills=("carpentry",)),
                                *case.members[1:]))
    assert digest(hidden, MEDICAL) == first  # a field not sent does not change the digest


def test_the_page_is_self_contained_and_sets_own_script_right_to_left() -> None:
    dossier = build_dossier(family(), MEDICAL, consenting=["P1", "P2"], requested_by="ana",
                            on=ON)
    page = render_dossier_html(dossier)
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert 'data-field="given_name_original" class="own-script" dir="rtl">رضا<' in page
    assert "Germany (DEU)" in page and "kidney failure: severe; needs dialysis" in page
    assert text_direction("رضا") == "rtl" and text_direction("Reza") == "ltr"
    assert text_direction("") == "ltr" and text_direction("12 علی") == "rtl"


def test_a_font_for_arabic_script_is_found() -> None:
    """fonts-dejavu-core (every image) or fonts-noto-core: without one, names print as boxes."""
    font = script_font_file()
    assert font is not None and font.is_file()
