"""``python -m pipeline`` runs the ``evidence-brief`` command."""

import sys

from .cli import main

sys.exit(main())
