"""The brief's results table: primary outcomes and harms, one line per effect, with their results drawn in
the cells.

In:  ``Content`` (its ``primary_rows`` and ``harm_rows``), the brief's figures (``layout.brief_figures``: a bar
     per arm's percentage, "bar:<outcome id>:<column>", and a strip per effect, "strip:<outcome id>:<k>"), the
     width and a ``Style``.
Out: a ``Block``: the header (arms with their colour swatch, or factorial levels; the shared measure, unit, CI
     level and time point), a line per outcome and per effect naming its comparison, with its hypothesis and
     margin, adjustment and population; under a line its absolute effects, recomputed values, subgroups, note
     and GRADE certainty (``content.CertaintyText``). ``TooWide`` when the columns cannot fit the width.

The marks carry no text (the cells state every number once): a bar in a 0–100 % track under each arm's
percentage, a strip under each interval with the line of no effect and the margin, hollow without an interval.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .. import theme
from ..content import ABSENT, NR, Content, EffectText, ResultRow, lower_first, split_shared_mark
from ..layout.columns import Column, solve
from ..layout.geometry import Diagram, DiagramSource
from ..layout.text import baseline_offset, line_count, text_width, unrunted_width, wrap
from .pdf_blocks import Block, Figure, Line, Part, Rect, Style, Text, heading, lead_paragraph, paragraph, pitch, runs

EXTRA_INDENT = 10.0
ARM_GAP = 3.0           # more than the padding between kept arm values (right-aligned side by side)
MARK_MIN_WIDTH = 24.0   # a cell narrower than this gets no bar or strip

Mark = Callable[[float], Diagram | None]   # a picture under a cell's text, made for the cell's width


class TooWide(Exception):
    """The table's columns need more width than the page has at this type size."""


@dataclass
class Cell:
    lines: list[tuple[str, str, float, str]] = field(default_factory=list)   # (text, font, size, colour)
    mark: Mark | None = None

    def natural(self) -> float:
        return max((text_width(t, s, f == "bold") for t, f, s, _ in self.lines), default=0.0)

    def minimum(self) -> float:
        return max((text_width(w, s, f == "bold") for t, f, s, _ in self.lines for w in t.split()), default=0.0)


def _strip_p(p: str) -> str:
    if p.startswith("P = "):
        return p[4:]
    if p.startswith("P ") and len(p) > 2 and p[2] in "<>≤≥":
        return p[2:].replace(" ", "")
    return p


def _effect_header(rows: tuple[ResultRow, ...]) -> tuple[str, tuple[str, str] | None]:
    """A shared measure and unit move into the header: ("Risk difference, percentage points", (prefix, suffix))."""
    known_effects = [e for r in rows for e in r.effects if e.value not in ABSENT]
    if not known_effects:
        return "Effect", None
    kinds = {(e.measure, e.short, e.unit, bool(e.adjusted and e.adjusted != "unadjusted")) for e in known_effects}
    if len(kinds) != 1:
        return "Effect", None
    measure, short, unit, adjusted = kinds.pop()
    if adjusted:
        return "Effect", None
    head = measure[0].upper() + measure[1:] + (f", {unit}" if unit else "")
    return head, (short + " ", f" {unit}" if unit else "")


def _ci_header(rows: tuple[ResultRow, ...]) -> tuple[str, bool]:
    """The CI column's heading, and whether the cells may leave the level out (one level for all)."""
    levels = {e.level for r in rows for e in r.effects if e.range not in ABSENT}
    if len(levels) == 1:
        return f"{levels.pop()}% CI", True
    if not levels:
        return "95% CI", True
    return "CI", False


def _muted(text: str) -> str:
    return theme.MUTED if text in ABSENT else theme.INK


@dataclass
class TableRow:
    """One line of the results table: its cells, the record fields it shows, what goes under it."""

    cells: list[Cell]
    sources: list[str]
    extra: list[Part] = field(default_factory=list)   # ``_extra_parts`` under the line
    rule: bool = False            # a thin rule above (a new outcome)
    indent_label: bool = False


