"""The package installs like any other: a wheel, built from a clean copy and installed outside the
repository, starts and serves every command and the dashboard (DESIGN.md: "installable as a wheel").

It catches what an editable install hides: a content file, the demo or the report's fonts left out
of the wheel, or code that finds them through the source tree. To stay offline and fast (about half
a minute), the wheel is built with the dev venv's setuptools (`--no-build-isolation`) and installed
with `--no-deps` into a fresh venv that borrows the dev venv's already-installed dependencies
through a `.pth` line; the package itself comes only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
STEP_TIMEOUT_S = 180


def _copy_of_repository(destination: Path) -> Path:
    """The files a clone would have (tracked plus new, minus ignored): no build/ or egg-info."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = REPO_ROOT / relative
        if source.is_file():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def _run(command: list[str], *, cwd: Path, env: dict[str, str], stdin: bytes | None = None):
    return subprocess.run(command, cwd=cwd, env=env, input=stdin, capture_output=True, timeout=STEP_TIMEOUT_S)


class Installed:
    """A venv outside the repository with the wheel installed in it."""

    def __init__(self, work: Path, wheel: Path, python: Path, env: dict[str, str]):
        self.work, self.wheel, self.python, self.env = work, wheel, python, env

    def workbook(self, *args: str, stdin: bytes | None = None):
        return _run([str(self.python), "-m", "workbook", *args], cwd=self.work, env=self.env, stdin=stdin)

    def python_code(self, code: str):
        return _run([str(self.python), "-c", code], cwd=self.work, env=self.env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("wheel")
    source = _copy_of_repository(work / "source")
    dist = work / "dist"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV"}
    }
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), "."],
        cwd=source,
        env=env,
    )
    assert built.returncode == 0, built.stderr.decode()[-3000:]
    (wheel,) = dist.glob("reconnect_workbook-*.whl")

    venv = work / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=work, env=env)
    assert made.returncode == 0, made.stderr.decode()
    python = venv / "bin" / "python"
    own_site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=work,
            env=env,
        )
        .stdout.decode()
        .strip()
    )
    # The dependencies, already installed in the dev venv, seen after the venv's own packages.
    (own_site / "dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = _run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], cwd=work, env=env)
    assert pip.returncode == 0, pip.stderr.decode()[-3000:]

    home = work / "home"
    env = {**env, "WORKBOOK_HOME": str(home), "MPLBACKEND": "Agg"}
    return Installed(work, wheel, python, env)


def test_the_wheel_holds_the_content_files_the_demo_and_the_fonts(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for content in (REPO_ROOT / "data").rglob("*"):
        if content.is_file():
            assert f"workbook/data/{content.relative_to(REPO_ROOT / 'data').as_posix()}" in names
    assert any(name.startswith("workbook/fonts/") and name.endswith(".ttf") for name in names)


def test_the_installed_package_comes_from_the_wheel_not_the_repository(installed: Installed) -> None:
    out = installed.python_code(
        "import workbook, workbook.content as c; print(workbook.__file__, c.DATA_DIR)"
    )
    assert out.returncode == 0, out.stderr.decode()
    package_file, data_dir = out.stdout.decode().split()
    assert "site-packages" in package_file and str(REPO_ROOT) not in package_file
    assert Path(data_dir) == Path(package_file).parent / "data"


def test_the_commands_work_from_the_installed_wheel(installed: Installed) -> None:
    demo = installed.workbook("demo")
    assert demo.returncode == 0, demo.stderr.decode()
    assert b"Alex (example)" in demo.stdout

    export = installed.work / "export.json"
    out = installed.workbook("export", str(export))
    assert out.returncode == 0, out.stderr.decode()
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    people = [p["name"] for p in json.loads(export.read_text("utf-8"))["people"]]
    assert "Alex (example)" in people

    out = installed.workbook("assess", str(export), "--person", "Alex (example)", "--json")
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout)["band"]

    out = installed.workbook("check-message", "--json", "ANSWER ME. This is your last chance!!")
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout)["verdict"] == "pressuring"

    table = installed.work / "log.csv"
    out = installed.workbook("export", str(table))
    assert out.returncode == 0, out.stderr.decode()
    assert table.read_bytes().startswith(b"\xef\xbb\xbfperson,kind,at,channel,tone,note")

    summary = installed.work / "alex.pdf"
    out = installed.workbook("report", str(summary), "--person", "Alex (example)")
    assert out.returncode == 0, out.stderr.decode()
    assert summary.read_bytes().startswith(b"%PDF-")


def test_the_dashboard_builds_from_the_installed_wheel(installed: Installed) -> None:
    code = (
        "from workbook.store import Store\n"
        "from workbook.ui.app import Dashboard\n"
        "from workbook.ui.session import Session\n"
        "app = Dashboard(Session(Store.open_default()))\n"
        "print(type(app.widget).__name__, len(app.widget.children) > 0)\n"
    )
    out = installed.python_code(code)
    assert out.returncode == 0, out.stderr.decode()[-3000:]
    assert out.stdout.decode().split() == ["VBox", "True"]
