"""gunicorn settings for bv: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Each value can be overridden from the environment (BV_WEB_*), so the same file serves a
small box and a larger one; docs/deploy.md explains each choice.
"""

import multiprocessing
import os

# nginx talks to gunicorn on loopback (or a private address on a multi-machine setup)
bind = os.environ.get("BV_WEB_BIND", "127.0.0.1:8000")

# sync workers: pages are short, CPU-bound renders with quick database queries, and nginx
# buffers slow clients, so a worker is never held by a phone on a bad connection
worker_class = "sync"
workers = int(os.environ.get("BV_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))

# a worker that hangs (a stuck database connection) is replaced instead of blocking forever
timeout = int(os.environ.get("BV_WEB_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5

# no preload_app: sharing the imported app copy-on-write would lower each worker's PSS (about
# 80 -> 60 MiB, docs/performance.md "Worker memory"), but a reload (HUP, how an upgrade goes
# live) would then fork the master's old code; each worker imports the app itself

# recycle workers now and then, staggered, so slow memory growth never adds up
max_requests = int(os.environ.get("BV_WEB_MAX_REQUESTS", 2000))
max_requests_jitter = 200

# X-Forwarded-* are read by the app itself (BV_PROXY_COUNT), not by gunicorn
forwarded_allow_ips = "127.0.0.1"

# access log to stdout (journald keeps it); errors to stderr
accesslog = os.environ.get("BV_WEB_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("BV_WEB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'

# a worker's temporary files in memory, not on a disk that may be slow
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
