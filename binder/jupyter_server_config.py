"""Jupyter server settings for the Binder image; binder/postBuild copies this file into
sys.prefix/etc/jupyter/, which `jupyter server` (and jupyterhub-singleuser) reads on every start.

Two things standalone Voila gets from voila.json but the Binder route does not:

- The app's Content-Security-Policy. voila.json sets it in `Voila.tornado_settings`, which only the
  standalone app reads; under `jupyter server` the page carried only the server's own
  `frame-ancestors` policy. It is set here on Voila's rendered pages only (a prelaunch hook, run for
  each /voila/render/ request before the page is sent), not server-wide through
  `ServerApp.tornado_settings`. A global policy would govern JupyterLab too: Lab 4.6 did open and
  run notebooks/00_start_here.ipynb under it without a violation here, but mybinder.org's image
  adds Lab extensions this was not tried with (jupyter-offlinenotebook, jupyter-resource-usage),
  and a policy that broke Lab there would break the workbook's other route. A header the page sets
  itself also wins over server-wide ones, whatever a launcher puts there (jupyterhub-singleuser,
  which mybinder.org runs, adds `frame-ancestors 'none'` to them).
- No news or update checks from JupyterLab: its server would otherwise fetch the Jupyter news feed
  and PyPI when Lab's notification extension asks. (The front end is told not to ask in
  binder/overrides.json; these two make sure the server never fetches either way.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

c = get_config()  # noqa: F821 -- traitlets provides get_config() to every config file

# jupyterlab 4.6: `news_url = None` turns the news handler off (and tells the page so);
# NeverCheckForUpdate answers the update check without asking PyPI.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"

# Binder starts the server in the repository root, where Voila's server extension reads voila.json
# too, so both routes send the very same policy and it is written down once.
_VOILA_JSON = Path.cwd() / "voila.json"


def _send_the_apps_policy(handler: Any, notebook: Any, cwd: str) -> None:
    """Voila's prelaunch hook: put the app's policy on the page about to be rendered."""
    if handler is not None:
        handler.set_header("Content-Security-Policy", _POLICY)


if _VOILA_JSON.is_file():
    _POLICY: str = json.loads(_VOILA_JSON.read_text())["Voila"]["tornado_settings"]["headers"][
        "Content-Security-Policy"
    ]
    c.VoilaConfiguration.prelaunch_hook = _send_the_apps_policy
else:  # a server started elsewhere (say, from a terminal) finds no voila.json, so serves no app
    print(f"jupyter_server_config.py: no voila.json in {Path.cwd()}, so no app policy", file=sys.stderr)
