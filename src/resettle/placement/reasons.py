"""Why each excluded (case, locality) pair is excluded, without a dict entry per pair.

At national scale (20,000 cases x 300 localities) a plain dict of the ~6 million excluded pairs
cost more time and memory than the solve. The rules that do not depend on scores (no-return,
refusals, prohibitions, pledge criteria, capacity) depend only on a case's *profile* of those
facts, which many cases share: :class:`PairReasons` keeps one tuple of reasons per distinct
profile, the set of scored localities per case, and a small dict for the per-pair rest
(``no_tie``, ``below_floor``). It is a read-only ``Mapping[(case, locality), reason]`` with the
same content and precedence as the dict it replaces (:mod:`resettle.placement.build`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

NO_SCORE = "no_score: no score was given for this pair"


class PairReasons(Mapping[tuple[int, int], str]):
    """Reasons per excluded pair: profile rules, then ``no_score``, then the per-pair ones."""

    def __init__(
        self,
        n_localities: int,
        protection: Sequence[Sequence[str | None]],  # per case: reason per locality or None
        scored: Sequence[frozenset[int]],  # per case: localities with a score
        extra: Mapping[tuple[int, int], str],  # no_tie / below_floor, by pair
    ) -> None:
        self._m = n_localities
        self._protection = protection
        self._scored = scored
        self._extra = dict(extra)

    def __getitem__(self, key: tuple[int, int]) -> str:
        case, loc = key
        if not (0 <= case < len(self._protection) and 0 <= loc < self._m):
            raise KeyError(key)
        rule = self._protection[case][loc]
        if rule is not None:
            return rule
        if loc not in self._scored[case]:
            return NO_SCORE
        return self._extra[key]

    def of_case(self, case: int, limit: int | None = None) -> list[tuple[int, str]]:
        """(locality, reason) of a case's excluded pairs, by locality, the first ``limit``."""
        out: list[tuple[int, str]] = []
        rules, scored = self._protection[case], self._scored[case]
        for loc in range(self._m):
            rule = rules[loc]
            if rule is None:
                rule = NO_SCORE if loc not in scored else self._extra.get((case, loc))
            if rule is not None:
                out.append((loc, rule))
                if limit is not None and len(out) >= limit:
                    break
        return out

    def starting_with(self, prefix: str) -> list[tuple[tuple[int, int], str]]:
        """Every excluded pair whose reason starts with ``prefix`` (e.g. ``refused:``)."""
        found: dict[int, list[tuple[int, str]]] = {}  # per distinct profile tuple
        out: list[tuple[tuple[int, int], str]] = []
        for case, rules in enumerate(self._protection):
            hits = found.get(id(rules))
            if hits is None:
                hits = [(j, r) for j, r in enumerate(rules) if r is not None
                        and r.startswith(prefix)]
                found[id(rules)] = hits
            out.extend(((case, j), r) for j, r in hits)
        out.extend((k, r) for k, r in self._extra.items() if r.startswith(prefix))
        return sorted(out)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for case in range(len(self._protection)):
            for loc, _ in self.of_case(case):
                yield case, loc

    def __len__(self) -> int:
        return sum(len(self.of_case(case)) for case in range(len(self._protection)))


def reasons_of_case(
    reasons: Mapping[tuple[int, int], str], case: int, limit: int
) -> list[tuple[int, str]]:
    """A case's first ``limit`` (locality, reason), fast for :class:`PairReasons`."""
    if isinstance(reasons, PairReasons):
        return reasons.of_case(case, limit)
    return sorted((j, r) for (i, j), r in reasons.items() if i == case)[:limit]


def reasons_starting_with(
    reasons: Mapping[tuple[int, int], str], prefix: str
) -> list[tuple[tuple[int, int], str]]:
    if isinstance(reasons, PairReasons):
        return reasons.starting_with(prefix)
    return sorted((k, r) for k, r in reasons.items() if r.startswith(prefix))
