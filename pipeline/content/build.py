"""``Content``, everything a renderer shows about one study, made once by ``build_content``.

In:  a valid ``Study``, the audit's derived values, notes, absolute effects and findings.
Out: ``Content``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import __version__
from ..model import Outcome, Study, is_placeholder, known
from .certainty import certainty_text
from .formatting import NOT_YET, _flat, count, text_or_placeholder
from .rows import ArmText, OutcomeRob, counted_only, flow_text, result_columns, result_row, rob_rows
from .study import (
    build_date,
    citation_text,
    creators_text,
    design_basics,
    design_facts,
    design_summary,
    journal_text,
    registry_url,
    shared_care,
    single_comparison,
)

if TYPE_CHECKING:
    from ..absolute import Absolute
    from ..audit import Finding
    from .rows import FlowText, ResultRow, RobRow


@dataclass(frozen=True)
class Content:
    id: str
    name: str                     # acronym or title
    title: str
    citation: str | None
    doi_url: str | None
    registry: str | None          # "ClinicalTrials.gov NCT01656278" (several joined by "; ")
    registry_url: str | None
    bottom_line: str
    pico: tuple[tuple[str, str], ...]
    design_summary: str
    arm_names: tuple[str, ...]    # the results' per-arm columns (arms, or factorial levels): short labels
    arm_labels: tuple[str, ...]   # ... and full labels
    primary_rows: tuple[ResultRow, ...]
    secondary_rows: tuple[ResultRow, ...]
    outcomes_note: str | None
    harm_rows: tuple[ResultRow, ...]
    harms_note: str | None          # harms summarised rather than itemised
    key_messages: tuple[str, ...]
    authors_conclusion: str | None
    open_questions: tuple[str, ...]
    discussion_questions: tuple[str, ...]
    rob_rows: tuple[RobRow, ...]
    strengths: tuple[str, ...]
    limitations: tuple[str, ...]
    grade: str | None
    appraisal_by: str | None
    funding: str | None
    interests: str | None
    footer: str
    build_date: str
    notes: tuple[str, ...] = field(default=())   # audit observations shown to the reader
    notes_beside: tuple[str, ...] = ()   # ``notes`` as said beside the results table (its values not said again)
    registrations: tuple[tuple[str, str | None], ...] = ()   # (text, url) per registration
    # (label, text): hypothesis, stopped early, ...; a factorial's factors by their levels' arms, without the
    # factor labels the intervention row says
    design_facts: tuple[tuple[str, str], ...] = ()
    discussion_answers: tuple[str | None, ...] = ()          # per discussion question
    sources: str | None = None
    shared_care: tuple[str, str] | None = None   # ("Both arms", what every arm received alike)
    comparison: str | None = None     # the one comparison every effect makes, when there is only one
    counted: str | None = None        # what the primary rows' per-arm cells count, when they are bare numbers
    arm_columns: bool = True          # the per-arm columns are the arms (False: factorial levels; no arm colours)
    outcome_rob: tuple[OutcomeRob, ...] = ()
    # What the deck shows or says beyond the brief's fields (render/ never reads the record).
    journal: str | None = None        # "N Engl J Med 2019"
    link_url: str | None = None       # the citation's own URL
    protocol: str | None = None
    rationale: str | None = None      # why the question matters
    masking: str | None = None        # who was blinded, as a sentence
    arms: tuple[ArmText, ...] = ()
    flow: FlowText | None = None
    audit_warnings: tuple[str, ...] = ()   # each audit warning in full (message and detail), once
    # What the brief says beyond the deck's fields.
    citation_short: str | None = None      # the citation without the article's title (the brief's lean step)
    design_basics: tuple[str, ...] = ()    # "Parallel-group trial (phase 3)", where (without a setting), masking
    question_outcomes: tuple[str, ...] = ()   # the question's outcomes, one by one
    creators: str | None = None            # the citation's authors and group, for the PDF's metadata
    year: str | None = None                # the citation's year
    design_type: str = "parallel"          # the record's design type


def _items(values: Sequence[str], *, say_missing: bool = False) -> tuple[str, ...]:
    """Free-text list items, placeholders left out; ("not yet written",) when only placeholders were
    given and ``say_missing``."""
    kept = tuple(_flat(v) for v in values if not is_placeholder(v))
    if not kept and values and say_missing:
        return (NOT_YET,)
    return kept


def _grade(study: Study) -> str | None:
    rated = [(o, certainty_text(o)) for o in study.outcomes if o.certainty is not None]
    if not rated:
        return None
    return "GRADE certainty: " + "; ".join(f"{_flat(o.label)}: {text}" for o, text in rated)


def build_content(study: Study, *, derived: dict[str, tuple[str, ...]] | None = None,
                  notes: tuple[str, ...] = (), notes_beside: tuple[str, ...] | None = None,
                  absolute: dict[str, tuple[Absolute, ...]] | None = None,
                  warnings: tuple[Finding, ...] = ()) -> Content:
    """Format everything once. ``derived`` maps outcome or harm id -> marked absolute effects or recomputed
    values, ``absolute`` the same ids -> the audit's ``Absolute`` values (preferred when given), ``warnings``
    the audit's findings (those of severity "warning" are kept in full for the speaker notes)."""
    derived = derived or {}
    absolute = absolute or {}

    fields = {id(o): f"outcomes[{i}]" for i, o in enumerate(study.outcomes)}
    fields.update({id(h): f"harms[{i}]" for i, h in enumerate(study.harms)})

    def row(o: Outcome) -> ResultRow:
        return result_row(study, o, derived.get(o.id, ()), tuple(absolute.get(o.id, ())), fields.get(id(o), ""))

    q = study.question
    pico = [("Population", _flat(q.population))]
    if q.eligibility:
        pico.append(("Eligibility", "; ".join(_flat(e) for e in q.eligibility)))
    if q.baseline:
        pico.append(("Participants", _flat(q.baseline)))
    pico.append(("Intervention", _flat(q.intervention)))
    if q.comparator:
        pico.append(("Comparator", _flat(q.comparator)))
    if q.outcomes:
        pico.append(("Outcomes", "; ".join(_flat(o) for o in q.outcomes)))
    if q.setting:
        pico.append(("Setting", _flat(q.setting)))

    registrations = tuple((f"{_flat(r.registry)} {_flat(r.identifier)}",
                           registry_url(r.registry, r.identifier, r.url)) for r in study.registrations)
    appraisal = study.appraisal
    study_rob = rob_rows(appraisal.rob2) if appraisal and appraisal.rob2 else ()
    date = build_date()
    questions = [q if isinstance(q, str) else q.question for q in study.discussion_questions]
    answers = [None if isinstance(q, str) else text_or_placeholder(q.answer) for q in study.discussion_questions]
    kept = [(_flat(qu), a) for qu, a in zip(questions, answers, strict=True) if not is_placeholder(qu)]
    primary_rows = tuple(row(o) for o in study.primary_outcomes)
    return Content(
        id=study.id,
        name=_flat(study.name),
        title=_flat(study.title),
        citation=citation_text(study),
        doi_url=f"https://doi.org/{study.citation.doi}" if study.citation and study.citation.doi else None,
        registry="; ".join(text for text, _ in registrations) or None,
        registry_url=registrations[0][1] if registrations else None,
        bottom_line=text_or_placeholder(study.conclusions.bottom_line) or NOT_YET,
        pico=tuple(pico),
        design_summary=design_summary(study),
        arm_names=tuple(short for _, short, _ in result_columns(study)),
        arm_labels=tuple(label for _, _, label in result_columns(study)),
        primary_rows=primary_rows,
        secondary_rows=tuple(row(o) for o in study.secondary_outcomes),
        outcomes_note=text_or_placeholder(study.outcomes_note) or None,
        harm_rows=tuple(row(h) for h in study.harms),
        harms_note=text_or_placeholder(study.harms_note) or None,
        key_messages=_items(study.conclusions.key_messages, say_missing=True),
        authors_conclusion=text_or_placeholder(study.conclusions.authors) if study.conclusions.authors else None,
        open_questions=_items(study.conclusions.open_questions),
        discussion_questions=tuple(qu for qu, _ in kept),
        rob_rows=study_rob,
        strengths=_items(appraisal.strengths) if appraisal else (),
        limitations=_items(appraisal.limitations, say_missing=True) if appraisal else (),
        grade=_grade(study),
        appraisal_by=(text_or_placeholder(appraisal.assessed_by) or None) if appraisal else None,
        funding=text_or_placeholder(study.funding) or None,
        interests=text_or_placeholder(study.interests) or None,
        footer=f"Record {study.id} · evidence-brief {__version__} · built {date}",
        build_date=date,
        notes=notes,
        notes_beside=notes if notes_beside is None else notes_beside,
        registrations=registrations,
        design_facts=design_facts(study, factor_labels=False),   # the brief's intervention row names the factors
        discussion_answers=tuple(a for _, a in kept),
        sources=text_or_placeholder(study.sources) or None,
        shared_care=shared_care(study),
        comparison=single_comparison(study),
        counted=counted_only(primary_rows),
        arm_columns=[key for key, _, _ in result_columns(study)] == [a.id for a in study.arms],
        outcome_rob=tuple(OutcomeRob(_flat(o.label), rob_rows(o.risk_of_bias))
                          for o in [*study.outcomes, *study.harms] if o.risk_of_bias and o.risk_of_bias.domains()),
        journal=journal_text(study),
        link_url=study.citation.url if study.citation and study.citation.url else None,
        protocol=_flat(study.protocol) or None,
        rationale=_flat(q.rationale) or None,
        masking=(_flat(study.design.masking).rstrip(".") + ".") if study.design.masking else None,
        arms=tuple(ArmText(_flat(a.label), _flat(a.short), count(a.randomized) if known(a.randomized) is not None
                           else None, _flat(a.description) or None, _flat(a.target) or None) for a in study.arms),
        flow=flow_text(study),
        audit_warnings=warning_texts(warnings),
        citation_short=citation_text(study, with_title=False) if study.citation and study.citation.title else None,
        design_basics=design_basics(study),
        question_outcomes=tuple(_flat(o) for o in q.outcomes),
        creators=creators_text(study),
        year=str(study.citation.year) if study.citation else None,
        design_type=study.design.type,
    )


def warning_texts(findings: Iterable[Finding]) -> tuple[str, ...]:
    """Each audit finding of severity "warning" in full, message then detail, once each."""
    out: list[str] = []
    for f in findings:
        if str(getattr(f, "severity", "")).lower() != "warning":
            continue
        text = " ".join(f"{f.message} {f.detail or ''}".split())
        if text and text not in out:
            out.append(text)
    return tuple(out)
