"""The question a registry study asks: population, eligibility, intervention, comparator, outcomes.

In:  the registry's conditions, eligibility and baseline modules, and the arms and outcomes already
     imported (through ``ImporterBase``).
Out: the record's question node (with at most ``MAX_INCLUSION`` inclusion and ``MAX_EXCLUSION``
     exclusion criteria itemised).
"""

from __future__ import annotations

import re
from typing import Any

from .base import ImporterBase, of_group
from .outcomes import _dispersion
from .source import (
    get,
    items,
    number_text,
    parse_float,
    parse_int,
    section,
)
from .yamlout import Node

MAX_INCLUSION = 5
MAX_EXCLUSION = 3


class QuestionImport(ImporterBase):
    # --- the question -----------------------------------------------------

    def _question(self, outcomes: list[Node], design: Node) -> Node:
        q = Node()
        elig = section(self.p, "eligibilityModule")
        listed = get(self.p, "conditionsModule", "conditions", default=[])
        conditions = [c for c in (self.text(c, limit=200) for c in (listed if isinstance(listed, list) else [])
                                  if isinstance(c, str)) if c]
        who = self.text(elig.get("studyPopulation"), limit=600)
        ages = _ages(elig.get("minimumAge"), elig.get("maximumAge"))
        if who:
            population = who + (f" ({ages})" if ages else "")
        else:
            population = "Participants" + (f" {ages}" if ages else "")
            if conditions:
                population += " with " + (", ".join(conditions[:-1]) + " or " + conditions[-1] if len(conditions) > 1
                                          else conditions[0])
        if elig.get("healthyVolunteers") is True and not who:
            population += "; healthy volunteers accepted"
        q["population"] = self.text(population)
        q.note("population", "registry: from the conditions, age limits and study population; edit into plain words")
        criteria, dropped = self._criteria(elig.get("eligibilityCriteria"))
        q.put("eligibility", criteria)
        if dropped:
            q.note("eligibility", f"registry: {dropped} further criteria are in the registry entry")
        baseline = self._baseline()
        q.put("baseline", baseline)
        interventions = [a for a in self.arms if a.role == "intervention"] or self.arms[:1]
        controls = [a for a in self.arms if a.role == "control"] or \
                   [a for a in self.arms if a not in interventions and a.role != "other"]
        exposures = [i for i in items(self.p, "armsInterventionsModule", "interventions") if i.get("name")]
        if not items(self.p, "armsInterventionsModule", "armGroups") and exposures:
            q["intervention"] = self.text("; ".join(
                str(i["name"]) + (f": {i['description']}" if i.get("description") else "") for i in exposures[:3]))
        else:
            q["intervention"] = self.text("; ".join(a.label for a in interventions))
        if controls and design["type"] != "single-group":
            q["comparator"] = self.text("; ".join(a.label for a in controls))
        names = [title + (f" ({when})" if when and when.lower() not in title.lower() else "")
                 for title, when in getattr(self, "primary_measures", [])[:5]]
        if not names:
            primary = items(self.p, "outcomesModule", "primaryOutcomes")[:3]
            names = [self.text(o.get("measure"), limit=400) for o in primary]
        q.put("outcomes", [n for n in names if n])
        if q.get("outcomes"):
            q.note("outcomes", "registry: the primary outcomes")
        return q

    def _criteria(self, text: Any) -> tuple[list[str], int]:
        cleaned = self.text(text, multiline=True, limit=20000)
        if not cleaned:
            return [], 0
        include: list[str] = []
        exclude: list[str] = []
        current = include
        last: list[str] | None = None
        subs = 0
        for line in cleaned.split("\n"):
            stripped = line.strip()
            if not stripped:
                continue
            header = re.fullmatch(r"(?i)(key\s+)?(inclusion|exclusion)\s+criteria\s*:?", stripped)
            if header:
                current = include if header.group(2).lower() == "inclusion" else exclude
                last = None
                continue
            bullet = re.match(r"^([*•\-+]|\d+[.)])\s+(.*)$", stripped)
            body = bullet.group(2) if bullet else stripped
            indented = len(line) - len(line.lstrip()) >= 2
            if indented and last is not None and current:
                joiner = "; " if subs else " " if current[-1].endswith(":") else ": "
                current[-1] = f"{current[-1].rstrip()}{joiner}{body}"
                subs += 1
            else:
                current.append(body)
                last = current
                subs = 0
        items_ = [c for c in include[:MAX_INCLUSION]] + [f"Excluded: {c}" for c in exclude[:MAX_EXCLUSION]]
        dropped = max(0, len(include) - MAX_INCLUSION) + max(0, len(exclude) - MAX_EXCLUSION)
        return [t for t in (self.text(i, limit=600) for i in items_) if t], dropped

    def _baseline(self) -> str | None:
        bm = get(self.r, "baselineCharacteristicsModule")
        if not isinstance(bm, dict):
            return None
        groups = items(bm, "groups")
        if not groups:
            return None
        total = next((g for g in groups if re.match(r"(?i)total", str(g.get("title", "")))),
                     groups[-1] if len(groups) == 1 else None)
        if total is None:
            return None
        gid = total.get("id")
        n = parse_int(of_group([c for d in items(bm, "denoms") for c in items(d, "counts")], gid, "value"))
        parts = []
        for measure in items(bm, "measures"):
            title = str(measure.get("title", ""))
            ptype = str(measure.get("paramType", "")).upper()
            for c in items(measure, "classes"):
                for cat in items(c, "categories"):
                    m = next((x for x in items(cat, "measurements") if x.get("groupId") == gid), None)
                    if m is None:
                        continue
                    if title.lower().startswith("age, continuous") and ptype in ("MEAN", "MEDIAN"):
                        value = parse_float(m.get("value"))
                        unit = self.text(measure.get("unitOfMeasure"), limit=50) or "years"
                        if value is None:
                            continue
                        disp = _dispersion(measure.get("dispersionType")).lower()
                        spread = parse_float(m.get("spread"))
                        low, high = m.get("lowerLimit"), m.get("upperLimit")
                        extra = (f" (SD {number_text(spread)})" if "standard deviation" in disp and spread is not None
                                 else f" (range {low} to {high})" if "range" in disp and low and high
                                 else f" (IQR {low} to {high})" if "inter quartile" in disp and low and high else "")
                        parts.append(f"{'Mean' if ptype == 'MEAN' else 'Median'} age {number_text(value)}{extra} "
                                     f"{unit}")
                    elif title.lower().startswith("sex") and str(cat.get("title", "")).lower() == "female":
                        women = parse_int(m.get("value"))
                        if women is not None:
                            parts.append(f"{women} of {n} female" if n else f"{women} female")
        if not parts:
            return None
        return self.text("; ".join(parts) + (f" (n = {n}, registry baseline)" if n else " (registry baseline)"))


def _ages(minimum: Any, maximum: Any) -> str | None:
    def clean(x: Any) -> str | None:
        if not isinstance(x, str) or not x.strip() or x.strip().upper() in ("N/A", "NA"):
            return None
        return x.strip().lower()
    low, high = clean(minimum), clean(maximum)
    if low and high:
        lo_n, lo_u = (low.split(" ", 1) + [""])[:2]
        hi_u = (high.split(" ", 1) + [""])[1]
        return f"aged {lo_n} to {high}" if lo_u == hi_u else f"aged {low} to {high}"
    if low:
        return f"aged {low} and older"
    if high:
        return f"aged up to {high}"
    return None
