"""Where the one font family lives: DejaVu Sans, the files that ship inside matplotlib.

In:  nothing. Out: paths to the TrueType files, found without importing
matplotlib (only its package folder is located), so every backend (reportlab,
python-pptx/LibreOffice, matplotlib) and the text measurer use the same files.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from .errors import EvidenceBriefError

FAMILY = "DejaVu Sans"
STYLES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf",
          "bolditalic": "DejaVuSans-BoldOblique.ttf"}


@cache
def font_dir() -> Path:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise EvidenceBriefError("matplotlib is not installed; it carries the DejaVu Sans font files")
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    if not (folder / STYLES["regular"]).is_file():
        raise EvidenceBriefError(f"DejaVu Sans not found in {folder}")
    return folder


def font_path(style: str = "regular") -> Path:
    """Path of the DejaVu Sans file for ``style`` (regular, bold, italic, bolditalic)."""
    return font_dir() / STYLES[style]
