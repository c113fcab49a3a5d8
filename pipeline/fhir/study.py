"""The study and its variables -> R5 ``ResearchStudy`` and ``EvidenceVariable``s.

In:  a v2 ``Study`` and the ``Entries`` being built.
Out: one ``EvidenceVariable`` per arm, per factorial group and per outcome or
     harm (added to the Bundle), then the ``ResearchStudy``: title and
     acronym, registrations as identifiers, design (randomized, type,
     hypothesis, phase), PICO as the description, countries, recruitment (the
     number randomized), arms as comparison groups pointing at their
     variables, outcomes as outcome measures, the Citation as its result, the
     protocol, and the rest (masking, setting, follow-up, funding) as notes.
"""

from __future__ import annotations

from ..model import Arm, Outcome, Study, known
from .bundle import Entries
from .codes import ARM_ROLE, ARM_TYPE, CLINICALTRIALS, SEVCO, TITLE_TYPE, Json, coding, concept, phase

_HANDLING = {"binary": "dichotomous", "continuous": "continuous"}  # R5 has no time-to-event handling
_DESIGN = {"parallel": "Parallel-group design", "crossover": "Crossover design", "cluster": "Cluster design",
           "factorial": "Factorial design", "single-group": "Single-group design"}


def outcome_key(outcome: Outcome, harm: bool) -> str:
    return f"{'harm' if harm else 'outcome'}/{outcome.id}"


def add_variables(study: Study, entries: Entries) -> None:
    for arm in study.arms:
        resource = {"status": "active", "title": arm.label, "actual": True}
        if arm.short_label:
            resource["shortTitle"] = arm.short_label
        text = "\n\n".join(t for t in (arm.description, f"Target: {arm.target}" if arm.target else None) if t)
        if text:
            resource["description"] = text
        entries.add("EvidenceVariable", f"group/{arm.id}", resource)
    for group in study.factor_groups:
        arms = ", ".join(study.arm(a).short for a in group.arms)
        resource = {"status": "active", "title": group.label, "actual": True,
                    "description": f"Factorial group: the arms {arms}" if arms else "Factorial group"}
        if group.short_label:
            resource["shortTitle"] = group.short_label
        entries.add("EvidenceVariable", f"group/{group.id}", resource)
    for harm, outcome in [(False, o) for o in study.outcomes] + [(True, h) for h in study.harms]:
        resource = {"status": "active", "title": outcome.label, "actual": True}
        notes = [n for n in (outcome.note, "Adverse event" + (" (serious)" if getattr(outcome, "serious", False)
                                                               else "") if harm else None) if n]
        if notes:
            resource["description"] = "\n\n".join(notes)
        characteristic: Json = {"description": outcome.label}
        if outcome.timepoint:
            characteristic["timeFromEvent"] = [{"description": outcome.timepoint}]
        resource["characteristic"] = [characteristic]
        if outcome.kind in _HANDLING:
            resource["handling"] = _HANDLING[outcome.kind]
        entries.add("EvidenceVariable", outcome_key(outcome, harm), resource)


def research_study(study: Study, entries: Entries) -> Json:
    out: Json = {"status": "active", "name": study.id, "title": study.title}
    if study.acronym:
        out["label"] = [{"type": concept(coding(TITLE_TYPE, "acronym", "Acronym")), "value": study.acronym}]
    if study.registrations:
        out["identifier"] = [_identifier(r.registry, r.identifier) for r in study.registrations]
    q = study.question
    pico = [("Population", q.population), ("Intervention", q.intervention), ("Comparator", q.comparator),
            ("Outcomes", "; ".join(q.outcomes) if q.outcomes else None), ("Setting", q.setting)]
    out["description"] = "\n\n".join(f"{label}: {text}" for label, text in pico if text)
    if q.rationale:
        out["descriptionSummary"] = q.rationale
    design = study.design
    designs = [concept(coding(SEVCO, "SEVCO:01003", "randomized assignment"), text="Randomized")] \
        if design.randomized else [concept(text="Non-randomized")]
    designs.append(concept(coding(SEVCO, "SEVCO:01011", "parallel cohort design"), text=_DESIGN[design.type])
                   if design.type == "parallel" else concept(text=_DESIGN[design.type]))
    if design.hypothesis != "superiority":
        designs.append(concept(text=f"{design.hypothesis.capitalize()} hypothesis"))
    out["studyDesign"] = designs
    if design.phase:
        out["phase"] = phase(design.phase)
    if design.countries:
        out["region"] = [concept(text=country) for country in design.countries]
    if design.stopped_early:
        out["whyStopped"] = concept(text=design.stopped_early.reason)
    randomized = known(study.flow.randomized) if study.flow else None
    if randomized is not None:
        out["recruitment"] = {"actualNumber": randomized}
    out["comparisonGroup"] = [_group(study, arm, entries) for arm in study.arms]
    measures = [(False, o) for o in study.outcomes] + [(True, h) for h in study.harms]
    if measures:
        out["outcomeMeasure"] = [{
            "name": o.label,
            "type": [concept(text="adverse event" if harm else "primary" if o.primary else "secondary")],
            **({"description": f"At {o.timepoint}"} if o.timepoint else {}),
            "reference": entries.ref("EvidenceVariable", outcome_key(o, harm), o.label),
        } for harm, o in measures]
    if study.citation:
        out["result"] = [entries.ref("Citation", "primary", study.citation.title)]
    if study.protocol:
        out["relatedArtifact"] = [{"type": "documentation", "label": "Protocol", "citation": study.protocol}]
    notes = [(label, text) for label, text in (
        ("Masking", design.masking), ("Allocation ratio", design.allocation_ratio),
        ("Centres", str(design.centres) if design.centres is not None else None),
        ("Enrolment", design.enrolment_period), ("Follow-up", design.follow_up),
        ("Funding", study.funding), ("Interests", study.interests), ("Sources of this record", study.sources)) if text]
    if notes:
        out["note"] = [{"text": f"{label}: {text}"} for label, text in notes]
    return out


def _identifier(registry: str, value: str) -> Json:
    out = {"type": concept(text=registry), "value": value}
    if registry.replace(" ", "").lower() == "clinicaltrials.gov":
        out["system"] = CLINICALTRIALS
    return out


def _group(study: Study, arm: Arm, entries: Entries) -> Json:
    group: Json = {"linkId": arm.id, "name": arm.label}
    if arm.role in ARM_ROLE:
        group["type"] = concept(coding(ARM_TYPE, *ARM_ROLE[arm.role]))
    elif arm.role:
        group["type"] = concept(text=arm.role)
    if arm.description:
        group["description"] = arm.description
    group["intendedExposure"] = [entries.ref("EvidenceVariable", f"group/{arm.id}", arm.label)]
    return group
