"""Groups of cases that fairness is judged by: sex, age band and education of the principal."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from resettle.prediction.features import CaseTable

AGE_BANDS = ((18, 30, "18-29"), (30, 45, "30-44"), (45, 60, "45-59"), (60, 200, "60+"))
EDUCATION_BANDS = ((0, 2, "none/primary"), (2, 4, "secondary/vocational"), (4, 6, "university+"))


@dataclass(frozen=True, eq=False)
class Group:
    name: str  # e.g. "sex=F", "age=45-59", "education=university+"
    dimension: str  # sex | age | education
    cases: NDArray[np.int64]  # row indices in the case table


def case_groups(cases: CaseTable) -> list[Group]:
    """Every non-empty group, by sex, age band and education band of the principal."""
    masks: list[tuple[str, str, NDArray[np.bool_]]] = [
        ("sex", "F", cases.female),
        ("sex", "M", ~cases.female),
    ]
    age = cases.age_years
    masks += [("age", label, (age >= lo) & (age < hi)) for lo, hi, label in AGE_BANDS]
    masks[2] = ("age", AGE_BANDS[0][2], age < AGE_BANDS[0][1])  # minors heading a case too
    edu = cases.education
    masks += [("education", label, (edu >= lo) & (edu < hi)) for lo, hi, label in EDUCATION_BANDS]
    return [
        Group(f"{dimension}={label}", dimension, np.flatnonzero(mask).astype(np.int64))
        for dimension, label, mask in masks
        if mask.any()
    ]
