"""Speaker notes as talking points: what to say, the one thing to point at, the likely question.

In:  strings from ``Content`` (already formatted; nothing here reads the record or python-pptx).
Out: the text of one slide's notes. Every answer is the record's own words (an effect's sentence,
     the appraisal's author, the authors' conclusion, a discussion question's suggested answer);
     nothing is made up, and where the record has nothing to answer with, no question is offered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..content import ABSENT, Content, EffectText, ResultRow, RobRow

if TYPE_CHECKING:   # a trial's build imports no review module (test_speed_imports)
    from ..review.content import ReviewContent


def talking_points(say: list[str], point: str | None = None, question: str | None = None,
                   answer: str | None = None) -> str:
    """The notes of one slide: "Say:" lines, then "Point at:", then the likely question and its answer."""
    out = ["Say:"] + [f"- {line}" for line in say if line]
    if point:
        out.append(f"Point at: {point}")
    if question and answer:
        out.append(f"Likely question: {question}")
        out.append(f"Suggested answer: {answer}")
    return "\n".join(out)


def _first_effect(rows: tuple[ResultRow, ...]) -> tuple[ResultRow, EffectText] | None:
    return next(((r, e) for r in rows for e in r.effects), None)


def results_notes(c: Content, rows: tuple[ResultRow, ...], how: str) -> str:
    """A results slide (table or forest plot): ``how`` to read it, what the slide does not show (each absolute
    effect's method in full, the rows' caveats), the first effect to point at, and whether it could be chance,
    answered with its interval, P value and the authors' verdict in the words of their test."""
    say = [how]
    for r in rows:
        for e in r.effects:
            if e.absolute:
                say.append(f"{r.label}, {e.comparison}, in absolute terms: " + "; ".join(e.absolute) + ".")
        if r.note:
            say.append(f"Caveat, {r.label}: {r.note}")
    if any(e.range in ABSENT or e.p in ABSENT for r in rows for e in r.effects):
        say.append("'Not reported' means the trial report does not give the value, 'not in our sources' that "
                   "the sources behind this deck do not; neither was computed here.")
    first = _first_effect(rows)
    if first is None:
        return talking_points(say)
    r, e = first
    point = f"the effect for {r.label}, {e.sentence}."
    answer = _chance_answer(e)
    if e.hypothesis:
        question = f"What does the test ({e.hypothesis}) show here?"
        answer = f"The question was {e.hypothesis[0].lower()}{e.hypothesis[1:]}, not superiority; " \
            f"{answer[0].lower()}{answer[1:]}"
    else:
        question = "Could this difference be chance?"
    return talking_points(say, point, question, answer)


def graphic_notes(rows: tuple[ResultRow, ...]) -> str:
    """The results graphic: how to read it, the interval to point at, and the effect in absolute terms (the
    audit's GRADE-style words) or, without them, where the interval lies."""
    say = ["Read the picture before the numbers: each arm's result, then each effect with its interval; the "
           "dashed line is no effect."]
    if any(e.range in ABSENT for r in rows for e in r.effects):
        say.append("A hollow marker with no line is an effect whose interval is not reported: not a precise "
                   "estimate, only a point.")
    if any(e.margin_label for r in rows for e in r.effects):
        say.append("The labelled dashed line is the margin the trial set for its non-inferiority question.")
    first = _first_effect(rows)
    if first is None:
        return talking_points(say, "the bars: how far apart the arms are.")
    r, e = first
    point = f"the interval of the {e.short} for {r.label} and where it lies against the dashed line" + \
        (f" and the {e.margin_label}." if e.margin_label else ".")
    if e.absolute:
        return talking_points(say, point, "How large is that in absolute terms?", "; ".join(e.absolute) + ".")
    if e.range in ABSENT:
        return talking_points(say, point)
    answer = f"The {e.level}% confidence interval runs from {e.range}" + \
        (f"; the authors call it {e.significance}." if e.significance else ".")
    return talking_points(say, point, "Does the interval exclude no effect?", answer)


def rob_notes(c: Content) -> str:
    """The risk-of-bias slide: how to read it, the overall judgement to point at, who judged."""
    say = ["Go down the domains: each asks one way the result could be biased. The overall judgement is at "
           "least as serious as the worst domain.",
           "Symbols: + low, ? some concerns, − high, ○ no information; the word is always shown."]
    if c.outcome_rob:
        say.append("Rows 'for' an outcome are judged for that outcome alone, where it differs from the trial's.")
    if c.grade:
        say.append(c.grade)
    overall: RobRow | None = next((r for r in c.rob_rows if r.domain == "Overall"), None)
    point = f"the Overall row: {overall.word}." if overall else None
    by = _end(c.appraisal_by) if c.appraisal_by else None
    return talking_points(say, point, "Who made these judgements?" if by else None, by)


