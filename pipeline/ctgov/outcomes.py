"""Outcome measures and adverse events of a registry study, as the record's outcomes and harms.

In:  the registry's outcome-measures and adverse-events modules (through ``ImporterBase``).
Out: outcome nodes (per-arm values with denominators; each analysis between two arms whose parameter
     type maps to a measure as an effect), a note summarising outcomes left out (beyond
     ``MAX_ITEMISED`` rows, or with nothing comparable), and harm nodes (serious adverse events, deaths).
"""

from __future__ import annotations

import re
from typing import Any

from ..model import NOT_REPORTED, RATIO_MEASURES, RATIO_RANGE
from ..slugs import slug, unique, unique_slug
from .base import ByGroup, ImporterBase, Json, Unit
from .groups import assign, subgroups
from .source import (
    get,
    items,
    key_of,
    number_text,
    parse_float,
    parse_int,
    parse_p,
)
from .yamlout import Node

MAX_ITEMISED = 16          # outcome rows itemised; the rest go to outcomes_note
MAX_ROWS_PER_MEASURE = 8   # a measure with more rows (classes x groups) is summarised
MAX_EFFECTS = 12           # the model's limit per outcome
_HYPOTHESIS = {"NON_INFERIORITY": "non-inferiority", "EQUIVALENCE": "equivalence", "SUPERIORITY": "superiority"}
_MEASURES = [  # (pattern on the registry's paramType, measure); first match wins
    (r"log|ln\b", None),
    (r"^risk difference|^absolute risk|^difference in (proportions|percentages|rates)|proportion difference",
     "risk difference"),
    (r"^(risk ratio|relative risk)|^rr\b", "risk ratio"),
    (r"^odds ratio|^or\b", "odds ratio"),
    (r"^hazard ratio|^hr\b|cox proportional hazard", "hazard ratio"),
    (r"^(incidence )?rate ratio", "rate ratio"),
    (r"^standardi[sz]ed mean difference", "standardized mean difference"),
    (r"^median difference", "median difference"),
    (r"^(least squares |ls )?mean difference|^difference in (ls |least squares )?means", "mean difference"),
    (r"^difference$", "difference"),  # mean or risk difference, by the outcome's kind
]
_PERCENT_UNIT = re.compile(r"percent|%|proportion of", re.I)
_COUNT_UNIT = re.compile(r"^\s*(participants|subjects|patients|number of (participants|subjects|patients))\s*$", re.I)
_PARAM_WORDS = {"LEAST_SQUARES_MEAN": "least-squares means", "GEOMETRIC_MEAN": "geometric means",
                "GEOMETRIC_LEAST_SQUARES_MEAN": "geometric least-squares means", "LOG_MEAN": "log means",
                "MEDIAN": "medians", "MEAN": "means", "NUMBER": "numbers", "COUNT_OF_PARTICIPANTS": "counts",
                "COUNT_OF_UNITS": "counts of units"}



