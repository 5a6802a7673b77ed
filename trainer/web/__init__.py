"""Web blueprints by who uses them, plus error pages and security headers."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    from . import (
        admin,
        admin_llm,
        admin_tokens,
        api,
        auth,
        errors,
        manager,
        routing,
        security,
        trainee,
    )

    security.init_security(app)
    errors.init_errors(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(trainee.bp)
    app.register_blueprint(manager.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_tokens.bp)
    app.register_blueprint(admin_llm.bp)
    app.register_blueprint(routing.bp)
    app.register_blueprint(api.bp)
