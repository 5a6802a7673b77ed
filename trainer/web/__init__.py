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
        admin_users,
        admin_webhooks,
        api,
        auth,
        badges,
        errors,
        feedback,
        html_attributes,
        insight,
        manager,
        password_reset,
        preferences,
        routing,
        security,
        sparkline,
        sso,
        static_files,
        trainee,
        voice,
        voice_marks,
    )

    # Before any blueprint: each rule builds its converters when it is added.
    app.url_map.converters["int"] = IdConverter
    security.init_security(app)
    html_attributes.install()  # WTForms' widgets write attributes the faster way
    app.context_processor(_library_context)
    app.add_template_filter(_scenario_title, "scenario_title")
    app.add_template_filter(_authority, "authority")
    app.add_template_filter(_amount, "amount")
    voice_marks.init_voice_marks(app)
    sparkline.init_sparkline(app)
    static_files.init_static_files(app)
    errors.init_errors(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(trainee.bp)
    app.register_blueprint(manager.bp)
    app.register_blueprint(manager.authority_bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_tokens.bp)
    app.register_blueprint(admin_webhooks.bp)
    app.register_blueprint(admin_users.bp)
    app.register_blueprint(admin_llm.bp)
    app.register_blueprint(routing.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feedback.bp)
    app.register_blueprint(insight.bp)
    app.register_blueprint(password_reset.bp)
    app.register_blueprint(preferences.bp)
    app.register_blueprint(badges.bp)
    app.register_blueprint(sso.bp)
    app.register_blueprint(voice.bp)


def _library_context() -> dict:
    """Every page may name a category by its title."""
    from ..services.library import get_library

    return {"categories": get_library().categories}


def _scenario_title(scenario_id: str) -> str:
    """A scenario's title for people to read; its id when the library no longer has it."""
    from ..services.library import get_library

    scenario = get_library().scenarios.get(scenario_id)
    return scenario.title if scenario is not None else scenario_id


def _authority(clearance) -> str:
    """A clearance in words: "Delivery problems, level 2: goodwill up to 75 (limit 75)"."""
    from ..domain.authority_text import authority_phrase
    from ..services.library import get_library

    category = get_library().categories.get(clearance.category)
    return authority_phrase(category, clearance.category, clearance.level, clearance.limit)


def _amount(value) -> str:
    """75, 49.50: an amount as people write it (never 75.00)."""
    from ..domain.authority_text import amount_text

    return amount_text(value)
