"""The ceiling for any Flask page: a hello-world served by the same gunicorn as the site.

gunicorn -c gunicorn.conf.py bench.hello:app
"""

from flask import Flask

app = Flask(__name__)


@app.route("/", defaults={"path": ""})
@app.route("/<path:path>")
def hello(path: str):
    """Hello, World! at every path, so that the pages' URL lists can be replayed against it."""
    return "Hello, World!"
