"""JupyterHub for one machine: a Reconnect Workbook for each person, kept apart by the OS.

Theory of operation:

- Each person is a system account. JupyterHub's own LocalProcessSpawner starts their server as
  that account, so the Jupyter kernel that reads and writes their workbook runs with their uid
  and the operating system decides who may open which file. Nobody's code runs as anyone else.
- The app is installed once, read-only, in APP_DIR (a checkout of this repository with a venv in
  APP_DIR/.venv holding the app, JupyterHub and the culler). Every server uses it as its root
  folder, so /voila/render/notebooks/dashboard.ipynb is the same dashboard for everyone, and an
  update reaches everyone at once. Nothing is copied into homes: a copy would go stale and drift.
- Each person's answers live in their own home (WORKBOOK_HOME below): the store makes that folder
  0700 and the database 0600, and before starting a server the hub closes a home others could
  enter. The read-only app folder holds no one's data.
- jupyterhub-idle-culler, run by the hub as a service with only the scopes it needs, stops servers
  nobody has used for a while. Stopping a server loses nothing: every answer is saved as it is
  given.

Settings a site or a test changes come from the environment (WORKBOOK_HUB_*), and anything else
from a file named by WORKBOOK_HUB_EXTRA_CONFIG, loaded last (the test uses it to swap in a test
authenticator). See docs/deploy.md.
"""

import os
import pwd
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file


def setting(name: str, default: str) -> str:
    return os.environ.get(f"WORKBOOK_HUB_{name}", "").strip() or default


APP_DIR = Path(setting("APP_DIR", "/opt/reconnect-workbook"))
STATE_DIR = Path(setting("STATE_DIR", "/srv/reconnect-workbook-hub"))
VENV_BIN = Path(sys.executable).parent  # the hub runs from the venv that holds the app
DASHBOARD_URL = "/voila/render/notebooks/dashboard.ipynb"
WORKBOOK_DIR_IN_HOME = ".local/share/reconnect-workbook"  # the store's own default, made explicit
CULL_TIMEOUT_S = int(setting("CULL_TIMEOUT", "3600"))
CULL_EVERY_S = int(setting("CULL_EVERY", "300"))
ACTIVITY_INTERVAL_S = int(setting("ACTIVITY_INTERVAL", "300"))

# --- network: loopback unless told otherwise; put an HTTPS reverse proxy in front -----------------
c.JupyterHub.ip = setting("IP", "127.0.0.1")
c.JupyterHub.port = int(setting("PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(setting("HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [setting("PROXY_COMMAND", "configurable-http-proxy")]
# The proxy's token is not set: the hub makes a fresh one at each start and hands it to the proxy it
# starts, so no secret for it sits on disk.

# --- the hub's own state: its database and cookie secret, root-only -------------------------------
STATE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
STATE_DIR.chmod(0o700)
c.JupyterHub.db_url = f"sqlite:///{STATE_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE_DIR / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE_DIR / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE_DIR / "jupyterhub-proxy.pid")

# --- who may log in: system accounts in one group, checked by PAM ----------------------------------
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {setting("GROUP", "workbook")}
# No admin_users on purpose: a JupyterHub admin can open anyone's server, and so read their notes.
c.Authenticator.admin_users = set()
# Logging out stops the person's server, so a shared computer keeps no session open.
c.JupyterHub.shutdown_on_logout = True

# --- each person's server ---------------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]  # the same interpreter as the hub
c.Spawner.notebook_dir = str(APP_DIR)  # read-only for users; holds the notebooks, never answers
c.Spawner.default_url = DASHBOARD_URL
c.Spawner.args = [
    # Kernels talk to their server over Unix sockets in the person's private runtime folder. Over
    # TCP (the default), any local account could subscribe to a kernel's output port without its
    # key and read everything the dashboard shows, the person's notes included.
    "--KernelManager.transport=ipc",
    "--ServerApp.terminals_enabled=False",  # the workbook needs no shell
    # A closed or reloaded tab leaves its kernel behind; stop those (never one a tab is still
    # connected to) rather than keep ~55 MB per reload until the whole server is culled.
    f"--MappingKernelManager.cull_idle_timeout={CULL_TIMEOUT_S}",
    f"--MappingKernelManager.cull_interval={min(CULL_EVERY_S, 60)}",
]
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 60


def workbook_home(spawner) -> str:
    return str(Path(pwd.getpwnam(spawner.user.name).pw_dir) / WORKBOOK_DIR_IN_HOME)


c.Spawner.environment = {
    # A clean PATH: the hub's own environment (its secrets included) is not passed on.
    "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "WORKBOOK_HOME": workbook_home,
    # The app's voila.json (no sources, no tracebacks, file allow-list) applies to every server,
    # whose working folder is the person's home rather than the app. binder/'s server config, the
    # one the Kubernetes image (built from binder/) and Binder use, gives the page what voila.json
    # cannot under jupyter server: the app's Content-Security-Policy, voila.json's exporter and
    # executor settings, and the workbook.caching server extension (compressed responses, Voila's
    # chunks under a versioned address, the page never stored). See docs/serving.md.
    "JUPYTER_CONFIG_PATH": os.pathsep.join([str(APP_DIR), str(APP_DIR / "binder")]),
    # How often each server tells the hub it was used; the culler reads that.
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(ACTIVITY_INTERVAL_S),
}
c.JupyterHub.last_activity_interval = ACTIVITY_INTERVAL_S


def refuse_a_home_others_can_enter(spawner) -> None:
    """Start a server only in a home that belongs to its person and is closed to everyone else.

    The store keeps its own folder 0700, but a home others can enter still shows what is in it
    and lets them read anything the person saves elsewhere. Tightening it here costs nothing.
    """
    account = pwd.getpwnam(spawner.user.name)
    home = Path(account.pw_dir)
    try:
        status = home.stat()
    except FileNotFoundError:
        raise RuntimeError(
            f"{spawner.user.name} has no home folder ({home}); create the account with "
            "`useradd --create-home`."
        ) from None
    if status.st_uid != account.pw_uid:
        raise RuntimeError(f"{home} does not belong to {spawner.user.name}; fix its owner first.")
    if stat.S_IMODE(status.st_mode) & 0o077:
        home.chmod(0o700)
        spawner.log.warning("Made %s private (0700): others could enter it.", home)


c.Spawner.pre_spawn_hook = refuse_a_home_others_can_enter

# --- idle servers are stopped by jupyterhub-idle-culler, with only the scopes it needs --------------
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={CULL_TIMEOUT_S}",
            f"--cull-every={CULL_EVERY_S}",
        ],
    }
]

# --- a site's (or a test's) own additions, loaded last so they win ---------------------------------
extra_config = setting("EXTRA_CONFIG", "")
if extra_config:
    load_subconfig(extra_config)  # noqa: F821 - provided by JupyterHub
