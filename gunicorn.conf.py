"""gunicorn settings for production and for the page benchmark (bench/pages.py); each one can be set from the environment.

gunicorn -c gunicorn.conf.py wsgi:app
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Load the app before forking: the workers share its memory and start at once.
preload_app = True
