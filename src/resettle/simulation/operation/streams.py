"""Random streams of one replication, split with numpy's ``SeedSequence``.

Common random numbers: each case gets its own row of draws (one column per decision it can
meet), and attacks their own stream, so two scenarios run with the same seed differ only by
what the scenario changed, not by which case happened to draw which number. A replication's
streams depend only on (seed, replication), never on how replications are spread over
processes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from resettle.simulation.operation.params import Delay

ATTEMPTS = 4  # referral attempts with their own draws; later ones reuse them in turn
# Columns of a case's normal draws (delays) and uniform draws (choices).
Z_REGISTRATION, Z_INTERVIEW, Z_DECISION, Z_APPEAL, Z_VETTING, Z_SUBMISSION = range(6)
Z_PRE_DEPARTURE, Z_HOLD, Z_HOST = 6, 7, 8  # Z_HOST .. Z_HOST + ATTEMPTS - 1
U_REJECT, U_APPEAL, U_REVIEW, U_EXCLUDE, U_CHOICE = range(5)  # U_CHOICE .. + ATTEMPTS - 1
U_REFUSE = U_CHOICE + ATTEMPTS
Z_COLUMNS = Z_HOST + ATTEMPTS
U_COLUMNS = U_REFUSE + ATTEMPTS


def replication_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """One independent seed per replication, the same for every scenario run with ``seed``."""
    return np.random.SeedSequence(seed).spawn(replications)


def child(seed: np.random.SeedSequence, key: int) -> np.random.SeedSequence:
    """The ``key``-th child of ``seed``, the same however often it is asked for (unlike
    ``SeedSequence.spawn``, which counts the children it has already given)."""
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, key),
                                  pool_size=seed.pool_size)


@dataclass(frozen=True)
class Streams:
    """The draws of one replication: per-case rows and an attack generator's seed."""

    # Rows as plain lists: a model reads one number at a time, and Python floats are several
    # times cheaper to index and combine than numpy scalars.
    normals: list[list[float]]  # (cases, Z_COLUMNS)
    uniforms: list[list[float]]  # (cases, U_COLUMNS)
    attack_seed: np.random.SeedSequence

    @classmethod
    def of(cls, seed: np.random.SeedSequence, cases: int) -> Streams:
        normal_seed, uniform_seed, attack_seed = (child(seed, k) for k in range(3))
        # Rows are drawn in order, so case i's row does not depend on how many cases follow.
        rows = max(cases, 1)
        normals = np.random.default_rng(normal_seed).standard_normal((rows, Z_COLUMNS))
        uniforms = np.random.default_rng(uniform_seed).random((rows, U_COLUMNS))
        return cls(normals.tolist(), uniforms.tolist(), attack_seed)

    def attacks(self) -> tuple[np.random.Generator, np.random.Generator]:
        """Two generators: attack times, and who is killed (so times stay common)."""
        times, victims = (child(self.attack_seed, k) for k in range(2))
        return np.random.default_rng(times), np.random.default_rng(victims)

    def delay(self, case: int, column: int, delay: Delay, served_days: float = 0.0) -> float:
        """Days still to wait: the log-normal delay, conditioned on ``served_days`` already."""
        z = self.normals[case][column]
        if delay.median_days <= 0.0:
            return 0.0
        if delay.sigma <= 0.0:
            return max(delay.median_days - served_days, 0.0)
        if served_days <= 0.0:
            return delay.median_days * math.exp(delay.sigma * z)
        # Inverse-CDF draw above the time already served (keeps the draw's rank: CRN).
        floor = float(ndtr((np.log(served_days) - np.log(delay.median_days)) / delay.sigma))
        u = floor + float(ndtr(z)) * (1.0 - floor)
        total = delay.median_days * np.exp(delay.sigma * float(ndtri(min(u, 1.0 - 1e-12))))
        return float(max(total - served_days, 0.0))

    def chance(self, case: int, column: int, share: float) -> bool:
        return self.uniforms[case][column] < share

    def uniform(self, case: int, column: int) -> float:
        return self.uniforms[case][column]

    def normal(self, case: int, column: int) -> float:
        return self.normals[case][column]