def conclusions_notes(c: Content | ReviewContent) -> str:
    """The conclusions slide: the bottom line to point at; the authors' own conclusion as the answer
    to whether this should change practice."""
    say = ["Give the bottom line in your own words, then the key messages as the evidence for it."]
    if c.open_questions:
        say.append("Open questions: " + " ".join(c.open_questions))
    answer = f"The authors concluded: {c.authors_conclusion}" if c.authors_conclusion else None
    return talking_points(say, "the bottom line box.", "Should this change what we do?", answer)


def title_notes(c: Content | ReviewContent, show_title: bool) -> str:
    """The title slide: what the trial asked, its design in one line, the bottom line to come back to."""
    say = [f"Introduce {c.name}" + (": what it asked, who took part and what it found." if show_title else "."),
           f"Design in one line: {c.design_summary}.",
           f"The bottom line, to come back to at the end: {c.bottom_line}"]
    if c.registry:
        say.append(f"Registration: {c.registry}.")
    return talking_points(say, f"the journal and year: {c.journal}." if c.journal else None)


def question_notes(c: Content) -> str:
    """The clinical question: how to read it against one's own patients; why it matters as the answer."""
    say = ["Read the question as a clinician: would your patients have been eligible, and is the comparator "
           "what you do now?"]
    hidden = [(label, value) for label, value in c.pico if label in ("Setting", "Eligibility")]
    say += [f"{label}: {_end(value)}" for label, value in hidden]
    return talking_points(say, "the Intervention and Comparator rows: what the arms did differently.",
                          "Why does this question matter?" if c.rationale else None, c.rationale)


def design_notes(c: Content) -> str:
    """The design diagram: the design in one line, the arm boxes to point at, who knew the allocation."""
    say = [f"Design: {c.design_summary}.", "Follow the arrows: who was eligible, how they were "
           "randomized, what each arm received, how long they were followed and what was measured."]
    point = "the arm boxes: what each arm received" + (", and the box both arms share." if c.shared_care else ".")
    return talking_points(say, point, "Who knew the allocation?" if c.masking else None, c.masking)


def flow_notes(c: Content, completed: list[str]) -> str:
    """The participant flow: how to follow it, the Completed boxes to point at, the attrition as the answer."""
    say = ["Follow each arm down: allocated, received, left, completed, analysed. Unequal losses between the "
           "arms can bias the result.",
           "A count the paper does not give reads 'not reported' (or 'not in our sources'); it is never "
           "filled in or derived."]
    return talking_points(say, "the Completed boxes of each arm.",
                          "Did the arms lose similar numbers?" if completed else None,
                          "; ".join(completed) + "." if completed else None)


def subgroup_notes(r: ResultRow) -> str:
    """A subgroup table: read with its test of interaction; the first interaction P to point at."""
    say = [f"Subgroups of {r.label}, as the authors report them. A subgroup result is read with its test of "
           "interaction, not on its own: with many subgroups one will differ by chance."]
    first = next((sg for sg in r.subgroups if sg.interaction_p not in ABSENT), None)
    if first is None:
        return talking_points(say, "the P for interaction under each variable: it is not reported here.")
    return talking_points(say, f"the P for interaction under {first.variable}.",
                          f"Does the effect differ by {first.variable}?",
                          f"Only if the test of interaction says so: {_end(first.interaction_p)}")


def discussion_notes(questions: tuple[str, ...], answers: tuple[str | None, ...], open_questions: tuple[str, ...],
                     ) -> str:
    """The discussion slide: each question with the record's suggested answer, when it gives one."""
    out = ["Say: let the group answer each question before offering a view."]
    for i, q in enumerate(questions):
        a = answers[i] if i < len(answers) else None
        out.append(f"Q{i + 1}. {q}" + (f"\nA suggested answer: {a}" if a else ""))
    if open_questions:
        out.append("Open questions the record raises: " + " ".join(open_questions))
    return "\n".join(out)


def _end(text: str) -> str:
    """``text`` ending in one full stop."""
    return text.rstrip(" .") + "."


def continued(i: int, notes: str) -> str:
    """A slide's notes, or on its continuation slides a pointer back (the talking points are said once)."""
    return "Continued from the previous slide; its talking points cover this slide too." if i else notes


