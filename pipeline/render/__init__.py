"""Renderers: ``Content`` and diagrams as ``layout.geometry.DiagramSource`` in, file bytes out.

    pdf          the one-page brief of a trial: the fit over shrink steps (review_pdf: of a review)
    pdf_blocks   the brief's type steps, drawing operations and measured blocks of text
    pdf_frame, pdf_question, pdf_table, pdf_lower, pdf_columns
                 the brief's header/bottom line/footer, question row, results table, lower half,
                 and the two flowing columns
    pdf_page     page composition and output (reportlab; the brief's only module that imports it)
    pdf_diagram  draws any ``layout.geometry.Diagram`` onto a reportlab canvas
    deck         the journal-club slide deck (python-pptx, with deck_* and pptx_xml; review_deck for reviews)
    figures      the figure files (a trial's design, flow and forest; a review's PRISMA, forests, RoB grid):
                 figure_shapes the shapes both formats draw, svg writes the SVG (no library),
                 figures_png the 300-dpi PNG made on request (matplotlib; its only module that imports it)

Renderers compute no numbers: every word and number comes from ``Content``.
"""
