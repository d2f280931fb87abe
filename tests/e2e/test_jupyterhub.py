"""Many people on one JupyterHub: each one's workbook is theirs alone, and culling loses nothing.

deploy/jupyterhub/jupyterhub_config.py is started as it is, as root, on loopback ports, with three
throwaway system accounts; only the login differs (JupyterHub's shared-password authenticator,
limited to those accounts, through WORKBOOK_HUB_EXTRA_CONFIG). Each person logs in through
Chromium and adds someone through the dashboard. Then:

- files: another account cannot open someone's database (the OS says no), and the modes are
  0700 for homes and the workbook folder, 0600 for the database;
- servers: someone else's server cannot be reached with a person's cookies, their API token,
  or from their account straight to the server's port;
- the page: served as on Binder (binder/'s server config): the app's policy, `no-store`, its
  JavaScript gzip-compressed and Voila's chunks versioned and kept, no `jupyterlab-only` cell;
- culling: with a short timeout, jupyterhub-idle-culler stops every idle server (no process of
  theirs is left), and logging in again finds each person's workbook as they left it.

Needs root (it creates and removes accounts), configurable-http-proxy (npm) and the packages in
deploy/jupyterhub/requirements.txt. It fails when one is missing, unless WORKBOOK_SKIP_HUB=1
says on purpose that this test should be skipped. Accounts, homes and processes are removed at the
end, also when a test fails.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from .rig import (
    DESKTOP_VIEWPORT,
    REPO_ROOT,
    add_person,
    free_port,
    log_tail,
    shared_browser,
    start_server,
    stop_server,
    wait_ready,
)
from .test_privacy import app_policy

pytestmark = [pytest.mark.e2e, pytest.mark.serial]

HUB_CONFIG = REPO_ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
DASHBOARD_PATH = "voila/render/notebooks/dashboard.ipynb"
WORKBOOK_DIR_IN_HOME = Path(".local/share/reconnect-workbook")
LOCAL_PROXY = REPO_ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
PEOPLE = ("Robin Alder", "Sasha Birch", "Kai Cedar")  # one per account, each distinct

CULL_TIMEOUT_S = 30
CULL_EVERY_S = 5
ACTIVITY_INTERVAL_S = 5
HUB_READY_TIMEOUT_S = 60
SPAWN_TIMEOUT_MS = 90_000


@dataclass(frozen=True)
class Hub:
    url: str
    accounts: tuple[str, ...]
    password: str
    observer_token: str  # a test-only service that may read who runs a server, nothing else
    log: Path
    python: Path  # the interpreter every account runs the app with

    def person_of(self, account: str) -> str:
        return PEOPLE[self.accounts.index(account)]


# --- preconditions ---------------------------------------------------------------------------


def refuse(reason: str) -> None:
    """Fail with the reason, or skip when WORKBOOK_SKIP_HUB=1 asks for that on purpose."""
    if os.environ.get("WORKBOOK_SKIP_HUB") == "1":
        pytest.skip(f"{reason} (and WORKBOOK_SKIP_HUB=1 asks to skip the JupyterHub test)")
    pytest.fail(f"{reason} Set WORKBOOK_SKIP_HUB=1 to skip this test on purpose.", pytrace=False)


def proxy_command() -> str:
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    if LOCAL_PROXY.exists():
        return str(LOCAL_PROXY)
    refuse(
        "configurable-http-proxy is missing: install it with "
        "`npm install --prefix .venv/node configurable-http-proxy@5.3.0` "
        "(or `npm install -g configurable-http-proxy@5.3.0`)."
    )
    raise AssertionError("unreachable")


def check_machine() -> None:
    if os.geteuid() != 0:
        refuse("The JupyterHub test must run as root: it creates system accounts and starts the hub.")
    for tool in ("useradd", "userdel", "runuser"):
        if shutil.which(tool) is None:
            refuse(f"`{tool}` is missing, so the test cannot create and remove throwaway accounts.")
    for module in ("jupyterhub", "jupyterhub_idle_culler"):
        try:
            __import__(module)
        except ImportError:
            refuse(
                f"{module} is not installed: `.venv/bin/pip install -r deploy/jupyterhub/requirements.txt`."
            )


# --- accounts -----------------------------------------------------------------------------------


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=check, timeout=60)


def as_account(account: str, *command: str) -> subprocess.CompletedProcess[str]:
    """Run a command as that account, from a folder every account may enter."""
    return subprocess.run(
        ["runuser", "-u", account, "--", *command],
        capture_output=True,
        text=True,
        cwd="/",
        timeout=60,
    )


def processes_of(account: str) -> list[psutil.Process]:
    try:
        uid = pwd.getpwnam(account).pw_uid
    except KeyError:
        return []
    found = []
    for process in psutil.process_iter(["uids"]):
        with contextlib.suppress(psutil.Error, TypeError):
            if process.info["uids"].real == uid:
                found.append(process)
    return found


def remove_account(account: str) -> None:
    """Stop what the account still runs, then delete it with its home and its group."""
    leftovers = processes_of(account)
    for process in leftovers:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(leftovers, timeout=10)
    try:
        home = Path(pwd.getpwnam(account).pw_dir)
    except KeyError:
        return
    run("userdel", "--remove", account, check=False)
    if home.name == account and home.exists():  # userdel may leave it when a file was busy
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def accounts() -> Iterator[tuple[str, ...]]:
    """Three new system accounts with private homes, removed at the end whatever happens."""
    check_machine()
    prefix = f"wbtest-{secrets.token_hex(3)}"
    created: list[str] = []
    try:
        for number in range(1, 4):
            name = f"{prefix}-{number}"
            result = run(
                "useradd",
                "--create-home",
                "--user-group",
                "--shell",
                "/usr/sbin/nologin",
                name,
                check=False,
            )
            if result.returncode != 0:
                refuse(f"`useradd {name}` was refused ({result.returncode}): {result.stderr.strip()}")
            created.append(name)
            # As Debian's useradd makes homes by default (UMASK 022): the hub must close them.
            home_of(name).chmod(0o755)
        yield tuple(created)
    finally:
        for name in created:
            remove_account(name)


def can_run_app(account: str, python: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
    return as_account(account, str(python), "-c", "import workbook, jupyterhub, voila")


@pytest.fixture(scope="module")
def app_python(accounts: tuple[str, ...]) -> Iterator[Path]:
    """A Python every account can run that sees this venv's packages, as a deployment would have.

    A deployment makes its venv from a Python everyone can run (docs/deploy.md). A development venv
    may be made from one only root can reach (pyenv under /root): then this builds a twin of it
    from the system's Python of the same version, sharing the venv's site-packages, etc/ and
    share/ through symlinks, in a folder everyone can enter, removed at the end.
    """
    venv = Path(sys.prefix)
    if can_run_app(accounts[0], sys.executable).returncode == 0:
        yield Path(sys.executable)
        return
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system_python = next(
        (p for p in (Path("/usr/bin") / version, Path("/usr/local/bin") / version) if p.exists()), None
    )
    if system_python is None:
        refuse(
            f"Other accounts cannot run {sys.executable}, and there is no system {version} to use instead."
        )
    folder = Path(tempfile.mkdtemp(prefix="wbtest-python-"))
    try:
        folder.chmod(0o755)
        twin = folder / "venv"
        run(str(system_python), "-m", "venv", "--without-pip", str(twin))
        site_packages = twin / "lib" / version / "site-packages"
        shutil.rmtree(site_packages)
        site_packages.symlink_to(venv / "lib" / version / "site-packages")
        for shared in ("etc", "share"):  # Jupyter's config (server extensions) and data (templates)
            if (venv / shared).exists():
                (twin / shared).symlink_to(venv / shared)
        python = twin / "bin" / "python"
        probe = can_run_app(accounts[0], python)
        if probe.returncode != 0:
            refuse(
                f"Another account cannot run the app from {REPO_ROOT} (a parent folder may be closed "
                f"to others): {probe.stderr.strip()[-500:]}"
            )
        yield python
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the hub --------------------------------------------------------------------------------------


def write_test_config(path: Path, accounts: tuple[str, ...], password: str, observer_token: str) -> None:
    """The only differences from the real config: who may log in, and an observer for the test."""
    path.write_text(
        f"""
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allowed_users = set({list(accounts)!r})
c.JupyterHub.services.append({{"name": "wbtest-observer", "api_token": {observer_token!r}}})
c.JupyterHub.load_roles.append({{
    "name": "wbtest-observer",
    "scopes": ["read:users", "read:servers"],
    "services": ["wbtest-observer"],
}})
"""
    )
    path.chmod(0o600)


def request(method: str, url: str, token: str | None = None) -> tuple[int, str, dict[str, str]]:
    """One HTTP request, redirects not followed, so a redirect cannot hide a refusal."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Authorization": f"token {token}"} if token else {}
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), dict(response.getheaders())
    finally:
        connection.close()


