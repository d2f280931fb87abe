"""Binder launches the app from binder/ alone: the files say so, and a fresh install proves it.

Docker cannot run here, so the Binder build is checked two ways: repo2docker prints the Dockerfile
it would build, and an e2e test repeats its steps in a fresh venv (requirements, then postBuild,
then `jupyter server` from the repository root) and renders the app through the server-extension
route that Binder links open.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from playwright.sync_api import Page, expect

from tests.e2e.rig import (
    TRACEBACK_CANARY,
    assert_no_traceback,
    free_port,
    shared_browser,
    start_server,
    stop_server,
    wait_ready,
    write_failing_notebook,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
BINDER = REPO_ROOT / "binder"

# The notebook a Binder link opens. Until notebooks/dashboard.ipynb exists the e2e test renders
# the one-slider fixture instead, so the Binder path is proven now and the dashboard is picked up
# as soon as it is committed.
BINDER_NOTEBOOK = "notebooks/dashboard.ipynb"
FALLBACK_NOTEBOOK = "tests/e2e/fixtures/one_slider.ipynb"

# pip install runs in a fresh venv; the pip cache keeps it to about a minute after the first run.
PIP_TIMEOUT_S = 900


def binder_requirements() -> dict[str, Requirement]:
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    requirements = [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]
    return {_normalise(requirement.name): requirement for requirement in requirements}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_binder_pins_every_runtime_dependency_to_one_version_the_package_accepts() -> None:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    pins = binder_requirements()
    for dependency in map(Requirement, pyproject["project"]["dependencies"]):
        pin = pins.get(_normalise(dependency.name))
        assert pin is not None, f"binder/requirements.txt does not pin {dependency.name}"
        (specifier,) = pin.specifier
        assert specifier.operator == "==", f"{pin} should pin one exact version"
        assert dependency.specifier.contains(specifier.version), f"{pin} is outside {dependency}"
    for server_side in ("jupyter-server", "ipykernel"):
        assert server_side in pins, f"binder/requirements.txt does not pin {server_side}"


def test_binder_runs_python_3_11_which_pandas_3_needs() -> None:
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"


def test_post_build_stops_at_the_first_failing_step() -> None:
    post_build = BINDER / "postBuild"
    lines = post_build.read_text().splitlines()
    assert lines[0] == "#!/bin/bash"
    assert "set -euo pipefail" in lines
    assert os.access(post_build, os.X_OK), "repo2docker runs binder/postBuild as a program"


def test_repo2docker_builds_from_the_binder_folder() -> None:
    pytest.importorskip("repo2docker", reason="jupyter-repo2docker is not installed in this venv")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "repo2docker",
            "--no-build",
            "--debug",
            "--user-id",
            "1000",
            "--user-name",
            "jovyan",
            ".",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    dockerfile, log = result.stdout, result.stderr

    assert "python=3.11" in log
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "RUN ./binder/postBuild" in dockerfile
    # The server starts in the repository root, which is where the extension reads voila.json.
    assert "WORKDIR ${REPO_DIR}" in dockerfile


def binder_notebook() -> str:
    return BINDER_NOTEBOOK if (REPO_ROOT / BINDER_NOTEBOOK).is_file() else FALLBACK_NOTEBOOK


def copy_of_repository(destination: Path) -> Path:
    """The files a clone would have (tracked plus new, minus ignored), as repo2docker copies them."""
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


def python_3_11() -> str:
    found = shutil.which("python3.11")
    if found:
        return found
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    pytest.fail("python3.11 is needed to repeat the Binder build (binder/runtime.txt)", pytrace=False)


def run_step(command: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> None:
    """Run one build step; on failure, fail with the end of its output."""
    with log.open("ab") as output:
        output.write(f"\n$ {' '.join(command)}\n".encode())
        output.flush()
        completed = subprocess.run(
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, timeout=PIP_TIMEOUT_S
        )
    if completed.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` failed with code {completed.returncode}:\n"
            f"{log.read_text(errors='replace')[-6000:]}",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def binder_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A fresh Binder-like install serving the repository copy: (server URL, repository copy)."""
    work = tmp_path_factory.mktemp("binder")
    repo = copy_of_repository(work / "repo")
    venv = work / "venv"
    log = work / "build.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH"}
    }
    env |= {"VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"}

    run_step([python_3_11(), "-m", "venv", str(venv)], cwd=repo, env=env, log=log)
    pip = str(venv / "bin" / "pip")
    run_step([pip, "install", "-r", "binder/requirements.txt"], cwd=repo, env=env, log=log)
    run_step([str(repo / "binder" / "postBuild")], cwd=repo, env=env, log=log)

    port = free_port()
    home = work / "workbook-home"
    home.mkdir(mode=0o700)
    command = [
        str(venv / "bin" / "jupyter"),
        "server",
        "--no-browser",
        f"--port={port}",
        "--IdentityProvider.token=",
        "--ServerApp.ip=127.0.0.1",
    ]
    if os.geteuid() == 0:  # Binder runs as jovyan; only a root test machine needs this
        command.append("--allow-root")
    server = start_server(
        command, port=port, cwd=repo, env={**env, "WORKBOOK_HOME": str(home)}, log_path=work / "server.log"
    )
    yield f"http://127.0.0.1:{port}/", repo
    stop_server(server)


@pytest.fixture
def binder_page(pytestconfig: pytest.Config) -> Iterator[Page]:
    context = shared_browser(pytestconfig).new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.e2e
def test_a_fresh_binder_install_renders_the_app_through_the_voila_route(
    binder_server: tuple[str, Path], binder_page: Page
) -> None:
    url, repo = binder_server
    notebook = binder_notebook()
    binder_page.goto(f"{url}voila/render/{notebook}")
    wait_ready(binder_page)

    assert_no_traceback(binder_page)
    # voila.json in the repository root reached the extension: the notebook file names the page
    # otherwise.
    assert binder_page.title() == "Reconnect Workbook"
    artifacts = REPO_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    binder_page.screenshot(path=artifacts / f"binder_{Path(notebook).stem}.png", full_page=True)


@pytest.mark.e2e
def test_under_binder_a_failing_cell_shows_no_traceback(
    binder_server: tuple[str, Path], binder_page: Page
) -> None:
    url, repo = binder_server
    write_failing_notebook(repo / "failing.ipynb")
    binder_page.goto(f"{url}voila/render/failing.ipynb")
    binder_page.wait_for_selector("#loading", state="detached", timeout=60_000)

    expect(binder_page.get_by_text("There was an error when executing cell")).to_be_visible()
    assert TRACEBACK_CANARY not in binder_page.content()
    assert_no_traceback(binder_page)


@pytest.mark.e2e
def test_under_binder_only_images_are_served_as_files(
    binder_server: tuple[str, Path], binder_page: Page
) -> None:
    url, repo = binder_server
    (repo / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    files = f"{url}voila/files/"

    assert binder_page.request.get(files + "picture.png").status == 200
    assert binder_page.request.get(files + "voila.json").status == 403
    assert binder_page.request.get(files + "pyproject.toml").status == 403
    assert binder_page.request.get(files + "data/guidance.toml").status == 403