def continued_by(notes: str) -> Callable[[int, object], str]:
    """``continued`` for every slide of a body paginated over slides (the page is not needed)."""
    return lambda i, _page: continued(i, notes)


def _chance_answer(e: EffectText) -> str:
    parts = [f"the {e.level}% confidence interval runs from {e.range}" if e.range not in ABSENT
             else f"its interval is {e.range}", e.p if e.p not in ABSENT else f"the P value is {e.p}"]
    answer = "; ".join(parts) + (f"; that reads as {e.significance}." if e.significance else ".")
    return answer[0].upper() + answer[1:]


def secondary_notes(c: Content) -> str:
    """Secondary outcomes and harms: how to read them, the caveats the slide does not show, one harm (or
    effect) to point at, and its size in absolute terms (or whether it could be chance) as the answer."""
    say = []
    if c.secondary_rows or c.outcomes_note:
        say.append("Secondary outcomes support or qualify the primary result. With several of them one may differ "
                   "by chance, so read a lone difference as a question rather than a finding.")
    if c.outcomes_note:
        say.append(c.outcomes_note)
    if c.harm_rows:
        say.append("Harms: compare the arms row by row; a harm that is rare or not powered for can still matter.")
    say += [f"Caveat, {r.label}: {r.note}" for r in (*c.secondary_rows, *c.harm_rows) if r.note]
    if any(e.range in ABSENT or e.p in ABSENT for r in (*c.secondary_rows, *c.harm_rows) for e in r.effects):
        say.append("'Not reported' means the trial report does not give the value, 'not in our sources' that "
                   "the sources behind this deck do not; neither was computed here.")
    harm = next((r for r in c.harm_rows if r.derived), None)
    if harm is not None:
        arms = "; ".join(f"{n} {v}" for n, v in zip(c.arm_names, harm.cells, strict=False))
        return talking_points(say, f"{harm.label}: {arms}.", f"What is the difference in {harm.label} in "
                              "absolute terms?", "; ".join(harm.derived) + ".")
    first = _first_effect(c.secondary_rows) or _first_effect(c.harm_rows)
    if first is None:
        return talking_points(say)
    r, e = first
    return talking_points(say, f"{r.label} ({e.comparison}): {e.estimate}.", "Could this difference be chance?",
                          _chance_answer(e))


def strengths_notes(c: Content) -> str:
    """Strengths and limitations: weigh them against the result; the certainty (or whose appraisal it is)
    as the answer to the likely question."""
    say = ["Weigh each limitation against the result: could it change the bottom line, and in which direction?"]
    if c.strengths:
        say.append("The strengths say why the result is worth taking seriously; they do not cancel a limitation.")
    by = c.appraisal_by.rstrip(". ") + "." if c.appraisal_by else None
    point = f"the first limitation: {_end(c.limitations[0])}" if c.limitations else None
    if c.grade:
        if by:
            say.append(f"Appraisal by: {by}")
        return talking_points(say, point, "How sure can we be of the result?", c.grade)
    return talking_points(say, point, "Whose appraisal is this?" if by else None, by)


def checks_notes(c: Content | ReviewContent, lead_in: str) -> str:
    """Checking the numbers: what the checks are, the first finding to point at, every audit warning in
    full as the answer to what did not add up."""
    say = ["These checks recompute the record's numbers from each other. They are observations about the "
           "published numbers, not errors of the trial or of this deck: say what each found and its likely reason."]
    detail = "\n".join(f"{k}. {text}" for k, text in enumerate(c.audit_warnings, 1))
    return talking_points(say, _end(lead_in), "What exactly did not add up?" if detail else None,
                          f"In full:\n{detail}" if detail else None)


def reference_notes(c: Content | ReviewContent) -> str:
    """The reference slide: where to read more, the registration to point at, who paid as the answer."""
    where = ["the paper"] + (["its protocol"] if c.protocol else []) + (["its registration"] if c.registrations else [])
    say = ["Where to read more: " + (", ".join(where[:-1]) + " and " + where[-1] if len(where) > 1 else where[0]) + "."]
    if c.registrations:
        say.append("The registration is where to check that the published outcomes are the ones planned.")
    say.append(f"This deck: {c.footer}.")
    point = "the registration link." if c.registrations else "the DOI link." if c.doi_url else None
    paid = " ".join(_end(x) for x in (f"Funding: {c.funding}" if c.funding else "",
                                      f"Interests: {c.interests}" if c.interests else "") if x)
    return talking_points(say, point, "Who paid for the trial, and do the authors have ties?" if paid else None,
                          paid or None)
