"""Test-session set-up shared by the unit tests and the notebook runs (nbval).

Every test run gets its own WORKBOOK_HOME, so no test can ever read or write a person's real
workbook. The notebooks run against it in order (00 to 09, then the dashboard) with the fictional
demo people loaded, so their checked outputs are the same on every machine.
"""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config) -> None:
    home = tempfile.mkdtemp(prefix="workbook-test-home-")
    os.environ["WORKBOOK_HOME"] = home
    os.environ.setdefault("MPLBACKEND", "Agg")
    import contextlib
    import io

    from workbook.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--home", home, "demo"]) == 0