def _mark(figures: Mapping[str, DiagramSource], key: str) -> Mark | None:
    source = figures.get(key)
    if source is None:
        return None
    return lambda width: source.make(width, 0.0, 0.0, 0.0)


def _effect_cells(e: EffectText, strip: tuple[str, str] | None, level_in_head: bool, size: float, small: float,
                  mark: Mark | None = None) -> list[Cell]:
    est = e.estimate
    if strip and e.value not in ABSENT and est.startswith(strip[0]) and est.endswith(strip[1]):
        est = est[len(strip[0]): len(est) - len(strip[1])] if strip[1] else est[len(strip[0]):]
    eff = Cell([(est, "regular", size, _muted(est))])
    if e.significance:
        eff.lines.append((e.significance, "regular", small, theme.MUTED))
    ci = e.range if e.range in ABSENT or level_in_head else e.ci
    if ci == est:      # no estimate and no interval for one reason: said once, under the estimate's head
        ci = ""
    return [eff, Cell([(ci, "regular", size, _muted(ci))] if ci else [], mark),
            Cell([(_strip_p(e.p), "regular", size, _muted(e.p))])]


def _outcome_lines(c: Content, r: ResultRow, marks: Mapping[str, DiagramSource], style: Style,
                   strip: tuple[str, str] | None, level_in_head: bool, label_text: str, method: str | None,
                   rater_said: bool = False) -> list[TableRow]:
    """An outcome's table lines: its label and per-arm cells, then one line per effect naming its comparison
    (on the outcome's own line when the record has one comparison and this outcome one effect); ``marks``
    (the brief's figures, for a primary outcome) draw its results under its numbers."""
    size, small = style.body, style.small
    source = r.source
    label = Cell([(label_text, "regular", size, theme.INK)])
    arms = [Cell([(cell, "regular", size, _muted(cell))], _mark(marks, f"bar:{r.id}:{j}"))
            for j, cell in enumerate(r.cells)]
    inline = len(r.effects) == 1 and c.comparison is not None and not r.effects[0].label
    lines: list[TableRow] = []
    if inline or not r.effects:
        e = r.first
        if e is not None:
            for q in e.qualifiers:
                label.lines.append((q, "regular", small, theme.MUTED))
            effect = _effect_cells(e, strip, level_in_head, size, small, _mark(marks, f"strip:{r.id}:0"))
        elif source.startswith("harms"):      # a harm without a reported effect: per-arm counts only
            effect = [Cell(), Cell(), Cell()]
        else:
            effect = [Cell([(NR, "regular", size, theme.MUTED)]), Cell(), Cell()]
        lines.append(TableRow([label] + arms + effect, [f"{source}.label"], _extra_parts(r, method, rater_said)))
        return lines
    lines.append(TableRow([label] + arms + [Cell(), Cell(), Cell()], [f"{source}.label"]))
    for k, e in enumerate(r.effects):
        name = e.comparison if c.comparison is None else ""
        name = ", ".join(x for x in (name, e.label or "") if x)
        sub = Cell([(name, "regular", size, theme.INK)]) if name else Cell()
        for q in e.qualifiers:
            sub.lines.append((q, "regular", small, theme.MUTED))
        lines.append(TableRow([sub] + [Cell() for _ in r.cells] +
                              _effect_cells(e, strip, level_in_head, size, small, _mark(marks, f"strip:{r.id}:{k}")),
                              [f"{source}.effects[{k}]"], indent_label=True))
    lines[-1].extra = _extra_parts(r, method, rater_said)
    return lines



