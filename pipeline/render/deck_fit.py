"""Slide text measured and fitted: paragraphs, table sections, column widths, pagination, size choice.

In:  paragraphs (``Para`` of ``Run``) and sections (``TextSection``, ``TableSection`` of ``Cell``), sizes
     and room in points. Out: line breaks, heights, column widths, and ``Page`` lists of the blocks that
     go on each slide, measured with ``layout.text`` (DejaVu Sans metrics). No python-pptx here:
     ``deck`` draws what this module measured.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from .. import theme
from ..errors import LayoutError
from ..layout.columns import Column, by_words, solve
from ..layout.fit import search
from ..layout.text import LINE_HEIGHT, column_lines, line_count, text_width, widest_word, wrap, wrap_runs
from .copies import copied

BODY_SIZES = (24.0, 22.0, 20.0, 19.0, 18.0)
BODY_MIN, TABLE_MIN = 18.0, 16.0
MAX_BULLETS = 6
TEXT_INSET_X, TEXT_INSET_Y = 0.0, 2.0      # text box insets, points
BAND_INSET = 10.0                          # tinted band insets, points
CELL_MX, CELL_MY = 6.0, 4.0                # table cell margins, points
TABLE_RATIO = 0.75                         # table text is three quarters of the body size by default
SPARSE_TABLE_RATIO = 0.85                  # ... and a little more on a slide with only a few table rows


# =============================================================================
# Text model and measurement.

@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    link: str | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Para:
    """One paragraph. ``bullet``: a bullet; ``hang``: indented like a bullet but without one
    (a bullet continued on the next slide). ``scale`` multiplies the section's size."""

    runs: tuple[Run, ...]
    bullet: bool = False
    hang: bool = False
    scale: float = 1.0
    align: str = "left"
    gap: float = 0.5             # space before, as a multiple of the size (not before the first paragraph)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def bold(self) -> bool:
        return any(r.bold for r in self.runs)


# A template's own fonts are unknown: text is measured with DejaVu Sans widened by this factor.
_WIDTH_FACTOR: contextvars.ContextVar[float] = contextvars.ContextVar("deck_width_factor", default=1.0)
TEMPLATE_WIDTH_FACTOR = 1.1
_TABLE_MIN: contextvars.ContextVar[float] = contextvars.ContextVar("deck_table_min", default=TABLE_MIN)


def _wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    return wrap(text, size, width / _WIDTH_FACTOR.get(), bold)


def _lines(text: str, size: float, width: float, bold: bool = False) -> int:
    """``len(_wrap(...))``, counted without making the lines."""
    return line_count(text, size, width / _WIDTH_FACTOR.get(), bold)


def P(text: str, **kw: Any) -> Para:
    bold = kw.pop("bold", False)
    colour = kw.pop("colour", None)
    link = kw.pop("link", None)
    return Para((Run(text, bold, link, colour),), **kw)


def indent_for(size: float) -> float:
    return round(1.1 * size, 2)


def _inner(p: Para, s: float, width: float) -> float:
    """The width ``p``'s lines wrap to at size ``s`` (its bullet's indent off)."""
    return max(width - (indent_for(s) if (p.bullet or p.hang) else 0.0), 1.0)


def para_lines(p: Para, size: float, width: float) -> list[str]:
    s = size * p.scale
    inner = _inner(p, s, width)
    if len(p.runs) == 1:
        return _wrap(p.text, s, inner, p.bold)
    # Mixed runs (a bold lead-in, then regular text) are measured each in its own weight.
    lines = wrap_runs(_word_runs(p.runs), s, inner / _WIDTH_FACTOR.get())
    return [" ".join(word for word, _ in line) for line in lines]