class OutcomesImport(ImporterBase):
    # --- outcomes ---------------------------------------------------------

    def _outcomes(self) -> tuple[list[Node], str | None]:
        units = []
        for index, om in enumerate(items(self.r, "outcomeMeasuresModule", "outcomeMeasures")):
            unit = self._measure(index, om)
            if unit is not None:
                units.append(unit)
        order = ([u for u in units if u.has_effect and u.primary] + [u for u in units if u.has_effect and not u.primary]
                 + [u for u in units if not u.has_effect and u.primary and u.comparable]
                 + [u for u in units if not u.has_effect and not u.primary and u.comparable])
        chosen: list[Unit] = []
        rows = 0
        for u in order:
            if len(u.rows) <= MAX_ROWS_PER_MEASURE and rows + len(u.rows) <= MAX_ITEMISED:
                chosen.append(u)
                rows += len(u.rows)
        chosen_ids = {u.index for u in chosen}
        self.primary_measures = [(u.title, u.rows[0].get("timepoint")) for u in chosen if u.primary]
        chosen.sort(key=lambda u: (not u.primary, not u.has_effect, u.index))
        taken: set[str] = set()
        out = []
        for u in chosen:
            for row in u.rows:
                row["id"] = unique(row["id"], taken)
                out.append(row)
        rest = [u for u in units if u.index not in chosen_ids]
        note = self._outcomes_note(rest) if rest else None
        if rest:
            self.warn(f"{len(rest)} of {len(units)} outcome measures summarised in outcomes_note, not itemised")
        return out, note

    def _outcomes_note(self, rest: list[Unit]) -> str | None:
        parts = []
        for primary, word in ((True, "primary"), (False, "secondary")):
            titles = [u.title for u in rest if u.primary == primary]
            if titles:
                parts.append(f"{len(titles)} {word}: {_compress(titles)}")
        text = (f"The registry lists {len(rest)} further outcome measure{'s' if len(rest) != 1 else ''}, "
                f"not itemised here (no between-arm analysis, values not given for every arm, or too many rows): "
                + "; ".join(parts) + ". Their values are in the registry entry.")
        return self.text(text)

    def _measure(self, index: int, om: Json) -> Unit | None:
        title = self.text(om.get("title"), limit=500)
        if not title:
            return None
        kind_word = str(om.get("type") or "SECONDARY").upper()
        primary = kind_word == "PRIMARY"
        groups = items(om, "groups")
        keys = [a.key() for a in self.arms]
        # Columns: {arm id: group id} sets; a one-arm study may report several subgroups (conditions).
        columns: list[tuple[str, dict[str, str]]] = []
        if len(self.arms) == 1:
            for gid, suffix in subgroups(groups, keys[0]):
                columns.append((suffix, {self.arms[0].id: gid}))
        else:
            mapping = assign(groups, keys)
            if mapping:
                columns.append(("", {arm_id: gid for gid, arm_id in mapping.items()}))
        unmapped = [str(g.get("title")) for g in groups
                    if all(g.get("id") not in col.values() for _, col in columns)]
        ptype = str(om.get("paramType") or "").upper()
        unit_of_measure = self.text(om.get("unitOfMeasure"), limit=200)
        dispersion = _dispersion(om.get("dispersionType"))
        shape = _shape(ptype, unit_of_measure or "")
        denoms = _denoms(om)
        classes = items(om, "classes")
        table: list[tuple[str, ByGroup, ByGroup]] = []  # (row suffix, {gid: measurement}, {gid: denominator})
        for c in classes:
            class_denoms = _denoms(c) or denoms
            cats = items(c, "categories")
            for cat in cats:
                suffix = " — ".join(x for x in (self.text(c.get("title"), limit=200),
                                                  self.text(cat.get("title"), limit=200)) if x)
                table.append((suffix, {key_of(m.get("groupId")): m for m in items(cat, "measurements")}, class_denoms))
        if not table:
            table.append(("", {}, denoms))
        analyses = items(om, "analyses")
        short_title = title  # the time frame is the outcome's timepoint; do not say it twice
        frame = self.text(om.get("timeFrame"), limit=500)
        if frame:
            short_title = re.sub(rf"(?i)\s+(at|by)\s+{re.escape(frame)}\s*$", "", title) or title
        rows: list[Node] = []
        effect_used = False
        comparable = bool(columns) and shape is not None and bool(classes)
        for col_suffix, column in columns:
            for row_suffix, measurements, row_denoms in table:
                label = short_title + "".join(f": {s}" for s in (col_suffix, row_suffix) if s)
                row = Node(id=_outcome_id(title, om.get("timeFrame"), [col_suffix, row_suffix]), label=self.text(label))
                row["primary"] = primary
                if kind_word not in ("PRIMARY", "SECONDARY"):
                    row.note("primary", f"registry: outcome type {kind_word.replace('_', ' ').lower()}")
                row.put("timepoint", self.text(om.get("timeFrame"), limit=500))
                results, values, details = self._results(row, column, measurements, row_denoms, shape, dispersion)
                if len([v for v in values.values() if v is not None]) < max(1, min(2, len(self.arms))):
                    comparable = False
                effects: list[Node] = []
                if len(columns) == 1 and len(table) == 1 and len(self.arms) > 1:
                    effects = self._effects(row, analyses, column, values, shape, unit_of_measure, primary)
                elif analyses:
                    row.note("", f"registry: {len(analyses)} analysis(es) not attached (the measure has several rows)")
                kind = _kind(shape, effects[0] if effects else None)
                row["kind"] = kind
                row.put("unit", unit_of_measure)
                row["results"] = results
                if effects:
                    row["effects"] = effects
                    effect_used = True
                words = _PARAM_WORDS.get(ptype)
                note_parts = []
                if words and shape in ("mean", "median") and ptype not in ("MEAN", "MEDIAN"):
                    note_parts.append(f"Arm values are {words}")
                if shape is None and words:
                    note_parts.append(f"Arm values ({words}) are in the registry")
                if details:
                    row.note("results", f"registry: {dispersion or 'spread'} per arm: {'; '.join(details)}")
                if note_parts:
                    row["note"] = self.text(". ".join(note_parts) + ".")
                rows.append(row)
        if unmapped and rows:
            rows[0].note("", f"registry: result groups that are not arms, left out: {'; '.join(unmapped)[:300]}")
        if not rows:
            return None
        return Unit(index, primary, title, rows, effect_used, comparable, kind_word)

    def _results(self, row: Node, column: dict[str, str], measurements: ByGroup, denoms: ByGroup, shape: str | None,
                 dispersion: str) -> tuple[list[Node], dict[str, float | None], list[str]]:
        results: list[Node] = []
        values: dict[str, float | None] = {}
        details: list[str] = []
        for arm in self.arms:
            gid = column.get(arm.id)
            if gid is None:
                continue
            r = Node(arm=arm.id)
            m = measurements.get(gid) or {}
            total = parse_int(denoms.get(gid))
            ceiling = arm.allocated
            if total is not None and ceiling is not None and total > ceiling:
                r.note("arm", f"registry: {total} analysed in {arm.short or arm.label}, more than the "
                              f"{ceiling} who started; the total is left out")
                total = None
            raw = m.get("value")
            value = parse_float(raw)
            why = self.text(m.get("comment"), limit=200)
            if m and value is None:
                r.note("arm", f"registry: value {raw!r} is not a number" + (f" ({why})" if why else ""))
            values[arm.id] = value
            if shape == "count":
                events = parse_int(raw)
                if events is None:
                    r["events"] = NOT_REPORTED
                    if not m:
                        r.note("arm", "registry: no value for this arm")
                elif total is not None and events > total:
                    r["events"] = events
                    r.note("arm", f"registry: {events} events but a denominator of {total}; the total is left out")
                    total = None
                else:
                    r["events"] = events
                if total is not None:
                    r["total"] = total
            else:
                if total is not None:
                    r["total"] = total
                if shape == "percent" and value is not None:
                    if 0 <= value <= 100:
                        r["percent"] = value
                    else:
                        r.note("arm", f"registry: {raw!r} is not a percentage; left out")
                elif shape == "mean" and value is not None:
                    r["mean"] = value
                    spread = parse_float(m.get("spread"))
                    if "standard deviation" in dispersion.lower() and spread is not None and spread >= 0:
                        r["sd"] = spread
                elif shape == "median" and value is not None:
                    r["median"] = value
                    low, high = parse_float(m.get("lowerLimit")), parse_float(m.get("upperLimit"))
                    if "inter quartile" in dispersion.lower() and low is not None and high is not None and low <= high:
                        r["iqr"] = [low, high]
            if m and shape is None and value is not None:
                details.append(f"{arm.short or arm.label} {number_text(value)}")
            spread_text = _spread_text(m, dispersion)
            if spread_text and not (shape == "mean" and "standard deviation" in dispersion.lower()) \
                    and not (shape == "median" and "inter quartile" in dispersion.lower()):
                details.append(f"{arm.short or arm.label} {spread_text}")
            results.append(r)
        return results, values, details

    def _effects(self, row: Node, analyses: list[Json], column: dict[str, str], values: Json, shape: str | None,
                 unit: str | None, primary: bool) -> list[Node]:
        """One effect per analysis between two arms whose parameter type maps to a measure."""
        arm_of = {gid: arm_id for arm_id, gid in column.items()}
        chosen: list[tuple[Json, list[str], str]] = []
        skipped = []
        for an in analyses:
            ids = an.get("groupIds")
            arms = [arm_of.get(g) for g in (ids if isinstance(ids, list) else []) if isinstance(g, str)]
            ptype = str(an.get("paramType") or "").strip()
            if len(arms) != 2 or None in arms or arms[0] == arms[1]:
                skipped.append(f"{ptype or 'analysis'} (compares groups that are not two arms)")
                continue
            measure = _measure_of(ptype, shape)
            if measure is None:
                skipped.append(f"{ptype or 'analysis without a parameter type'} (no matching effect measure)")
                continue
            if len(chosen) < MAX_EFFECTS:
                chosen.append((an, [a for a in arms if a is not None], measure))
            else:
                skipped.append(f"{ptype} {an.get('paramValue')} (more than {MAX_EFFECTS} analyses)")
        for text in skipped:
            row.note("kind", f"registry: analysis not used: {text}")
        if skipped and not chosen:
            self.warn(f"outcome {row['label'][:60]!r}: no analysis could be used ({skipped[0]})")
        effects = [self._effect(row, an, arms, measure, values, unit, primary) for an, arms, measure in chosen]
        return [e for e in effects if e is not None]

    def _effect(self, row: Node, an: Json, arms: list[str], measure: str, values: Json, unit: str | None,
                primary: bool) -> Node | None:
        effect = Node(measure=measure)
        estimate = parse_float(an.get("paramValue"))
        ratio = measure in RATIO_MEASURES
        low_ratio, high_ratio = RATIO_RANGE
        if estimate is not None and ratio and not low_ratio <= estimate <= high_ratio:
            row.note("kind", f"registry: {an.get('paramType')} {an.get('paramValue')} is not a ratio between "
                             f"{low_ratio:g} and {high_ratio:g}; left out")
            self.warn(f"outcome {row['label'][:60]!r}: {an.get('paramType')} {an.get('paramValue')} is not a usable "
                      f"ratio; effect left out")
            return None
        effect["compares"] = self._direction(arms, estimate, values, ratio, effect)
        hypothesis = _HYPOTHESIS.get(str(an.get("nonInferiorityType") or "").upper().split("_OR_")[0])
        inherited = (self.hypothesis if primary else "superiority")
        if hypothesis is not None and hypothesis != inherited:
            effect["hypothesis"] = hypothesis
            if hypothesis != "superiority":
                effect.note("hypothesis", "registry: no margin given: add margin from the paper")
        if estimate is not None:
            effect["estimate"] = estimate
        elif an.get("paramValue") not in (None, ""):
            effect.note("measure", f"registry: estimate {an.get('paramValue')!r} is not a number")
        low, high = parse_float(an.get("ciLowerLimit")), parse_float(an.get("ciUpperLimit"))
        level = parse_float(an.get("ciPctValue"))
        sides = str(an.get("ciNumSides") or "TWO_SIDED").upper()
        if low is not None or high is not None:
            if sides == "ONE_SIDED":
                effect.note("compares", f"registry: a one-sided {number_text(level) if level else ''}% interval "
                                        f"({an.get('ciLowerLimit') or '-inf'} to {an.get('ciUpperLimit') or 'inf'}) "
                                        "is left out")
                self.warn(f"outcome {row['label'][:60]!r}: one-sided confidence interval left out")
            elif low is None or high is None:
                effect.note("compares", "registry: only one confidence limit given; the interval is left out")
            elif low > high or (estimate is not None and not low <= estimate <= high):
                effect.note("compares", f"registry: the interval {number_text(low)} to {number_text(high)} does not "
                                        f"contain the estimate; left out")
                self.warn(f"outcome {row['label'][:60]!r}: confidence interval does not contain the estimate; left out")
            elif ratio and not (low_ratio <= low and high <= high_ratio):
                effect.note("compares", f"registry: a ratio's interval reaches beyond {low_ratio:g} to {high_ratio:g}; "
                                        f"left out")
            else:
                effect["ci"] = [low, high]
                if level is not None and 50 < level < 100:
                    effect["ci_level"] = int(level) if level.is_integer() else level
                elif level is not None:
                    effect.note("ci", f"registry: confidence level {an.get('ciPctValue')!r} is not usable; 95% "
                                      "assumed, check")
        if measure == "risk difference" and unit and _PERCENT_UNIT.search(unit):
            effect["unit"] = "percentage points"
        p = parse_p(an.get("pValue"))
        if p is not None:
            effect["p"] = p
        elif an.get("pValue"):
            effect.note("compares", f"registry: P value {an.get('pValue')!r} cannot be read")
        method = self.text(an.get("statisticalMethod"), limit=200)
        described = self.text(an.get("groupDescription") or an.get("estimateComment"), limit=400)
        said = " ".join(str(an.get(k) or "") for k in ("groupDescription", "estimateComment", "statisticalComment",
                                                        "pValueComment"))
        if re.search(r"(?i)adjust|covariat|factors? for|stratif|including (the )?(score|value)s? at baseline|"
                     r"baseline (score|value)s? as", said) \
                or re.search(r"(?i)ancova|mantel|mmrm|mixed model", method or ""):
            effect["adjusted"] = True
            effect.note("adjusted", "registry: adjusted, going by the analysis method and description")
        if method:
            effect.note("measure", f"registry: {an.get('paramType')} by {method}")
        if described:
            effect.note("measure", f"registry: {described}")
        return effect

    def _direction(self, arms: list[str], estimate: float | None, values: Json, ratio: bool, effect: Node) -> list[str]:
        """[arm, reference]: the intervention arm first; checked against the arm values where possible."""
        roles = {a.id: a.role for a in self.arms}
        order = list(arms)
        if roles.get(order[0]) == "control" and roles.get(order[1]) == "intervention":
            order.reverse()
        a, b = values.get(order[0]), values.get(order[1])
        if estimate is not None and a is not None and b is not None and a != b:
            null = 1.0 if ratio else 0.0
            if estimate != null and (estimate > null) != (a > b):
                order.reverse()
                effect.note("compares", "registry: arm order set by the sign of the estimate and the arm values, check")
                return order
            return order  # the arm values agree with [intervention, control]
        effect.note("compares", "registry: the reference arm is not named; the control arm is taken as reference, "
                                "check")
        return order

    # --- harms ------------------------------------------------------------

    def _harms(self, taken: set[str]) -> list[Node]:
        ae = get(self.r, "adverseEventsModule")
        if not isinstance(ae, dict):
            return []
        groups = items(ae, "eventGroups")
        mapping = assign(groups, [a.key() for a in self.arms])
        by_arm = {arm_id: gid for gid, arm_id in mapping.items()}
        g_by_id = {key_of(g.get("id")): g for g in groups}
        harms = []
        for key, label in (("serious", "Serious adverse events"), ("deaths", "Deaths (all causes)")):
            results = []
            for arm in self.arms:
                g = g_by_id.get(by_arm.get(arm.id))
                if g is None:
                    continue
                affected, at_risk = parse_int(g.get(f"{key}NumAffected")), parse_int(g.get(f"{key}NumAtRisk"))
                if affected is None and at_risk is None:
                    continue
                r = Node(arm=arm.id)
                if affected is not None and arm.allocated is not None and affected > arm.allocated:
                    r.note("arm", f"registry: {affected} {key} affected is more than the {arm.allocated} who "
                                  f"started; left out")
                    affected = None
                elif affected is None:
                    r.note("arm", f"registry: {key} affected is {g.get(f'{key}NumAffected')!r}, not a number")
                r["events"] = affected if affected is not None else NOT_REPORTED
                if at_risk is not None and (arm.allocated is None or at_risk <= arm.allocated) \
                        and (affected is None or affected <= at_risk):
                    r["total"] = at_risk
                elif at_risk is not None:
                    r.note("arm", f"registry: {at_risk} at risk does not fit the arm ({arm.allocated} started); left "
                                  "out")
                results.append(r)
            if results:
                harm = Node(id=unique_slug(label, taken, prefix="harm"), label=label, serious=True, results=results)
                harms.append(harm)
        if harms:
            frame = self.text(ae.get("timeFrame"), limit=300)
            if frame:
                harms[0].note("", f"registry: adverse events time frame: {frame}")
            left = [str(g.get("title")) for g in groups if key_of(g.get("id")) not in mapping]
            if left:
                harms[0].note("", f"registry: adverse-event groups that are not arms, left out: {'; '.join(left)}")
        return harms