def results_block(c: Content, figures: Mapping[str, DiagramSource], width: float, style: Style) -> Block:
    rows = c.primary_rows
    size, small = style.body, style.small
    n_arms = len(c.arm_names)
    effect_head, strip = _effect_header(rows + c.harm_rows)
    method = shared_method(rows + c.harm_rows)
    rater_said, rater = shared_rater(rows + c.harm_rows)
    ci_head, level_in_head = _ci_header(rows + c.harm_rows)
    times = {r.timepoint for r in rows}
    common_time = times.pop() if len(times) == 1 and rows else None

    def head(text: str) -> Cell:
        return Cell([(text, "bold", small, theme.INK)])

    label_head = Cell([("Primary outcome" + ("s" if len(rows) > 1 else "") +
                        (f" at {common_time}" if common_time else ""), "bold", small, theme.INK)])
    if c.comparison:
        label_head.lines.append((f"Effects: {c.comparison}", "regular", small, theme.MUTED))
    if c.counted:       # bare numbers ("793") say what they count once, here
        label_head.lines.append((f"Numbers: {c.counted}", "regular", small, theme.MUTED))
    header = [label_head] + [head(name) for name in c.arm_names] + [head(effect_head), head(ci_head),
                                                                    head("P value")]
    if not rows:     # only harms below the header: no outcome, effect, CI or P columns to name
        header = [Cell()] + header[1:1 + n_arms] + [Cell(), Cell(), Cell()]
    body_rows: list[TableRow] = []
    for r in rows:
        text = r.label + (f" at {r.timepoint}" if r.timepoint and not common_time else "")
        lines = _outcome_lines(c, r, figures, style, strip, level_in_head, text, method, rater_said)
        lines[0].rule = bool(body_rows)
        body_rows.extend(lines)
    harm_rows: list[TableRow] = []
    for h in c.harm_rows:
        text = h.label + (f" at {h.timepoint}" if h.timepoint else "")
        lines = _outcome_lines(c, h, {}, style, strip, level_in_head, text, method, rater_said)
        harm_rows.extend(lines)

    ncols = 1 + n_arms + 3
    pad = 5.0
    p_cells = [line.cells[-1] for line in body_rows + harm_rows]
    if rows and max((cell.natural() for cell in p_cells), default=0.0) < header[-1].natural():
        header[-1] = head("P")      # "P value" would wrap over its column's numbers: a shorter head, one line
    all_rows = [header] + [r.cells for r in body_rows] + [r.cells for r in harm_rows]
    indented = [False] + [r.indent_label for r in body_rows + harm_rows]
    body_only = all_rows[1:]
    swatch = small * 0.75 + 3.0
    indent = EXTRA_INDENT

    def inset(j: int, i: int) -> float:
        """What a cell's text cannot use of its column: the padding, a header's swatch, an effect line's indent."""
        return pad + (swatch if i == 0 and 1 <= j <= n_arms else 0.0) + (indent if j == 0 and indented[i] else 0.0)

    def column(j: int) -> Column:
        # Header cells wrap between words: they ask for no more width than their body cells or longest word,
        # an arm's name for one line where that makes the rows lower. The first line of a value (a rate, an
        # estimate, an interval, a P value) is kept whole where the room allows, and so is a header's last short
        # word with the word before it ("Vitamin D", not "Vitamin / D"; layout.text.unrunted_width).
        words = max(row[j].minimum() for row in all_rows if j < len(row)) + pad
        widest = max([cell.natural() + pad for cell in (row[j] for row in body_only if j < len(row))] +
                     [header[j].natural() + inset(j, 0) if 1 <= j <= n_arms else header[j].minimum() + pad])
        unrunted = max((unrunted_width(t, sz, f == "bold") + inset(j, 0) for t, f, sz, _ in header[j].lines),
                       default=0.0)
        if j == 0:
            widest = max(widest + indent, width * 0.3)
            # A label column gives up its comfortable width after the arms' values, before an interval breaks.
            return Column(words + indent, widest, max(min(width * 0.22, widest), unrunted), yields=1)
        kept = max((text_width(cell.lines[0][0], cell.lines[0][2], cell.lines[0][1] == "bold") + pad
                    for cell in (row[j] for row in body_only if j < len(row))
                    if cell.lines and cell.lines[0][0] not in ABSENT), default=0.0)   # "not reported" may wrap
        if j <= n_arms:     # an arm's value kept whole stands a little further from its right-aligned neighbour
            kept = max(kept + ARM_GAP if kept else 0.0, unrunted)
            return Column(words + swatch, widest, kept, cap=kept, yields=2)
        return Column(words, max(widest, unrunted), max(kept, unrunted), cap=width)

    marks: dict[int, float] = {}     # a mark's height (the same at any width), by cell

    def mark_height(cell: Cell, w: float) -> float:
        if cell.mark is None or w < MARK_MIN_WIDTH:
            return 0.0
        if id(cell) not in marks:
            picture = cell.mark(w)
            marks[id(cell)] = picture.height + 1.5 if picture is not None else 0.0
        return marks[id(cell)]

    def heights(j: int, w: float) -> list[float]:
        """Each row's cell in column ``j`` at width ``w``: its lines, and its bar or strip under them."""
        return [sum(line_count(text, sz, w - inset(j, i), font == "bold") * pitch(sz, style)
                    for text, font, sz, _ in row[j].lines) + mark_height(row[j], w - inset(j, i))
                if j < len(row) else 0.0 for i, row in enumerate(all_rows)]

    columns = [column(j) for j in range(ncols)]
    # Arm columns at their own widths when every value fits on one line; else they share one width, so their
    # values wrap alike (not one arm's rate whole and the next arm's broken).
    arms = range(1, 1 + n_arms)
    solved = solve(columns, width, heights, flex=0)
    if solved is not None and any(solved[j] < max((row[j].natural() for row in body_only), default=0.0) + pad - 0.5
                                  for j in arms):
        solved = solve(columns, width, heights, flex=0, even=arms)
    if solved is None:
        raise TooWide(f"the results table needs {sum(c.narrowest for c in columns) - width:.0f} pt more width "
                      f"than the page has even at {size:g} pt; shorten arms[].short_label or the outcome labels")
    widths = solved
    xs = [sum(widths[:j]) for j in range(ncols)]

    def layout_row(cells: list[Cell], is_header: bool = False, indent_label: bool = False) -> Block:
        block = Block()
        texts: dict[int, tuple[Block, float, float]] = {}
        for j, cell in enumerate(cells):
            if not cell.lines:
                continue
            col = Block()
            w = widths[j] - pad - (swatch if is_header and 1 <= j <= n_arms else 0.0) - \
                (indent if j == 0 and indent_label else 0.0)
            for text, font, sz, colour in cell.lines:
                align = "left" if j == 0 else "right"
                col.add(paragraph(text, w, sz, style, font, colour, align=align))
            texts[j] = col, w, xs[j] + (indent if indent_label else 0.0) if j == 0 else xs[j] + widths[j] - w
        # The arms' bars on one line, under the tallest of their numbers.
        bar_top = max((texts[j][0].height for j in texts if 1 <= j <= n_arms and cells[j].mark), default=0.0)
        for j, (col, w, x) in texts.items():
            mark = cells[j].mark
            picture = mark(w) if mark is not None and w >= MARK_MIN_WIDTH else None
            if picture is not None:
                top = bar_top if 1 <= j <= n_arms else col.height
                col.ops.append(Figure(0.0, top + 0.5, picture))
                col.height = top + picture.height + 1.5
            block.add(col, x, 0.0)
        return block

    block = Block()
    cell_pad = min(3.5, style.gap * 0.4)
    if not body_rows:
        block.add(paragraph("Primary outcomes: none is marked primary in the record.", width, size, style,
                            colour=theme.MUTED))
        if not harm_rows:
            return block
        block.space(cell_pad * 2)
    # Header row with arm swatches.
    hdr = layout_row(header, is_header=True)
    for j, name in enumerate(c.arm_names if c.arm_columns else ()):
        first = wrap(name, small, widths[1 + j] - pad - swatch, True)[0]
        sw = small * 0.75
        x_text = xs[1 + j] + widths[1 + j] - text_width(first, small, True)
        hdr.ops.append(Rect(x_text - sw - 3.0, baseline_offset(small, pitch(small, style)) - sw * 0.95, sw, sw,
                            fill=theme.arm_colour(j)))
    block.add(hdr)
    block.space(3.0)
    block.ops.append(Line(0, block.height, width, block.height, theme.INK, 0.8))

    def place(lines: list[TableRow], gap: float) -> None:
        for i, line in enumerate(lines):
            if line.rule:
                block.space(cell_pad)
                block.ops.append(Line(0, block.height, width, block.height, theme.RULE, 0.4))
            block.space(cell_pad if (i == 0 or line.rule) else gap)
            row = layout_row(line.cells, indent_label=line.indent_label)
            source = line.sources[0].rsplit(".", 1)[0]
            extra = _parts_block(line.extra, width - EXTRA_INDENT, style, source)
            if extra is not None:
                # Under the label when that costs no more height than a line across the table.
                label = layout_row(line.cells[:1], indent_label=line.indent_label)
                inside = _parts_block(line.extra, widths[0] - pad - EXTRA_INDENT, style, source)
                one_line = inside is not None and inside.height <= pitch(style.small, style) + 0.01
                only_note = all(part[2] == "note" for part in line.extra)    # not an effect or a certainty
                beside = _after_label(line, widths[0] - pad, inside) if inside and one_line and only_note else None
                if inside is not None and beside is not None:    # a short note runs on after the label
                    size_last, small_pitch = line.cells[0].lines[-1][2], pitch(style.small, style)
                    last_pitch = pitch(size_last, style)       # on the baseline of the label's last line
                    row.add(inside, beside, label.height - last_pitch + baseline_offset(size_last, last_pitch) -
                            baseline_offset(style.small, small_pitch))
                    extra = None
                elif inside is not None and one_line and max(row.height, label.height + 1.5 + inside.height) <= \
                        row.height + 1.5 + extra.height:
                    row.add(inside, EXTRA_INDENT, label.height + 1.5)
                    extra = None
            block.add(row)
            block.fields.extend((f, row.height) for f in line.sources)
            if extra is not None:
                block.space(1.5)
                block.add(extra, EXTRA_INDENT)

    place(body_rows, 1.5)
    if body_rows:
        block.space(cell_pad)
        block.ops.append(Line(0, block.height, width, block.height, theme.INK, 0.6))
    if harm_rows:
        block.space(cell_pad)
        block.add(paragraph("Harms", widths[0] - pad, small, style, "bold", theme.INK))
        place(harm_rows, 1.0)
        block.space(cell_pad)
        block.ops.append(Line(0, block.height, width, block.height, theme.INK, 0.6))
    elif not c.harms_note:   # harms said in words instead: results_section says them
        block.space(cell_pad)
        block.add(paragraph("Harms: not reported in the record.", width, small, style, colour=theme.MUTED))
    said = ([("Absolute effects per 1,000:", "bold"), (f"{method}.", "regular")] if method else []) + \
        ([("Certainty (GRADE):", "bold"), (f"rated by {lower_first(rater)}.", "regular")] if rater else [])
    if said:
        block.space(1.5)
        block.add(runs(said, width, small, style, theme.MUTED, "audit: absolute effects; certainty"))
    return block


