"""Speaker notes as talking points: what to say, the one thing to point at, the likely question.

In:  strings from ``Content`` (already formatted; nothing here reads the record or python-pptx).
Out: the text of one slide's notes. Every answer is the record's own words (an effect's sentence,
     the appraisal's author, the authors' conclusion, a discussion question's suggested answer);
     nothing is made up, and where the record has nothing to answer with, no question is offered.
"""

from __future__ import annotations

from ..content import ABSENT, Content, EffectText, ResultRow, RobRow


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


def result_lines(c: Content, rows: tuple[ResultRow, ...]) -> list[str]:
    """One line per outcome: the arms' numbers, each effect's sentence and absolute effect."""
    out = []
    for r in rows:
        arms = "; ".join(f"{n} {v}" for n, v in zip(c.arm_names, r.cells))
        line = f"{r.label}" + (f" at {r.timepoint}" if r.timepoint else "") + f": {arms}."
        for e in r.effects:
            line += f" {e.sentence}."
            if e.absolute:
                line += " In absolute terms: " + "; ".join(e.absolute) + "."
        if r.derived:
            line += " Recomputed: " + "; ".join(r.derived) + "."
        if r.note:
            line += f" Note: {r.note}"
        out.append(line)
    return out


def _first_effect(rows: tuple[ResultRow, ...]) -> tuple[ResultRow, EffectText] | None:
    return next(((r, e) for r in rows for e in r.effects), None)


def results_notes(c: Content, rows: tuple[ResultRow, ...], what: str) -> str:
    """A results slide (table or forest plot): the numbers, the first effect to point at, and whether
    it could be chance, answered with its interval, P value and the authors' significance words."""
    say = [f"{what}, as the authors report them."] + result_lines(c, rows)
    if any(e.range in ABSENT or e.p in ABSENT for r in rows for e in r.effects):
        say.append("'Not reported' means the trial report does not give the value, 'not in our sources' that "
                   "the sources behind this deck do not; neither was computed here.")
    first = _first_effect(rows)
    if first is None:
        return talking_points(say)
    r, e = first
    point = f"the effect for {r.label} ({e.comparison}): {e.estimate}."
    parts = []
    if e.range not in ABSENT:
        parts.append(f"the {e.level}% confidence interval runs from {e.range}")
    else:
        parts.append(f"its interval is {e.range}")
    parts.append(e.p if e.p not in ABSENT else f"the P value is {e.p}")
    answer = "; ".join(parts) + (f"; that reads as {e.significance}." if e.significance else ".")
    if e.hypothesis:
        question = f"What does the test ({e.hypothesis}) show here?"
        answer = f"The question was {e.hypothesis[0].lower()}{e.hypothesis[1:]}, not superiority; {answer}"
    else:
        question = "Could this difference be chance?"
    return talking_points(say, point, question, answer[0].upper() + answer[1:])


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
    """The risk-of-bias slide: each domain, the overall judgement to point at, who judged."""
    say = [f"{r.domain}: {r.word} ({r.symbol}). {r.support}" for r in c.rob_rows]
    say += [f"{r.domain}, for {o.outcome}: {r.word} ({r.symbol}). {r.support}" for o in c.outcome_rob for r in o.rows]
    say.append("Symbols: + low, ? some concerns, − high, ○ no information; the word is always shown.")
    if c.grade:
        say.append(c.grade)
    overall: RobRow | None = next((r for r in c.rob_rows if r.domain == "Overall"), None)
    point = f"the Overall row: {overall.word}. {overall.support}" if overall else None
    by = c.appraisal_by.rstrip(". ") + "." if c.appraisal_by else None
    return talking_points(say, point, "Who made these judgements?" if by else None, by)


def conclusions_notes(c: Content) -> str:
    """The conclusions slide: the bottom line to point at; the authors' own conclusion as the answer
    to whether this should change practice."""
    say = [f"Key message: {m}" for m in c.key_messages]
    if c.open_questions:
        say.append("Open questions: " + " ".join(c.open_questions))
    answer = f"The authors concluded: {c.authors_conclusion}" if c.authors_conclusion else None
    return talking_points(say or [c.bottom_line], f"the bottom line: {c.bottom_line}",
                          "Should this change what we do?", answer)


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
