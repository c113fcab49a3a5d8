"""Systematic reviews and meta-analyses (records with ``kind: review``).

    model     plain data -> typed ``Review`` (pydantic)
    validate  ``Review`` -> cross-field problems, located (``CheckedReview``)
    pooling   study effects -> pooled estimate, CI, Q, I², τ², prediction interval
    audit     ``Review`` -> findings: re-pooled vs reported, I² from Q, weights, PRISMA sums
    content   ``Review`` -> every string and number a reader sees (``ReviewContent``)
    build     a checked review -> brief, deck and figures (bytes)

Layout lives in ``layout.prisma``, ``layout.review_forest``, ``layout.rob_grid``; the
back-ends in ``render.review_pdf``, ``render.review_deck`` and ``render.figures``.
"""

REVIEW_KIND = "review"


def is_review(data: object) -> bool:
    """True for plain record data that asks to be read as a review (``kind: review``); here, not in
    ``model``, so that checking a trial record does not build the review model."""
    return isinstance(data, dict) and data.get("kind") == REVIEW_KIND