def _after_label(line: TableRow, width: float, note: Block) -> float | None:
    """Where a one-line note (``note``) starts when it fits on the label's last line after two spaces, within
    the label column (``width``: its text width); None when it does not."""
    text, font, size, _ = line.cells[0].lines[-1]
    indent = EXTRA_INDENT if line.indent_label else 0.0
    last = wrap(text, size, width - indent, font == "bold")[-1]
    x = indent + text_width(last + "  ", size, font == "bold")
    end = max((op.x + text_width(op.text, op.size, op.style == "bold") for op in note.ops if isinstance(op, Text)),
              default=0.0)
    return x if x + end <= width else None


def _parts_block(parts: list[Part], width: float, style: Style, source: str) -> Block | None:
    """Absolute effects, recomputed values, subgroups and the outcome's note (``_extra_parts``), in small
    type across ``width``."""
    block = Block()
    for lead, text, field_name, *tail in parts:
        ink = theme.INK if tail else theme.MUTED      # a part with a tail (the certainty) leads in ink
        said = ([(lead, "bold", ink)] if lead else []) + ([(text, "regular", ink)] if text else [])
        block.add(runs(said + [(t, "regular", theme.MUTED) for t in tail if t], width, style.small, style,
                       theme.MUTED, f"{source}.{field_name}"))
    return block if block.ops else None


