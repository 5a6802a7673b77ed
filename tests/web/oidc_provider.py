"""A real OpenID Connect provider for the single sign-on tests: oidc-provider-mock served on a
loopback port by a subprocess, the app configured for it, and a user approved at its form over
real HTTP. Importing this skips the importing tests when the provider's packages are missing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

from .isolated import IsolatedClient

if importlib.util.find_spec("oidc_provider_mock") is None:  # imported by the provider only
    pytest.skip("oidc-provider-mock is not installed (pip install -e .[test])",
                allow_module_level=True)
pytest.importorskip("authlib", reason="Authlib is not installed")
requests = pytest.importorskip("requests", reason="requests is not installed")

PROVIDER_NAME = "Acme ID"

# The provider runs in its own Python: its Authlib version warns about deprecations, which this
# suite turns into errors; it prints its port, then serves.
LAUNCHER = """
import warnings
warnings.simplefilter("ignore")
import oidc_provider_mock
from werkzeug.serving import make_server
server = make_server("127.0.0.1", 0, oidc_provider_mock.app(require_nonce=True), threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@contextmanager
def running_provider() -> Iterator[str]:
    """oidc-provider-mock's WSGI app served on a free loopback port by a subprocess; yields its
    issuer URL once discovery answers, and stops it afterwards."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([sys.executable, "-c", LAUNCHER], stdout=subprocess.PIPE,
                                   stderr=log, text=True)
        try:
            line = process.stdout.readline().strip()
            if not line.isdigit():
                log.seek(0)
                pytest.fail(f"the OIDC provider did not start: {log.read().decode()[-2000:]}")
            issuer = f"http://127.0.0.1:{line}"
            _wait_for_discovery(issuer)
            yield issuer
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            process.stdout.close()


def _wait_for_discovery(issuer: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration",
                            timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            pytest.fail("the OIDC provider never answered discovery")
        time.sleep(0.05)


def configure(app, issuer: str, **settings) -> None:
    app.config.update(TRAINER_OIDC_ISSUER=issuer, TRAINER_OIDC_CLIENT_ID="trainer-app",
                      TRAINER_OIDC_CLIENT_SECRET="not-a-real-secret",
                      TRAINER_OIDC_PROVIDER_NAME=PROVIDER_NAME, **settings)
    app.test_client_class = IsolatedClient


def approve(url: str, claims: dict, sub: str | None = None) -> str:
    """Give the provider's user ``sub`` these claims, approve at its authorisation form as that
    user, and return the callback URL the provider redirects the browser to."""
    issuer = urlunsplit(urlsplit(url)._replace(path="", query=""))
    sub = sub or str(uuid.uuid4())
    requests.put(f"{issuer}/users/{sub}", json=claims, timeout=10).raise_for_status()
    answer = requests.post(url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def verified(email: str, **claims) -> dict:
    return {"email": email, "email_verified": True, **claims}
