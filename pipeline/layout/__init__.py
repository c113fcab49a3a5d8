"""Backend-neutral layout: text measured with the embedded font, and diagram geometry.

Nothing here imports reportlab, python-pptx or matplotlib. Units are points
(1/72 inch); the origin is the top-left corner of the area, y grows downwards.
"""
