"""evidence-brief: one clinical study record in, a one-page PDF brief and a slide deck out.

The stages, each a module or package:

    loader      YAML bytes -> plain data with source positions
    model       plain data -> typed ``Study`` (pydantic), field checks
    validate    ``Study`` -> cross-field problems; everything as one ``RecordError``
    stats       per-arm numbers -> effects with confidence intervals, NNT
    audit       ``Study`` -> findings about numbers that do not add up
    content     ``Study`` -> formatted text blocks shared by every renderer
    layout      ``Study`` -> diagram geometry (boxes, connectors) in points
    render      layout + content -> PDF (reportlab), PPTX (python-pptx), figures (SVG; PNG with matplotlib)
    build       one record -> files in ``outputs/<id>/``, written atomically
    cli         the ``evidence-brief`` command, a thin layer over ``build``
"""

__version__ = "0.1.0"
