"""The benchmark's baseline: a bare Flask page of a given size under the same gunicorn.

`BENCH_BASELINE_BYTES` sets the size (bench/run.py passes the article page's), so the ratio
of a bv page to this one says what bv adds over Flask, gunicorn and the network.
"""

import os

from flask import Flask, Response

app = Flask(__name__)
BODY = ("<!doctype html><title>baseline</title>" + "x" * max(
    0, int(os.environ.get("BENCH_BASELINE_BYTES", "20000")) - 37)).encode()


@app.get("/")
def page():
    """The same bytes every time."""
    return Response(BODY, mimetype="text/html")
