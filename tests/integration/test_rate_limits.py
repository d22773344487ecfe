"""Rate limits hold across worker processes sharing Redis, and count the client's real address."""

import json
import os
import subprocess
import sys

import pytest

from config import BASE_DIR, TestingConfig

# One worker process: its own app (and so its own limiter), logging in `attempts` times.
WORKER = """
import json, sys
from config import TestingConfig
from directory import create_app
from directory.extensions import db
from tests.conftest import reset_database

class WorkerConfig(TestingConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = sys.argv[1]
    LOGIN_RATE_LIMIT = "10 per minute"

app = create_app(WorkerConfig)
with app.app_context():
    reset_database()
client = app.test_client()
statuses = [client.post("/auth/login", data={"email": "someone@example.com", "password": "wrong-password"}).status_code
            for _ in range(int(sys.argv[2]))]
print(json.dumps(statuses))
"""


def _worker(storage_uri: str, attempts: int) -> list[int]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, storage_uri, str(attempts)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_workers_sharing_redis_allow_ten_login_attempts_in_total(redis_url):
    first = _worker(redis_url, 6)
    second = _worker(redis_url, 6)
    assert 429 not in first
    assert 429 not in second[:4], "the second worker must count the first worker's attempts"
    assert second[4:] == [429, 429]


class LimitedLoginConfig(TestingConfig):
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "1 per minute"


class BehindOneProxyConfig(LimitedLoginConfig):
    PROXY_COUNT = 1


def _attempt(client, forwarded_for: str) -> int:
    return client.post(
        "/auth/login",
        data={"email": "someone@example.com", "password": "wrong-password"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    ).status_code


def test_without_a_configured_proxy_x_forwarded_for_is_ignored(make_app):
    client = make_app(LimitedLoginConfig).test_client()
    assert _attempt(client, "203.0.113.1") != 429
    # Another claimed address is still the same client: its limit is spent.
    assert _attempt(client, "203.0.113.2") == 429


def test_behind_one_proxy_the_address_it_forwarded_counts(make_app):
    client = make_app(BehindOneProxyConfig).test_client()
    assert _attempt(client, "203.0.113.1") != 429
    assert _attempt(client, "203.0.113.2") != 429
    assert _attempt(client, "203.0.113.1") == 429


def test_behind_one_proxy_addresses_the_client_wrote_itself_are_ignored(make_app):
    client = make_app(BehindOneProxyConfig).test_client()
    # The proxy appends the address it saw; whatever the client sent before it is not trusted.
    assert _attempt(client, "198.51.100.7, 203.0.113.9") != 429
    assert _attempt(client, "198.51.100.8, 203.0.113.9") == 429


@pytest.mark.parametrize("config", [LimitedLoginConfig, BehindOneProxyConfig])
def test_the_proxy_count_does_not_change_the_limit_itself(make_app, config):
    client = make_app(config).test_client()
    assert [_attempt(client, "203.0.113.5") for _ in range(3)] == [400, 429, 429]