def shared_rater(rows: tuple[ResultRow, ...]) -> tuple[bool, str | None]:
    """Whether the table's certainty ratings share one rater (then said once, under the table), and who."""
    raters = {r.grade.by for r in rows if r.grade is not None}
    if len(raters) > 1:
        return False, None
    return True, (raters.pop() if raters else None)


def shared_method(rows: tuple[ResultRow, ...]) -> str | None:
    """The one method every absolute effect of the table used, when there is one (then said once)."""
    methods = {m for r in rows for e in r.effects for _, m in e.absolute_parts}
    return methods.pop() if len(methods) == 1 else None


def _extra_parts(row: ResultRow, method: str | None = None, rater_said: bool = False) -> list[Part]:
    """(bold lead, text, record field[, muted tail]) for each small line under a row; absolute effects without
    their method when the table says ``method`` once; the GRADE certainty (lead and statement in ink, why in
    the tail) without its rater when the table says ``rater_said`` once."""
    parts: list[Part] = []
    many = len(row.effects) > 1
    for e in row.effects:
        if e.absolute_parts:
            lead = f"{e.comparison}: " if many else ""
            said = [words if method else f"{words} ({m})" for words, m in e.absolute_parts]
            parts.append((lead, "; ".join(said), "effects"))
    if row.derived:
        derived, mark = split_shared_mark(row.derived)
        parts.append(((mark + ": ") if mark else "", "; ".join(derived), "results"))
    for sg in row.subgroups:
        levels = []
        for level, _cells, effects in sg.levels:
            shown = "; ".join((f"{e.comparison} " if many else "") + e.headline for e in effects)
            levels.append(f"{level} {shown}" if shown else level)
        ip = f" ({sg.interaction_p})" if sg.interaction_p not in ABSENT else ""
        parts.append((f"By {sg.variable[0].lower() + sg.variable[1:]}{ip}: ", "; ".join(levels), "subgroups"))
    if row.note:
        parts.append(("", row.note, "note"))
    if row.grade is not None:
        g = row.grade
        why = g.why + (f" Rated by {lower_first(g.by)}." if g.by and not rater_said else "")
        parts.append((f"Certainty {g.symbols} {g.level} (GRADE): ", " ".join(g.statements), "certainty", why.strip()))
    return parts


def results_section(c: Content, figures: Mapping[str, DiagramSource], width: float, style: Style) -> Block:
    block = heading("What was found", width, style)
    block.add(results_block(c, figures, width, style))
    if c.outcomes_note and style.extras:
        block.space(4.0)
        block.add(lead_paragraph("Secondary outcomes: ", c.outcomes_note, width, style.small, style,
                                  "outcomes_note"))
    if c.harms_note:
        block.space(4.0)
        block.add(lead_paragraph("Harms: ", c.harms_note, width, style.small, style, "harms_note"))
    return block
