"""Playing by screen reader and keyboard, in a real browser (Debian's headless Chromium through
Playwright), read through the accessibility tree (ARIA roles, names, descriptions, focus):

- with script, an answer goes through htmx: the page stays, only the new turns join the
  conversation's role="log" (the same element, so a screen reader announces just them), the mood
  changes inside the role="status" region, and focus is back in the answer box;
- a refused answer keeps focus in the box, which is invalid and described by its help and error;
- without script, the plain post and redirect land on the newest customer line, which has focus;
- the scorecard's arrival after "Scoring..." is announced by a live region that was there before;
- a refused form puts focus on its first invalid field, even when another field asks for it;
- the focus ring on "Send reply" is solid and at least 3:1 against the page."""

from __future__ import annotations

import pytest

from trainer.extensions import db
from trainer.models import Attempt, Turn, User
from trainer.models._types import utcnow
from trainer.services import jobs, password_reset, play

from .. import factories
from .browser import chromium, log_in, needs_chromium, new_page, serve

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
pytestmark = needs_chromium

SCENARIO = "billing-double-charge"
FIRST_LINE = "charged twice for March"
ANSWER = ("I'm so sorry, Priya - being charged twice and then ignored is not on, especially with "
          "rent due. The second 39.99 was our error. I've refunded it in full today; it will reach "
          "your account within 5 working days, reference RF-55120.")
BOX = "Your reply to the customer"
HELP = "Answer as you would on a call or in a chat. Press the button to send."
# The element's computed outline, and the page's background behind it.
OUTLINE = """el => { const s = getComputedStyle(el);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          offset: parseFloat(s.outlineOffset)}; }"""


@pytest.fixture
def live_server(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        tara = factories.user("trainee", email="tara@example.com", name="Tara Singh",
                              manager=boss)
        ids = {"tara": tara.id}
    with serve(app) as base:
        yield base, ids


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def _start(page, base: str) -> str:
    log_in(page, base, "tara@example.com")
    page.get_by_role("button", name="Practise Charged twice for the same month").click()
    page.get_by_role("log", name="Conversation").get_by_text(FIRST_LINE).wait_for()
    return page.url


def _count(app, attempt_id: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Turn).where(
            Turn.attempt_id == attempt_id))


def test_with_script_only_the_new_turns_join_the_log_and_focus_stays_in_the_box(
        app, browser, live_server):
    base, _ = live_server
    page = new_page(browser)
    url = _start(page, base)
    log = page.get_by_role("log", name="Conversation")
    status = page.get_by_role("status").filter(has_text="Customer mood")
    expect(status).to_have_text("Customer mood: frustrated")
    page.evaluate("""() => { window.notReloaded = true;
        document.getElementById('chat').dataset.same = 'log';
        document.getElementById('mood-status').dataset.same = 'status'; }""")

    box = page.get_by_role("textbox", name=BOX)
    box.focus()
    page.keyboard.type(ANSWER)
    page.keyboard.press("Tab")  # keyboard only: to the button, and press it
    expect(page.get_by_role("button", name="Send reply")).to_be_focused()
    page.keyboard.press("Enter")

    expect(log.locator(".bubble")).to_have_count(3)  # the first line, the answer, the reply
    expect(log.locator(".bubble.trainee")).to_contain_text("RF-55120")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    expect(box).to_have_accessible_description(HELP)
    assert page.evaluate("window.notReloaded === true") and page.url == url  # no page load
    assert page.evaluate("document.getElementById('chat').dataset.same") == "log"
    assert page.evaluate("document.getElementById('mood-status').dataset.same") == "status"
    expect(status).not_to_have_text("Customer mood: frustrated")  # she was heard
    expect(page.locator("#turn-number")).to_have_text("2")
    attempt_id = int(url.rsplit("/", 1)[1])
    assert page.locator("input[name=expected_turn]").input_value() == str(_count(app, attempt_id))
    assert page.locator("#latest").count() == 1  # never two targets
    assert not page.errors, page.errors


def test_with_script_a_refused_answer_keeps_focus_in_the_box_and_says_why(browser, live_server):
    base, _ = live_server
    page = new_page(browser)
    _start(page, base)
    page.get_by_role("button", name="Send reply").click()
    box = page.get_by_role("textbox", name=BOX)
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    expect(box).to_have_accessible_description(
        f"{HELP} Write your answer to the customer first.")
    expect(page.get_by_role("log", name="Conversation").locator(".bubble")).to_have_count(1)
    box.fill(ANSWER)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("log").locator(".bubble")).to_have_count(3)
    expect(box).not_to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()


def test_with_script_a_second_tab_answer_is_refused_and_its_turns_caught_up(
        app, browser, live_server):
    """The turn number still guards: a page that fell behind is refused (409), keeps what was
    typed, and gets the turns it had not shown, once."""
    base, _ = live_server
    page = new_page(browser)
    url = _start(page, base)
    attempt_id = int(url.rsplit("/", 1)[1])
    with app.app_context():  # another tab answers meanwhile
        play.submit_answer(db.session.get(Attempt, attempt_id), ANSWER, 1)
    box = page.get_by_role("textbox", name=BOX)
    box.fill("My thought, typed in the old tab.")
    page.get_by_role("button", name="Send reply").click()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_value("My thought, typed in the old tab.")
    expect(page.get_by_role("log").locator(".bubble")).to_have_count(3)
    assert _count(app, attempt_id) == 3  # nothing stored twice, nothing lost
    page.get_by_role("button", name="Send reply").click()  # now on the right turn
    expect(page.get_by_role("log").locator(".bubble")).to_have_count(5)
    assert _count(app, attempt_id) == 5


