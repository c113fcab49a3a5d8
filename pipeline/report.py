"""Everything the renderers need about one study, prepared once.

In:  a validated record (``validate.Checked``).
Out: ``Report``: the study, its formatted ``Content``, the validation
     warnings and the audit findings. Renderers take a ``Report`` and return
     bytes; they compute no numbers of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .audit import Finding, errors_as_record_error, run_audit
from .content import Content, build_content
from .errors import Problem
from .model import Study
from .validate import Checked


@dataclass(frozen=True)
class Report:
    study: Study
    content: Content
    warnings: tuple[Problem, ...] = ()
    findings: tuple[Finding, ...] = field(default=())
    source_file: str = ""


def prepare(checked: Checked[Study]) -> Report:
    """Audit the study and format its content. Raises ``RecordError`` for impossible numbers."""
    result = run_audit(checked)
    error = errors_as_record_error(result, checked.file)
    if error is not None:
        raise error
    content = build_content(checked.study, derived=dict(result.derived), notes=tuple(result.notes),
                            notes_beside=result.notes_beside,
                            absolute=dict(result.absolute), warnings=tuple(result.findings))
    return Report(checked.study, content, tuple(checked.warnings), tuple(result.findings), checked.file)
