"""The participant-count rules of a study record, stated once.

In:  a ``model.Study``.
Out: the breaches of each rule as data (which fields, which numbers); no messages.

``validate`` refuses a record with any breach, each with its located message;
``audit`` words the same breaches as error findings when it is given a ``Study``
that was never validated (a validated one has none), and says what is no breach
but worth a note (a flow that leaves participants unaccounted for).

Rules:
- the arms' randomized counts, and the flow's allocated counts (one per arm),
  add up to the number randomized;
- an arm's flow counts (received, completed, analysed, discontinued, lost)
  are at most its ceiling: allocated, else randomized;
- completed + discontinued (+ lost, when given) is at most that ceiling;
- a result's total, or its events when it gives no total, is at most the
  size of its arm (allocated, else randomized) or factorial group (its arms).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .loader import Path_
from .model import ArmFlow, ArmResult, Study, known

FLOW_PARTS = ("received", "completed", "analysed", "discontinued", "lost")


@dataclass(frozen=True)
class Count:
    """A count of participants, what it counts, and the field it stands in (``()`` for a sum of arms)."""

    value: int
    name: str    # "allocated", "randomized" or "in its arms"
    path: Path_


@dataclass(frozen=True)
class SumBreach:
    """Per-arm counts that do not add up to the number randomized."""

    parts: tuple[int, ...]
    paths: tuple[Path_, ...]
    total: int

    @property
    def sum(self) -> int:
        return sum(self.parts)


@dataclass(frozen=True)
class Excess:
    """A count above the most it can be."""

    path: Path_
    name: str
    value: int
    ceiling: Count


@dataclass(frozen=True)
class Balance:
    """An arm's completed + discontinued (+ lost) against its ceiling."""

    base: Path_            # ("flow", "arms", k)
    arm: str
    completed: int
    discontinued: int
    lost: int | None
    ceiling: Count

    @property
    def used(self) -> int:
        return self.completed + self.discontinued + (self.lost or 0)

    @property
    def over(self) -> bool:
        """True when the parts count more people than the arm has: a breach."""
        return self.used > self.ceiling.value


def randomized_sum(study: Study) -> SumBreach | None:
    """The arms' randomized counts, when all are given and do not add up to ``flow.randomized``."""
    total = known(study.flow.randomized) if study.flow else None
    sizes = [known(a.randomized) for a in study.arms]
    parts = tuple(s for s in sizes if s is not None)
    if total is None or len(parts) != len(sizes) or sum(parts) == total:
        return None
    return SumBreach(parts, tuple(("arms", i, "randomized") for i in range(len(parts))), total)


def allocated_sum(study: Study) -> SumBreach | None:
    """The flow's allocated counts (one per arm, all given) when they do not add up to ``flow.randomized``."""
    flow = study.flow
    total = known(flow.randomized) if flow else None
    if flow is None or total is None or not flow.arms or len(flow.arms) != len(study.arms):
        return None
    allocated = [known(f.allocated) for f in flow.arms]
    parts = tuple(a for a in allocated if a is not None)
    if len(parts) != len(allocated) or sum(parts) == total:
        return None
    return SumBreach(parts, tuple(("flow", "arms", k, "allocated") for k in range(len(parts))), total)


def flow_ceilings(study: Study) -> Iterator[tuple[int, ArmFlow, Count]]:
    """(k, ``flow.arms[k]``, its ceiling) for each flow arm that names an arm and has a ceiling."""
    if study.flow is None:
        return
    for k, af in enumerate(study.flow.arms):
        i = _arm_index(study, af.arm)
        if i is None:
            continue
        allocated, randomized = known(af.allocated), known(study.arms[i].randomized)
        if allocated is not None:
            yield k, af, Count(allocated, "allocated", ("flow", "arms", k, "allocated"))
        elif randomized is not None:
            yield k, af, Count(randomized, "randomized", ("arms", i, "randomized"))


def flow_excesses(study: Study) -> Iterator[Excess]:
    """Each per-arm flow count above its arm's ceiling."""
    for k, af, ceiling in flow_ceilings(study):
        for part in FLOW_PARTS:
            n = known(getattr(af, part))
            if n is not None and n > ceiling.value:
                yield Excess(("flow", "arms", k, part), part, n, ceiling)


def flow_balances(study: Study) -> Iterator[Balance]:
    """Completed + discontinued (+ lost) of each arm that gives the first two (a breach when ``over``)."""
    for k, af, ceiling in flow_ceilings(study):
        completed, discontinued = known(af.completed), known(af.discontinued)
        if completed is not None and discontinued is not None:
            yield Balance(("flow", "arms", k), af.arm, completed, discontinued, known(af.lost), ceiling)


def size(study: Study, ref: str) -> Count | None:
    """The most participants a result of arm or factorial group ``ref`` can have."""
    i = _arm_index(study, ref)
    if i is not None:
        flows = study.flow.arms if study.flow else []
        k = next((k for k, f in enumerate(flows) if f.arm == ref), None)
        allocated = known(flows[k].allocated) if k is not None else None
        if k is not None and allocated is not None:
            return Count(allocated, "allocated", ("flow", "arms", k, "allocated"))
        randomized = known(study.arms[i].randomized)
        return Count(randomized, "randomized", ("arms", i, "randomized")) if randomized is not None else None
    group = next((g for g in study.factor_groups if g.id == ref), None)
    if group is None or not group.arms:
        return None
    sizes = [size(study, a) if _arm_index(study, a) is not None else None for a in group.arms]
    counts = [s.value for s in sizes if s is not None]
    return Count(sum(counts), "in its arms", ()) if len(counts) == len(group.arms) else None


def _arm_index(study: Study, arm_id: str) -> int | None:
    return next((i for i, a in enumerate(study.arms) if a.id == arm_id), None)


def result_excess(study: Study, path: Path_, result: ArmResult) -> Excess | None:
    """A result's total above its arm's (or group's) size; else its events, when it gives no total."""
    ceiling = size(study, result.arm)
    if ceiling is None:
        return None
    events, total = known(result.events), known(result.total)
    if total is not None:
        return Excess(path + ("total",), "total", total, ceiling) if total > ceiling.value else None
    if events is not None and events > ceiling.value:
        return Excess(path + ("events",), "events", events, ceiling)
    return None
