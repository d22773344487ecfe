"""Configuration: everything read from the environment, in one place."""

import os
from pathlib import Path
from typing import Any, ClassVar

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / name}"


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Hosted PostgreSQL often hands out postgres:// URLs; psycopg 3 needs its own dialect name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment; each value can be set from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(_sqlite_url("directory.sqlite3"))
    # hide_parameters: SQL logs and database errors never show the values (health answers among them).
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {"pool_pre_ping": True, "hide_parameters": True}

    SITE_NAME = os.environ.get("SITE_NAME", "Needle & Nerve")
    # Languages (directory/i18n.py): English at today's URLs, Spanish under /es/.
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    SERVER_NAME = os.environ.get("SERVER_NAME")
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")

    # Mail: "outbox" keeps every message in the database (readable by admins),
    # "smtp" sends through MAIL_SERVER in a background thread.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Needle & Nerve <no-reply@localhost>")
    # Where people write to a person: the sender above takes no replies.
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "help@localhost")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_TIMEOUT_SECONDS = 10

    # Account tokens
    EMAIL_CONFIRM_MAX_AGE = int(os.environ.get("EMAIL_CONFIRM_MAX_AGE", str(7 * 24 * 3600)))
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600"))
    PASSWORD_MIN_LENGTH = 10

    # Rate limits (Flask-Limiter); production refuses memory:// (it counts per worker) unless
    # RATELIMIT_SINGLE_WORKER=true says only one worker process runs.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: count in each worker's memory until it is back, rather than failing every
    # limited page (the limits are looser for a while; the site stays up).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "10 per hour")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per hour")
    CONSULTATION_RATE_LIMIT = os.environ.get("CONSULTATION_RATE_LIMIT", "5 per hour")
    REVIEW_RATE_LIMIT = os.environ.get("REVIEW_RATE_LIMIT", "10 per hour")
    REVIEW_FLAG_RATE_LIMIT = os.environ.get("REVIEW_FLAG_RATE_LIMIT", "20 per hour")
    CONFIRM_RESEND_RATE_LIMIT = os.environ.get("CONFIRM_RESEND_RATE_LIMIT", "5 per hour")
    # The JSON API: practitioner search, and the questionnaire's assessments and matches (each view counts apart).
    API_SEARCH_RATE_LIMIT = os.environ.get("API_SEARCH_RATE_LIMIT", "120 per minute")
    API_QUESTIONNAIRE_RATE_LIMIT = os.environ.get("API_QUESTIONNAIRE_RATE_LIMIT", "60 per minute")

    # How many reverse proxies in front of the app append to X-Forwarded-For (and set
    # X-Forwarded-Proto); 0 trusts neither header, so a client cannot pick its own address.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    # JSON bodies nesting deeper are refused before parsing (which recurses once per level).
    JSON_MAX_DEPTH = 32

    # HTTP caching and compression (directory.http_caching): how long a shared cache may keep a public
    # page (anonymous visitors only); gzip level (0: off, as when a proxy in front compresses) and the
    # smallest body worth it.
    PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "60"))
    COMPRESS_LEVEL = int(os.environ.get("COMPRESS_LEVEL", "1"))
    COMPRESS_MIN_SIZE = 1024

    # Maps: tiles are fetched by the visitor's browser; the list works without them.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    MAP_TILE_ATTRIBUTION = os.environ.get(
        "MAP_TILE_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    )

    # Geocoding: the offline gazetteer by default; Nominatim only when switched on.
    GEOCODER = os.environ.get("GEOCODER", "gazetteer")
    NOMINATIM_USER_AGENT = os.environ.get("NOMINATIM_USER_AGENT", "needle-and-nerve-directory")

    # Search bounds. The search form and the API's schema (whose OpenAPI document is built once, at
    # import) read these from this class, so they are not read from the environment.
    SEARCH_PAGE_SIZE = 20
    SEARCH_MAX_RADIUS_KM = 500
    SEARCH_DEFAULT_RADIUS_KM = 25
    SEARCH_MAX_PAGE = 10_000
    # Counting stops here: "more than 1,000" is as useful to a patient as an exact figure.
    SEARCH_COUNT_CAP = 1000
    # The API's per_page is SEARCH_PAGE_SIZE unless asked, and at most this.
    API_MAX_PAGE_SIZE = 100
    # The Bayesian average's prior weight (m) and how long the site-wide mean (C) is cached.
    REVIEW_PRIOR_WEIGHT = 10
    # Outcome figures are shrunk toward the expected value counted as this many patients (docs/outcomes.md).
    OUTCOME_PRIOR_WEIGHT = 10
    RATING_MEAN_CACHE_SECONDS = 300

    # Questionnaire matching: the weight of each part of the score (they need not add up to 100).
    MATCH_WEIGHTS: ClassVar[dict[str, int]] = {
        "headache_fit": 30,
        "distance": 20,
        "consultation_mode": 10,
        "language": 8,
        "availability": 8,
        "cost": 8,
        "gender": 4,
        "accessibility": 4,
        "experience": 4,
        "rating": 4,
        # Patients' diaries (docs/outcomes.md): only where the figures are shown, never for payment.
        "outcomes": 6,
    }
    MATCH_DEFAULT_DISTANCE_KM = 25
    # How far a practitioner offering a video first consultation may be: treatment is in person.
    MATCH_VIDEO_DISTANCE_KM = 150
    MATCH_RESULTS = 20

    LOG_MAIL = False  # echo outbox mail to the log (development)

    # Questionnaire answers not saved to an account are deleted this many days after they were given.
    QUESTIONNAIRE_TTL_DAYS = int(os.environ.get("QUESTIONNAIRE_TTL_DAYS", "7"))
    # Expired answers are deleted as part of normal traffic: at most once per this many seconds in each
    # app process, at most this many rows at a time (the next run takes the rest).
    QUESTIONNAIRE_PURGE_INTERVAL_SECONDS = int(os.environ.get("QUESTIONNAIRE_PURGE_INTERVAL_SECONDS", "300"))
    QUESTIONNAIRE_PURGE_BATCH = 500