def wait_for_hub(url: str, log: Path) -> None:
    deadline = time.monotonic() + HUB_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if request("GET", f"{url}/hub/health")[0] == 200:
                return
        time.sleep(0.3)
    pytest.fail(f"JupyterHub never became healthy; its log ends:\n{log_tail(log)}", pytrace=False)


@pytest.fixture(scope="module")
def hub(
    accounts: tuple[str, ...], app_python: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hub]:
    """deploy/jupyterhub/jupyterhub_config.py, as root, on free loopback ports, state in a temp dir."""
    proxy = proxy_command()
    workdir = tmp_path_factory.mktemp("jupyterhub")
    workdir.chmod(0o700)
    password, observer_token = secrets.token_urlsafe(24), secrets.token_hex(32)
    extra_config = workdir / "test_config.py"
    write_test_config(extra_config, accounts, password, observer_token)
    port = free_port()
    env = {
        **os.environ,
        "WORKBOOK_HUB_APP_DIR": str(REPO_ROOT),
        "WORKBOOK_HUB_STATE_DIR": str(workdir / "state"),
        "WORKBOOK_HUB_PORT": str(port),
        "WORKBOOK_HUB_HUB_PORT": str(free_port()),
        "WORKBOOK_HUB_PROXY_API_PORT": str(free_port()),
        "WORKBOOK_HUB_PROXY_COMMAND": proxy,
        "WORKBOOK_HUB_CULL_TIMEOUT": str(CULL_TIMEOUT_S),
        "WORKBOOK_HUB_CULL_EVERY": str(CULL_EVERY_S),
        "WORKBOOK_HUB_ACTIVITY_INTERVAL": str(ACTIVITY_INTERVAL_S),
        "WORKBOOK_HUB_EXTRA_CONFIG": str(extra_config),
    }
    env.pop("WORKBOOK_HOME", None)
    log = workdir / "jupyterhub.log"
    server = start_server(
        [app_python, "-m", "jupyterhub", "-f", HUB_CONFIG],
        port=port,
        cwd=workdir,
        env=env,
        log_path=log,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_hub(url, log)
        yield Hub(
            url=url,
            accounts=accounts,
            password=password,
            observer_token=observer_token,
            log=log,
            python=app_python,
        )
    finally:
        stop_server(server)


# --- the people, through the browser -------------------------------------------------------------


def dashboard_url(hub: Hub, account: str) -> str:
    return f"{hub.url}/user/{account}/{DASHBOARD_PATH}"


def log_in(browser: Browser, hub: Hub, account: str) -> tuple[BrowserContext, Page]:
    """Log in on the hub's own form and land, after the spawn, on one's own dashboard (a tab left
    open keeps a server busy, so the tab is closed if it never gets there)."""
    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    try:
        page = context.new_page()
        _log_in_on(page, hub, account)
    except BaseException:
        context.close()
        raise
    return context, page


def _log_in_on(page: Page, hub: Hub, account: str) -> None:
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", account)
    page.fill("#password_input", hub.password)
    # The culler may be stopping this server just as its person logs in again (it was idle for
    # CULL_TIMEOUT_S while other tests ran): the hub then shows "Your server is stopping" and, once
    # it has stopped, a Launch button. Do what a person would: wait, and press Launch.
    page.click("#login_submit", no_wait_after=True)
    dashboard = f"/user/{account}/{DASHBOARD_PATH}"  # the server's page, not the hub's /hub/user/...
    deadline = time.monotonic() + SPAWN_TIMEOUT_MS / 1000
    while not urlsplit(page.url).path.startswith(dashboard):
        assert time.monotonic() < deadline, f"{account} never reached the dashboard: {page.url}"
        launch = page.locator("a#start")
        with contextlib.suppress(PlaywrightError):
            if launch.is_visible():
                launch.click(no_wait_after=True)
        page.wait_for_timeout(500)
    wait_ready(page, timeout=SPAWN_TIMEOUT_MS)
    # The app's voila.json reached this person's server (it names the page).
    assert page.title() == "Reconnect Workbook"


def home_of(account: str) -> Path:
    return Path(pwd.getpwnam(account).pw_dir)


def workbook_db(account: str) -> Path:
    return home_of(account) / WORKBOOK_DIR_IN_HOME / "workbook.db"


def server_running(hub: Hub, account: str) -> bool:
    status, body, _ = request("GET", f"{hub.url}/hub/api/users/{account}", hub.observer_token)
    assert status == 200, body
    return "" in json.loads(body).get("servers", {})


@pytest.fixture(scope="module")
def saved(pytestconfig: pytest.Config, hub: Hub) -> Hub:
    """Each account has logged in through Chromium and added its own person, then closed the tab."""
    browser = shared_browser(pytestconfig)
    for account in hub.accounts:
        context, page = log_in(browser, hub, account)
        try:
            add_person(page, hub.person_of(account))
            expect(page.locator(".wb-app")).to_contain_text(hub.person_of(account))
        finally:
            context.close()
        assert workbook_db(account).is_file(), f"nothing was saved in {account}'s home"
    return hub


# --- files ----------------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_each_workbook_is_private_to_its_account(saved: Hub) -> None:
    for owner in saved.accounts:
        home, db = home_of(owner), workbook_db(owner)
        assert db.stat().st_uid == pwd.getpwnam(owner).pw_uid
        assert mode(db) == 0o600, f"{db} is {oct(mode(db))}"
        assert mode(db.parent) == 0o700, f"{db.parent} is {oct(mode(db.parent))}"
        assert mode(home) == 0o700, f"{home} is {oct(mode(home))}; the hub should have closed it"
        # The owner can read it (so the refusals below are the OS's, not a broken command).
        assert as_account(owner, "cat", str(db)).returncode == 0
        for other in saved.accounts:
            if other == owner:
                continue
            for attempt in (as_account(other, "cat", str(db)), as_account(other, "ls", str(home))):
                assert attempt.returncode != 0, f"{other} could run {attempt.args[4:]}"
                assert "Permission denied" in attempt.stderr, attempt.stderr


# --- servers and the API --------------------------------------------------------------------------


def new_api_token(page: Page, hub: Hub) -> str:
    """A token made the way a person makes one: on the hub's token page."""
    page.goto(f"{hub.url}/hub/token")
    page.fill("#token-note", "wbtest")
    page.locator("#request-token-form button[type=submit]").click()
    result = page.locator("#token-result")
    expect(result).not_to_be_empty()
    return result.inner_text().strip()


def listening_ports(process: psutil.Process) -> list[int]:
    with contextlib.suppress(psutil.Error):
        return [c.laddr.port for c in process.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN]
    return []


def server_port(account: str) -> int:
    """The loopback port the account's single-user server listens on."""
    for process in processes_of(account):
        with contextlib.suppress(psutil.Error):
            if "jupyterhub.singleuser" in process.cmdline():
                (port,) = listening_ports(process)
                return port
    raise AssertionError(f"{account} runs no single-user server")


def kernels_of(account: str) -> list[tuple[psutil.Process, dict]]:
    """The account's kernels, each with its connection file (read as root)."""
    kernels = []
    for process in processes_of(account):
        with contextlib.suppress(psutil.Error):
            command = process.cmdline()
            if "ipykernel_launcher" in command:
                connection_file = Path(command[command.index("-f") + 1])
                kernels.append((process, json.loads(connection_file.read_text())))
    return kernels


FETCH_AS_ACCOUNT = """
import sys, urllib.request as u
r = u.Request(sys.argv[1], headers={"Authorization": "token " + sys.argv[2]})
try:
    print(u.urlopen(r, timeout=20).status)
except u.HTTPError as e:
    print(e.code)
"""


def test_no_one_can_reach_another_persons_server_or_api(pytestconfig: pytest.Config, saved: Hub) -> None:
    browser = shared_browser(pytestconfig)
    me, them = saved.accounts[0], saved.accounts[1]
    their_person = saved.person_of(them)
    their_context, _ = log_in(browser, saved, them)  # their server and kernel are running
    # Their tab is closed whatever happens, or their server is never idle and the culling test fails too.
    cleanup = contextlib.ExitStack()
    cleanup.callback(their_context.close)
    with cleanup:
        context, page = log_in(browser, saved, me)
        cleanup.callback(context.close)
        # With my cookies, their dashboard URL is refused; their page never shows.
        statuses: list[int] = []
        page.on("response", lambda response: statuses.append(response.status))
        page.goto(dashboard_url(saved, them))
        page.wait_for_load_state("networkidle")
        assert 403 in statuses, f"no refusal on the way to {them}'s server: {statuses}"
        assert page.locator(".wb-app").count() == 0
        assert their_person not in page.content()
        cookie_probe = context.request.get(f"{saved.url}/user/{them}/api/contents", max_redirects=0)
        assert cookie_probe.status in (302, 401, 403), cookie_probe.status
        assert their_person not in cookie_probe.text()

        # With my own API token: my things answer, theirs are refused.
        token = new_api_token(page, saved)
        assert request("GET", f"{saved.url}/hub/api/users/{me}", token)[0] == 200
        assert request("GET", f"{saved.url}/user/{me}/api/contents", token)[0] == 200
        for method, path in (
            ("GET", f"/hub/api/users/{them}"),
            ("POST", f"/hub/api/users/{them}/server"),
            ("DELETE", f"/hub/api/users/{them}/server"),
            ("POST", f"/hub/api/users/{them}/tokens"),
            ("GET", f"/user/{them}/api/contents"),
            ("GET", f"/user/{them}/api/kernels"),
        ):
            status, body, _ = request(method, saved.url + path, token)
            assert status in (403, 404), f"{method} {path} with {me}'s token gave {status}: {body[:300]}"
        status, body, _ = request("GET", f"{saved.url}/hub/api/users", token)
        others = [account for account in saved.accounts if account != me]
        assert status == 403 or not any(account in body for account in others), body[:500]

        # On the machine itself, any account can reach any loopback port. Their server's port asks
        # for a token; their kernels must not listen on TCP at all, or any account could subscribe
        # to a kernel's output and read what the dashboard shows. They use Unix sockets in the
        # private home instead. (The one TCP port ipykernel keeps is an inbound-only pipe for
        # subprocess output that drops anything not carrying the kernel's random secret.)
        home = home_of(them)
        kernels = kernels_of(them)
        assert kernels, f"{them}'s open dashboard has no kernel"
        for process, connection in kernels:
            assert connection["transport"] == "ipc", f"{them}'s kernel listens on TCP: {connection}"
            sockets = Path(connection["ip"])
            assert sockets.is_relative_to(home) and not mode(sockets.parent) & 0o077, sockets
            assert len(listening_ports(process)) <= 1, listening_ports(process)
        port = server_port(them)
        contents = f"http://127.0.0.1:{port}/user/{them}/api/contents"
        direct = as_account(me, str(saved.python), "-c", FETCH_AS_ACCOUNT, contents, token)
        assert direct.stdout.strip() == "403", direct.stdout + direct.stderr


# --- the page as served ---------------------------------------------------------------------------

LAB_ONLY_TEXT = "New to notebooks"  # the first cell of every notebook, tagged `jupyterlab-only`


def test_each_server_sends_the_app_compressed_with_its_policy_and_never_stores_the_page(
    pytestconfig: pytest.Config, saved: Hub
) -> None:
    """binder/jupyter_server_config.py reached the person's server (JUPYTER_CONFIG_PATH): the app's
    policy on the page, workbook.caching's headers and versioned chunks, and the template drops
    cells meant for JupyterLab only."""
    account = saved.accounts[0]
    context, page = log_in(shared_browser(pytestconfig), saved, account)
    try:
        gzip = {"Accept-Encoding": "gzip"}
        served = context.request.get(dashboard_url(saved, account), headers=gzip, max_redirects=0)
        assert served.status == 200, served.status
        assert served.headers.get("cache-control") == "no-store"
        assert served.headers.get("content-security-policy") == app_policy()

        server = f"{saved.url}/user/{account}/"
        script = context.request.get(f"{server}voila/static/voila.js", headers=gzip, max_redirects=0)
        assert script.status == 200, script.status
        assert script.headers.get("content-encoding") == "gzip", script.headers

        chunks = page.evaluate(
            "JSON.parse(document.getElementById('jupyter-config-data').textContent).fullStaticUrl"
        )
        assert chunks.startswith(f"/user/{account}/voila/static/v-"), chunks
        chunk = context.request.get(f"{saved.url}{chunks}/voila.js", headers=gzip, max_redirects=0)
        assert chunk.status == 200, chunk.status
        assert chunk.headers.get("cache-control") == "public, max-age=31536000, immutable"
        assert chunk.headers.get("content-encoding") == "gzip"

        page.goto(f"{server}voila/render/notebooks/00_start_here.ipynb", timeout=60_000)
        page.wait_for_selector("#loading", state="detached", timeout=60_000)
        expect(page.locator("h1").first).to_contain_text("Start here")
        assert LAB_ONLY_TEXT not in page.locator("body").inner_text()
    finally:
        context.close()


# --- culling ------------------------------------------------------------------------------------


def test_idle_servers_are_culled_and_nothing_saved_is_lost(pytestconfig: pytest.Config, saved: Hub) -> None:
    # Every tab is closed: within the timeout and a round or two of the culler, all servers stop.
    deadline = time.monotonic() + CULL_TIMEOUT_S + 4 * CULL_EVERY_S + 4 * ACTIVITY_INTERVAL_S + 30
    running = list(saved.accounts)
    while running and time.monotonic() < deadline:
        time.sleep(2)
        running = [a for a in saved.accounts if server_running(saved, a) or processes_of(a)]
    assert not running, (
        f"still running after the cull timeout: {running}; the hub log ends:\n{log_tail(saved.log)}"
    )
    log = saved.log.read_text(errors="replace")
    for account in saved.accounts:
        assert f"Culling server {account}" in log, f"{account}'s server stopped, but not by the culler"

    # Logging in again starts a new server over the same workbook: each finds their own person only.
    browser = shared_browser(pytestconfig)
    for account in saved.accounts:
        context, page = log_in(browser, saved, account)
        try:
            app = page.locator(".wb-app")
            expect(app).to_contain_text(saved.person_of(account))
            text = app.inner_text()
            for other in saved.accounts:
                if other != account:
                    assert saved.person_of(other) not in text
        finally:
            context.close()
