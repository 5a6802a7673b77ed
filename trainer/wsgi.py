"""The WSGI entry point for gunicorn: `gunicorn trainer.wsgi:app` (SECRET_KEY required)."""

from . import create_app

app = create_app()
