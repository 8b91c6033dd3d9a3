"""gunicorn: the page pool (every request but the printed forms). Behind nginx (nginx.conf).

    DJANGO_SETTINGS_MODULE=casemgmt.settings.prod \
      gunicorn -c docs/deploy/gunicorn-pages.conf.py casemgmt.wsgi:application

Page views are short (tens of milliseconds): sync workers, about two per core plus one, and a short
timeout, so a stuck request frees its worker quickly. nginx buffers requests and responses, so
slow clients never hold a sync worker. Command-line options override these values
(bench/load/run.py starts this file with --bind 127.0.0.1:8612).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30  # a page that takes longer is a bug; the worker is killed and replaced
graceful_timeout = 30
keepalive = 2
# Load the app once in the master: workers share its memory, and casemgmt/wsgi.py's gc.freeze()
# then keeps the start-up objects out of every worker's collections.
preload_app = True
max_requests = 2000
max_requests_jitter = 200
# Only nginx on this host may say the client used HTTPS (X-Forwarded-Proto) and give its address.
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = None  # nginx keeps the access log; Django's AccessRecord keeps who read what
errorlog = "-"
loglevel = "warning"
proc_name = "casemgmt-pages"
