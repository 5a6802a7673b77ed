"""Web blueprints by who uses them, plus error pages, security headers and the id converter
that every route's ``<int:...>`` uses."""

from __future__ import annotations

from flask import Flask

from .converters import IdConverter


def register_web(app: Flask) -> None:
    from . import (
        admin,
        admin_llm,
        admin_tokens,
        api,
        auth,
        authority,
        errors,
        manager,
        routing,
        security,
        trainee,
    )

    # Before any blueprint: each rule builds its converters when it is added.
    app.url_map.converters["int"] = IdConverter
    security.init_security(app)
    app.context_processor(_library_context)
    errors.init_errors(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(trainee.bp)
    app.register_blueprint(manager.bp)
    app.register_blueprint(authority.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_tokens.bp)
    app.register_blueprint(admin_llm.bp)
    app.register_blueprint(routing.bp)
    app.register_blueprint(api.bp)


def _library_context() -> dict:
    """Every page may name a category by its title."""
    from ..services.library import get_library

    return {"categories": get_library().categories}
