"""`python -m workbook`: see workbook.cli."""

import sys

from .cli import main

sys.exit(main())