def _outcome_id(title: str, time_frame: Any, suffixes: list[str]) -> str:
    """A short id: the scale's acronym (or the first words), what sets the row apart, and the week/month."""
    acronyms = [a for a in re.findall(r"\(([A-Za-z][A-Za-z0-9-]{1,15})\)", title) if sum(c.isupper() for c in a) >= 2]
    if acronyms:
        base = acronyms[-1]
    else:
        base = re.sub(r"(?i)^(the\s+)?(number|percentage|proportion|count)\s+of\s+"
                      r"((participants|subjects|patients)\s+(with|who|achieving)\s+)?", "", title)
        base = re.sub(r"(?i)^(mean\s+)?change\s+from\s+baseline\s+(to\s+\w+\s+\d+\s+)?in\s+(the\s+)?", "", base)
        base = slug(base, 24)
    when = re.findall(r"(?i)\b(day|week|month|year)s?\s*(\d+)", title)
    if not when and isinstance(time_frame, str):
        when = re.findall(r"(?i)\b(day|week|month|year)s?\s*(\d+)", time_frame)[-1:]
    parts = [base] + [slug(x, 16) for x in suffixes if x] + ([f"{when[-1][0].lower()}-{when[-1][1]}"] if when else [])
    return slug(" ".join(parts), 40) or "outcome"


