"""Every setting read from the environment, in one place: its type, its bounds and its default,
checked once when the app is built (``create_app``), with an error that names the variable and
what was wrong with it. pydantic-settings reads the environment; a config given to
``create_app`` (tests, `trainer demo`) overrides it and is checked the same way.

The LLM block (OPENAI_*, TRAINER_LLM_*) is passed on as given and checked by llm/settings.py,
which also serves commands that run without an app; the engines and the scorer are checked by
llm.configure() against the registered engines."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import AliasChoices, BaseModel, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .config import SHIPPED_RUBRICS_DIR, SHIPPED_SCENARIOS_DIR, database_url
from .keys import ConfigError

HOUR = 3600
Model = TypeVar("Model", bound=BaseModel)


def _env(name: str, *more: str) -> Any:
    """A field read from the config key ``name`` or the environment variables ``more``."""
    return AliasChoices(name, *more)


class VoiceSettings(BaseModel):
    """Voice mode (trainer/speech; README, "Voice"): checked here with the rest, and read again by
    speech/settings.py from the app's config, which tests change while the app runs."""

    # Speech to text: pocketsphinx (the trainer[voice] extra) unless this names a model on the
    # OpenAI-compatible endpoint (OPENAI_BASE_URL / OPENAI_API_KEY)
    TRAINER_STT_MODEL: str | None = None
    TRAINER_STT_DEADLINE: float = Field(15, gt=0)  # seconds a transcription or a spoken line
    TRAINER_TTS_MODEL: str | None = None  # the customer's voice: the browser's unless set
    TRAINER_TTS_VOICE: str = Field("alloy", min_length=1)  # when the scenario names none
    TRAINER_VOICE_MAX_SECONDS: int = Field(60, ge=1)  # the longest spoken answer
    TRAINER_VOICE_PER_MINUTE: int = Field(20, ge=1)  # recordings a person may send a minute
    TRAINER_KEEP_AUDIO: bool = False  # off: no audio is ever stored
    TRAINER_AUDIO_RETENTION_DAYS: int = Field(30, ge=1)


