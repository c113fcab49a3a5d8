"""Everything the renderers need about one study, prepared once.

In:  a validated record (``validate.Checked``).
Out: ``Report``: the study, its formatted ``Content``, the validation
     warnings and the audit findings. Renderers take a ``Report`` and return
     bytes; they compute no numbers of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .content import Content, build_content
from .errors import Problem
from .model import Study
from .validate import Checked


@dataclass(frozen=True)
class Report:
    study: Study
    content: Content
    warnings: tuple[Problem, ...] = ()
    findings: tuple = field(default=())     # audit.Finding objects
    source_file: str = ""


def prepare(checked: Checked) -> Report:
    """Audit the study and format its content. Raises ``RecordError`` for impossible numbers."""
    findings: tuple = ()
    derived: dict[str, tuple[str, ...]] = {}
    notes: tuple[str, ...] = ()
    try:
        from . import audit
    except ImportError:  # pragma: no cover - the audit module is optional while it is being built
        audit = None
    if audit is not None and hasattr(audit, "run_audit"):
        result = audit.run_audit(checked)
        findings, derived, notes = tuple(result.findings), dict(result.derived), tuple(result.notes)
    content = build_content(checked.study, derived=derived, notes=notes)
    return Report(checked.study, content, tuple(checked.warnings), findings, checked.file)
