"""gunicorn settings for production and for the page benchmark (bench/pages.py); each one can be set from the environment.

gunicorn -c gunicorn.conf.py wsgi:app
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Load the app before forking: the workers share its memory and start at once.
preload_app = True


def pre_fork(server, worker):
    """Hide the preloaded app's objects from the garbage collector before each worker is forked.

    They live as long as the process: without this, every full collection in a worker walks them
    all again (86 ms once every few hundred questionnaire steps, about a tenth of their time), and
    writing their GC headers copies the memory pages the workers would otherwise share.
    """
    gc.freeze()