class Settings(BaseSettings, VoiceSettings):
    """Field names are the app's config keys; where the environment variable is named otherwise,
    both names are accepted (the config key first)."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", env_ignore_empty=True,
                                      populate_by_name=True)

    SECRET_KEY: str | None = None
    # Keys the audit log's MAC chain; required wherever SECRET_KEY is (README, "The audit log").
    TRAINER_AUDIT_KEY: str | None = None
    TRAINER_AUDIT_CHECKPOINT_FILE: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = Field(None, validation_alias=_env(
        "SQLALCHEMY_DATABASE_URI", "DATABASE_URL"))  # None: the SQLite file in the instance folder
    SCENARIOS_DIR: Path = Field(SHIPPED_SCENARIOS_DIR, validation_alias=_env(
        "SCENARIOS_DIR", "TRAINER_SCENARIOS_DIR"))
    RUBRICS_DIR: Path = Field(SHIPPED_RUBRICS_DIR, validation_alias=_env(
        "RUBRICS_DIR", "TRAINER_RUBRICS_DIR"))
    # "random" draws one variant per attempt; "default" always plays the first values.
    TRAINER_VARIANTS: Literal["random", "default"] = "random"

    # Sessions and logins
    TRAINER_SECURE_COOKIES: bool = False  # SESSION_COOKIE_SECURE
    TRAINER_SESSION_HOURS: float = Field(8, gt=0)  # idle timeout
    TRAINER_SESSION_MAX_HOURS: float = Field(24, gt=0)  # absolute lifetime of a login
    TRAINER_PROXY_FIX: int = Field(0, ge=0)  # trusted proxy hops
    LOGIN_MAX_FAILURES: int = Field(5, ge=1, validation_alias=_env(
        "LOGIN_MAX_FAILURES", "TRAINER_LOGIN_MAX_FAILURES"))
    LOGIN_WINDOW_SECONDS: int = Field(900, ge=1, validation_alias=_env(
        "LOGIN_WINDOW_SECONDS", "TRAINER_LOGIN_WINDOW_SECONDS"))
    LOGIN_MAX_FAILURES_PER_IP: int = Field(20, ge=1, validation_alias=_env(
        "LOGIN_MAX_FAILURES_PER_IP", "TRAINER_LOGIN_MAX_FAILURES_PER_IP"))
    RATELIMIT_STORAGE_URI: str | None = None  # unset: Redis with REDIS_URL, else memory

    # The job queue (services/queue.py): unset REDIS_URL scores in-process
    REDIS_URL: str | None = None
    TRAINER_QUEUE: str = Field("trainer", min_length=1)
    TRAINER_SCORING_JOB_TIMEOUT: int = Field(180, ge=1)
    TRAINER_SCORING_RETRIES: int = Field(2, ge=0)
    TRAINER_SCORING_RETRY_INTERVALS: str = "10,60"  # seconds before each retry
    TRAINER_SCORING_STUCK_SECONDS: int = Field(300, ge=1)
    TRAINER_SWEEP_SECONDS: int = Field(60, ge=1)
    TRAINER_IMPORT_JOB_TIMEOUT: int = Field(3600, ge=1)
    TRAINER_IMPORT_STALL_SECONDS: int = Field(300, ge=1)

    # Email (services/mail.py)
    TRAINER_SMTP_URL: str | None = None
    TRAINER_SMTP_HOST: str | None = None
    TRAINER_SMTP_PORT: int | None = Field(None, ge=1, le=65535)
    TRAINER_SMTP_USER: str | None = None
    TRAINER_SMTP_PASSWORD: str | None = None
    TRAINER_SMTP_TLS: Literal["none", "starttls", "ssl"] | None = None
    TRAINER_SMTP_TIMEOUT: float = Field(10, gt=0)
    TRAINER_MAIL_FROM: str | None = None
    TRAINER_BASE_URL: str | None = None

    # Open Badges (services/badges.py)
    TRAINER_ISSUER_KEY: str | None = None
    TRAINER_ISSUER_KEY_FILE: str | None = None
    TRAINER_ORG_NAME: str = Field("Trainer", min_length=1)

    # Single sign-on (services/sso.py)
    TRAINER_OIDC_ISSUER: str | None = None
    TRAINER_OIDC_CLIENT_ID: str | None = None
    TRAINER_OIDC_CLIENT_SECRET: str | None = None
    TRAINER_OIDC_PROVIDER_NAME: str = "single sign-on"
    TRAINER_OIDC_SCOPES: str = "openid email profile"
    TRAINER_OIDC_CREATE_USERS: bool = False
    TRAINER_OIDC_NAME_CLAIM: str = "name"
    TRAINER_OIDC_DEPARTMENT_CLAIM: str = "department"
    TRAINER_OIDC_DEFAULT_DEPARTMENT: str = "Unassigned"
    TRAINER_OIDC_ROLE_CLAIM: str | None = None
    TRAINER_OIDC_PROVIDER_LOGOUT: bool = False
    TRAINER_OIDC_TIMEOUT: float = Field(10, gt=0)
    TRAINER_PASSWORD_LOGIN: bool = True  # false: single sign-on only

    # Outbound events (services/outbound.py)
    TRAINER_XAPI_ENDPOINT: str | None = None
    TRAINER_XAPI_USERNAME: str | None = None
    TRAINER_XAPI_PASSWORD: str | None = None
    TRAINER_OUTBOUND_TIMEOUT: float = Field(3, gt=0)
    TRAINER_OUTBOUND_RETRIES: int = Field(5, ge=0)
    TRAINER_OUTBOUND_RETRY_INTERVALS: str = "30,120,600,3600,21600"

    @field_validator("SQLALCHEMY_DATABASE_URI")
    @classmethod
    def _driver(cls, value: str | None) -> str | None:
        return database_url(value)

    @field_validator("TRAINER_SMTP_TLS", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("TRAINER_SCORING_RETRY_INTERVALS", "TRAINER_OUTBOUND_RETRY_INTERVALS")
    @classmethod
    def _seconds_list(cls, value: str) -> str:
        try:
            if all(float(part) >= 0 for part in value.split(",")):
                return value
        except ValueError:
            pass
        raise ValueError("must be seconds separated by commas, e.g. 10,60")

    def as_config(self) -> dict[str, Any]:
        """The app's config keys: the fields, and the Flask settings some of them stand for."""
        config = self.model_dump()
        config.update(SESSION_COOKIE_SECURE=self.TRAINER_SECURE_COOKIES,
                      PERMANENT_SESSION_LIFETIME=round(self.TRAINER_SESSION_HOURS * HOUR),
                      SESSION_MAX_SECONDS=round(self.TRAINER_SESSION_MAX_HOURS * HOUR))
        return config


def load_settings(given: dict[str, Any] | None = None) -> Settings:
    """The settings from the environment, with ``given`` (config keys) over them; a bad value
    raises ConfigError naming every variable that is wrong and why."""
    given = {key: value for key, value in (given or {}).items() if key in Settings.model_fields}
    return checked(Settings, given)


def checked(model: type[Model], values: dict[str, Any]) -> Model:
    """``model`` made from ``values`` (and, for Settings, the environment), or ConfigError."""
    try:
        return model(**values)
    except ValidationError as exc:
        raise ConfigError("Bad settings: " + "; ".join(
            _problem(error) for error in exc.errors())) from None


def app_config(given: dict[str, Any]) -> dict[str, Any]:
    """The app's config: the settings checked, then what ``given`` sets that is not a setting
    (TESTING, a derived Flask key such as PERMANENT_SESSION_LIFETIME, a test's own switch)."""
    config = load_settings(given).as_config()
    config.update({key: value for key, value in given.items() if key not in Settings.model_fields})
    return config


def _problem(error: dict[str, Any]) -> str:
    name = str(error["loc"][0]) if error["loc"] else "setting"
    message = error["msg"].removeprefix("Value error, ")
    return f"{_variable(name)}: {message[:1].lower()}{message[1:]} (got {error['input']!r})"


def _variable(name: str) -> str:
    """The environment variable a field is read from (what people set), else the field."""
    field = Settings.model_fields.get(name)
    alias = field.validation_alias if field else None
    choices = getattr(alias, "choices", None)
    return choices[-1] if choices else name