class DevelopmentConfig(Config):
    """Local development: a fixed, obviously-unsafe key and mail echoed to the log."""

    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    LOG_MAIL = True


class TestingConfig(Config):
    """Tests: an in-memory SQLite database unless DATABASE_URL points elsewhere."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATING_MEAN_CACHE_SECONDS = 0
    MAIL_BACKEND = "outbox"
    SERVER_NAME = "localhost"


class ProductionConfig(Config):
    """Production: secrets and the database must come from the environment."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the settings production cannot guess, or with ones that are unsafe there."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Production needs these environment variables: {', '.join(missing)}")
        problems = []
        # The outbox delivers nothing: production says how mail goes out, or that it stays (staging).
        backend = os.environ.get("MAIL_BACKEND")
        if backend == "smtp" and not os.environ.get("MAIL_SERVER"):
            problems.append("MAIL_BACKEND=smtp needs MAIL_SERVER")
        elif backend not in ("smtp", "outbox"):
            problems.append(
                "MAIL_BACKEND must be smtp (with MAIL_SERVER), or outbox, explicitly, for a staging site that delivers nothing"
            )
        # memory:// counts in each worker process: with N workers a limit lets N times as much through.
        storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        if storage.startswith("memory://") and not _env_bool("RATELIMIT_SINGLE_WORKER", False):
            problems.append(
                "RATELIMIT_STORAGE_URI must be a store the workers share, such as redis://host:6379/0 "
                "(memory:// counts per worker); set RATELIMIT_SINGLE_WORKER=true if only one worker process serves the site"
            )
        if problems:
            raise RuntimeError("Production cannot start: " + "; ".join(problems) + ".")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by FLASK_CONFIG (development by default)."""
    name = os.environ.get("FLASK_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"FLASK_CONFIG must be one of {', '.join(CONFIGS)}, not {name!r}") from None
