"""Backend-neutral layout: text measured with the embedded font, and diagram geometry.

Nothing here imports reportlab, python-pptx or matplotlib. Units are points
(1/72 inch); the origin is the top-left corner of the area, y grows downwards.

* ``text``: the typesetting core every output uses: widths, the one word-wrapper (``wrap``; ``glued``
  for box text), the one "…" shortener, line pitch and baseline.
* ``boxes`` (wrapped paragraphs in boxes, connectors, ``Sheet``) and ``fit`` (the size search and the
  overflow message) serve the diagrams: ``design``, ``flow``, ``forest``, ``results``, ``prisma``,
  ``review_forest``, ``rob_grid``, each with its alt text (``alt`` for design and flow).
* ``geometry``: the shapes the renderers draw; ``figures``: the one binding of a record's diagrams
  (``DiagramSource``), drawn by the deck and the figure files alike.
"""
