"""Render the README pictures from the real outputs of the shipped record.

In:  outputs/imagine-ra/brief.pdf and deck.pptx (run `make report` first).
Out: docs/brief.png (the brief's page) and docs/slide.png (the design slide),
     through poppler's pdftoppm and LibreOffice, the tools a reader would use.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "outputs" / "imagine-ra"
DESIGN_SLIDE = 3


def main() -> int:
    for tool in ("pdftoppm", "soffice"):
        if shutil.which(tool) is None:
            print(f"docs: {tool} is not installed; pictures not refreshed", file=sys.stderr)
            return 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(OUT / "brief.pdf"),
                        str(ROOT / "docs" / "brief")], check=True)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(OUT / "deck.pptx")], check=True, capture_output=True, timeout=300)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(DESIGN_SLIDE), "-l", str(DESIGN_SLIDE), "-singlefile",
                        str(tmp / "deck.pdf"), str(ROOT / "docs" / "slide")], check=True)
    print("docs: wrote docs/brief.png and docs/slide.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