def _shape(ptype: str, unit: str) -> str | None:
    """How arm values fit an ``ArmResult``: count, percent, mean, median, or None (they do not)."""
    if ptype == "COUNT_OF_PARTICIPANTS":
        return "count"
    if ptype == "NUMBER":
        if _PERCENT_UNIT.search(unit):
            return "percent"
        if _COUNT_UNIT.match(unit):
            return "count"
        return None
    if ptype in ("MEAN", "LEAST_SQUARES_MEAN"):
        return "mean"
    if ptype == "MEDIAN":
        return "median"
    return None


def _kind(shape: str | None, effect: Node | None) -> str:
    measure = effect.get("measure") if effect else None
    if measure == "hazard ratio":
        return "time-to-event"
    if measure in ("risk difference", "risk ratio", "odds ratio"):
        return "binary"
    if measure in ("mean difference", "standardized mean difference", "median difference"):
        return "continuous"
    return "binary" if shape in ("count", "percent") else "continuous"


def _measure_of(ptype: str, shape: str | None) -> str | None:
    text = ptype.strip().lower()
    for pattern, measure in _MEASURES:
        if re.search(pattern, text):
            if measure == "difference":
                return "risk difference" if shape in ("count", "percent") else "mean difference" if shape == "mean" \
                    else "median difference" if shape == "median" else None
            return measure
    return None


