"""A test client whose every request runs in its own app context, as in production: with the
``ctx`` fixture's context pushed, Flask would reuse it, so ``g`` (the cached current_user and
CSRF token) would leak from one request into the next."""

from __future__ import annotations

from flask.testing import FlaskClient


class IsolatedClient(FlaskClient):
    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)
