"""Turn a ClinicalTrials.gov API v2 study into a study record (YAML text).

In:  the study as parsed JSON (see ``source.read_study``).
Out: ``ImportResult``: the record as YAML text (validated before it is
     returned), the ``Study`` it gives, and one-line warnings.

Mapping (the registry -> the record):
- ``record: 2``; identification -> id (slug of the acronym, else the NCT id),
  acronym, title (brief title), registrations; sponsor and collaborators -> funding;
  conditions, ages and eligibility -> question.population / eligibility.
- design -> design.type (interventionModel; an observational study with one
  group is single-group), randomized (allocation), masking, sites and
  countries, start / primary completion / completion dates.
- arm groups -> arms (role from the arm type: experimental = intervention,
  placebo / active / sham / no intervention = control).
- participant flow -> flow: groups matched to arms by name; the first period
  gives allocation (STARTED), each arm's last period with participants gives
  completion; NOT COMPLETED and the drop-out reasons are summed over the arm's
  periods ("Lost to Follow-up" becomes ``lost``). Groups that are not arms
  (open-label extensions, switch groups) are left out with a comment.
- outcome measures -> outcomes: per-arm values with denominators; each
  analysis between two arms whose parameter type maps to a measure -> one of
  ``effects`` (the arms it compares, CI level and limits; a one-sided CI is
  left out with a comment; P value as a number or text such as "<0.001"; a
  non-inferiority analysis says so). Outcomes with an analysis come first;
  outcomes without an analysis or comparable per-arm values are summarised in
  ``outcomes_note`` (at most ``MAX_ITEMISED`` outcome rows are itemised).
- adverse events -> harms (each with an id): serious adverse events and deaths per arm.
- What the registry cannot give (bottom line, key messages, appraisal) is a
  ``TODO`` placeholder; validation accepts it with a warning.

Numbers the registry gives as text that cannot be parsed are "not reported"
(with a comment), never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import ImportSourceError, RecordError
from ..model import NOT_REPORTED, RATIO_MEASURES, RATIO_RANGE, RECORD_VERSION, Study
from ..slugs import slug, unique, unique_slug
from .groups import ArmKey, assign, norm, strip_numbering, subgroups
from .source import (TextCleaner, date_text, get, items, key_of, number_text, parse_float, parse_int, parse_p,
                     section, word)
from .yamlout import Node, dump

SCHEMA_COMMENT = "yaml-language-server: $schema=../schema/study-record.schema.json"
MAX_ARMS = 6
MAX_ITEMISED = 16          # outcome rows itemised; the rest go to outcomes_note
MAX_ROWS_PER_MEASURE = 8   # a measure with more rows (classes x groups) is summarised
MAX_INCLUSION = 5
MAX_EXCLUSION = 3
MAX_EFFECTS = 12           # the model's limit per outcome
_HYPOTHESIS = {"NON_INFERIORITY": "non-inferiority", "EQUIVALENCE": "equivalence", "SUPERIORITY": "superiority"}

TODO_BOTTOM_LINE = "TODO: one plain-language sentence"
TODO_KEY_MESSAGE = "TODO: 3 to 5 key messages, each with its numbers"
TODO_ASSESSED_BY = "TODO: who appraised the study"
TODO_STRENGTH = "TODO: strengths of the study"
TODO_LIMITATION = "TODO: limitations of the study"

_ROLE = {"EXPERIMENTAL": "intervention", "ACTIVE_COMPARATOR": "control", "PLACEBO_COMPARATOR": "control",
         "SHAM_COMPARATOR": "control", "NO_INTERVENTION": "control", "OTHER": "other"}
_DESIGN = {"PARALLEL": "parallel", "CROSSOVER": "crossover", "FACTORIAL": "factorial",
           "SINGLE_GROUP": "single-group", "SEQUENTIAL": "parallel"}
_MEASURES = [  # (pattern on the registry's paramType, measure); first match wins
    (r"log|ln\b", None),
    (r"^risk difference|^absolute risk|^difference in (proportions|percentages|rates)|proportion difference", "risk difference"),
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


@dataclass
class ImportResult:
    """The imported record: ``yaml_text`` to write, the ``study`` it gives, ``warnings`` (one line each)."""

    yaml_text: str
    warnings: list[str] = field(default_factory=list)
    study: Study | None = None
    record_id: str = ""
    nct_id: str = ""


@dataclass
class _Arm:
    id: str
    label: str
    short: str | None
    role: str | None
    description: str | None
    names: list[str]
    allocated: int | None = None

    def key(self) -> ArmKey:
        return ArmKey(self.id, list(self.names), self.description or "")


@dataclass
class _Unit:
    """One registry outcome measure, as the outcome rows it gives."""

    index: int
    primary: bool
    title: str
    rows: list[Node]
    has_effect: bool
    comparable: bool
    kind_word: str  # PRIMARY / SECONDARY / OTHER_PRE_SPECIFIED / POST_HOC


class _Importer:
    def __init__(self, study: dict, name: str):
        self.raw = study
        self.name = name
        self.p = study["protocolSection"]
        self.r = study.get("resultsSection") if isinstance(study.get("resultsSection"), dict) else {}
        self.nct = get(self.p, "identificationModule", "nctId").strip()
        self.text = TextCleaner()
        self.warnings: list[str] = []
        self.arms: list[_Arm] = []
        self.hypothesis = "superiority"

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.nct}: {message}")

    # --- the record, section by section ----------------------------------

    def run(self) -> ImportResult:
        rec = Node(record=RECORD_VERSION, kind="trial")
        ident = section(self.p, "identificationModule")
        acronym = self.text(ident.get("acronym"), limit=200)
        use_acronym = acronym if acronym and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .+&'’-]{0,30}", acronym) else None
        record_id = slug(use_acronym, 63) if use_acronym else self.nct.lower()
        rec["id"] = record_id
        if acronym and not use_acronym:
            rec.note("id", f"registry: the acronym {acronym!r} looks like an internal code, so the NCT id names the record")
        rec.put("acronym", use_acronym)
        title = self.text(ident.get("briefTitle")) or self.text(ident.get("officialTitle")) or self.nct
        rec["title"] = title
        official = self.text(ident.get("officialTitle"))
        if official and official != title:
            rec.note("title", "registry: brief title; the official title is")
            rec.note("title", f"  {official[:400]}")
        reg = Node(registry="ClinicalTrials.gov", identifier=self.nct, url=f"https://clinicaltrials.gov/study/{self.nct}")
        for ref in items(self.p, "referencesModule", "references"):
            if ref.get("type") == "RESULT" and ref.get("citation"):
                cited = self.text(ref.get("citation"), limit=300)
                pmid = f" (PMID {ref['pmid']})" if ref.get("pmid") else ""
                reg.note("", f"TODO: citation: the registry lists a results report{pmid}:")
                reg.note("", f"  {cited}")
        rec["registrations"] = [reg]
        rec.put("funding", self._funding())
        if "funding" in rec:
            rec.note("funding", "registry: sponsor and collaborators; the paper's funding statement may say more")
        rec["question"] = Node()  # filled once arms and outcomes are known (keeps the model's order)
        design = self._design()
        rec["design"] = design
        self.arms = self._arms(design)
        has_results = bool(self.r) and bool(self.raw.get("hasResults", True))
        flow = self._flow(design) if has_results else None
        arms_node = []
        for arm in self.arms:
            node = Node(id=arm.id, label=arm.label)
            if arm.short and arm.short != arm.label:
                node["short_label"] = arm.short
            node.put("role", arm.role)
            node.put("description", arm.description)
            if design["randomized"] and arm.allocated is not None:
                node["randomized"] = arm.allocated
            arms_node.append(node)
        rec["arms"] = arms_node
        if flow is None and not has_results and design["randomized"]:
            enrolled = parse_int(get(self.p, "designModule", "enrollmentInfo", "count"))
            if enrolled and str(get(self.p, "designModule", "enrollmentInfo", "type") or "").upper() == "ACTUAL":
                flow = Node(randomized=enrolled)
                flow.note("randomized", "registry: the actual enrolment; no participant flow is posted")
        if flow is not None:
            rec["flow"] = flow
        outcomes, outcomes_note = ([], None)
        if has_results:
            outcomes, outcomes_note = self._outcomes()
            self._analysed(flow, outcomes)
        else:
            self.warn("the registry entry has no posted results; the record has the design and arms only")
        rec.put("outcomes", outcomes)
        rec.put("outcomes_note", outcomes_note)
        if has_results:
            rec.put("harms", self._harms({row["id"] for row in outcomes}))
        rec["question"] = self._question(outcomes, design)
        appraisal = Node(assessed_by=TODO_ASSESSED_BY, strengths=[TODO_STRENGTH], limitations=[TODO_LIMITATION])
        appraisal.note("strengths", "TODO: add rob2 (randomization, deviations, missing_data, measurement, selection,")
        appraisal.note("strengths", "  overall), each with a judgement and its support, and a GRADE certainty")
        rec["appraisal"] = appraisal
        rec["conclusions"] = Node(bottom_line=TODO_BOTTOM_LINE, key_messages=[TODO_KEY_MESSAGE])
        if self.text.replaced:
            shown = ", ".join(f"U+{ord(k):04X}→{v!r}" for k, v in sorted(self.text.replaced.items()))
            self.warn(f"replaced characters the font cannot draw: {shown}")
        if self.text.truncated:
            self.warn(f"{self.text.truncated} text(s) longer than 5000 characters were shortened")
        header = [SCHEMA_COMMENT, "",
                  f"Imported from ClinicalTrials.gov {self.nct} by `evidence-brief import ctgov`"
                  + (f" (registry entry last updated {get(self.p, 'statusModule', 'lastUpdatePostDateStruct', 'date')})."
                     if get(self.p, "statusModule", "lastUpdatePostDateStruct", "date") else "."),
                  "Check the values against the registry and the published report, then write what the",
                  "registry cannot give: every place marked TODO (bottom line, key messages, appraisal).",
                  "Comments starting 'registry:' say what was left out or could not be read."]
        text = dump(rec, header, blank_before={"question", "design", "arms", "flow", "outcomes", "harms",
                                               "appraisal", "conclusions"})
        study = self._validate(text, record_id)
        return ImportResult(text, self.warnings, study, record_id, self.nct)

    def _validate(self, text: str, record_id: str) -> Study:
        from ..loader import load_bytes
        from ..validate import check_source

        try:
            checked = check_source(load_bytes(text.encode("utf-8"), f"{record_id}.yaml"))
        except RecordError as exc:
            first = exc.problems[0] if exc.problems else exc
            raise ImportSourceError(f"{self.name}: the imported record does not validate ({first}); "
                                    f"this is a bug in the importer, please report it") from None
        return checked.study

    def _funding(self) -> str | None:
        sponsors = section(self.p, "sponsorCollaboratorsModule")
        lead = self.text(word(sponsors, "leadSponsor", "name"), limit=300)
        parts = []
        cls = {"INDUSTRY": "industry", "NIH": "NIH", "FED": "US federal", "OTHER_GOV": "government",
               "INDIV": "individual", "NETWORK": "network", "OTHER": None, "UNKNOWN": None}
        if lead:
            kind = cls.get(get(sponsors, "leadSponsor", "class") or "")
            parts.append(f"Sponsor: {lead}" + (f", {kind}" if kind else ""))
        collaborators = [n for n in (self.text(c.get("name"), limit=300) for c in items(sponsors, "collaborators")) if n]
        if collaborators:
            parts.append("Collaborators: " + "; ".join(collaborators))
        return self.text(". ".join(parts) + ".") if parts else None

    def _design(self) -> Node:
        dm = section(self.p, "designModule")
        study_type = word(dm, "studyType").upper()
        info = section(dm, "designInfo")
        allocation = word(info, "allocation").upper()
        model = word(info, "interventionModel").upper()
        d = Node()
        randomized = allocation == "RANDOMIZED"
        if study_type == "OBSERVATIONAL":
            kind = "single-group"  # revised in _arms when there are several groups
            d.note("type", f"registry: an observational study ({(word(info, 'observationalModel') or 'model not given').lower()}"
                           f", {(word(info, 'timePerspective') or 'time perspective not given').lower()}), not a trial")
        else:
            kind = _DESIGN.get(model)
            if kind is None:
                kind = "parallel"
                d.note("type", f"registry: intervention model {model or 'not given'}; read as parallel, check")
            elif model == "SEQUENTIAL":
                d.note("type", "registry: sequential assignment; read as parallel, check")
        d["type"] = kind
        if kind != "single-group" and self._non_inferiority():
            d["hypothesis"] = self.hypothesis = "non-inferiority"
            d.note("hypothesis", "registry: a primary analysis is a non-inferiority analysis; the registry gives no "
                                 "margin: add design.margin from the paper")
        d["randomized"] = randomized
        if not randomized and allocation:
            d.note("randomized", f"registry: allocation {allocation.replace('_', '-').lower()}")
        masking = word(info, "maskingInfo", "masking")
        if masking.strip():
            who_raw = get(info, "maskingInfo", "whoMasked", default=[])
            who = [w.replace("_", " ").lower() for w in (who_raw if isinstance(who_raw, list) else []) if isinstance(w, str)]
            d.put("masking", self.text("None (open label)" if masking.upper() == "NONE" else
                                       masking.replace("_", " ").capitalize() + (f" ({', '.join(who)})" if who else ""),
                                       limit=300))
        locations = items(self.p, "contactsLocationsModule", "locations")
        if locations:
            d["centres"] = len(locations)
            d.note("centres", "registry: the number of sites listed")
            countries: list[str] = []
            for loc in locations:
                country = self.text(loc.get("country"), limit=100)
                if country and country not in countries:
                    countries.append(country)
            d.put("countries", countries[:100])
        status = section(self.p, "statusModule")
        dates = []
        for key, words in (("startDateStruct", "study start"), ("primaryCompletionDateStruct", "primary completion"),
                           ("completionDateStruct", "study completion")):
            when = date_text(get(status, key, "date"))
            if when:
                estimated = " (anticipated)" if word(status, key, "type").upper() == "ESTIMATED" else ""
                dates.append(f"{words} {when}{estimated}")
        if dates:
            joined = "; ".join(dates)
            d["enrolment_period"] = self.text(joined[0].upper() + joined[1:])
            d.note("enrolment_period", "registry: start and completion dates")
        return d

    def _non_inferiority(self) -> bool:
        for om in items(self.r, "outcomeMeasuresModule", "outcomeMeasures"):
            if om.get("type") == "PRIMARY":
                for an in items(om, "analyses"):
                    if str(an.get("nonInferiorityType", "")).upper().startswith("NON_INFERIORITY"):
                        return True
        return False

    # --- arms and flow -----------------------------------------------------

    def _arms(self, design: Node) -> list[_Arm]:
        groups = items(self.p, "armsInterventionsModule", "armGroups")
        flow_groups = items(self.r, "participantFlowModule", "groups")
        arms: list[_Arm] = []
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
                arms.append(_Arm("", label, None, _ROLE.get(str(g.get("type", "")).upper()), description,
                                 [str(g.get("label")), label]))
        elif flow_groups:
            for g in flow_groups:
                label = self.text(strip_numbering(str(g.get("title") or "")), limit=300)
                if label:
                    arms.append(_Arm("", label, None, None, self.text(g.get("description")), [str(g.get("title")), label]))
        elif design["type"] == "single-group" or not design["randomized"]:
            label = "All participants"
            names = [self.text(i.get("name"), limit=200) for i in interventions.values() if i.get("name")]
            arms.append(_Arm("", label, None, None, self.text("; ".join(n for n in names if n)) or None, [label]))
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
                index = mapping.get(key_of(g.get("id")))
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
                raise ImportSourceError(f"{self.name}: {self.nct} is a single-group design with {len(arms)} arm groups; "
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
    def _milestone(period: dict, kind: str, gid: Any) -> int | None:
        for m in items(period, "milestones"):
            if str(m.get("type", "")).upper() == kind:
                for a in items(m, "achievements"):
                    if a.get("groupId") == gid:
                        return parse_int(a.get("numSubjects"))
        return None

    def _arm_flow(self, arm: _Arm, gid: str, periods: list[dict]) -> Node:
        node = Node(arm=arm.id)
        started = [self._milestone(p, "STARTED", gid) for p in periods]
        raw_started = None
        for m in items(periods[0], "milestones"):
            if str(m.get("type", "")).upper() == "STARTED":
                raw_started = next((a.get("numSubjects") for a in items(m, "achievements") if a.get("groupId") == gid), None)
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
                count = next((parse_int(x.get("numSubjects")) for x in items(dw, "reasons") if x.get("groupId") == gid), None)
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
                    node.note("discontinued", "registry: the drop-out reasons add up to more than NOT COMPLETED; left out")
                if reasons_given:
                    node["lost"] = lost
                else:
                    node.note("discontinued", "registry: NOT COMPLETED; no reasons given (may include losses to follow-up)")
        if completed is not None:
            if allocated is None or completed <= allocated:
                node["completed"] = completed
        else:
            node["completed"] = NOT_REPORTED
            node.note("completed", "registry: COMPLETED is not given as a number")
        other = []
        for i, period in enumerate(periods):
            for m in items(period, "milestones"):
                kind = str(m.get("type", ""))
                if kind.upper() in ("STARTED", "COMPLETED", "NOT COMPLETED"):
                    continue
                n = next((parse_int(a.get("numSubjects")) for a in items(m, "achievements") if a.get("groupId") == gid), None)
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
        chosen: list[_Unit] = []
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

    def _outcomes_note(self, rest: list[_Unit]) -> str | None:
        parts = []
        for primary, word in ((True, "primary"), (False, "secondary")):
            titles = [u.title for u in rest if u.primary == primary]
            if titles:
                parts.append(f"{len(titles)} {word}: {_compress(titles)}")
        text = (f"The registry lists {len(rest)} further outcome measure{'s' if len(rest) != 1 else ''}, "
                f"not itemised here (no between-arm analysis, values not given for every arm, or too many rows): "
                + "; ".join(parts) + ". Their values are in the registry entry.")
        return self.text(text)

    def _measure(self, index: int, om: dict) -> _Unit | None:
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
        table: list[tuple[str, dict, dict]] = []  # (row suffix, {gid: measurement}, {gid: denominator})
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
        return _Unit(index, primary, title, rows, effect_used, comparable, kind_word)

    def _results(self, row: Node, column: dict[str, str], measurements: dict, denoms: dict, shape: str | None,
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
            if total is not None:
                if ceiling is not None and total > ceiling:
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

    def _effects(self, row: Node, analyses: list[dict], column: dict[str, str], values: dict, shape: str | None,
                 unit: str | None, primary: bool) -> list[Node]:
        """One effect per analysis between two arms whose parameter type maps to a measure."""
        arm_of = {gid: arm_id for arm_id, gid in column.items()}
        chosen = []
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
                chosen.append((an, arms, measure))
            else:
                skipped.append(f"{ptype} {an.get('paramValue')} (more than {MAX_EFFECTS} analyses)")
        for text in skipped:
            row.note("kind", f"registry: analysis not used: {text}")
        if skipped and not chosen:
            self.warn(f"outcome {row['label'][:60]!r}: no analysis could be used ({skipped[0]})")
        effects = [self._effect(row, an, arms, measure, values, unit, primary) for an, arms, measure in chosen]
        return [e for e in effects if e is not None]

    def _effect(self, row: Node, an: dict, arms: list[str], measure: str, values: dict, unit: str | None,
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
                                        f"({an.get('ciLowerLimit') or '-inf'} to {an.get('ciUpperLimit') or 'inf'}) is left out")
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
                    effect.note("ci", f"registry: confidence level {an.get('ciPctValue')!r} is not usable; 95% assumed, check")
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
                     r"baseline (score|value)s? as", said) or re.search(r"(?i)ancova|mantel|mmrm|mixed model", method or ""):
            effect["adjusted"] = True
            effect.note("adjusted", "registry: adjusted, going by the analysis method and description")
        if method:
            effect.note("measure", f"registry: {an.get('paramType')} by {method}")
        if described:
            effect.note("measure", f"registry: {described}")
        return effect

    def _direction(self, arms: list[str], estimate: float | None, values: dict, ratio: bool, effect: Node) -> list[str]:
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
        effect.note("compares", "registry: the reference arm is not named; the control arm is taken as reference, check")
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
                r["events"] = affected if affected is not None else NOT_REPORTED
                if affected is None:
                    r.note("arm", f"registry: {key} affected is {g.get(f'{key}NumAffected')!r}, not a number")
                if at_risk is not None and (arm.allocated is None or at_risk <= arm.allocated) \
                        and (affected is None or affected <= at_risk):
                    r["total"] = at_risk
                elif at_risk is not None:
                    r.note("arm", f"registry: {at_risk} at risk does not fit the arm ({arm.allocated} started); left out")
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
            names = [self.text(o.get("measure"), limit=400) for o in items(self.p, "outcomesModule", "primaryOutcomes")[:3]]
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
                if subs:
                    joiner = "; "
                else:
                    joiner = " " if current[-1].endswith(":") else ": "
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
        total = next((g for g in groups if re.match(r"(?i)total", str(g.get("title", "")))), groups[-1] if len(groups) == 1 else None)
        if total is None:
            return None
        gid = total.get("id")
        n = parse_int(next((c.get("value") for d in items(bm, "denoms") for c in items(d, "counts") if c.get("groupId") == gid), None))
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
                        extra = (f" (SD {number_text(spread)})" if "standard deviation" in disp and spread is not None else
                                 f" (range {low} to {high})" if "range" in disp and low and high else
                                 f" (IQR {low} to {high})" if "inter quartile" in disp and low and high else "")
                        parts.append(f"{'Mean' if ptype == 'MEAN' else 'Median'} age {number_text(value)}{extra} {unit}")
                    elif title.lower().startswith("sex") and str(cat.get("title", "")).lower() == "female":
                        women = parse_int(m.get("value"))
                        if women is not None:
                            parts.append(f"{women} of {n} female" if n else f"{women} female")
        if not parts:
            return None
        return self.text("; ".join(parts) + (f" (n = {n}, registry baseline)" if n else " (registry baseline)"))


# --- helpers ----------------------------------------------------------------

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


def _denoms(obj: dict) -> dict:
    lists = items(obj, "denoms")
    chosen = next((d for d in lists if str(d.get("units", "")).lower() == "participants"), lists[0] if lists else None)
    return {key_of(c.get("groupId")): c.get("value") for c in items(chosen, "counts")} if chosen else {}


def _dispersion(value: Any) -> str:
    """``STANDARD_DEVIATION`` or ``Standard Deviation`` -> ``Standard deviation``; IQR as ``Inter quartile range``."""
    text = " ".join(str(value or "").replace("_", " ").replace("-", " ").split()).lower()
    return text[:1].upper() + text[1:]


def _spread_text(m: dict, dispersion: str) -> str | None:
    spread, low, high = m.get("spread"), m.get("lowerLimit"), m.get("upperLimit")
    if spread not in (None, ""):
        return f"{spread}"
    if low not in (None, "") or high not in (None, ""):
        return f"{low if low not in (None, '') else '?'} to {high if high not in (None, '') else '?'}"
    return None


def _ages(minimum: Any, maximum: Any) -> str | None:
    def clean(x: Any) -> str | None:
        if not isinstance(x, str) or not x.strip() or x.strip().upper() in ("N/A", "NA"):
            return None
        return x.strip().lower()
    low, high = clean(minimum), clean(maximum)
    if low and high:
        lo_n, lo_u = (low.split(" ", 1) + [""])[:2]
        hi_n, hi_u = (high.split(" ", 1) + [""])[:2]
        return f"aged {lo_n} to {high}" if lo_u == hi_u else f"aged {low} to {high}"
    if low:
        return f"aged {low} and older"
    if high:
        return f"aged up to {high}"
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


def import_study(study: dict, name: str = "<json>") -> ImportResult:
    return _Importer(study, name).run()
