"""One visual theme for every backend: colours, arm palette, type sizes, line weights.

In:  nothing. Out: constants and small lookups. Colours are hex strings
(``#RRGGBB``). The arm palette is Okabe–Ito, chosen so arms stay apart in
greyscale too (dark blue, light orange, mid green, ...); arms are always also
labelled, so meaning never rests on colour alone.
"""

from __future__ import annotations

INK = "#1A1A1A"          # body text
MUTED = "#555555"        # secondary text
RULE = "#8C8C8C"         # thin rules and box outlines
TRACK = "#E4E4E4"      # the 0–100 % track behind a results bar
LINE = "#333333"         # connectors and arrows
PAPER = "#FFFFFF"
ACCENT = "#0B4F8A"       # headings, title band (prints as dark grey)
TINT = "#E8F0F8"         # bottom-line band (prints as a light grey)
PANEL = "#F4F4F4"        # neutral box fill

# Okabe–Ito, ordered so neighbours differ strongly in lightness.
ARM_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
# Light fills for arm boxes (the same hue, mostly white).
ARM_FILLS = ("#D6E8F5", "#FBEBCC", "#CCEBE2", "#F5E4EE", "#F7DDCC", "#DDEFFA")

ROLE_FILLS = {
    "population": PANEL,
    "randomization": "#FFFFFF",
    "followup": PANEL,
    "outcome": "#FFFFFF",
    "flow": "#FFFFFF",
    "exclusion": PANEL,
    "phase": ACCENT,
    # Risk-of-bias traffic light cells (a review's studies × domains): light tints, symbol and word inside.
    "rob-low": "#CCEBE2",
    "rob-some-concerns": "#FBE3B3",
    "rob-high": "#F5C9AD",
    "rob-no-information": "#E6E6E6",
    "rob-not-given": "#FFFFFF",
}

# Risk-of-bias judgements: symbol + word, never colour alone.
ROB_SYMBOL = {"low": "+", "some concerns": "?", "high": "−", "no information": "○"}
ROB_WORD = {"low": "Low", "some concerns": "Some concerns", "high": "High", "no information": "No information"}
ROB_COLOUR = {"low": "#009E73", "some concerns": "#E69F00", "high": "#D55E00", "no information": "#8C8C8C"}

LINE_WIDTH = 0.8         # box outlines, points
CONNECTOR_WIDTH = 0.9
CORNER_RADIUS = 3.0


def arm_colour(index: int | None) -> str:
    return ARM_COLOURS[index % len(ARM_COLOURS)] if index is not None else RULE


def arm_fill(index: int | None) -> str:
    return ARM_FILLS[index % len(ARM_FILLS)] if index is not None else PANEL


def role_fill(role: str, arm: int | None = None) -> str:
    if arm is not None:
        return arm_fill(arm)
    return ROLE_FILLS.get(role, "#FFFFFF")
