"""Settings from the environment with safe defaults, and the test configuration."""

from __future__ import annotations

import os
from pathlib import Path

# The package holds templates/, static/, scenarios/, rubrics/ and migrations/.
PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent  # the checkout, when running from one (the top-level folders link here)
# The library shipped in the package: what TRAINER_SCENARIOS_DIR and TRAINER_RUBRICS_DIR replace.
SHIPPED_SCENARIOS_DIR, SHIPPED_RUBRICS_DIR = PACKAGE_DIR / "scenarios", PACKAGE_DIR / "rubrics"


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
    """What is not read from the environment, and the blocks passed on as given (checked where
    they are used). Everything else comes from settings.py, checked in the factory."""

    TRAINER_CUSTOMER_ENGINE = os.environ.get("TRAINER_CUSTOMER_ENGINE", DEFAULT_CUSTOMER_ENGINE)
    TRAINER_SCORER = os.environ.get("TRAINER_SCORER", DEFAULT_SCORER)
    # LLM engines (trainer/llm; README). No key and no base URL: scripted customer, rule scorer.
    OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY")
    OPENAI_BASE_URL = os.environ.get("OPENAI_BASE_URL")  # any OpenAI-compatible server
    # As given (None when unset): llm/settings.py checks them and holds their defaults (model
    # gpt-4o-mini, 20 s a try, 1 retry, json_schema mode, 400 and 1500 output tokens), for the app
    # and for commands that run without one.
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
    # Cookies: HttpOnly and SameSite always; Secure (TRAINER_SECURE_COOKIES, settings.py) is also
    # added per request whenever the request came over HTTPS (see web/security.py).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Re-sent when the server-side session's last_seen is written (web/security.py), at most once
    # a minute, so a cookie in use keeps sliding forward with the idle timeout.
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, which expires on its own
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    ANSWER_MAX_CHARS = 4000


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    TRAINER_AUDIT_KEY = "test-audit-key-not-for-production"
    TRAINER_AUDIT_CHECKPOINT_FILE = None
    RATELIMIT_STORAGE_URI = "memory://"  # each test app counts failed logins on its own
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    TRAINER_SECURE_COOKIES = False
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
    TRAINER_STT_MODEL = TRAINER_TTS_MODEL = None  # voice tests start their own speech server
    TRAINER_KEEP_AUDIO = False
