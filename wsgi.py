"""Entry point for gunicorn: ``gunicorn wsgi:app``."""

from directory import create_app

app = create_app()
