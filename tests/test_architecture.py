"""Renderers draw Content and layout, never the record.

No module under ``pipeline/render/`` imports the record model (``pipeline.model``,
``pipeline.review.model``), directly or through the project modules it imports, lazily inside a
function included. ``pipeline.content`` and ``pipeline.review.content`` are where the record becomes
text: a renderer may import their types and formatters, so the walk does not go through them, but a
name imported from them must be their own (not the model's, re-exported). Diagrams reach a renderer
as ``layout.geometry.DiagramSource`` (built by ``layout.figures``), so a renderer needs no layout
module that reads the record either: those import the model and the walk finds them.

``STILL_READING`` would list the renderers not yet moved off the record: none is left, so the test
checks every module under ``render/``.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"
MODEL = {"pipeline.model", "pipeline.review.model"}
CONTENT = {"pipeline.content", "pipeline.review.content"}
STILL_READING: set[str] = set()


def module_path(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imports(name: str) -> list[tuple[str, tuple[str, ...]]]:
    """The project modules ``name`` imports anywhere in its source, each with the names taken from it."""
    path = module_path(name)
    assert path is not None, name
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, ()) for alias in node.names if alias.name.split(".")[0] == "pipeline"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "pipeline":
                continue
            names = tuple(alias.name for alias in node.names)
            # "from . import deck_notes": the submodules named are imported too.
            out += [(f"{target}.{n}", ()) for n in names if module_path(f"{target}.{n}") is not None]
            out.append((target, tuple(n for n in names if module_path(f"{target}.{n}") is None)))
    return out


def path_to_model(start: str) -> list[str] | None:
    """The chain of imports from ``start`` to a record model module, or None when there is none."""
    seen = {start}
    queue: list[list[str]] = [[start]]
    while queue:
        chain = queue.pop(0)
        for target, _ in imports(chain[-1]):
            if target in MODEL:
                return [*chain, target]
            if target in seen or target in CONTENT or module_path(target) is None:
                continue
            seen.add(target)
            queue.append([*chain, target])
    return None


def render_modules() -> list[str]:
    return sorted(f"pipeline.render.{p.stem}" for p in (PACKAGE / "render").glob("*.py") if p.stem != "__init__")


CHECKED = [m for m in render_modules() if m not in STILL_READING]


def test_the_walk_finds_an_indirect_import():
    # The layout modules that read the record are found through their imports (a test that cannot fail is
    # a defect): design imports the model itself, prisma the review model.
    assert path_to_model("pipeline.layout.design") == ["pipeline.layout.design", "pipeline.model"]
    assert path_to_model("pipeline.layout.figures")[-1] in MODEL
    assert path_to_model("pipeline.report") is not None


def test_the_brief_modules_are_checked():
    assert {"pipeline.render.pdf", "pipeline.render.review_pdf", "pipeline.render.pdf_blocks",
            "pipeline.render.pdf_columns", "pipeline.render.pdf_frame", "pipeline.render.pdf_lower",
            "pipeline.render.pdf_page", "pipeline.render.pdf_question", "pipeline.render.pdf_table",
            "pipeline.render.pdf_diagram"} <= set(CHECKED)


def test_the_deck_and_figure_modules_are_checked():
    assert {"pipeline.render.deck", "pipeline.render.review_deck", "pipeline.render.deck_diagram",
            "pipeline.render.deck_fit", "pipeline.render.deck_notes", "pipeline.render.pptx_xml",
            "pipeline.render.deck_canvas", "pipeline.render.deck_package", "pipeline.render.deck_opc",
            "pipeline.render.deck_shared",
            "pipeline.render.deck_tables",
            "pipeline.render.figures", "pipeline.render.figure_shapes", "pipeline.render.svg",
            "pipeline.render.figures_png"} <= set(CHECKED)


@pytest.mark.parametrize("name", CHECKED)
def test_renderer_never_imports_the_record_model(name):
    chain = path_to_model(name)
    assert chain is None, f"{name} reaches the record model: {' -> '.join(chain)}"


@pytest.mark.parametrize("name", CHECKED)
def test_names_from_content_are_contents_own(name):
    # ``from ..content import Study`` would hand the model over by the back door.
    for target, names in imports(name):
        if target not in CONTENT:
            continue
        module = importlib.import_module(target)
        for n in names:
            home = getattr(getattr(module, n), "__module__", target)
            assert home not in MODEL, f"{name} takes {n} from {target}, which is {home}'s"


@pytest.mark.parametrize("name", CHECKED)
def test_renderer_never_reads_the_record_through_a_report(name):
    # A Report or ReviewReport carries the record (``.study``, ``.review``): renderers take Content.
    tree = ast.parse(module_path(name).read_text(encoding="utf-8"))
    read = sorted({node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                   and node.attr in ("study", "review", "report", "findings")})
    assert not read, f"{name} reads {read}"


def layout_cycle() -> list[str] | None:
    """An import cycle among the layout modules (lazy imports inside functions count), or None."""
    names = sorted(f"pipeline.layout.{p.stem}" for p in (PACKAGE / "layout").glob("*.py") if p.stem != "__init__")
    edges = {n: sorted({t for t, _ in imports(n) if t in names and t != n}) for n in names}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name):], name]
        if name in done:
            return None
        for target in edges[name]:
            found = visit(target, [*path, name])
            if found:
                return found
        done.add(name)
        return None

    return next((c for c in (visit(n, []) for n in names) if c), None)


def test_the_layout_modules_import_one_another_without_a_cycle():
    # alt, design and forest used to import one another (lazily, inside functions): a cycle hides which module
    # owns what and breaks as soon as one of the imports moves to the top.
    assert layout_cycle() is None, " -> ".join(layout_cycle() or [])


def test_the_cycle_finder_finds_a_lazy_cycle(monkeypatch):
    real = imports

    def with_a_lazy_cycle(name: str) -> list[tuple[str, tuple[str, ...]]]:
        extra = [("pipeline.layout.design", ("design_diagram",))] if name == "pipeline.layout.alt" else []
        return real(name) + extra

    monkeypatch.setitem(globals(), "imports", with_a_lazy_cycle)
    cycle = layout_cycle()
    assert cycle is not None and {"pipeline.layout.alt", "pipeline.layout.design"} <= set(cycle)
