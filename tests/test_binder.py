"""Binder launches the app from binder/ alone: the files say so, and a fresh install proves it.

Docker cannot run here, so the Binder build is checked two ways: repo2docker prints the Dockerfile
it would build, and an e2e test repeats its steps in a fresh venv (requirements, then postBuild,
then `jupyter server` from the repository root) and renders the app through the server-extension
route that Binder links open.

On that route the app is as private as standalone: the page carries the app's Content-Security-
Policy, and while every step is opened the browser asks no other host for anything. It is as light
too: compressed, its files kept by the browser, the page itself never stored. JupyterLab, the
other Binder link, opens under its own policy with its news and update checks off.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from packaging.requirements import Requirement
from playwright.sync_api import Page, Request, expect

from tests.e2e.rig import (
    TRACEBACK_CANARY,
    add_person,
    assert_no_traceback,
    free_port,
    shared_browser,
    start_server,
    stop_server,
    voila_over,
    wait_ready,
    write_failing_notebook,
)
from tests.e2e.test_network import assert_served_well, two_visits
from tests.e2e.test_privacy import app_policy, beyond_this_machine, open_every_step

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


class BinderSite(NamedTuple):
    url: str  # the server's root, with a trailing slash
    repo: Path  # the repository copy it serves, and starts in
    venv: Path  # the environment built from binder/ alone


@pytest.fixture(scope="module")
def binder_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BinderSite]:
    """A fresh Binder-like install serving the repository copy."""
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
    yield BinderSite(f"http://127.0.0.1:{port}/", repo, venv)
    stop_server(server)


@pytest.fixture
def binder_page(pytestconfig: pytest.Config) -> Iterator[Page]:
    context = shared_browser(pytestconfig).new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.mark.e2e
def test_a_fresh_binder_install_renders_the_app_through_the_voila_route(
    binder_server: BinderSite, binder_page: Page
) -> None:
    url = binder_server.url
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
def test_under_binder_a_failing_cell_shows_no_traceback(binder_server: BinderSite, binder_page: Page) -> None:
    url, repo = binder_server.url, binder_server.repo
    write_failing_notebook(repo / "failing.ipynb")
    binder_page.goto(f"{url}voila/render/failing.ipynb")
    binder_page.wait_for_selector("#loading", state="detached", timeout=60_000)

    expect(binder_page.get_by_text("There was an error when executing cell")).to_be_visible()
    assert TRACEBACK_CANARY not in binder_page.content()
    assert_no_traceback(binder_page)


# A cell every notebook opens with, for JupyterLab only (tagged `jupyterlab-only`): the app has no
# toolbar and no run button to click.
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
LAB_ONLY_TEXT = "New to notebooks"


def visible_text_of(page: Page, url: str) -> str:
    """The text a person sees on the Voila page at `url`, once every cell is on it."""
    page.goto(url, timeout=60_000)
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    expect(page.locator("h1").first).to_contain_text("Start here")  # the page itself did render
    assert_no_traceback(page)
    return page.locator("body").inner_text()


@pytest.mark.e2e
def test_under_binder_the_app_leaves_out_the_cells_for_jupyterlab_only(
    binder_server: BinderSite, binder_page: Page
) -> None:
    """The workbook template's conf.json removes cells tagged `jupyterlab-only` on this route too,
    where voila.json's `TagRemovePreprocessor` never reaches the page; JupyterLab's own HTML export
    (nbconvert, not the template) keeps them."""
    assert LAB_ONLY_TEXT in (REPO_ROOT / FIRST_NOTEBOOK).read_text()
    body = visible_text_of(binder_page, f"{binder_server.url}voila/render/{FIRST_NOTEBOOK}")
    assert LAB_ONLY_TEXT not in body

    # As Lab's File > Save and Export Notebook As > HTML asks for it: from a Lab page (jupyter server
    # refuses a GET of /nbconvert/ that names no page of its own as its referer).
    export = binder_page.request.get(
        f"{binder_server.url}nbconvert/html/{FIRST_NOTEBOOK}?download=false",
        headers={"Referer": f"{binder_server.url}lab/tree/{FIRST_NOTEBOOK}"},
    )
    assert export.status == 200
    assert LAB_ONLY_TEXT in export.text(), "JupyterLab's HTML export lost the jupyterlab-only cell"


@pytest.mark.e2e
def test_standalone_voila_leaves_out_the_cells_for_jupyterlab_only(binder_page: Page, tmp_path: Path) -> None:
    home = tmp_path / "workbook-home"
    home.mkdir(mode=0o700)
    with voila_over(home, tmp_path, REPO_ROOT / FIRST_NOTEBOOK) as url:
        assert LAB_ONLY_TEXT not in visible_text_of(binder_page, url)


@pytest.mark.e2e
def test_under_binder_only_images_are_served_as_files(binder_server: BinderSite, binder_page: Page) -> None:
    url, repo = binder_server.url, binder_server.repo
    (repo / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    files = f"{url}voila/files/"

    assert binder_page.request.get(files + "picture.png").status == 200
    assert binder_page.request.get(files + "voila.json").status == 403
    assert binder_page.request.get(files + "pyproject.toml").status == 403
    assert binder_page.request.get(files + "data/guidance.toml").status == 403


@pytest.mark.e2e
def test_under_binder_the_app_sends_its_policy_and_asks_no_other_host_for_anything(
    binder_server: BinderSite, binder_page: Page
) -> None:
    """Every request the page attempts, through every step, is to this server: no Font Awesome
    from cdn.jsdelivr.net, no MathJax from cdnjs.cloudflare.com (the lab template's defaults)."""
    requests: list[Request] = []
    binder_page.context.on("request", lambda request: requests.append(request))
    response = binder_page.goto(f"{binder_server.url}voila/render/{binder_notebook()}")
    assert response is not None
    # The standalone app's policy, sent by the server extension too (binder/jupyter_server_config.py).
    assert response.headers.get("content-security-policy") == app_policy()
    wait_ready(binder_page)
    if not binder_page.locator(".wb-situation-form").is_visible():  # another test may have added one
        binder_page.locator(".wb-person-panel button", has_text="Add a person").click()
    add_person(binder_page, "Sam")
    steps = open_every_step(binder_page)
    assert_no_traceback(binder_page)
    binder_page.wait_for_load_state("networkidle")

    outside = beyond_this_machine(requests)
    assert outside == [], f"the page asked for something beyond this machine: {outside}"
    print(f"\nbinder route: {len(requests)} requests through {steps} steps, none to another host")


@pytest.mark.e2e
def test_under_binder_the_page_is_light_compressed_never_stored_and_its_files_kept(
    binder_server: BinderSite, pytestconfig: pytest.Config
) -> None:
    """As standalone (tests/e2e/test_network.py): gzip, a year for versioned files, `no-store` for
    the page and the API, at most 1.5 MB for a first visit and 0.2 MB for a second, through the
    server extension (binder/jupyter_server_config.py loads workbook.caching)."""
    page_url = f"{binder_server.url}voila/render/{binder_notebook()}"
    # Another test of this module may have added a person or not: icons are checked where shown.
    first, second = two_visits(shared_browser(pytestconfig), page_url, icons_shown=False)
    print(
        f"\nbinder route: first visit {first.http_bytes / 1e6:.3f} MB ({len(first.transfers)} responses), "
        f"second visit {second.http_bytes / 1e6:.3f} MB"
    )
    assert_served_well(first, second)


def installed_lab_settings(venv: Path) -> dict:
    """JupyterLab's settings overrides as installed in the environment (sys.prefix of the venv)."""
    return json.loads((venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json").read_text())


def installed_server_config(site: BinderSite) -> dict[str, object]:
    """What the installed jupyter_server_config.py sets, loaded by the venv's own traitlets from the
    repository root, where Binder starts the server."""
    probe = (
        "import json, sys\n"
        "from jupyter_core.paths import jupyter_config_path\n"
        "from traitlets.config.loader import PyFileConfigLoader\n"
        "folder = next(p for p in jupyter_config_path() if p.startswith(sys.prefix))\n"
        "c = PyFileConfigLoader('jupyter_server_config.py', path=folder).load_config()\n"
        "print(json.dumps({'folder': folder, 'news_url': c.LabApp.news_url,\n"
        "    'updates': c.LabApp.check_for_updates_class,\n"
        "    'hook': callable(c.VoilaConfiguration.prelaunch_hook)}))\n"
    )
    python = site.venv / "bin" / "python"
    result = subprocess.run(
        [str(python), "-c", probe], cwd=site.repo, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout)


@pytest.mark.e2e
def test_the_binder_image_has_jupyterlabs_news_and_update_checks_off(binder_server: BinderSite) -> None:
    notification = installed_lab_settings(binder_server.venv)["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    config = installed_server_config(binder_server)
    assert Path(str(config["folder"])) == binder_server.venv / "etc" / "jupyter"  # read by the server
    assert config["news_url"] is None
    assert config["updates"] == "jupyterlab.handlers.announcements.NeverCheckForUpdate"
    assert config["hook"] is True


@pytest.mark.e2e
def test_under_binder_jupyterlab_opens_the_first_notebook_and_asks_no_other_host(
    binder_server: BinderSite, binder_page: Page
) -> None:
    """The Lab link still works under the app's settings, and Lab neither fetches nor offers news."""
    url = binder_server.url
    requests: list[Request] = []
    binder_page.context.on("request", lambda request: requests.append(request))
    violations: list[str] = []
    binder_page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    binder_page.goto(f"{url}lab/tree/notebooks/00_start_here.ipynb")
    binder_page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    expect(binder_page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_attached(
        timeout=60_000
    )

    # As the running server and Lab itself see them, not only as the files say.
    page_config = binder_page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent)"
    )
    assert page_config["news"] == {"disabled": True}
    # Lab's settings API applies overrides.json to the schema's defaults (no user settings yet).
    notification = binder_page.request.get(
        f"{url}lab/api/settings/@jupyterlab/apputils-extension:notification"
    ).json()["schema"]["properties"]
    assert (notification["fetchNews"]["default"], notification["checkForUpdates"]["default"]) == (
        "false",
        False,
    )
    binder_page.wait_for_load_state("networkidle")

    assert violations == [], f"the Lab page broke a Content-Security-Policy: {violations}"
    asked = [
        request.url
        for request in requests
        if "/lab/api/news" in request.url or "/lab/api/update" in request.url
    ]
    assert asked == [], f"Lab asked for news or updates: {asked}"
    outside = beyond_this_machine(requests)
    assert outside == [], f"the Lab page asked for something beyond this machine: {outside}"