def _word_runs(runs: tuple[Run, ...]) -> list[tuple[str, bool]]:
    """``(text, bold)`` of each run, a word that goes on across runs ("lead-in" + ": …") given whole to the
    run it starts in, so the words are those of the paragraph's text."""
    out: list[tuple[str, bool]] = []
    for run in runs:
        text = run.text
        last = next((k for k in range(len(out) - 1, -1, -1) if out[k][0]), None)
        if last is not None and text and not text[0].isspace() and not out[last][0][-1].isspace():
            glued = len(text.split(maxsplit=1)[0])
            out[last] = (out[last][0] + text[:glued], out[last][1])
            text = text[glued:]
        out.append((text, run.bold))
    return out


def para_height(p: Para, size: float, width: float, first: bool) -> float:
    s = size * p.scale
    gap = 0.0 if first else p.gap * s
    if len(p.runs) == 1:
        return gap + _lines(p.text, s, _inner(p, s, width), p.bold) * s * LINE_HEIGHT
    return gap + len(para_lines(p, size, width)) * s * LINE_HEIGHT


def paras_height(paras: list[Para], size: float, width: float) -> float:
    return sum(para_height(p, size, width, i == 0) for i, p in enumerate(paras))


def split_para(p: Para, size: float, width: float, room: float, first: bool) -> tuple[Para, Para] | None:
    """Split a paragraph between lines so the head fits ``room``; None when not even one line fits."""
    s = size * p.scale
    lines = para_lines(p, size, width)
    gap = 0.0 if first else p.gap * s
    k = int((room - gap) // (s * LINE_HEIGHT))
    if k < 1 or k >= len(lines):
        return None
    head_text, tail_text = " ".join(lines[:k]), " ".join(lines[k:])
    if p.text == f"{head_text} {tail_text}":
        # Keep each run's style (a bold lead-in, a link) on both sides of the cut.
        cut = len(head_text)
        head_runs, tail_runs, pos = [], [], 0
        for run in p.runs:
            start, end = pos, pos + len(run.text)
            pos = end
            if start < cut:
                head_runs.append(replace(run, text=run.text[:cut - start]))
            if end > cut + 1:
                tail_runs.append(replace(run, text=run.text[max(cut + 1 - start, 0):]))
        head_runs = [r for r in head_runs if r.text]
        tail_runs = [r for r in tail_runs if r.text]
    else:   # a word was broken across lines: keep the text, with the style of the longest run
        style = max(p.runs, key=lambda r: len(r.text))
        head_runs, tail_runs = [replace(style, text=head_text)], [replace(style, text=tail_text)]
    head = replace(p, runs=tuple(head_runs))
    tail = replace(p, runs=tuple(tail_runs), bullet=False, hang=p.bullet or p.hang, gap=0.0)
    return head, tail


# =============================================================================
# Sections: what a slide body is made of.

@dataclass(frozen=True)
class Cell(Run):
    """A table cell: its text as one ``Run`` (``\n`` between its lines), with the cell's own styling."""

    fill: str | None = None
    align: str = "left"
    rule: str | None = None        # a coloured rule under a header cell (arm colour)
    mute_from: int | None = None   # the lines (``\n``-separated parts) from this one on are muted (MUTED)
    span: int = 1                  # a row's only cell spanning every column: a line across under the row above
    joined: bool = False           # a row's first cell: the row belongs to the one above (an outcome's effect lines)
    keep: int = 0                  # the first ``keep`` lines are not wrapped (an estimate, an interval, a P value)


@dataclass
class TextSection:
    paras: list[Para]
    band: bool = False             # tinted box
    boxed: bool = False


@dataclass
class TableSection:
    header: list[Cell] | None
    rows: list[list[Cell]]
    caps: list[float]              # each column's share cap of the width (0..1); the flex column gets the rest
    flex: int = 0
    body_size: bool = False        # use the body size rather than the table size
    name: str = "Table"
    widths: list[float] | None = None   # set when paginated: every page of a table keeps the same columns
    ratio: float = TABLE_RATIO     # the table size as a share of the body size (``table_size``)

    def size(self, body: float) -> float:
        return body if self.body_size else table_size(body, self.ratio)


Section = TextSection | TableSection


def table_size(body: float, ratio: float = TABLE_RATIO) -> float:
    return min(body, max(_TABLE_MIN.get(), round(body * ratio * 2) / 2))


def _cell_paras(cell: Cell) -> list[Para]:
    return [P(part, bold=cell.bold, gap=0.0,
              colour=theme.MUTED if cell.mute_from is not None and k >= cell.mute_from else None)
            for k, part in enumerate(cell.text.split("\n"))]


def column_widths(t: TableSection, size: float, width: float) -> list[float]:
    """Column widths that make the table as short as possible (``layout.columns.solve``): each column at least
    its longest word, and its kept lines (an effect estimate, an interval, a P value) whole when they all fit;
    a column other than the flexible one whose longest line fits within its cap takes that width first, so
    short values ("not reported", "17 (17%)") stay on one line; what is left goes to the flexible column.
    Columns whose words cannot fit share the width in proportion to them."""
    if t.widths is not None and abs(sum(t.widths) - width) < 0.5:
        return list(t.widths)
    # Fitting asks again for the same table at the same size and width (each size tried, each balancing step).
    rows = tuple(tuple(r) for r in ([t.header] if t.header else []) + t.rows if not is_line(r))  # lines: any width
    return list(_column_widths(rows, tuple(t.caps), t.flex, size, width, _WIDTH_FACTOR.get()))


@lru_cache(maxsize=256)
def _column_widths(rows: tuple[tuple[Cell, ...], ...], caps: tuple[float, ...], flex: int, size: float,
                   width: float, factor: float) -> tuple[float, ...]:
    """``column_widths`` of a table's ``rows`` (header included, lines across left out) with ``_WIDTH_FACTOR``
    at ``factor``."""
    n = len(caps)
    natural, minimum, kept = _measure(rows, n, size, factor)

    lines = [column_lines(tuple((row[j].text, row[j].bold) for row in rows)).by_width(size) for j in range(n)]

    def heights(j: int, w: float) -> tuple[int, ...]:
        return lines[j](max(w - 2 * CELL_MX, 1.0) / factor)

    columns = [Column(minimum[j], natural[j], kept[j], caps[j] * width) for j in range(n)]
    return tuple(solve(columns, width, heights, flex) or by_words(columns, width))


@lru_cache(maxsize=256)
def _measure(rows: tuple[tuple[Cell, ...], ...], n: int, size: float, factor: float
             ) -> tuple[list[float], list[float], list[float]]:
    """Each of ``n`` columns' widest line, longest word and longest kept line, cell margins included, with
    ``_WIDTH_FACTOR`` at ``factor``."""
    natural, minimum, kept = [0.0] * n, [0.0] * n, [0.0] * n
    for row in rows:
        for j, cell in enumerate(row):
            for k, part in enumerate(cell.text.split("\n")):
                line = text_width(part, size, cell.bold) * factor + 2 * CELL_MX + 1
                natural[j] = max(natural[j], line)
                if k < cell.keep:
                    kept[j] = max(kept[j], line)
                if part.strip():     # the line has a word
                    minimum[j] = max(minimum[j], widest_word(part, size, cell.bold) * factor + 2 * CELL_MX + 1)
    return natural, minimum, kept


def kept_whole(t: TableSection, size: float, width: float) -> bool:
    """Whether every kept line of ``t`` (an estimate, an interval, a P value) is whole at ``size`` in ``width``."""
    rows = tuple(tuple(r) for r in ([t.header] if t.header else []) + t.rows if not is_line(r))
    _, minimum, kept = _measure(rows, len(t.caps), size, _WIDTH_FACTOR.get())
    widths = column_widths(t, size, width)
    return all(w >= k - 0.01 for w, k, m in zip(widths, kept, minimum, strict=True) if k > m)


@lru_cache(maxsize=4096)
def _cell_height(text: str, bold: bool, size: float, width: float, factor: float) -> float:
    """The height of a cell of ``text`` in ``width`` with ``_WIDTH_FACTOR`` at ``factor``, remembered (the fitting
    measures each cell many times): the height of its paragraphs (``_cell_paras``: one a line of its text, no gaps,
    no bullets) as ``paras_height`` adds them up, without making them."""
    inner = max(width - 2 * CELL_MX, 1.0)
    return sum(_lines(part, size, inner, bold) * size * LINE_HEIGHT for part in text.split("\n")) + 2 * CELL_MY


def is_line(row: list[Cell]) -> bool:
    """A row of one cell across the whole table (a line under the row above it)."""
    return len(row) == 1 and row[0].span > 1


def is_joined(row: list[Cell]) -> bool:
    """A row that belongs to the row above it: a line across, or marked ``joined``."""
    return is_line(row) or (bool(row) and row[0].joined)


def _row_widths(row: list[Cell], widths: list[float]) -> list[float]:
    return [sum(widths)] if is_line(row) else widths


def row_height(row: list[Cell], size: float, widths: list[float]) -> float:
    """The height of ``row``'s tallest cell (``_cell_height``)."""
    factor = _WIDTH_FACTOR.get()
    return max(_cell_height(c.text, c.bold, size, w, factor)
               for c, w in zip(row, _row_widths(row, widths), strict=False))


def split_row(row: list[Cell], size: float, widths: list[float], room: float) -> tuple[list[Cell], list[Cell]] | None:
    k = int((room - 2 * CELL_MY) // (size * LINE_HEIGHT))
    if k < 1:
        return None
    head, tail = [], []
    for cell, w in zip(row, _row_widths(row, widths), strict=False):
        lines: list[str] = []
        mute = None      # the muted lines, counted in wrapped lines
        for n, part in enumerate(cell.text.split("\n")):
            if cell.mute_from is not None and n == cell.mute_from:
                mute = len(lines)
            lines += _wrap(part, size, max(w - 2 * CELL_MX, 1.0), cell.bold)
        head.append(copied(cell, text="\n".join(lines[:k]), mute_from=mute))
        tail.append(copied(cell, text="\n".join(lines[k:]), mute_from=None if mute is None else max(mute - k, 0)))
    return head, tail


# A page is a list of blocks: ("text", TextSection-with-subset) or ("table", TableSection-with-subset).

@dataclass
class Page:
    blocks: list[Section] = field(default_factory=list)


def section_gap(size: float) -> float:
    return round(0.75 * size, 2)


def paginate(sections: Sequence[Section], size: float, width: float, height: float) -> list[Page]:
    """Pack ``sections`` onto pages of ``width`` × ``height`` at body size ``size``."""
    pages = [Page()]
    used = [0.0]

    def room() -> float:
        return height - used[0] - (section_gap(size) if pages[-1].blocks else 0.0)

    def new_page() -> None:
        pages.append(Page())
        used[0] = 0.0

    def bullets_on_page() -> int:
        return sum(sum(1 for p in b.paras if p.bullet) for b in pages[-1].blocks if isinstance(b, TextSection))

    for sec in sections:
        if isinstance(sec, TextSection):
            inset = 2 * (BAND_INSET if sec.band else TEXT_INSET_Y)
            inner_w = width - 2 * (BAND_INSET if sec.band else TEXT_INSET_X)
            queue = list(sec.paras)
            block: TextSection | None = None
            while queue:
                p = queue[0]
                if block is None:
                    start_gap = section_gap(size) if pages[-1].blocks else 0.0
                    h_first = para_height(p, size, inner_w, True) + inset
                    if used[0] + start_gap + h_first <= height + 1e-6 and \
                            not (p.bullet and bullets_on_page() >= MAX_BULLETS):
                        block = TextSection([p], sec.band, sec.boxed)
                        pages[-1].blocks.append(block)
                        used[0] += start_gap + h_first
                        queue.pop(0)
                        continue
                    if pages[-1].blocks:
                        new_page()
                        continue
                    # Alone on an empty page and still too tall: split between lines.
                    parts = split_para(p, size, inner_w, height - inset, True)
                    if parts is None:
                        raise LayoutError(f"deck: a paragraph cannot fit a slide even at {size:g} pt")
                    queue[0:1] = list(parts)
                    continue
                h = para_height(p, size, inner_w, False)
                if used[0] + h <= height + 1e-6 and not (p.bullet and bullets_on_page() >= MAX_BULLETS):
                    block.paras.append(p)
                    used[0] += h
                    queue.pop(0)
                    continue
                if not (p.bullet and bullets_on_page() >= MAX_BULLETS):
                    parts = split_para(p, size, inner_w, height - used[0], False)
                    # Split here only what could not fit a whole slide anyway; else move it over whole.
                    if parts is not None and para_height(p, size, inner_w, True) > height - inset:
                        block.paras.append(parts[0])
                        used[0] = height
                        queue[0:1] = [parts[1]]
                new_page()
                block = None
        else:
            s = sec.size(size)
            widths = column_widths(sec, s, width)
            head_h = row_height(sec.header, s, widths) if sec.header else 0.0
            queue_rows = list(sec.rows)
            block_t: TableSection | None = None
            while queue_rows:
                row = queue_rows[0]
                rh = row_height(row, s, widths)
                if block_t is None:
                    start_gap = section_gap(size) if pages[-1].blocks else 0.0
                    if used[0] + start_gap + head_h + rh <= height + 1e-6:
                        block_t = copied(sec, rows=[row], widths=widths)
                        pages[-1].blocks.append(block_t)
                        used[0] += start_gap + head_h + rh
                        queue_rows.pop(0)
                        continue
                    if pages[-1].blocks:
                        new_page()
                        continue
                    parts_r = split_row(row, s, widths, height - head_h)
                    if parts_r is None:
                        raise LayoutError(f"deck: a table row cannot fit a slide even at {s:g} pt")
                    queue_rows[0:1] = list(parts_r)
                    continue
                if used[0] + rh <= height + 1e-6:
                    block_t.rows.append(row)
                    used[0] += rh
                    queue_rows.pop(0)
                    continue
                if is_joined(row):
                    # The rows of one group (an outcome and its effect lines, a row and the line under it) go over
                    # together, unless the group is all this slide holds.
                    start = len(block_t.rows) - 1
                    while start > 0 and is_joined(block_t.rows[start]):
                        start -= 1
                    if start > 0:
                        queue_rows[0:0] = block_t.rows[start:]
                        del block_t.rows[start:]
                new_page()
                block_t = None
    return [pg for pg in pages if pg.blocks]


def choose(sections: Sequence[Section], width: float, height: float,
           sizes: tuple[float, ...] = BODY_SIZES) -> tuple[float, list[Page]]:
    """The largest body size that fits on one slide with every table's intervals and P values whole; else the
    largest needing the fewest slides (whole before broken), its pages evened out (``balanced``). At the smallest
    body size, the tables may go on down in half points to their own minimum (lower on a narrower template) when
    that needs fewer slides."""
    size, secs, pages = _chosen(sections, width, height, sizes)
    return size, (pages if len(pages) <= 1 else balanced(secs, size, width, height, pages))


def choose_one(sections: Sequence[Section], width: float, height: float) -> tuple[float, Page] | None:
    """``choose``'s size and page when it lays ``sections`` on one slide, else None. Its pages are not evened out
    first: that never makes them one (what one page holds at a height, it holds at any greater one)."""
    size, _, pages = _chosen(sections, width, height, BODY_SIZES)
    return (size, pages[0]) if len(pages) == 1 else None


def _chosen(sections: Sequence[Section], width: float, height: float, sizes: tuple[float, ...]
            ) -> tuple[float, Sequence[Section], list[Page]]:
    """``choose``'s body size, its sections (their tables perhaps smaller) and pages, before balancing."""
    Laid = tuple[float, Sequence[Section], list[Page]]

    def laid_out() -> Iterator[Laid]:
        tried = set()
        for s, secs in [(s, sections) for s in sizes] + [(sizes[-1], t) for t in _smaller_tables(sections, sizes[-1])]:
            # An attempt laid out as one before it cannot be chosen over it (the first of equals is).
            same = _pagination(secs, s)
            if same in tried:
                continue
            tried.add(same)
            try:
                yield s, secs, paginate(secs, s, width, height)
            except LayoutError:
                continue

    def whole(r: Laid) -> bool:
        return all(kept_whole(b, b.size(r[0]), width) for pg in r[2] for b in pg.blocks if isinstance(b, TableSection))

    def one_slide(r: Laid) -> bool:
        return len(r[2]) <= 1 and whole(r)

    def slides(r: Laid) -> float:
        return len(r[2]) + (0.0 if whole(r) else 0.5)

    def pages(r: Laid) -> float:     # no more than ``slides``: an attempt it cannot beat is not measured
        return float(len(r[2]))

    found = search(laid_out(), one_slide, slides, pages)     # (unpacked apart: mypy would read the result as optional)
    chosen, _ = found
    if chosen is None:
        raise LayoutError("deck: the content cannot be laid out even at the smallest sizes")
    return chosen


def _pagination(sections: Sequence[Section], body: float) -> tuple[float, ...]:
    """What ``paginate`` makes of ``sections`` at body size ``body`` depends on besides them: each section's size,
    and the gap between sections when there is more than one."""
    sizes = tuple(sec.size(body) if isinstance(sec, TableSection) else body for sec in sections)
    return sizes + ((section_gap(body),) if len(sections) > 1 else ())


def _smaller_tables(sections: Sequence[Section], body: float) -> list[list[Section]]:
    """``sections`` with every table (not set at the body size) half a point smaller each time than at
    ``body``, down to the table minimum; none when no table can be smaller."""
    tables = [sec.size(body) for sec in sections if isinstance(sec, TableSection) and not sec.body_size]
    out: list[list[Section]] = []
    t = max(tables, default=0.0) - 0.5
    while t >= _TABLE_MIN.get() - 1e-9:
        out.append([replace(sec, ratio=min(sec.ratio, t / body))
                    if isinstance(sec, TableSection) and not sec.body_size else sec for sec in sections])
        t -= 0.5
    return out


def _pieces(pages: list[Page]) -> int:
    return sum(len(b.paras) if isinstance(b, TextSection) else len(b.rows) for pg in pages for b in pg.blocks)


def balanced(sections: Sequence[Section], size: float, width: float, height: float, pages: list[Page]) -> list[Page]:
    """``pages`` evened out: the same sections paginated on the shortest page that needs no more pages and
    cuts no paragraph or row that ``pages`` keeps whole (no thin last slide)."""
    n, pieces = len(pages), _pieces(pages)
    lo, hi, best = height / n, height, pages
    for _ in range(8):
        mid = (lo + hi) / 2
        try:
            trial = paginate(sections, size, width, mid)
        except LayoutError:
            lo = mid
            continue
        if len(trial) <= n and _pieces(trial) <= pieces:
            best, hi = trial, mid
        else:
            lo = mid
    return best


def fit_size(paras: list[Para], width: float, height: float, sizes: tuple[float, ...]) -> float | None:
    """The largest of ``sizes`` (largest first) at which ``paras`` fit ``width`` × ``height``; None if none does."""
    def fits(s: float) -> bool:
        return paras_height(paras, s, width) <= height + 1e-6

    found = search(sizes, fits)
    return found[0]


