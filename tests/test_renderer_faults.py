"""A bug inside any renderer is reported as ours: exit 70, "internal error, please report",
the traceback saved to a file, and the previous outputs left exactly as they were.

The fault is injected deep in each back-end (the drawing library's own save call: reportlab's showPage,
python-pptx's serialiser of a part's XML; for the SVG figures, written without a library, the writer of each
shape), after the renderer has done all its work on the content, for a trial and for a review record.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pptx.opc.package
import pytest
from reportlab.pdfgen.canvas import Canvas

from conftest import ROOT
from pipeline import atomic
from pipeline.cli import main
from pipeline.render import svg

RECORDS = {"trial": ROOT / "sources" / "imagine-ra.yaml", "review": ROOT / "sources" / "react-corticosteroids.yaml"}
BACK_ENDS = {"brief": (Canvas, "showPage"), "deck": (pptx.opc.package, "serialize_part_xml"),
             "figures": (svg, "_shape")}


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("kind", sorted(RECORDS))
@pytest.mark.parametrize("renderer", sorted(BACK_ENDS))
def test_a_fault_inside_a_renderer_is_an_internal_error_and_keeps_the_old_outputs(
        kind, renderer, tmp_path, monkeypatch, capsys):
    record = tmp_path / RECORDS[kind].name
    shutil.copyfile(RECORDS[kind], record)
    out = tmp_path / "outputs"
    assert main(["build", str(record), "--out", str(out)]) == 0
    before = snapshot(out)
    capsys.readouterr()

    owner, method = BACK_ENDS[renderer]
    calls = []

    def fault(*args: object, **kwargs: object) -> None:
        calls.append(method)
        raise KeyError("harm-0")

    monkeypatch.setattr(owner, method, fault)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("EVIDENCE_BRIEF_DEBUG", raising=False)
    status = main(["build", str(record), "--out", str(out)])
    err = capsys.readouterr().err

    assert calls, f"the {renderer} back-end no longer calls {owner.__name__}.{method}; move the fault"
    assert status == 70, err
    assert "internal error, please report" in err and "KeyError: 'harm-0'" in err, err
    assert err.startswith("evidence-brief: internal error") and "Traceback" not in err, err
    saved = list(tmp_path.glob("evidence-brief-internal-error-*.txt"))
    assert len(saved) == 1 and "Traceback" in saved[0].read_text(encoding="utf-8")
    assert str(saved[0]) in err
    assert snapshot(out) == before
    assert not list(out.rglob(atomic.TEMP_PREFIX + "*"))