def test_without_script_the_newest_customer_line_takes_focus(app, browser, live_server):
    base, _ = live_server
    page = new_page(browser, java_script_enabled=False)
    url = _start(page, base)
    page.get_by_role("button", name="Send reply").click()  # refused: the box takes focus
    box = page.get_by_role("textbox", name=BOX)
    expect(box).to_be_focused()
    expect(box).to_have_accessible_description(
        f"{HELP} Write your answer to the customer first.")
    box.fill(ANSWER)
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_url(url + "#latest")
    latest = page.locator("#latest")
    expect(latest).to_be_focused()
    expect(page.get_by_role("log").locator(".bubble.customer").last).to_be_focused()
    expect(latest).not_to_contain_text(FIRST_LINE)  # the reply, not the opening line
    expect(page.get_by_role("status").filter(has_text="Customer mood")).to_be_visible()


def test_the_scorecards_arrival_is_announced(app, browser, live_server):
    base, ids = live_server
    with app.app_context():
        tara = db.session.get(User, ids["tara"])
        attempt = play.start_attempt(tara, SCENARIO)
        play.submit_answer(attempt, "I'm sorry you were charged twice. I'll refund it today.")
        attempt.status, attempt.outcome, attempt.finished_at = "scoring", "ended", utcnow()
        db.session.commit()
        attempt_id = attempt.id
    page = new_page(browser)
    log_in(page, base, "tara@example.com")
    page.goto(f"{base}/attempts/{attempt_id}/scorecard")
    region = page.get_by_role("status").filter(has_text="Scoring the conversation")
    expect(region).to_have_count(1)
    page.evaluate("document.getElementById('scorecard-announce').dataset.same = 'yes'")
    with app.app_context():
        assert jobs.score_attempt_job(attempt_id) == "scored"
    announced = page.get_by_role("status").filter(has_text="The scorecard is ready")
    expect(announced).to_have_count(1, timeout=10_000)
    expect(announced).to_have_attribute("data-same", "yes")  # the region that was listening
    expect(page.get_by_role("heading", name="Empathy", exact=True)).to_be_visible()
    assert not page.errors, page.errors


def test_a_refused_form_puts_focus_on_its_first_invalid_field(app, browser, live_server):
    base, ids = live_server
    page = new_page(browser)
    log_in(page, base, "admin@example.com")
    page.goto(f"{base}/admin/users/new")
    page.get_by_role("button", name="Create user").click()
    email = page.get_by_role("textbox", name="Email")
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-describedby", "email-help email-error")
    description = email.evaluate("el => el.getAttribute('aria-describedby').split(' ')"
                                 ".map(id => document.getElementById(id).textContent).join(' ')")
    expect(email).to_have_accessible_description(description)
    assert "Their login" in description and len(description) > len("Their login; stored in "
                                                                   "lower case.")
    # A field the form marks autofocus gives way to the invalid one after it.
    with app.app_context():
        _, token = password_reset.issue(db.session.get(User, ids["tara"]),
                                        password_reset.RESET)
        db.session.commit()
    other = new_page(browser)
    other.goto(f"{base}/password/reset/{token}")
    other.locator("#password").fill("a-long-enough-new-passphrase-77")
    other.locator("#confirm").fill("something else entirely, 77")
    other.locator("button[type=submit]").click()
    expect(other.locator("#confirm")).to_be_focused()
    expect(other.locator("#confirm")).to_have_attribute("aria-invalid", "true")


def _contrast(rgb: tuple[float, ...], against: tuple[float, ...] = (255, 255, 255)) -> float:
    def luminance(color):
        channels = [c / 255 for c in color[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((luminance(rgb), luminance(against)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_send_reply_focus_ring_is_solid_and_3_to_1(browser, live_server):
    base, _ = live_server
    page = new_page(browser)
    _start(page, base)
    page.get_by_role("textbox", name=BOX).focus()
    page.keyboard.press("Tab")
    button = page.get_by_role("button", name="Send reply")
    expect(button).to_be_focused()
    ring = button.evaluate(OUTLINE)
    assert ring["style"] == "solid" and ring["width"] >= 2 and ring["offset"] >= 1, ring
    rgb = tuple(float(x) for x in ring["color"].split("(")[1].rstrip(")").split(",")[:3])
    assert _contrast(rgb) >= 3, ring


def test_a_refused_form_posted_to_a_fragment_focuses_its_error_summary(app, browser,
                                                                      live_server):
    """The scorecard's feedback form posts to #feedback-problems (autofocus does not run on a
    page opened at a fragment): the summary, role="alert", takes focus and links to the field."""
    base, ids = live_server
    with app.app_context():
        attempt = factories.scored_attempt(db.session.get(User, ids["tara"]), SCENARIO)
        attempt_id = attempt.id
    page = new_page(browser)
    log_in(page, base, "tara@example.com")
    page.goto(f"{base}/attempts/{attempt_id}/scorecard")
    page.get_by_role("radio", name="Yes").first.check()
    page.get_by_role("button", name="Send feedback").click()
    summary = page.get_by_role("alert").filter(has_text="Not sent yet")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(2)  # the two questions left blank
    first_blank = page.locator("input[aria-invalid=true]").first
    expect(first_blank).to_have_accessible_description("Choose yes, partly or no.")
