"""Names vulture (dead-code finder, ``make lint``) cannot see used: read by a library or by pytest.

Not imported by anything: vulture reads it as more source in which these names are used. Add a
name here only when a library, pytest or pydantic uses it; delete truly unused code instead.
``_`` stands for any object.
"""

# Fields of pydantic models read by name (``getattr``, the JSON Schema, model_dump), and model settings.
model_config
randomization, deviations, missing_data, measurement, selection   # model.RoB2, read by RoB2.domains()
harms_note   # a record field (shown nowhere yet)
nct_id       # ctgov.ImportResult, for callers of the importer

# Attributes set on library objects (python-pptx, ruamel.yaml, zipfile, matplotlib); the library reads them.
_.word_wrap
_.vertical_anchor
_.margin_left
_.margin_right
_.margin_top
_.margin_bottom
_.theme_color
_.brightness
_.first_row
_.horz_banding
_.inherit
_.alignment
_.subject
_.author
_.last_modified_by
_.keywords
_.revision
_.modified
_.last_printed
_.external_attr
_.create_system
_._blob
_._recalculate_extents
_.turbo_add_enabled
_._lastKey
_.preserve_quotes
_._compress_type
_._compressor

# Called by matplotlib (a canvas's writer for its format), with its keyword arguments.
_.print_png
pil_kwargs

# A docstring-constant the modules' docs refer to (render/pdf.py ``LEAN``).
LEAN

# pytest: fixtures found by name, module marks.
shipped_path
_fixed_build_date
pytestmark
