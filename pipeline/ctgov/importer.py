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
(with a comment), never 0; so is any count above the model's bound (``limits``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import RecordError
from ..model import RECORD_VERSION, Study
from ..slugs import slug
from .base import Json
from .flow import ArmsAndFlow
from .limits import leave_out_huge_counts
from .outcomes import OutcomesImport
from .question import QuestionImport
from .source import date_text, get, items, parse_int, section, word
from .yamlout import Node, dump

SCHEMA_COMMENT = "yaml-language-server: $schema=../schema/study-record.schema.json"
TODO_BOTTOM_LINE = "TODO: one plain-language sentence"
TODO_KEY_MESSAGE = "TODO: 3 to 5 key messages, each with its numbers"
TODO_ASSESSED_BY = "TODO: who appraised the study"
TODO_STRENGTH = "TODO: strengths of the study"
TODO_LIMITATION = "TODO: limitations of the study"


_DESIGN = {"PARALLEL": "parallel", "CROSSOVER": "crossover", "FACTORIAL": "factorial",
           "SINGLE_GROUP": "single-group", "SEQUENTIAL": "parallel"}


@dataclass
class ImportResult:
    """The imported record: ``yaml_text`` to write, the ``study`` it gives, ``warnings`` (one line each)."""

    yaml_text: str
    warnings: list[str] = field(default_factory=list)
    study: Study | None = None
    record_id: str = ""
    nct_id: str = ""


class _Importer(ArmsAndFlow, OutcomesImport, QuestionImport):
    # --- the record, section by section ----------------------------------

    def run(self) -> ImportResult:
        rec = Node(record=RECORD_VERSION, kind="trial")
        ident = section(self.p, "identificationModule")
        acronym = self.text(ident.get("acronym"), limit=200)
        use_acronym = acronym if acronym and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .+&'’-]{0,30}", acronym) else None
        record_id = slug(use_acronym, 63) if use_acronym else self.nct.lower()
        rec["id"] = record_id
        if acronym and not use_acronym:
            rec.note("id", f"registry: the acronym {acronym!r} looks like an internal code, so the NCT id names the "
                           "record")
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
            if design["randomized"] and arm.allocated:
                node["randomized"] = arm.allocated
            elif design["randomized"] and arm.allocated == 0:
                node.note("id", "registry: 0 started in this arm; the number randomized is left out")
            arms_node.append(node)
        rec["arms"] = arms_node
        if flow is None and not has_results and design["randomized"]:
            enrolled = parse_int(get(self.p, "designModule", "enrollmentInfo", "count"))
            if enrolled and str(get(self.p, "designModule", "enrollmentInfo", "type") or "").upper() == "ACTUAL":
                flow = Node(randomized=enrolled)
                flow.note("randomized", "registry: the actual enrolment; no participant flow is posted")
        if flow is not None:
            rec["flow"] = flow
        outcomes: list[Node] = []
        outcomes_note: str | None = None
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
                  + (" (registry entry last updated "
                     f"{get(self.p, 'statusModule', 'lastUpdatePostDateStruct', 'date')})."
                     if get(self.p, "statusModule", "lastUpdatePostDateStruct", "date") else "."),
                  "Check the values against the registry and the published report, then write what the",
                  "registry cannot give: every place marked TODO (bottom line, key messages, appraisal).",
                  "Comments starting 'registry:' say what was left out or could not be read."]
        leave_out_huge_counts(rec, self.warn)
        text = dump(rec, header, blank_before={"question", "design", "arms", "flow", "outcomes", "harms",
                                               "appraisal", "conclusions"})
        study = self._validate(text, record_id)
        return ImportResult(text, self.warnings, study, record_id, self.nct)

    def _validate(self, text: str, record_id: str) -> Study:
        """The record the importer wrote, validated. One that does not validate is the importer's bug, not
        the registry file's fault: a ``RuntimeError`` (the CLI's "internal error, please report", exit 70)."""
        from ..loader import load_bytes
        from ..validate import check_source

        try:
            checked = check_source(load_bytes(text.encode("utf-8"), f"{record_id}.yaml"))
        except RecordError as exc:
            raise RuntimeError(f"{self.name}: the imported record does not validate: {exc}") from exc
        if not isinstance(checked.study, Study):
            raise RuntimeError(f"{self.name}: the imported record is not a trial record")
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
        names = (self.text(c.get("name"), limit=300) for c in items(sponsors, "collaborators"))
        collaborators = [n for n in names if n]
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
        kind: str | None
        if study_type == "OBSERVATIONAL":
            kind = "single-group"  # revised in _arms when there are several groups
            d.note("type", "registry: an observational study "
                           f"({(word(info, 'observationalModel') or 'model not given').lower()}"
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
            who = [w.replace("_", " ").lower() for w in (who_raw if isinstance(who_raw, list) else [])
                   if isinstance(w, str)]
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


def import_study(study: Json, name: str = "<json>") -> ImportResult:
    return _Importer(study, name).run()
