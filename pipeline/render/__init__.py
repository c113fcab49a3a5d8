"""Renderers: a prepared ``Report`` (and layout geometry) in, file bytes out.

    pdf          the one-page brief (reportlab; the only module that imports it)
    pdf_diagram  draws any ``layout.geometry.Diagram`` onto a reportlab canvas
    deck         the journal-club slide deck (python-pptx)
    figures      the design, flow and forest figures (matplotlib, SVG and PNG)

Renderers compute no numbers: every word and number comes from ``Content``.
"""
