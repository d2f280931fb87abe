"""Browser tests. The rig (rig.py) is a plain module, so pytest is told to rewrite its asserts too."""

import pytest

pytest.register_assert_rewrite("tests.e2e.rig")
