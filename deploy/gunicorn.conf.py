"""gunicorn settings for the portal: `gunicorn -c deploy/gunicorn.conf.py cchc_portal.wsgi`.

Every value can be changed through the environment (the systemd unit reads /etc/cchc-portal/env).
"""

import multiprocessing
import os

# nginx talks to gunicorn over a local socket (or 127.0.0.1:8000 when GUNICORN_BIND says so).
bind = os.environ.get("GUNICORN_BIND", "unix:/run/cchc-portal/gunicorn.sock")
# Sync workers: the portal's pages are short database-bound requests. 2 × cores + 1 is the usual start.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# PDF and Excel exports of a whole year can take a while; uploads are limited by nginx first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so a slow leak (e.g. in PDF rendering) never builds up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # stdout → journald
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client address comes from nginx (X-Real-IP); the request id lets one trace a request across logs.
access_log_format = '%({x-real-ip}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# Trust X-Forwarded-* only from the local nginx.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "cchc-portal"
