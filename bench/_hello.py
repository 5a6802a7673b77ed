"""The baseline for bench/web_load.py: a bare Flask hello-world, served by the same gunicorn
settings as the app, so each endpoint's figure reads as a fraction of what the server can do."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
