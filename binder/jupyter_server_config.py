"""Jupyter server settings for the Binder image; binder/postBuild copies this file into
sys.prefix/etc/jupyter/, which `jupyter server` (and jupyterhub-singleuser) reads on every start.
JupyterHub's servers read it too: the Kubernetes image is built from binder/, and the one-machine
hub (deploy/jupyterhub/jupyterhub_config.py) puts this folder on their JUPYTER_CONFIG_PATH.

What standalone Voila gets from voila.json but the server-extension route does not:

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
- Compression and caching (workbook/caching.py, which says what and why): loaded as a server
  extension, since under jupyter server voila.json's identity provider, which installs it in
  standalone Voila, is not used. It compresses every response of the server (JupyterLab's too),
  but sets `Cache-Control` only on Voila's routes, on HTML pages and on API responses.
- voila.json's settings for Voila's own renderer and executor (`VoilaExporter`, `VoilaExecutor`).
  Voila's server extension reads only voila.json's `VoilaConfiguration` section; the page itself is
  rendered with the server's configuration, so without this the template's
  `workbook_versioned_static` filter would be missing (Voila's code chunks would then be
  revalidated on every visit instead of cached) and the wait for a cell's output would be Voila's
  4 s instead of voila.json's 30 s.
- Not voila.json's `TagRemovePreprocessor` (cells tagged `jupyterlab-only` left out of the page):
  set here it would strip those cells from JupyterLab's own HTML exports too. The workbook
  template's conf.json declares that preprocessor instead, so only Voila's page uses it.
- No news or update checks from JupyterLab: its server would otherwise fetch the Jupyter news feed
  and PyPI when Lab's notification extension asks. (The front end is told not to ask in
  binder/overrides.json; these two make sure the server never fetches either way.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_config_path

c = get_config()  # noqa: F821 -- traitlets provides get_config() to every config file

# jupyterlab 4.6: `news_url = None` turns the news handler off (and tells the page so);
# NeverCheckForUpdate answers the update check without asking PyPI.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"


def _find_voila_json() -> Path | None:
    """The voila.json Voila's server extension reads too, so every route sends the very same policy
    and it is written down once: in the working folder (Binder starts the server in the repository
    root), else in a folder of the Jupyter config path (JupyterHub's servers start in the person's
    home, with JUPYTER_CONFIG_PATH naming the app's folder: deploy/jupyterhub)."""
    for folder in (Path.cwd(), *map(Path, jupyter_config_path())):
        if (folder / "voila.json").is_file():
            return folder / "voila.json"
    return None


_VOILA_JSON = _find_voila_json()


def _send_the_apps_policy(handler: Any, notebook: Any, cwd: str) -> None:
    """Voila's prelaunch hook: put the app's policy on the page about to be rendered."""
    if handler is not None:
        handler.set_header("Content-Security-Policy", _POLICY)


# Loaded after Voila's own extension (jupyter server loads them in alphabetical order), whose
# static route it serves again under a versioned address.
c.ServerApp.jpserver_extensions.update({"workbook.caching": True})

# The sections of voila.json for classes only Voila uses (see above). Not the kernel manager's or
# nbconvert's preprocessors', which would govern JupyterLab's kernels and exports too.
_PAGE_SECTIONS = ("VoilaExporter", "VoilaExecutor")

if _VOILA_JSON is not None:
    _VOILA: dict[str, Any] = json.loads(_VOILA_JSON.read_text())
    _POLICY: str = _VOILA["Voila"]["tornado_settings"]["headers"]["Content-Security-Policy"]
    c.VoilaConfiguration.prelaunch_hook = _send_the_apps_policy
    for _section in _PAGE_SECTIONS:
        c[_section].merge(_VOILA.get(_section, {}))
else:  # a server started elsewhere (say, from a terminal) finds no voila.json, so serves no app
    print(
        f"jupyter_server_config.py: no voila.json here ({Path.cwd()}) or on the config path: no app policy",
        file=sys.stderr,
    )
