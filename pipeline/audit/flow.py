"""The participant flow: the breaches of ``rules`` as errors, and a flow that leaves people out.

In:  the study (through ``AuditBase``). Out: findings ``flow-sum``, ``flow-exceeds``, ``flow-balance``.
"""

from __future__ import annotations

from .. import rules
from ..arithmetic import count_text
from ..loader import format_path
from .base import AuditBase
from .printed import _path


class FlowChecks(AuditBase):
    def check_flow(self) -> None:
        """The breaches of ``rules`` as errors (validate lets none through); a flow that leaves
        participants unaccounted for as a warning, or a note when the number lost is not given."""
        study = self.study
        for breach, counts in ((rules.randomized_sum(study), "randomized"), (rules.allocated_sum(study), "allocated")):
            if breach is not None:
                self.add("error", "flow-sum",
                         f"The arms' {counts} counts add up to {' + '.join(map(str, breach.parts))} = {breach.sum}, "
                         f"not the {breach.total} randomized.",
                         ["flow.randomized", *map(format_path, breach.paths)])
        excesses = list(rules.flow_excesses(study))
        balances = {b.base: b for b in rules.flow_balances(study)}
        for k, af, ceiling in rules.flow_ceilings(study):
            name = study.arm(af.arm).short
            base = ("flow", "arms", k)
            for excess in (e for e in excesses if e.path[:3] == base):
                self.add("error", "flow-exceeds",
                         f"{count_text(excess.value)} {excess.name} in the {name} arm is more than the "
                         f"{count_text(ceiling.value)} {ceiling.name}.",
                         [format_path(excess.path), format_path(ceiling.path)])
            if base in balances:
                self.check_balance(name, balances[base])

    def check_balance(self, name: str, balance: rules.Balance) -> None:
        base, ceiling, used = balance.base, balance.ceiling.value, balance.used
        completed, discontinued, lost = balance.completed, balance.discontinued, balance.lost
        fields = [_path(*base, "completed"), _path(*base, "discontinued")]
        what = balance.ceiling.name
        if lost is not None:
            fields.append(_path(*base, "lost"))
            sum_text = (f"{count_text(completed)} completed + {count_text(discontinued)} discontinued + "
                        f"{count_text(lost)} lost = {count_text(used)}")
        else:
            sum_text = (f"{count_text(completed)} completed + {count_text(discontinued)} discontinued = "
                        f"{count_text(used)}")
        fields.append(format_path(balance.ceiling.path))
        if balance.over:
            self.add("error", "flow-balance",
                     f"In the {name} arm, {sum_text}, more than the {count_text(ceiling)} {what}.", fields)
        elif used < ceiling and lost is not None:
            self.add("warning", "flow-balance",
                     f"In the {name} arm, {sum_text}, not the {count_text(ceiling)} {what}; "
                     f"{count_text(ceiling - used)} participants are not accounted for in the flow.",
                     fields,
                     "In a CONSORT flow diagram every participant allocated to an arm should be counted once: "
                     "as having completed, discontinued or been lost to follow-up. A gap usually means a box "
                     "of the diagram (for example deaths or withdrawals of consent) is missing from the record.")
        elif used < ceiling:
            self.add("info", "flow-balance",
                     f"In the {name} arm, {sum_text}, {count_text(ceiling - used)} fewer than the "
                     f"{count_text(ceiling)} {what}; the number lost to follow-up is not given.", fields)
