"""Every page passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, with no violation, for each
role and each state a real browser reaches: anonymous pages (login with the single sign-on button,
password reset, badge verification), the trainee's dashboard, a conversation in progress, its
errors, its end, scorecards (scoring, scored, abandoned), the manager's team, person, review,
calibration, insight and feedback pages, the admin pages, and the error pages.

axe-core is vendored in tests/data/axe (its version and licence beside it) and injected by
Playwright with ``page.evaluate`` while the page's Content-Security-Policy stays on (no
``bypass_csp``): a CSP that blocked it, or a page that broke under it, would fail here too. A
failure names the page, the rule, its impact and each offending element's selector."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from trainer.extensions import db
from trainer.models import Attempt, UserImport
from trainer.models._types import utcnow
from trainer.services import password_reset, play
from trainer.services.feedback import dispute_score, give_feedback

from .. import factories
from .browser import chromium, needs_chromium, new_page, serve
from .teams import clearance

pytestmark = needs_chromium

AXE = Path(__file__).resolve().parents[1] / "data" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """async tags => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " :: " + (n.failureSummary || "")
                              .replace(/\\s+/g, " ").slice(0, 240))}));
}"""
TITLE_MAX = 80  # a <title> is read aloud on every page: a few words, never markup
SCENARIO = "billing-double-charge"
ANSWER = ("I'm so sorry, Priya - being charged twice is not on. The second 39.99 was our "
          "error; I've refunded it today, reference RF-55120, and it reaches you in 5 days.")


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[str]:
    """Each WCAG A/AA violation on the page as it is now: rule, impact, selector, why."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())  # through the DevTools protocol: the page's CSP stays on
    found = []
    for v in page.evaluate(RUN_AXE, WCAG_TAGS):
        for node in v["nodes"]:
            found.append(f"{v['id']} ({v['impact']}, {v['help']}): {node}")
    return found


class Audit:
    """Visits pages and states, and keeps every problem found, each named by its page."""

    def __init__(self, page, base: str):
        self.page, self.base, self.problems = page, base, []
        self.checked: list[str] = []

    def visit(self, path: str, status: int = 200, label: str | None = None) -> None:
        answer = self.page.goto(self.base + path)
        assert answer is not None and answer.status == status, (path, answer and answer.status)
        self.check(label or path)

    def check(self, label: str) -> None:
        self.page.wait_for_load_state()
        self.checked.append(label)
        title = self.page.title()
        if len(title) > TITLE_MAX or "<" in title:
            self.problems.append(f"{label}: title is not a short plain title: {title[:120]!r}")
        self.problems.extend(f"{label}: {v}" for v in axe_violations(self.page))

    def assert_clean(self) -> None:
        assert not self.problems, "axe-core (WCAG 2.2 AA) found:\n" + "\n".join(self.problems)
        assert not [e for e in self.page.errors if "Content Security Policy" in e], \
            self.page.errors


