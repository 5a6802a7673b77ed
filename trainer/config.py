"""Settings from the environment with safe defaults, and the test configuration."""

from __future__ import annotations

import os
from pathlib import Path

# The package holds templates/, static/, scenarios/, rubrics/ and migrations/.
PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent  # the checkout, when running from one (the top-level folders link here)


def default_instance_path() -> str:
    """Where the SQLite file and local secrets live: instance/ in a checkout, else the user's data
    folder (XDG_DATA_HOME/trainer), so that an installed `trainer demo` works from any directory.
    A relative XDG_DATA_HOME is ignored, as the XDG spec says. Servers set TRAINER_INSTANCE_PATH."""
    if (ROOT / "pyproject.toml").is_file():
        return str(ROOT / "instance")
    data_home = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(data_home):
        data_home = str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "trainer")


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(raw: str | None) -> str | None:
    """Accept the usual postgres:// and postgresql:// forms and use the psycopg 3 driver."""
    if not raw:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


# The customer engine and the scorer when none is chosen, or "llm" is chosen without an LLM.
DEFAULT_CUSTOMER_ENGINE, DEFAULT_SCORER = "scripted", "rules"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Keys the audit log's MAC chain; required wherever SECRET_KEY is (README, "The audit log").
    TRAINER_AUDIT_KEY = os.environ.get("TRAINER_AUDIT_KEY") or None
    TRAINER_AUDIT_CHECKPOINT_FILE = os.environ.get("TRAINER_AUDIT_CHECKPOINT_FILE") or None
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))  # None: SQLite file
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SCENARIOS_DIR = Path(os.environ.get("TRAINER_SCENARIOS_DIR", PACKAGE_DIR / "scenarios"))
    RUBRICS_DIR = Path(os.environ.get("TRAINER_RUBRICS_DIR", PACKAGE_DIR / "rubrics"))
    TRAINER_CUSTOMER_ENGINE = os.environ.get("TRAINER_CUSTOMER_ENGINE", DEFAULT_CUSTOMER_ENGINE)
    TRAINER_SCORER = os.environ.get("TRAINER_SCORER", DEFAULT_SCORER)
    # Scenario variants (README): "random" draws one per attempt; "default" always plays the
    # first values (tests and demos that quote figures).
    TRAINER_VARIANTS = os.environ.get("TRAINER_VARIANTS", "random")
    # LLM engines (trainer/llm; README). No key and no base URL: scripted customer, rule scorer.
    OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY")
    OPENAI_BASE_URL = os.environ.get("OPENAI_BASE_URL")  # any OpenAI-compatible server
    # As given (None when unset): llm/settings.py checks them and holds their defaults (model
    # gpt-4o-mini, 20 s a try, 1 retry, json_schema mode, 400 and 1500 output tokens).
    TRAINER_LLM_MODEL = os.environ.get("TRAINER_LLM_MODEL")
    TRAINER_LLM_CUSTOMER_MODEL = os.environ.get("TRAINER_LLM_CUSTOMER_MODEL")  # default: above
    TRAINER_LLM_JUDGE_MODEL = os.environ.get("TRAINER_LLM_JUDGE_MODEL")  # default: above
    TRAINER_LLM_TIMEOUT = os.environ.get("TRAINER_LLM_TIMEOUT")  # seconds, per try
    TRAINER_LLM_RETRIES = os.environ.get("TRAINER_LLM_RETRIES")
    # Seconds per call, retries included (default: the tries' timeouts added up, at most 20).
    TRAINER_LLM_DEADLINE = os.environ.get("TRAINER_LLM_DEADLINE")
    TRAINER_LLM_JSON_MODE = os.environ.get("TRAINER_LLM_JSON_MODE")  # "schema" or "object"
    TRAINER_LLM_CUSTOMER_MAX_TOKENS = os.environ.get("TRAINER_LLM_CUSTOMER_MAX_TOKENS")
    TRAINER_LLM_JUDGE_MAX_TOKENS = os.environ.get("TRAINER_LLM_JUDGE_MAX_TOKENS")
    # max_tokens or max_completion_tokens (default: the latter for OpenAI, else the former)
    TRAINER_LLM_MAX_TOKENS_PARAM = os.environ.get("TRAINER_LLM_MAX_TOKENS_PARAM")
    TRAINER_DEMO = False  # set by `trainer demo`: allows the built-in development secret
    # Cookies: HttpOnly and SameSite always; Secure is forced here and also added per request
    # whenever the request came over HTTPS (see web/security.py).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("TRAINER_SECURE_COOKIES")
    REMEMBER_COOKIE_HTTPONLY = True
    # Idle timeout; SESSION_MAX_SECONDS below is the absolute lifetime of a login.
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("TRAINER_SESSION_HOURS", "8")) * 3600
    TRAINER_PROXY_FIX = int(os.environ.get("TRAINER_PROXY_FIX", "0"))  # trusted proxy hops
    LOGIN_MAX_FAILURES = int(os.environ.get("TRAINER_LOGIN_MAX_FAILURES", "5"))
    LOGIN_WINDOW_SECONDS = int(os.environ.get("TRAINER_LOGIN_WINDOW_SECONDS", "900"))
    LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("TRAINER_LOGIN_MAX_FAILURES_PER_IP", "20"))
    # Where Flask-Limiter keeps the failed-login counts (services/login_limits.py): unset, Redis
    # when REDIS_URL is set, else this process's memory.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or None
    SESSION_MAX_SECONDS = int(os.environ.get("TRAINER_SESSION_MAX_HOURS", "24")) * 3600
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, which expires on its own
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    ANSWER_MAX_CHARS = 4000
    # Job queue (services/jobs.py): unset REDIS_URL scores in-process, inside the web request.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    TRAINER_QUEUE = os.environ.get("TRAINER_QUEUE", "trainer")
    TRAINER_SCORING_JOB_TIMEOUT = int(os.environ.get("TRAINER_SCORING_JOB_TIMEOUT", "180"))
    TRAINER_SCORING_RETRIES = int(os.environ.get("TRAINER_SCORING_RETRIES", "2"))
    # Seconds before each retry, comma-separated; "0" retries at once.
    TRAINER_SCORING_RETRY_INTERVALS = os.environ.get("TRAINER_SCORING_RETRY_INTERVALS", "10,60")
    TRAINER_SCORING_STUCK_SECONDS = int(os.environ.get("TRAINER_SCORING_STUCK_SECONDS", "300"))
    TRAINER_SWEEP_SECONDS = int(os.environ.get("TRAINER_SWEEP_SECONDS", "60"))
    # User imports (services/import_jobs.py): how long a worker job may run, and how long an
    # import may go without finishing a batch before it is marked failed.
    TRAINER_IMPORT_JOB_TIMEOUT = int(os.environ.get("TRAINER_IMPORT_JOB_TIMEOUT", "3600"))
    TRAINER_IMPORT_STALL_SECONDS = int(os.environ.get("TRAINER_IMPORT_STALL_SECONDS", "300"))
    # Email (services/mail.py; README, "Email"): off until an SMTP server (a URL, or a host) and
    # TRAINER_BASE_URL are set. The URL wins over the separate settings it names.
    TRAINER_SMTP_URL = os.environ.get("TRAINER_SMTP_URL") or None  # smtp[s]://user:pass@host:port
    TRAINER_SMTP_HOST = os.environ.get("TRAINER_SMTP_HOST") or None
    TRAINER_SMTP_PORT = os.environ.get("TRAINER_SMTP_PORT") or None  # default: by TLS mode
    TRAINER_SMTP_USER = os.environ.get("TRAINER_SMTP_USER") or None
    TRAINER_SMTP_PASSWORD = os.environ.get("TRAINER_SMTP_PASSWORD") or None
    TRAINER_SMTP_TLS = os.environ.get("TRAINER_SMTP_TLS") or None  # none, starttls or ssl
    TRAINER_SMTP_TIMEOUT = os.environ.get("TRAINER_SMTP_TIMEOUT", "10")  # seconds
    TRAINER_MAIL_FROM = os.environ.get("TRAINER_MAIL_FROM") or None
    TRAINER_BASE_URL = os.environ.get("TRAINER_BASE_URL") or None  # links in mails start with it
    # Open Badges 3.0 (services/badges.py): clearances as signed credentials. Off until an issuer
    # key is given (a PEM or JWK string, or a file; `trainer keys create` makes one).
    TRAINER_ISSUER_KEY = os.environ.get("TRAINER_ISSUER_KEY") or None
    TRAINER_ISSUER_KEY_FILE = os.environ.get("TRAINER_ISSUER_KEY_FILE") or None
    TRAINER_ORG_NAME = os.environ.get("TRAINER_ORG_NAME", "Trainer")
    # Issuer, key, status list and achievement URLs in credentials start with TRAINER_BASE_URL
    # (above); unset: with the address each request came to.
    # Single sign-on through an OpenID Connect provider (services/sso.py; README, "Single
    # sign-on"): off until an issuer and a client id are set.
    TRAINER_OIDC_ISSUER = os.environ.get("TRAINER_OIDC_ISSUER") or None
    TRAINER_OIDC_CLIENT_ID = os.environ.get("TRAINER_OIDC_CLIENT_ID") or None
    TRAINER_OIDC_CLIENT_SECRET = os.environ.get("TRAINER_OIDC_CLIENT_SECRET") or None
    TRAINER_OIDC_PROVIDER_NAME = os.environ.get("TRAINER_OIDC_PROVIDER_NAME") or "single sign-on"
    TRAINER_OIDC_SCOPES = os.environ.get("TRAINER_OIDC_SCOPES") or "openid email profile"
    TRAINER_OIDC_CREATE_USERS = _flag("TRAINER_OIDC_CREATE_USERS")
    TRAINER_OIDC_NAME_CLAIM = os.environ.get("TRAINER_OIDC_NAME_CLAIM") or "name"
    TRAINER_OIDC_DEPARTMENT_CLAIM = os.environ.get("TRAINER_OIDC_DEPARTMENT_CLAIM") or "department"
    TRAINER_OIDC_DEFAULT_DEPARTMENT = (os.environ.get("TRAINER_OIDC_DEFAULT_DEPARTMENT")
                                       or "Unassigned")
    TRAINER_OIDC_ROLE_CLAIM = os.environ.get("TRAINER_OIDC_ROLE_CLAIM") or None  # trainee/manager
    TRAINER_OIDC_PROVIDER_LOGOUT = _flag("TRAINER_OIDC_PROVIDER_LOGOUT")
    TRAINER_OIDC_TIMEOUT = float(os.environ.get("TRAINER_OIDC_TIMEOUT", "10"))  # seconds
    TRAINER_PASSWORD_LOGIN = _flag("TRAINER_PASSWORD_LOGIN", True)  # 0: single sign-on only
    # Outbound events (services/outbound.py; README, "Outbound events: xAPI and webhooks"):
    # xAPI statements to an LRS (off until TRAINER_XAPI_ENDPOINT is set) and signed webhooks to
    # the endpoints admins add on /admin/webhooks, sent through the job queue with retries.
    TRAINER_XAPI_ENDPOINT = os.environ.get("TRAINER_XAPI_ENDPOINT") or None  # .../xAPI/
    TRAINER_XAPI_USERNAME = os.environ.get("TRAINER_XAPI_USERNAME") or None
    TRAINER_XAPI_PASSWORD = os.environ.get("TRAINER_XAPI_PASSWORD") or None
    TRAINER_OUTBOUND_TIMEOUT = float(os.environ.get("TRAINER_OUTBOUND_TIMEOUT", "3"))  # seconds
    TRAINER_OUTBOUND_RETRIES = int(os.environ.get("TRAINER_OUTBOUND_RETRIES", "5"))
    # Seconds before each retry, comma-separated (the last one repeats).
    TRAINER_OUTBOUND_RETRY_INTERVALS = os.environ.get("TRAINER_OUTBOUND_RETRY_INTERVALS",
                                                      "30,120,600,3600,21600")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    TRAINER_AUDIT_KEY = "test-audit-key-not-for-production"
    TRAINER_AUDIT_CHECKPOINT_FILE = None
    RATELIMIT_STORAGE_URI = "memory://"  # each test app counts failed logins on its own
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = False
    # Tests never reach a real LLM, whatever the environment says; LLM tests set their own.
    OPENAI_API_KEY = None
    OPENAI_BASE_URL = None
    TRAINER_CUSTOMER_ENGINE = DEFAULT_CUSTOMER_ENGINE
    TRAINER_SCORER = DEFAULT_SCORER
    TRAINER_VARIANTS = "default"  # tests quote the first values; variant tests ask for "random"
    REDIS_URL = None  # tests that want the queue set it themselves
    TRAINER_SMTP_URL = TRAINER_SMTP_HOST = None  # mail tests start their own SMTP server
    TRAINER_BASE_URL = None
    TRAINER_ISSUER_KEY = None  # badge tests give their own key
    TRAINER_ISSUER_KEY_FILE = None
    TRAINER_OIDC_ISSUER = None  # single sign-on tests set their own provider
    TRAINER_XAPI_ENDPOINT = None  # xAPI tests start their own LRS
    TRAINER_PASSWORD_LOGIN = True
