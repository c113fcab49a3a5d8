"""What the cross-field checks share: the study's ids, refusing and warning at a field, references.

In:  a loaded ``Source`` and its ``Study``.
Out: ``CrossBase``, which the checks (``structure``, ``design``, ``outcomes``) extend; it collects
     ``errors`` (refuse the record) and ``warnings`` (do not), each a located ``Problem``.
"""

from __future__ import annotations

from ..errors import Problem
from ..loader import Path_, Source
from ..model import Reason, Study, known


def _ids(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


class CrossBase:
    """Every check that needs more than one field; ``errors`` refuse the record, ``warnings`` do not."""

    def __init__(self, source: Source, study: Study):
        self.source = source
        self.study = study
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.arm_ids = [a.id for a in study.arms]
        self.arms = {a.id: a for a in study.arms}
        self.groups = {g.id: g for g in study.factor_groups}
        self.factor_of = {g.id: f.id for f in (study.design.factorial.factors if study.design.factorial else ())
                          for g in f.groups}

    def refuse(self, path: Path_, message: str) -> None:
        self.errors.append(self.source.problem(path, message))

    def warn(self, path: Path_, message: str) -> None:
        self.warnings.append(self.source.problem(path, message))

    def arm_ref(self, path: Path_, ref: str, *, groups: bool = True) -> bool:
        """True when ``ref`` names an arm (or, with ``groups``, a factorial group)."""
        if ref in self.arms or (groups and ref in self.groups):
            return True
        choices = self.arm_ids + (list(self.groups) if groups else [])
        if groups and self.groups:
            listed = f"arms: {_ids(self.arm_ids)}; factorial groups: {_ids(list(self.groups))}"
            what = "arm or factorial group"
        else:
            listed, what = f"arms: {_ids(self.arm_ids)}", "arm"
        self.refuse(path, f"no {what} has the id {ref!r} ({listed}){_did_you_mean(ref, choices)}")
        return False

    def reasons(self, path: Path_, reasons: list[Reason], total: int | None, what: str) -> None:
        counts = [n for r in reasons if (n := known(r.n)) is not None]
        if total is not None and counts and len(counts) == len(reasons) and sum(counts) > total:
            self.refuse(path, f"the reasons add up to {sum(counts)}, more than the {total} {what}")

    def unique_arms(self, base: Path_, refs: list[str]) -> None:
        for i, ref in enumerate(refs):
            if refs.index(ref) != i:
                self.refuse(base + (i, "arm"), f"{ref!r} appears twice in this list")

    def named_once(self, base: Path_, names: list[str], key: str, what: str, where: str = "") -> None:
        """Each name once in the list at ``base`` (case and spacing aside)."""
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            folded = " ".join(name.casefold().split())
            if folded in first:
                self.refuse(base + (i, key), f"{what} {name!r} is given twice{where} "
                                             f"(also {base[-1]}[{first[folded]}])")
            first.setdefault(folded, i)


def _a(words: str) -> str:
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def _did_you_mean(value: str, choices: list[str]) -> str:
    import difflib  # only a record with a problem needs it

    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.4)
    return f"; did you mean {close[0]!r}?" if close else ""
