"""A real browser (Debian's headless Chromium) on a 390 px phone screen: every main page of each
role fits without scrolling sideways (wide tables scroll inside their own box), and the team
page's charts draw their tables' numbers."""

from __future__ import annotations

import pytest

from trainer.extensions import db
from trainer.services import play

from .. import factories
from .browser import DRAWN_PIXELS, chromium, log_in, needs_chromium, new_page, serve
from .teams import clearance

pytestmark = needs_chromium
PHONE = {"width": 390, "height": 844}
# What sticks out past the screen's edge, outside any box that scrolls (to name it on a failure).
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .filter(e => !(e.parentElement && e.parentElement.closest('.overflow-auto')))
  .slice(0, 6)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
PAGES = {
    "tara@example.com": ("/", "/attempts/{playing}", "/attempts/{attempt}/scorecard", "/resolve",
                         "/account/password"),
    "boss@example.com": ("/team/", "/team/people/{tara}", "/team/review", "/team/calibration",
                         "/team/attempts/{attempt}", "/insight/"),
    "admin@example.com": ("/admin/users", "/admin/users/new", "/admin/users/import",
                          "/admin/tokens", "/admin/audit", "/admin/llm"),
}


@pytest.fixture
def live_server(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Bea Boss")
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        tara = factories.user(email="tara@example.com", name="Tara Singh", manager=boss)
        for overall in (40.0, 75.0):
            attempt = factories.scored_attempt(tara, "billing-double-charge")
            attempt.overall = overall
        db.session.commit()
        clearance(tara, boss, "billing-dispute", level=2)
        playing = play.start_attempt(tara, "billing-double-charge", "practice")
        ids = {"tara": tara.id, "attempt": attempt.id, "playing": playing.id}
    with serve(app) as base:
        yield base, ids


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def _logged_in(browser, base: str, email: str):
    page = new_page(browser, viewport=PHONE)
    log_in(page, base, email)
    return page


def test_every_main_page_fits_a_390px_screen(browser, live_server):
    base, ids = live_server
    too_wide = []
    for email, paths in PAGES.items():
        page = _logged_in(browser, base, email)
        for path in paths:
            answer = page.goto(base + path.format(**ids))
            assert answer.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{path} as {email}: {width} px: {page.evaluate(WIDEST)}")
        page.close()
    assert not too_wide, "wider than the screen:\n" + "\n".join(too_wide)


def test_the_team_charts_draw_their_tables(browser, live_server):
    base, _ = live_server
    page = _logged_in(browser, base, "boss@example.com")
    page.goto(f"{base}/team/")
    for chart in ("weekly-chart", "levels-chart"):
        canvas = page.locator(f"#{chart}")
        canvas.wait_for(state="attached")
        page.wait_for_selector(f"#{chart}[data-chart-ready=true]")
        assert canvas.evaluate(DRAWN_PIXELS) > 100, chart
    weekly = page.locator("#weekly-table tbody tr").last.locator("td")
    assert weekly.all_text_contents()[:3] == ["3.0", "3.0", "3.0"]  # both attempts this week
    assert page.locator("#levels-table tbody tr").nth(3).locator("td").all_text_contents() == \
        ["2", "2", "2"]
    assert not page.errors, page.errors

