"""The site with the hello-world mounted beside it: gunicorn -c gunicorn.conf.py bench.load_app:app

The load harness serves this, so that a hello-world request is answered by the same workers as the site's
pages, queued behind the same simulated users: its p95 is the floor for any page's p95 under that load
(issue 14: each page's p95 at most 10 times the hello-world's).
"""

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from bench.hello import app as hello
from wsgi import app as site

HELLO_PATH = "/__hello__"

app = DispatcherMiddleware(site, {HELLO_PATH: hello})
