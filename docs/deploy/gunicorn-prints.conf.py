"""gunicorn: the print pool (printed forms and plan/consent signing, which render PDFs).

    DJANGO_SETTINGS_MODULE=casemgmt.settings.prod \
      gunicorn -c docs/deploy/gunicorn-prints.conf.py casemgmt.wsgi:application

A PDF takes 0.25 s (8-item plan) to 1 s (40 items) of CPU in WeasyPrint. One worker, at a lower
CPU priority (nice 10), so prints wait for each other but never take a CPU from a page worker;
a long timeout, because a 40-item plan on a busy machine is slow but not stuck. Command-line
options override these values (bench/load/run.py uses --bind 127.0.0.1:8613).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8002")
workers = int(os.environ.get("GUNICORN_WORKERS", 1))
worker_class = "sync"
timeout = 120
graceful_timeout = 60
keepalive = 2
preload_app = True
# WeasyPrint's memory grows with each document: recycle the worker now and then.
max_requests = 300
max_requests_jitter = 50
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = None
errorlog = "-"
loglevel = "warning"
proc_name = "casemgmt-prints"
NICENESS = int(os.environ.get("GUNICORN_NICE", 10))


def post_fork(server, worker):
    """Each print worker runs at a lower CPU priority than the page workers (the master, which
    only supervises, keeps its own)."""
    os.nice(NICENESS)
