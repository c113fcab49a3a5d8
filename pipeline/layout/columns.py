"""The one column-width solver: widths for columns side by side (a table's, or a band of diagram boxes)
that make them as low as the room allows.

In:  per column (``Column``) its narrowest width (its longest word), the width of the lines it keeps whole
     (an interval, a P value, a rate; or a label's comfortable width: 0 when none), its widest (every line
     unwrapped), the width up to which it takes its widest before any search (``cap``) and how soon it gives
     up its kept width (``yields``); the room; ``heights(column, width)``, the column's cell heights at a
     width, one per row (a band of boxes is one row); the column that takes the room left over (``flex``;
     else it is shared in proportion); the columns that share one width (``even``: a table's arms).
Out: the widths, or None when the columns' words do not fit the room (the caller scales or refuses).
     Kept widths stay where they all fit; else the column that yields most (then asks most beyond its
     words) gives its up first.

The search minimises the height of the rows (each row as tall as its tallest cell), then the sum of the
cells' heights: from the short columns at their widest, and, unless that is already as low as can be, from
the lowest tallest cell, widths go where they save the most height per point, then move between columns
(from one, else from several a step at a time) while that saves height.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

Heights = Callable[[int, float], Sequence[float]]


@dataclass(frozen=True)
class Column:
    narrowest: float           # the longest word
    widest: float              # the longest line, unwrapped
    kept: float = 0.0          # the longest line that should not wrap (an interval, a P value), or any width
                               # the column should have before its words alone (a label's)
    cap: float = 0.0           # at its widest before any search when that is at most this wide
    yields: int = 0            # columns that yield more give up their kept lines first (a rate before an interval)


def solve(columns: Sequence[Column], room: float, heights: Heights, flex: int | None = None,
          even: Sequence[int] = ()) -> list[float] | None:
    """``even``: columns that share one width (the arms of a table, whose values wrap alike or not at all)."""
    if len(even) > 1:
        return _solve_even(columns, room, heights, flex, sorted(even))
    n = len(columns)
    # Kept lines wrap only where they cannot all fit: the column that yields most, then whose kept line asks
    # most beyond its words, gives its up first.
    minimum = [max(c.narrowest, c.kept) for c in columns]
    for j in sorted(range(n), key=lambda k: (-columns[k].yields, columns[k].narrowest - minimum[k])):
        if sum(minimum) < room:
            break
        minimum[j] = columns[j].narrowest
    if sum(minimum) > room + 1e-6:
        return None
    widest = [max(c.widest, m) for c, m in zip(columns, minimum, strict=True)]
    search = _Search(n, minimum, widest, room, heights)

    short = list(minimum)           # the short columns at their widest, narrowest first
    for j in sorted(range(n), key=lambda k: widest[k]):
        if j != flex and widest[j] <= columns[j].cap and sum(short) - short[j] + widest[j] <= room:
            short[j] = max(short[j], widest[j])
    best = search.improve(short)
    if search.cost(best) > search.floor():       # else no start can do better
        lowest = search.improve(search.lowest_tallest(short))
        if search.cost(lowest) < search.cost(best):
            best = lowest

    spare = room - sum(best)
    if flex is not None:
        best[flex] += spare
    elif spare > 0 and sum(best) > 0:
        total = sum(best)
        best = [w + spare * w / total for w in best]
    return best


def by_words(columns: Sequence[Column], room: float) -> list[float]:
    """Widths when ``solve`` finds none (the words cannot fit): ``room`` shared in proportion to each column's
    narrowest width."""
    total = sum(c.narrowest for c in columns) or 1.0
    return [room * c.narrowest / total for c in columns]


def _solve_even(columns: Sequence[Column], room: float, heights: Heights, flex: int | None,
                even: list[int]) -> list[float] | None:
    """``solve`` with the ``even`` columns as one, ``len(even)`` times as wide as each of them (a row as tall as
    the tallest of their cells), then shared out again."""
    k, first = len(even), even[0]
    shown = [j for j in range(len(columns)) if j == first or j not in even]     # the merged column stands at ``first``
    group = [columns[j] for j in even]
    merged = Column(k * max(c.narrowest for c in group), k * max(c.widest for c in group),
                    k * max(c.kept for c in group), k * min(c.cap for c in group), max(c.yields for c in group))

    def merged_heights(i: int, w: float) -> Sequence[float]:
        j = shown[i]
        if j != first:
            return heights(j, w)
        return [max(hs) for hs in zip(*(heights(m, w / k) for m in even), strict=True)]

    widths = solve([merged if j == first else columns[j] for j in shown], room, merged_heights,
                   None if flex is None else shown.index(flex))
    if widths is None:
        return None
    out = [0.0] * len(columns)
    for i, j in enumerate(shown):
        for m in (even if j == first else [j]):
            out[m] = widths[i] / k if j == first else widths[i]
    return out


class _Search:
    """The columns' heights at each width tried, and the searches over them."""

    def __init__(self, n: int, minimum: list[float], widest: list[float], room: float, heights: Heights):
        self.n, self.minimum, self.widest, self.room = n, minimum, widest, room
        self.heights = heights
        self.step = max(3.0, room / 160)
        # Per column, by width: its cells' heights, and its least widening (``widen``).
        self.memo: list[dict[float, tuple[float, ...]]] = [{} for _ in range(n)]
        self.widened: list[dict[float, tuple[float, tuple[float, ...]] | None]] = [{} for _ in range(n)]

    def column(self, j: int, w: float) -> tuple[float, ...]:
        memo = self.memo[j]
        got = memo.get(w)
        if got is None:
            got = memo[w] = tuple(self.heights(j, w))
        return got

    def widen(self, j: int, w: float) -> tuple[float, tuple[float, ...]] | None:
        """The least widening of column ``j`` from ``w``, in steps (up to a step past its widest), that makes its
        cells lower in all, and their heights there; None when none does. Remembered: the searches ask again for
        every column each time one of them moves."""
        widened = self.widened[j]
        if w in widened:
            return widened[w]
        now, extra, found = sum(self.column(j, w)), self.step, None
        while w + extra <= self.widest[j] + self.step:
            trial = self.column(j, w + extra)
            if sum(trial) < now - 1e-9:
                found = (extra, trial)
                break
            extra += self.step
        widened[w] = found
        return found

    @staticmethod
    def height(cols: Sequence[tuple[float, ...]]) -> float:
        """The rows' height: each row as tall as its tallest cell."""
        return sum(map(max, zip(*cols, strict=True))) if cols and cols[0] else 0.0

    @staticmethod
    def key(cols: Sequence[tuple[float, ...]]) -> tuple[float, float]:
        """The rows' height, then the cells' (rounded: float heights compare stably): what the searches lower."""
        return round(_Search.height(cols), 6), round(sum(map(sum, cols)), 6)

    def cost(self, widths: list[float]) -> tuple[float, float]:
        return self.key([self.column(j, w) for j, w in enumerate(widths)])

    def floor(self) -> tuple[float, float]:
        """What no widths can beat: every cell as low as at its column's widest."""
        return self.cost(self.widest)

    def tallest(self, j: int, w: float) -> float:
        return max(self.column(j, w), default=0.0)

    def lowest_tallest(self, start: list[float]) -> list[float]:
        """Each column at the narrowest width from ``start`` (within half a point) at which no cell is taller
        than the lowest height every column reaches within the room; all at ``start`` when none does.

        The heights are tried from the highest down, each column's drops found only as far down as they are
        asked for: the lower a height, the wider every column must be to reach it, so the first height below
        the lowest reached is not reached either."""
        drops = [self._drops(j, start[j]) for j in range(self.n)]
        options = [[next(d)] for d in drops]      # per column: (width, tallest cell), widths ascending

        def explore(j: int, level: float) -> None:      # column j's drops down to ``level``, or all it has
            opts = options[j]
            while opts[-1][1] > level and (found := next(drops[j], None)) is not None:
                opts.append(found)

        def reach(goal: float) -> list[float] | None:
            need = []
            for j, opts in enumerate(options):
                explore(j, goal + 0.01)
                w = next((w for w, h in opts if h <= goal + 0.01), None)
                if w is None:
                    return None
                need.append(w)
            return need if sum(need) <= self.room + 0.01 else None

        goal: float | None = max(opts[0][1] for opts in options)
        best = None
        while goal is not None and (reached := reach(goal)) is not None:
            best = reached
            for j in range(self.n):
                explore(j, math.nextafter(goal, -math.inf))     # each column's first height below the goal
            goal = max((h for opts in options for _, h in opts if h < goal), default=None)
        return best if best is not None else list(start)

    def _drops(self, j: int, w: float) -> Iterator[tuple[float, float]]:
        """Column ``j`` from width ``w`` on: ``w`` and its tallest cell, then each narrowest width (within half a
        point) at which its tallest cell is lower, up to its widest, with that cell."""
        most, h = max(w, self.widest[j]), self.tallest(j, w)
        yield w, h
        floor = self.tallest(j, most)
        while h > floor + 0.01:    # a cell is lower at the widest: where does the tallest drop?
            lo, hi = w, most
            while hi - lo > 0.5:   # the tallest cell only drops as the column widens
                mid = (lo + hi) / 2
                lo, hi = (lo, mid) if self.tallest(j, mid) < h - 0.01 else (mid, hi)
            w, h = hi, self.tallest(j, hi)
            yield w, h

    def improve(self, start: list[float]) -> list[float]:
        """``start`` widened where that saves the most height (then cells' height) per point, while there is
        room; then width moved from one column to another while that makes the rows lower, or the cells at
        the same height."""
        n, widths, key = self.n, list(start), self.key
        cols = [self.column(j, widths[j]) for j in range(n)]

        while True:
            spare = self.room - sum(widths)
            best: tuple[tuple[float, float], int, float, tuple[float, ...]] | None = None
            base_h, base_t = self.height(cols), sum(map(sum, cols))
            for j in range(n):
                found = self.widen(j, widths[j])
                if found is not None and found[0] <= spare + 1e-6:
                    extra, trial = found
                    was, cols[j] = cols[j], trial
                    gain = ((base_h - self.height(cols)) / extra, (base_t - sum(map(sum, cols))) / extra)
                    cols[j] = was
                    if best is None or gain > best[0]:
                        best = (gain, j, extra, trial)
            if best is None:
                break
            _, j, extra, trial = best
            widths[j] += extra
            cols[j] = trial
        for _ in range(4 * n):
            base = key(cols)
            move: tuple[tuple[float, float], int, int, float, tuple[float, ...], tuple[float, ...]] | None = None
            for i in range(n):
                found = self.widen(i, widths[i])
                if found is None:
                    continue
                extra, trial_i = found
                cs = list(cols)
                cs[i] = trial_i
                for j in range(n):
                    if j == i or widths[j] - extra < self.minimum[j] - 1e-6:
                        continue
                    trial_j = cs[j] = self.column(j, widths[j] - extra)
                    got = key(cs)
                    cs[j] = cols[j]
                    if got < base and (move is None or got < move[0]):
                        move = (got, i, j, extra, trial_i, trial_j)
            if move is None:
                pooled = self.pooled(widths, cols)
                if pooled is None:
                    break
                widths, cols = pooled
                continue
            _, i, j, extra, trial_i, trial_j = move
            widths[i] += extra
            widths[j] -= extra
            cols[i], cols[j] = trial_i, trial_j
        return widths

    def pooled(self, widths: list[float], cols: list[tuple[float, ...]]
               ) -> tuple[list[float], list[tuple[float, ...]]] | None:
        """The best move of width to one column from several others, a step at a time from whichever costs least
        (arm headers that wrap together cost one line between them), when it makes the rows lower or the cells
        at the same height; None when none does. Asked when no move from one column helps (``improve``): a column
        that widens by one step would take it from one other, a move already tried, so only wider ones are tried."""
        key = self.key
        base, best = key(cols), None
        for i in range(self.n):
            found = self.widen(i, widths[i])
            if found is None or found[0] <= self.step:
                continue
            extra = found[0]
            ws, cs = list(widths), list(cols)
            ws[i] += extra
            cs[i] = self.column(i, ws[i])
            owed = extra
            while owed > 1e-9:
                take = min(self.step, owed)
                donors = []
                for j in range(self.n):
                    if j != i and ws[j] - take >= self.minimum[j] - 1e-6:
                        was, cs[j] = cs[j], self.column(j, ws[j] - take)
                        donors.append((key(cs), j))
                        cs[j] = was
                if not donors:
                    break
                _, j = min(donors)
                ws[j] -= take
                cs[j] = self.column(j, ws[j])
                owed -= take
            got = key(cs)
            if owed <= 1e-9 and got < base and (best is None or got < best[0]):
                best = (got, ws, cs)
        return None if best is None else (best[1], best[2])
