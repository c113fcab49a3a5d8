"""Arm groups and the participant flow of a registry study, as the record's arms and flow.

In:  the registry's arm groups and participant-flow module (through ``ImporterBase``).
Out: ``Arm`` objects (role from the arm type; at most ``MAX_ARMS``) and the flow node: groups matched
     to arms by name, allocation from the first period, completion from each arm's last period with
     participants, drop-outs and reasons summed ("Lost to Follow-up" becomes ``lost``).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ImportSourceError
from ..model import NOT_REPORTED
from ..slugs import slug, unique
from .base import Arm, ImporterBase, Json, of_group
from .groups import ArmKey, assign, norm, strip_numbering
from .source import (
    get,
    items,
    key_of,
    parse_int,
)
from .yamlout import Node

MAX_ARMS = 6
_ROLE = {"EXPERIMENTAL": "intervention", "ACTIVE_COMPARATOR": "control", "PLACEBO_COMPARATOR": "control",
         "SHAM_COMPARATOR": "control", "NO_INTERVENTION": "control", "OTHER": "other"}


class ArmsAndFlow(ImporterBase):
    # --- arms and flow -----------------------------------------------------

    def _arms(self, design: Node) -> list[Arm]:
        groups = items(self.p, "armsInterventionsModule", "armGroups")
        flow_groups = items(self.r, "participantFlowModule", "groups")
        arms: list[Arm] = []
        taken: set[str] = set()
        interventions = {key_of(i.get("name")): i for i in items(self.p, "armsInterventionsModule", "interventions")}
        if groups:
            for g in groups:
                label = self.text(strip_numbering(str(g.get("label") or "")), limit=300)
                if not label:
                    continue
                description = self.text(g.get("description"))
                listed = g.get("interventionNames")
                names = [n for n in (listed if isinstance(listed, list) else []) if isinstance(n, str)]
                if names:
                    extra = "Interventions: " + "; ".join(names) + "."
                    description = self.text(f"{description} {extra}" if description else extra)
                arms.append(Arm("", label, None, _ROLE.get(str(g.get("type", "")).upper()), description,
                                 [str(g.get("label")), label]))
        elif flow_groups:
            for g in flow_groups:
                label = self.text(strip_numbering(str(g.get("title") or "")), limit=300)
                if label:
                    arms.append(Arm("", label, None, None, self.text(g.get("description")),
                                    [str(g.get("title")), label]))
        elif design["type"] == "single-group" or not design["randomized"]:
            label = "All participants"
            given = [self.text(i.get("name"), limit=200) for i in interventions.values() if i.get("name")]
            arms.append(Arm("", label, None, None, self.text("; ".join(n for n in given if n)) or None, [label]))
            design.note("type", "registry: no arm groups listed; the record has one group of all participants")
        if not arms:
            raise ImportSourceError(f"{self.name}: {self.nct} lists no arm groups, so there are no arms to import")
        if len(arms) > MAX_ARMS:
            dropped = ", ".join(a.label for a in arms[MAX_ARMS:])
            self.warn(f"{len(arms)} arms; a record holds at most {MAX_ARMS}: left out {dropped}")
            design.note("type", f"registry: {len(arms)} arms; left out (a record holds {MAX_ARMS}): {dropped}")
            arms = arms[:MAX_ARMS]
        # Flow group titles are usually the short names used everywhere in the results.
        if flow_groups:
            mapping = assign(flow_groups, [ArmKey(str(i), a.names, a.description or "") for i, a in enumerate(arms)])
            for g in flow_groups:
                gid = key_of(g.get("id"))
                index = mapping.get(gid) if gid is not None else None
                if index is None:
                    continue
                arm = arms[int(index)]
                title = self.text(strip_numbering(str(g.get("title") or "")), limit=300)
                if title and norm(title) != norm(arm.label):
                    arm.names.append(str(g.get("title")))
                    arm.names.append(title)
                    if len(title) < len(arm.label):
                        arm.short = title
        for arm in arms:
            arm.id = unique(slug(arm.short or arm.label, 30), taken)
        if design["type"] == "single-group" and len(arms) > 1:
            if design["randomized"]:
                raise ImportSourceError(f"{self.name}: {self.nct} is a single-group design with {len(arms)} arm "
                                        "groups; "
                                        f"cannot tell which is the study group")
            design["type"] = "parallel"
            design.note("type", "registry: several groups compared without randomization")
        if design["randomized"] and len(arms) < 2:
            raise ImportSourceError(f"{self.name}: {self.nct} says it is randomized but lists one arm group; "
                                    f"a randomized record needs two arms")
        return arms

    def _flow(self, design: Node) -> Node | None:
        pf = get(self.r, "participantFlowModule")
        if not isinstance(pf, dict):
            return None
        groups = items(pf, "groups")
        periods = items(pf, "periods")
        if not groups or not periods:
            return None
        mapping = assign(groups, [a.key() for a in self.arms])
        flow = Node()
        by_arm = {arm_id: gid for gid, arm_id in mapping.items()}
        titles = {key_of(g.get("id")): str(g.get("title")) for g in groups}
        for g in groups:
            if key_of(g.get("id")) and key_of(g.get("id")) not in mapping:
                started = [(str(p.get("title") or f"period {i + 1}"), self._milestone(p, "STARTED", g.get("id")))
                           for i, p in enumerate(periods)]
                shown = "; ".join(f"{n} started in {t!r}" for t, n in started if n)
                flow.note("arms", f"registry: flow group {titles[key_of(g.get('id'))]!r} is not a randomized arm "
                                  f"(an extension or switch group?) and is left out" + (f" ({shown})" if shown else ""))
                self.warn(f"flow group {titles[key_of(g.get('id'))]!r} is not one of the arms; left out")
        arms_flow = []
        for arm in self.arms:
            gid = by_arm.get(arm.id)
            if gid is None:
                self.warn(f"no participant-flow group for arm {arm.label!r}")
                continue
            arms_flow.append(self._arm_flow(arm, gid, periods))
        if not arms_flow:
            return None
        allocated = [a.allocated for a in self.arms if a.id in by_arm]
        if design["randomized"] and all(n is not None for n in allocated) and len(allocated) == len(self.arms):
            flow["randomized"] = sum(allocated)
            enrolled = parse_int(get(self.p, "designModule", "enrollmentInfo", "count"))
            if enrolled is not None and enrolled != flow["randomized"]:
                flow.note("randomized", f"registry: enrolment is {enrolled}, but the participant flow starts "
                                        f"{' + '.join(map(str, allocated))} = {flow['randomized']} in the arms")
                self.warn(f"enrolment {enrolled} differs from the {flow['randomized']} who started in the arms")
        if len(periods) > 1:
            flow.note("arms", f"registry: {len(periods)} periods ({'; '.join(str(p.get('title')) for p in periods)}); "
                              f"allocated = STARTED in the first, completed = COMPLETED in each arm's last")
        details = self.text(pf.get("preAssignmentDetails"), limit=300)
        if details:
            flow.note("arms", f"registry: {details}")
        flow["arms"] = arms_flow
        return flow

    @staticmethod
    def _milestone(period: Json, kind: str, gid: Any) -> int | None:
        for m in items(period, "milestones"):
            if str(m.get("type", "")).upper() == kind:
                for a in items(m, "achievements"):
                    if a.get("groupId") == gid:
                        return parse_int(a.get("numSubjects"))
        return None

    def _arm_flow(self, arm: Arm, gid: str, periods: list[Json]) -> Node:
        node = Node(arm=arm.id)
        started = [self._milestone(p, "STARTED", gid) for p in periods]
        raw_started = None
        for m in items(periods[0], "milestones"):
            if str(m.get("type", "")).upper() == "STARTED":
                raw_started = of_group(items(m, "achievements"), gid, "numSubjects")
        allocated = started[0]
        if allocated is None:
            node["allocated"] = NOT_REPORTED
            node.note("allocated", f"registry: STARTED is {raw_started!r}, not a number")
        else:
            node["allocated"] = allocated
        arm.allocated = allocated
        active = [i for i, n in enumerate(started) if n] or [0]
        last = periods[active[-1]]
        completed = self._milestone(last, "COMPLETED", gid)
        not_completed: int | None = 0
        reasons: dict[str, int] = {}
        lost = 0
        reasons_given = False
        for i in active:
            n = self._milestone(periods[i], "NOT COMPLETED", gid)
            not_completed = None if n is None or not_completed is None else not_completed + n
            for dw in items(periods[i], "dropWithdraws"):
                reason = self.text(dw.get("type"), limit=200)
                count = parse_int(of_group(items(dw, "reasons"), gid, "numSubjects"))
                reasons_given = reasons_given or count is not None
                if not reason or not count:
                    continue
                if re.search(r"lost to follow", reason, re.I):
                    lost += count
                else:
                    reasons[reason] = reasons.get(reason, 0) + count
        if not_completed is not None and lost <= not_completed:
            discontinued = not_completed - lost
            if allocated is not None and completed is not None and completed + not_completed > allocated:
                node.note("discontinued", f"registry: COMPLETED {completed} + NOT COMPLETED {not_completed} is more "
                                          f"than the {allocated} who started; the counts are left out")
                self.warn(f"arm {arm.label!r}: completed + not completed exceeds those who started; left out")
                completed = None
            else:
                node["discontinued"] = discontinued
                listed = [Node(reason=r, n=n) for r, n in reasons.items()]
                if sum(reasons.values()) <= discontinued:
                    node.put("discontinued_reasons", listed)
                elif listed:
                    node.note("discontinued", "registry: the drop-out reasons add up to more than NOT COMPLETED; left "
                                              "out")
                if reasons_given:
                    node["lost"] = lost
                else:
                    node.note("discontinued", "registry: NOT COMPLETED; no reasons given (may include losses to "
                                              "follow-up)")
        if completed is not None:
            if allocated is None or completed <= allocated:
                node["completed"] = completed
        else:
            node["completed"] = NOT_REPORTED
            node.note("completed", "registry: COMPLETED is not given as a number")
        other = []
        for period in periods:
            for m in items(period, "milestones"):
                kind = str(m.get("type", ""))
                if kind.upper() in ("STARTED", "COMPLETED", "NOT COMPLETED"):
                    continue
                n = parse_int(of_group(items(m, "achievements"), gid, "numSubjects"))
                if n:
                    other.append(f"{self.text(kind, limit=100)}: {n}")
        if other:
            node.note("", f"registry: other milestones for {arm.short or arm.label}: {'; '.join(other)}")
        return node

    def _analysed(self, flow: Node | None, outcomes: list[Node]) -> None:
        """``analysed`` per arm: the denominators of the first primary outcome that has them."""
        if not flow:
            return
        for outcome in outcomes:
            if not outcome.get("primary"):
                continue
            totals = {r["arm"]: r.get("total") for r in outcome.get("results", [])}
            if not any(isinstance(t, int) for t in totals.values()):
                continue
            for af in flow["arms"]:
                total = totals.get(af["arm"])
                if isinstance(total, int):
                    af["analysed"] = total
                    af.note("analysed", f"registry: the denominator of the primary outcome {outcome['id']!r}")
            return