@pytest.fixture
def site(app):
    """Everything on: mail (so reset links and email preferences show), single sign-on (the login
    button), a badge key. Bea manages Tara; Ada is an admin. Tara has passed, failed, abandoned,
    scoring and in-progress attempts, feedback and a dispute; she holds a clearance."""
    from .test_badges import make_key

    app.config.update(TRAINER_SMTP_URL="smtp://127.0.0.1:9", TRAINER_BASE_URL="http://127.0.0.1",
                      TRAINER_OIDC_ISSUER="http://127.0.0.1:9/issuer",
                      TRAINER_OIDC_CLIENT_ID="trainer-app",
                      TRAINER_OIDC_CLIENT_SECRET="not-a-real-secret",
                      TRAINER_OIDC_PROVIDER_NAME="Acme ID", TRAINER_ISSUER_KEY=make_key(),
                      TRAINER_ORG_NAME="Acme Contact Centre")
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Bea Boss")
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        tara = factories.user(email="tara@example.com", name="Tara Singh", manager=boss)
        factories.user(email="omar@example.com", name="Omar Reyes", manager=boss)
        passed = factories.scored_attempt(tara, SCENARIO)
        failed = factories.scored_attempt(tara, "billing-price-rise-notice", passed=False,
                                          mode="practice", review_reason="a low score")
        give_feedback(tara, passed, {"realistic": "yes", "fair_score": "no", "useful": "partly"},
                      "Marked down for nothing")
        dispute_score(tara, failed, "empathy", "I apologised twice.")
        clearance(tara, boss, "billing-dispute", level=2)
        abandoned = play.start_attempt(tara, "delivery-damaged-sofa", "practice")
        play.end_attempt(abandoned)
        scoring = play.start_attempt(tara, "billing-price-rise-notice", "assessed")
        play.submit_answer(scoring, "I'm sorry about the rise; let me explain what I can do.")
        scoring.status, scoring.outcome, scoring.finished_at = "scoring", "ended", utcnow()
        playing = play.start_attempt(tara, SCENARIO, "practice")
        _, token = password_reset.issue(tara, password_reset.RESET)
        finished = UserImport(status="done", source="people.csv", total=3, done=3, created=2,
                              skipped=1, finished_at=utcnow(), started_at=utcnow(),
                              problems=[{"line": 3, "message": "x@example.com exists"}])
        db.session.add(finished)
        db.session.commit()
        ids = {"tara": tara.id, "passed": passed.id, "failed": failed.id, "playing": playing.id,
               "abandoned": abandoned.id, "scoring": scoring.id, "token": token,
               "boss": boss.id, "import": finished.id}
    with serve(app) as base:
        yield base, ids


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def _audit(browser, base: str, email: str | None = None) -> Audit:
    page = new_page(browser)
    page.set_default_timeout(10_000)
    if email:  # the single sign-on button is a "Log in with ..." too: the exact name
        page.goto(f"{base}/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_load_state()
    return Audit(page, base)


def test_anonymous_pages(browser, site):
    base, ids = site
    audit = _audit(browser, base)
    audit.visit("/login", label="login with the single sign-on button")
    audit.page.get_by_label("Email").fill("tara@example.com")
    audit.page.get_by_label("Password").fill("not her password at all")
    audit.page.get_by_role("button", name="Log in", exact=True).click()
    audit.check("login, refused")
    audit.visit("/password/forgot")
    audit.page.get_by_role("button", name="Email me a link").click()
    audit.check("password/forgot, no email given")
    audit.visit(f"/password/reset/{ids['token']}", label="password/reset form")
    audit.page.locator("#password").fill("short")
    audit.page.get_by_role("button", name="Set my password").click()
    audit.check("password/reset, refused")
    audit.visit("/password/reset/not-a-token", status=410)
    audit.visit("/badges/verify")
    audit.page.get_by_role("textbox").first.fill("not.a.credential")
    audit.page.get_by_role("button", name="Verify").click()
    audit.check("badges/verify, not valid")
    audit.visit("/no-such-page", status=404)
    audit.assert_clean()


def test_trainee_pages_and_a_conversation(app, browser, site):
    base, ids = site
    audit = _audit(browser, base, "tara@example.com")
    page = audit.page
    audit.visit("/", label="dashboard")
    assert page.title() == "My training · Trainer"  # read first on arrival: short, no markup
    playing = f"/attempts/{ids['playing']}"
    audit.visit(playing, label="play, first line")
    page.get_by_role("button", name="Send reply").click()
    page.locator("[aria-invalid=true]").wait_for()
    audit.check("play, empty answer refused")
    page.get_by_label("Your reply to the customer").fill(ANSWER)
    page.get_by_role("button", name="Send reply").click()
    page.locator(".bubble.trainee").first.wait_for()
    audit.check("play, a conversation in progress")
    page.locator("#hints summary").click()
    audit.check("play, hints open")
    with app.app_context():  # another tab answers: this page is refused (409) and caught up
        play.submit_answer(db.session.get(Attempt, ids["playing"]), "Let me check that.", 3)
    page.get_by_label("Your reply to the customer").fill("Typed in the old tab.")
    page.get_by_role("button", name="Send reply").click()
    page.locator(".bubble.trainee").nth(1).wait_for()
    audit.check("play, refused: the conversation moved on")
    audit.visit(f"{playing}/end", label="end the conversation?")
    audit.visit(f"/attempts/{ids['passed']}/scorecard", label="scorecard, passed, feedback given")
    page.get_by_role("button", name="Dispute this score").click()
    page.locator("#dispute-problems").wait_for()
    audit.check("scorecard, dispute refused")
    audit.visit(f"/attempts/{ids['failed']}/scorecard", label="scorecard, failed, disputed")
    page.get_by_role("button", name="Send feedback").click()
    page.locator("#feedback-problems").wait_for()
    audit.check("scorecard, feedback refused")
    audit.visit(f"/attempts/{ids['abandoned']}/scorecard", label="scorecard, abandoned")
    audit.visit(f"/attempts/{ids['scoring']}/scorecard", label="scorecard, scoring")
    audit.visit("/resolve")
    audit.visit("/resolve?category=billing-dispute&amount=20", label="resolve, found")
    audit.visit("/resolve?category=billing-dispute&amount=abc", status=400,
                label="resolve, bad amount")
    audit.visit("/account/password")
    page.get_by_role("button", name="Change password").click()
    audit.check("account/password, refused")
    audit.visit(f"/team/people/{ids['boss']}", status=404, label="a page not allowed")
    audit.assert_clean()


def test_manager_pages(browser, site):
    base, ids = site
    audit = _audit(browser, base, "boss@example.com")
    audit.visit("/team/", label="team")
    audit.page.locator("#weekly-chart[data-chart-ready=true]").wait_for()
    audit.check("team, charts drawn")
    audit.visit(f"/team/people/{ids['tara']}", label="person")
    audit.page.get_by_role("button", name="Grant").first.click()
    audit.check("person, grant refused")
    audit.visit("/team/review", label="review queue")
    audit.visit("/team/calibration", label="calibration")
    audit.visit(f"/team/attempts/{ids['failed']}", label="attempt under review")
    audit.page.get_by_role("button", name="Override").click()
    audit.check("attempt, override refused")
    audit.visit(f"/team/attempts/{ids['scoring']}", label="attempt, scoring")
    audit.visit("/insight/", label="insight")
    audit.page.locator("#pass-rate-chart[data-chart-ready=true]").wait_for()
    audit.check("insight, charts drawn")
    audit.visit("/feedback/", label="feedback")
    audit.page.get_by_role("button", name="Mark handled").first.click()
    audit.check("feedback, note refused")
    audit.visit("/feedback/disputes", label="disputes")
    audit.visit("/account/email", label="email preferences")
    audit.assert_clean()


def test_admin_pages(browser, site):
    base, ids = site
    audit = _audit(browser, base, "admin@example.com")
    page = audit.page
    audit.visit("/admin/users", label="users")
    audit.visit("/admin/users?q=tara", label="users, searched")
    audit.visit("/admin/users/new", label="new user")
    page.get_by_role("button", name="Create user").click()
    audit.check("new user, refused")
    audit.visit(f"/admin/users/{ids['tara']}/edit", label="edit user")
    audit.visit(f"/admin/users/{ids['tara']}/password", label="set a password")
    audit.visit("/admin/users/import", label="import")
    audit.visit(f"/admin/imports/{ids['import']}", label="import finished")
    audit.visit("/admin/tokens", label="tokens")
    page.get_by_role("button", name="Create token").click()
    audit.check("tokens, refused")
    page.get_by_label("Name").fill("Reporting")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_url(f"{base}/admin/tokens/created")
    audit.check("token created")
    audit.visit("/admin/audit", label="audit log")
    audit.visit("/admin/llm", label="llm")
    audit.visit("/admin/webhooks", label="webhooks")
    page.get_by_role("button", name="Add endpoint").click()
    audit.check("webhooks, refused")
    page.get_by_label("URL").fill("http://127.0.0.1:9/hooks/trainer")
    page.get_by_role("button", name="Add endpoint").click()
    page.wait_for_url(f"{base}/admin/webhooks/created")
    audit.check("webhook added, its secret shown")
    audit.visit("/admin/webhooks", label="webhooks, one endpoint")
    audit.visit("/feedback/", label="feedback, everyone's")
    audit.assert_clean()

