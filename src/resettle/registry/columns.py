"""The columns of each record kind: name, codec, HXL hashtag, whether required, an example.

``docs/data-format.md`` documents these same columns; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resettle.core import EducationLevel, Relationship, Sex
from resettle.core.status import CaseStatus, Category, Priority
from resettle.registry import codecs
from resettle.registry.records import RecordKind

# Marks an optional column whose blank cell leaves the record's own default in place.
DEFAULT: Any = object()


@dataclass(frozen=True)
class Column:
    name: str
    codec: codecs.Codec
    hxl: str
    example: str
    doc: str
    required: bool = False  # the header must have it
    blank: Any = DEFAULT  # value for a blank cell; DEFAULT = the record's default

    @property
    def value_required(self) -> bool:
        """A required column whose blank cell has no meaning must be filled on every row."""
        return self.required and self.blank is DEFAULT


TEXT = codecs.Codec()
COUNTRY = codecs.Code(upper=True)
COUNTRIES = codecs.TextList(item=str.upper)
LANGUAGE_CODES = codecs.TextList(item=str.lower)
INTEGER = codecs.Integer()
DAY = codecs.Day()
C = Column

PERSON_COLUMNS = (
    C("person_id", TEXT, "#beneficiary+id", "ASH-0417-1", "Unique id of the person.", True),
    C("case_id", TEXT, "#beneficiary+id+case", "ASH-0417", "The person's case.", True),
    C("relationship", codecs.Choice(Relationship), "#beneficiary+relationship", "spouse",
      "Relationship to the case's principal applicant; blank = principal."),
    C("given_name", TEXT, "#beneficiary+name+given", "Maryam",
      "Given name in Latin script. A given or a family name is needed.", True, ""),
    C("family_name", TEXT, "#beneficiary+name+family", "Ahmadi",
      "Family name in Latin script.", True, ""),
    C("given_name_original", TEXT, "#beneficiary+name+given+original", "مریم",
      "Given name in the original script."),
    C("family_name_original", TEXT, "#beneficiary+name+family+original", "احمدی",
      "Family name in the original script."),
    C("sex", codecs.Choice(Sex), "#beneficiary+sex", "F", "F, M or X.", True),
    C("birth_date", codecs.BirthDate(), "#date+birth", "1972-05-14",
      "YYYY-MM-DD; a year alone (1972) when only the year is known, ~ for an estimate "
      "(~1972 or ~1972-05-14).", True),
    C("nationality", COUNTRY, "#country+code+nationality", "IRN",
      "ISO 3166-1 alpha-3 (STA = stateless).", True),
    C("languages", codecs.Languages(), "#beneficiary+languages", "fas:native;eng:basic",
      "ISO 639-3 code and proficiency (basic, intermediate, fluent, native), ;-separated."),
    C("education", codecs.Choice(EducationLevel), "#beneficiary+education", "secondary",
      "Highest level: none, primary, secondary, vocational, university, postgraduate; "
      "blank = none."),
    C("occupation", TEXT, "#beneficiary+occupation", "electrician", "Main occupation."),
    C("skills", codecs.TextList(), "#beneficiary+skills", "driving;welding",
      "Skills, ;-separated."),
    C("medical_conditions", codecs.Conditions(), "#beneficiary+medical", "diabetes|moderate|"
      "endocrinology;kidney failure|severe|dialysis", "name|severity|services (services "
      "+-separated; severity mild, moderate, severe, critical), ;-separated. Sensitive."),
    C("specific_needs", codecs.TextList(), "#beneficiary+needs", "wheelchair_user",
      "UNHCR-style specific needs, ;-separated (wheelchair_user and mobility_impairment "
      "call for accessible housing)."),
    C("relatives", codecs.Relatives(), "#beneficiary+relatives", "Leila Ahmadi|sister|FRA|yes",
      "Relatives outside the case: name|relation|country|contact established (yes/no), "
      ";-separated."),
    C("feared_countries", COUNTRIES, "#country+code+feared", "IRQ",
      "Countries of feared return beyond nationality, ;-separated ISO 3166-1 alpha-3."),
    C("profiles", codecs.TextList(), "#beneficiary+profiles", "former_combatant",
      "Profiles that pledges may exclude, ;-separated. Sensitive."),
)

CASE_COLUMNS = (
    C("case_id", TEXT, "#beneficiary+id+case", "ASH-0417", "Unique id of the case.", True),
    C("principal_id", TEXT, "#beneficiary+id+principal", "ASH-0417-1",
      "person_id of the principal applicant; must be a member.", True),
    C("size", INTEGER, "#beneficiary+size", "3",
      "Declared number of members; checked against the members, blank = not checked."),
    C("processing_priority", codecs.Choice(Priority), "#priority", "urgent",
      "emergency, urgent or normal; blank = normal."),
    C("status", codecs.Choice(CaseStatus), "#status", "registered",
      "Where the case stands in the pipeline; blank = registered."),
    C("primary_category", codecs.Choice(Category), "#category+primary", "LEGAL_PHYSICAL",
      "UNHCR resettlement submission category."),
    C("secondary_category", codecs.Choice(Category), "#category+secondary", "MEDICAL",
      "Secondary submission category."),
    C("registered_on", DAY, "#date+registered", "2012-02-17", "Date of registration."),
)

LOCALITY_COLUMNS = (
    C("locality_id", TEXT, "#loc+id", "ALB-TIR", "Unique id of the locality.", True),
    C("country", COUNTRY, "#country+code+host", "ALB", "Host state, ISO 3166-1 alpha-3.", True),
    C("name", TEXT, "#loc+name", "Tirana", "Name of the locality.", True),
    C("region", TEXT, "#adm1+name", "Tirana County", "Region (first administrative level)."),
    C("services", codecs.TextList(as_set=True), "#service", "trauma_care;dialysis",
      "Services offered, ;-separated."),
    C("languages", LANGUAGE_CODES, "#language+code", "sqi;eng",
      "Languages spoken locally, ;-separated ISO 639-3."),
    C("urban", codecs.Boolean(), "#loc+urban", "yes", "yes or no; blank = yes."),
    C("capacity_persons", INTEGER, "#capacity+persons", "210",
      "Places in persons; blank = none pledged."),
    C("capacity_large_family_units", INTEGER, "#capacity+large_family", "4",
      "Housing units for households of 6 or more."),
    C("capacity_medical_places", INTEGER, "#capacity+medical", "20",
      "Places for severe or critical medical conditions."),
    C("capacity_accessible_units", INTEGER, "#capacity+accessible", "5",
      "Accessible housing units."),
    C("capacity_school_places", INTEGER, "#capacity+school", "30",
      "School places (ages 5 to 17)."),
)

PLEDGE_COLUMNS = (
    C("pledge_id", TEXT, "#meta+id+pledge", "ALB-2013", "Unique id of the pledge.", True),
    C("country", COUNTRY, "#country+code+host", "ALB", "Pledging state, ISO 3166-1 alpha-3.",
      True),
    C("period_start", DAY, "#date+start", "2013-01-01", "First day of the pledge.", True),
    C("period_end", DAY, "#date+end", "2013-12-31", "Last day of the pledge.", True),
    C("places_persons", INTEGER, "#capacity+persons+pledged", "210", "Places, in persons.",
      True),
    C("max_case_size", INTEGER, "#beneficiary+size+max", "3",
      "Largest case considered; blank = no limit."),
    C("services_supported", codecs.OptionalSet(), "#service+supported", "trauma_care",
      "Services the host supports; a case needing another is not admitted. Blank = no "
      "limit, - = none."),
    C("security_vetting_required", codecs.Boolean(), "#meta+vetting", "yes",
      "yes if the host vets every case; blank = no."),
    C("excluded_profiles", codecs.TextList(as_set=True), "#beneficiary+profiles+excluded",
      "former_combatant", "Profiles the host will not consider, ;-separated."),
)

COLUMNS: dict[RecordKind, tuple[Column, ...]] = {
    RecordKind.PERSONS: PERSON_COLUMNS,
    RecordKind.CASES: CASE_COLUMNS,
    RecordKind.LOCALITIES: LOCALITY_COLUMNS,
    RecordKind.PLEDGES: PLEDGE_COLUMNS,
}

ID_COLUMN = {
    RecordKind.PERSONS: "person_id",
    RecordKind.CASES: "case_id",
    RecordKind.LOCALITIES: "locality_id",
    RecordKind.PLEDGES: "pledge_id",
}


def infer_kind(names: set[str]) -> RecordKind | None:
    """The kind whose id column is present (persons also have case_id, so they win)."""
    for kind in (RecordKind.PERSONS, RecordKind.LOCALITIES, RecordKind.PLEDGES):
        if ID_COLUMN[kind] in names:
            return kind
    return RecordKind.CASES if "case_id" in names else None


def normalise_hxl(tag: str) -> str:
    """HXL attributes are unordered and case-insensitive: ``#A+y+x`` equals ``#a+x+y``."""
    head, *attributes = tag.strip().lower().replace(" ", "").split("+")
    return "+".join([head, *sorted(attributes)])