def _denoms(obj: Json) -> ByGroup:
    lists = items(obj, "denoms")
    chosen = next((d for d in lists if str(d.get("units", "")).lower() == "participants"), lists[0] if lists else None)
    return {key_of(c.get("groupId")): c.get("value") for c in items(chosen, "counts")} if chosen else {}


def _dispersion(value: Any) -> str:
    """``STANDARD_DEVIATION`` or ``Standard Deviation`` -> ``Standard deviation``; IQR as ``Inter quartile range``."""
    text = " ".join(str(value or "").replace("_", " ").replace("-", " ").split()).lower()
    return text[:1].upper() + text[1:]


def _spread_text(m: Json, dispersion: str) -> str | None:
    spread, low, high = m.get("spread"), m.get("lowerLimit"), m.get("upperLimit")
    if spread not in (None, ""):
        return f"{spread}"
    if low not in (None, "") or high not in (None, ""):
        return f"{low if low not in (None, '') else '?'} to {high if high not in (None, '') else '?'}"
    return None


def _compress(titles: list[str]) -> str:
    """``X at Baseline``, ``X at Week 1`` -> ``X (Baseline, Week 1)``."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for t in titles:
        match = re.match(r"^(.{8,}?)\s+(at|to|through|during)\s+(.+)$", t)
        if match:
            rest = match.group(3) if match.group(2) == "at" else f"{match.group(2)} {match.group(3)}"
            groups.setdefault(match.group(1), []).append((t, rest))
        else:
            groups.setdefault(t, []).append((t, ""))
    parts = []
    for key, members in groups.items():
        if len(members) > 1 and all(rest for _, rest in members):
            parts.append(f"{key} ({', '.join(rest for _, rest in members)})")
        else:
            parts.extend(t for t, _ in members)
    return "; ".join(parts)
