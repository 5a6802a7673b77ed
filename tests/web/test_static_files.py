"""Static files under versioned URLs (web/static_files.py): each page names every stylesheet,
script and icon with its current version, a browser keeps those for a year and asks again only
for a file whose version it does not know, so a second page view fetches nothing but the page."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from flask import url_for

from .. import factories
from .browser import chromium, log_in, needs_chromium, new_page, serve

STATIC = Path(__file__).resolve().parents[2] / "trainer" / "static"
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]+)"')
YEAR = "public, max-age=31536000, immutable"


def _get(client, path: str, **kwargs):
    """GET and close the response (static files stream from an open file)."""
    with client.get(path, **kwargs) as response:
        response.get_data()
        return response


def _version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@pytest.fixture
def tara(app):
    with app.app_context():
        factories.user("trainee", email="tara@example.com", name="Tara Singh")


def test_every_static_url_of_a_page_names_the_files_current_version(client, auth, tara):
    pages = [client.get("/login").get_data(as_text=True)]
    auth.login("tara@example.com")
    pages.append(client.get("/").get_data(as_text=True))
    for html in pages:
        named = STATIC_URL.findall(html)
        assert len(named) >= 4, html[:500]  # Pico, the app's stylesheet, the icon, htmx
        assert len(named) == html.count('="/static/'), "a static URL without its version"
        for url, version in named:
            assert version == _version(STATIC / url.removeprefix("/static/")), url


def test_a_file_asked_for_by_its_version_is_kept_for_a_year(client, auth, tara):
    [(url, version), *_] = STATIC_URL.findall(client.get("/login").get_data(as_text=True))
    answer = _get(client, f"{url}?v={version}")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == YEAR
    auth.login("tara@example.com")  # the same answer for everyone: no cookie read or sent
    answer = _get(client, f"{url}?v={version}")
    assert answer.headers["Cache-Control"] == YEAR and "Set-Cookie" not in answer.headers
    assert "Cookie" not in answer.headers.get("Vary", "")


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_file_asked_for_by_no_or_another_version_is_checked_on_every_use(client, query):
    answer = _get(client, f"/static/css/app.css{query}")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-cache"
    again = _get(client, f"/static/css/app.css{query}",
                 headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Cache-Control"] == "no-cache"


def test_an_edited_file_gets_a_new_url_and_its_old_one_is_no_longer_kept(app, tmp_path):
    app.static_folder = str(tmp_path)
    sheet = tmp_path / "site.css"
    sheet.write_text("body { color: black; }")
    with app.test_request_context():
        before = url_for("static", filename="site.css")
        sheet.write_text("body { color: navy; }")
        os.utime(sheet, ns=(1, 1))  # an edit within the same clock tick shows too
        after = url_for("static", filename="site.css")
    assert before != after and after.endswith(f"?v={_version(sheet)}")
    client = app.test_client()
    assert _get(client, after).headers["Cache-Control"] == YEAR
    assert _get(client, before).headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("name", ["../__init__.py", "css", "no-such-file.css"])
def test_a_name_that_is_no_static_file_has_no_version_and_is_not_found(app, client, name):
    with app.test_request_context():
        assert "v=" not in url_for("static", filename=name)
    assert _get(client, f"/static/{name}?v=0123456789ab").status_code == 404


@needs_chromium
def test_a_second_page_view_fetches_nothing_but_the_page(app, tara):
    asked: list[str] = []
    served = app.wsgi_app

    def counting(environ, start_response):
        asked.append(environ["PATH_INFO"])
        return served(environ, start_response)

    app.wsgi_app = counting
    with serve(app) as base, chromium() as browser:
        page = new_page(browser)
        log_in(page, base, "tara@example.com")  # the login page fetched the files once
        page.get_by_role("heading", name="Hello, Tara Singh").wait_for()
        asked.clear()
        page.goto(f"{base}/account/email")  # another page, on the same stylesheets and scripts
        page.get_by_role("heading", level=1).wait_for()
        assert page.evaluate("getComputedStyle(document.body).fontFamily")  # styled
        assert asked == ["/account/email"], asked
        assert not page.errors
