"""``python -m stance``: the command line (:mod:`stance.cli`)."""

import sys

from .cli import main

sys.exit(main())
