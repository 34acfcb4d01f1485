"""One bv worker process for tests/test_page_cache.py: `python tests/cache_worker.py PORT`.

Configured only from BV_* variables, like a gunicorn worker; serves one request at a time.
"""

import sys

from werkzeug.serving import make_server

from bv import create_app

if __name__ == "__main__":
    make_server("127.0.0.1", int(sys.argv[1]), create_app(), threaded=False).serve_forever()
