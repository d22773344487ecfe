"""Production refuses mail and rate-limit settings that would silently fail it."""

import pytest

from config import ProductionConfig
from directory import create_app


@pytest.fixture
def production_env(monkeypatch):
    """A complete production environment; each test takes a piece away."""
    for name, value in {
        "SECRET_KEY": "s3cret-from-the-environment",
        "DATABASE_URL": "postgresql://db.internal/directory",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "smtp.internal",
        "RATELIMIT_STORAGE_URI": "redis://cache.internal:6379/0",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RATELIMIT_SINGLE_WORKER", raising=False)
    return monkeypatch


def test_a_complete_production_environment_starts(production_env):
    ProductionConfig.check()


def test_production_refuses_to_start_without_a_mail_backend(production_env):
    production_env.delenv("MAIL_BACKEND")
    with pytest.raises(RuntimeError, match="MAIL_BACKEND must be smtp"):
        create_app(ProductionConfig)


def test_production_refuses_an_unknown_mail_backend(production_env):
    production_env.setenv("MAIL_BACKEND", "smpt")
    with pytest.raises(RuntimeError, match="MAIL_BACKEND must be smtp"):
        ProductionConfig.check()


def test_production_smtp_needs_a_mail_server(production_env):
    production_env.delenv("MAIL_SERVER")
    with pytest.raises(RuntimeError, match="MAIL_BACKEND=smtp needs MAIL_SERVER"):
        ProductionConfig.check()


def test_production_accepts_the_outbox_when_asked_for_explicitly(production_env):
    production_env.setenv("MAIL_BACKEND", "outbox")
    production_env.delenv("MAIL_SERVER")
    ProductionConfig.check()


@pytest.mark.parametrize("storage", [None, "memory://"])
def test_production_refuses_per_worker_rate_limit_counters(production_env, storage):
    if storage is None:
        production_env.delenv("RATELIMIT_STORAGE_URI")
    else:
        production_env.setenv("RATELIMIT_STORAGE_URI", storage)
    with pytest.raises(RuntimeError, match="memory:// counts per worker"):
        create_app(ProductionConfig)


def test_production_accepts_memory_counters_for_a_single_worker_said_explicitly(production_env):
    production_env.setenv("RATELIMIT_STORAGE_URI", "memory://")
    production_env.setenv("RATELIMIT_SINGLE_WORKER", "true")
    ProductionConfig.check()
