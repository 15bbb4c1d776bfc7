"""Parameters of the Camp Ashraf scenario: population shape, pipeline snapshot and host pledges.

Every figure is a configurable default grounded in DOMAIN.md (see docs/scenario.md for the
source of each). Host capacities are written for a population of 3,400 and scaled with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from resettle.core import CaseStatus, PledgeCriteria
from resettle.core.protection import ProtectionSettings

REFERENCE_POPULATION = 3400
SERVICES = ("dialysis", "oncology", "trauma_care", "physiotherapy", "mental_health", "cardiology")
ALL_SERVICES = frozenset(SERVICES)
# Profiles that trigger an individual exclusion review (Article 1F) and that some pledges bar.
FORMER_COMBATANT = "former_combatant"
COMMAND_ROLE = "command_role"
EXCLUSION_TRIGGERS = frozenset({FORMER_COMBATANT, COMMAND_ROLE})


NO_CRITERIA = PledgeCriteria()
ASHRAF_PROTECTION = ProtectionSettings(first_asylum_country="IRQ")  # Iraq wanted the camp gone


@dataclass(frozen=True)
class LocalitySpec:
    """One receiving municipality; capacities are for a population of 3,400."""

    code: str
    name: str
    region: str
    persons: int
    medical_places: int
    accessible_units: int
    large_family_units: int = 0
    school_places: int = 0
    services: frozenset[str] = ALL_SERVICES
    languages: tuple[str, ...] = ()
    urban: bool = True


@dataclass(frozen=True)
class PledgeSpec:
    start: date
    end: date
    persons: int


@dataclass(frozen=True)
class HostSpec:
    country: str  # ISO 3166-1 alpha-3
    localities: tuple[LocalitySpec, ...]
    pledges: tuple[PledgeSpec, ...]
    criteria: PledgeCriteria = NO_CRITERIA


def _host(country: str, place: tuple[str, str, str], languages: tuple[str, ...], *,
          years: tuple[int, int], persons: int, medical: int, accessible: int,
          criteria: PledgeCriteria = NO_CRITERIA,
          services: frozenset[str] = ALL_SERVICES) -> HostSpec:
    """A small host: one locality and one pledge (most states took a few dozen people)."""
    code, name, region = place
    start, end = years
    locality = LocalitySpec(code, name, region, persons, medical, accessible, 0, 2, services,
                            languages)
    pledge = PledgeSpec(date(start, 1, 1), date(end, 12, 31), persons)
    return HostSpec(country, (locality,), (pledge,), criteria)


_NO_DIALYSIS_ONCOLOGY = ALL_SERVICES - {"dialysis", "oncology"}
_VETTED = PledgeCriteria(security_vetting_required=True)
_VETTED_NO_COMBATANTS = PledgeCriteria(
    security_vetting_required=True, excluded_profiles=EXCLUSION_TRIGGERS
)

# One large host (Albania: 2,901 of the residents by Sep 2016), Germany about 100, the rest small.
DEFAULT_HOSTS: tuple[HostSpec, ...] = (
    HostSpec(
        "ALB",
        (
            LocalitySpec("ALB-TIR", "Tirana", "Tirana County", 1250, 160, 30, 3, 40,
                         ALL_SERVICES, ("sqi",)),
            LocalitySpec("ALB-DUR", "Durrës", "Durrës County", 650, 75, 14, 2, 15,
                         ALL_SERVICES - {"oncology"}, ("sqi",)),
            LocalitySpec("ALB-MAN", "Manëz", "Durrës County", 900, 50, 18, 1, 10,
                         frozenset({"physiotherapy", "mental_health", "trauma_care"}),
                         ("sqi",), urban=False),
            LocalitySpec("ALB-ELB", "Elbasan", "Elbasan County", 250, 28, 5, 1, 8,
                         frozenset({"dialysis", "physiotherapy", "mental_health", "cardiology"}),
                         ("sqi",)),
            LocalitySpec("ALB-SHK", "Shkodër", "Shkodër County", 100, 10, 2, 0, 4,
                         frozenset({"physiotherapy", "mental_health", "cardiology"}), ("sqi",)),
        ),
        (
            PledgeSpec(date(2013, 3, 1), date(2013, 12, 31), 210),
            PledgeSpec(date(2014, 1, 1), date(2015, 12, 31), 1000),
            PledgeSpec(date(2016, 1, 1), date(2016, 9, 30), 1940),
        ),
    ),
    HostSpec(
        "DEU",
        (
            LocalitySpec("DEU-CGN", "Köln", "Nordrhein-Westfalen", 60, 14, 4, 1, 4,
                         ALL_SERVICES, ("deu", "fas")),
            LocalitySpec("DEU-HAM", "Hamburg", "Hamburg", 40, 9, 3, 0, 3,
                         ALL_SERVICES, ("deu", "fas")),
        ),
        (PledgeSpec(date(2013, 6, 1), date(2014, 12, 31), 100),),
        PledgeCriteria(security_vetting_required=True,
                       excluded_profiles=frozenset({COMMAND_ROLE})),
    ),
    _host("ITA", ("ITA-ROM", "Roma", "Lazio"), ("ita",), years=(2014, 2015), persons=20,
          medical=4, accessible=1,
          criteria=PledgeCriteria(max_case_size=4, security_vetting_required=True)),
    _host("NLD", ("NLD-UTR", "Utrecht", "Utrecht"), ("nld",), years=(2014, 2016), persons=30,
          medical=6, accessible=2, criteria=_VETTED),
    _host("NOR", ("NOR-OSL", "Oslo", "Oslo"), ("nob",), years=(2014, 2015), persons=20,
          medical=4, accessible=1, criteria=_VETTED),
    _host("FIN", ("FIN-TMP", "Tampere", "Pirkanmaa"), ("fin", "swe"), years=(2015, 2016),
          persons=25, medical=5, accessible=1),
    _host("DNK", ("DNK-AAR", "Aarhus", "Midtjylland"), ("dan",), years=(2015, 2016),
          persons=20, medical=4, accessible=1, criteria=PledgeCriteria(max_case_size=4)),
    _host("BEL", ("BEL-LGG", "Liège", "Wallonie"), ("fra",), years=(2014, 2016), persons=15,
          medical=3, accessible=1),
    _host("IRL", ("IRL-DUB", "Dublin", "Leinster"), ("eng", "gle"), years=(2015, 2016),
          persons=15, medical=3, accessible=1,
          criteria=PledgeCriteria(max_case_size=3, services_supported=_NO_DIALYSIS_ONCOLOGY),
          services=_NO_DIALYSIS_ONCOLOGY),
    _host("AUS", ("AUS-ADL", "Adelaide", "South Australia"), ("eng",), years=(2014, 2016),
          persons=20, medical=4, accessible=1, criteria=_VETTED_NO_COMBATANTS),
    _host("CAN", ("CAN-TOR", "Toronto", "Ontario"), ("eng", "fra", "fas"), years=(2014, 2016),
          persons=30, medical=6, accessible=2, criteria=_VETTED_NO_COMBATANTS),
    _host("USA", ("USA-LAX", "Los Angeles", "California"), ("eng", "fas", "spa"),
          years=(2013, 2016), persons=40, medical=8, accessible=2,
          criteria=_VETTED_NO_COMBATANTS),
)

# Base weights of case status at the snapshot (mid-2015: about a quarter had left, the rest
# spread along the pipeline). Exclusion states are only drawn for cases with a trigger profile.
DEFAULT_STATUS_WEIGHTS: Mapping[CaseStatus, float] = MappingProxyType({
    CaseStatus.REGISTERED: 0.02,
    CaseStatus.NEEDS_ASSESSED: 0.04,
    CaseStatus.INTERVIEW_SCHEDULED: 0.06,
    CaseStatus.INTERVIEWED: 0.05,
    CaseStatus.ASSESSED: 0.05,
    CaseStatus.RECOGNIZED: 0.12,
    CaseStatus.REJECTED: 0.01,
    CaseStatus.APPEAL: 0.01,
    CaseStatus.EXCLUSION_REVIEW: 0.03,
    CaseStatus.SUBMISSION_DRAFTED: 0.05,
    CaseStatus.SUBMISSION_REVISE: 0.01,
    CaseStatus.NOT_RECOMMENDED: 0.005,
    CaseStatus.READY_FOR_REFERRAL: 0.10,
    CaseStatus.REFERRED: 0.06,
    CaseStatus.MORE_INFORMATION: 0.01,
    CaseStatus.ACCEPTED: 0.04,
    CaseStatus.PRE_DEPARTURE: 0.04,
    CaseStatus.DEPARTED: 0.24,
    CaseStatus.ON_HOLD: 0.02,
    CaseStatus.WITHDRAWN: 0.005,
    CaseStatus.CLOSED: 0.005,
    CaseStatus.EXCLUDED: 0.005,
})
# Cases with a trigger profile are this many times likelier to sit in an exclusion state.
EXCLUSION_STATE_BOOST = 4.0


@dataclass(frozen=True)
class AshrafConfig:
    population: int = REFERENCE_POPULATION
    as_of: date = date(2015, 6, 30)  # snapshot day: ages, pipeline status
    share_male_single: float = 0.79  # couples are mixed, so the whole population is ~73% male
    mean_age: float = 41.0
    sd_age: float = 10.5
    # Case types by share of cases; most members were single adults (DOMAIN.md).
    household_weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({
        "single": 0.85, "couple": 0.06, "parent_adult_child": 0.035, "siblings": 0.035,
        "couple_children": 0.015, "parent_children": 0.005,
    }))
    share_with_relatives_abroad: float = 0.55
    share_former_combatant_male: float = 0.20
    share_former_combatant_female: float = 0.08
    share_command_role: float = 0.01
    status_weights: Mapping[CaseStatus, float] = field(
        default_factory=lambda: DEFAULT_STATUS_WEIGHTS
    )
    priority_emergency_base: float = 0.003
    priority_urgent_base: float = 0.03
    hosts: tuple[HostSpec, ...] = DEFAULT_HOSTS
    protection: ProtectionSettings = ASHRAF_PROTECTION
    # Names as a national registry holds them (national_names.py) instead of the camp's few
    # dozen: for registries far larger than the camp, such as deduplication's benchmark.
    national_names: bool = False

    @property
    def scale(self) -> float:
        return self.population / REFERENCE_POPULATION
