"""Static files under versioned URLs. Every ``url_for('static', ...)`` carries ``?v=`` and the
start of the file's SHA-256; a request that names the file's current version may be kept by the
browser for a year without asking again (``immutable``), any other is checked on every use
(``no-cache``: a 304 when unchanged). A page view then costs one request, where it cost one for
the page and a revalidation for each stylesheet, script and icon; a release changes the URL of
each file it changed, so nobody runs yesterday's script against today's page.

A version is worked out once per file, and again only when the file's size or modification
time changes (an edit while developing shows on the next page)."""

from __future__ import annotations

import hashlib
import os
import stat
from typing import Any

from flask import Flask, Response, request
from werkzeug.security import safe_join

VERSION_ARG = "v"
VERSION_DIGITS = 12  # hex digits of the SHA-256 kept in the URL
KEPT_SECONDS = 365 * 24 * 3600  # how long a browser keeps a file asked for by its version


def init_static_files(app: Flask) -> None:
    versions = StaticVersions(app)

    @app.url_defaults
    def _versioned(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and VERSION_ARG not in values:
            version = versions.of(values.get("filename", ""))
            if version:
                values[VERSION_ARG] = version

    @app.after_request
    def _kept(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code in (200, 304):
            asked = request.args.get(VERSION_ARG)
            if asked and asked == versions.of((request.view_args or {}).get("filename", "")):
                control = response.cache_control
                control.no_cache = None
                control.public, control.max_age, control.immutable = True, KEPT_SECONDS, True
            else:
                response.cache_control.no_cache = True
        return response


class StaticVersions:
    """Each static file's version (None for a path that is not a file of the static folder)."""

    def __init__(self, app: Flask):
        self.app = app
        # A file's path (normalised: one entry per file however a URL spells it) -> its size
        # and modification time, and its version.
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def of(self, filename: str) -> str | None:
        folder = self.app.static_folder
        path = safe_join(folder, filename) if folder and filename else None
        try:
            status = os.stat(path) if path else None
        except OSError:
            return None
        if status is None or not stat.S_ISREG(status.st_mode):
            return None
        stamp = (status.st_size, status.st_mtime_ns)
        known = self._known.get(path)
        if known is None or known[0] != stamp:
            with open(path, "rb") as file:
                version = hashlib.sha256(file.read()).hexdigest()[:VERSION_DIGITS]
            known = self._known[path] = (stamp, version)
        return known[1]
