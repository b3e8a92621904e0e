"""gunicorn settings for the platform; `gunicorn -c deploy/gunicorn.conf.py outreach.wsgi`.

Every value comes from the environment so the systemd unit, the container and the benchmarks share
this one file (docs/deploy.md lists the variables)."""

import os

# One address or several, comma-separated: `unix:/run/outreach/gunicorn.sock` behind nginx on the
# same machine, `127.0.0.1:8001` for a TCP port. A `--bind` on the command line replaces them all.
bind = [
    address.strip()
    for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]
# Two per core is a sane start for a page-rendering workload that waits on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# nginx's proxy_read_timeout is longer, so a stuck request is ended here and logged by gunicorn.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then so a slow leak never takes a server down. A worker that restarts
# loads Django and Wagtail again (seconds of CPU) and serves nothing meanwhile, and an even load
# brings every worker to its limit at about the same moment: with 2,000 (±200) requests, all five
# workers of a 2-core machine restarted within three seconds of each other twice a minute at
# 350 requests/s from the page cache, and requests waited up to 9 s (docs/benchmarks.md, "Load and
# faults"). A high limit with a wide random spread makes restarts rare and one at a time.
max_requests = 20000
max_requests_jitter = 10000
# "-" writes the access log to standard output (the journal under systemd, `docker logs`).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# Addresses whose X-Forwarded-Proto gunicorn believes; a unix socket's peer is always believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicornc's control socket: off unless a path is given, so that two servers on one machine (or a
# service user whose home is read-only) never contend for the default ~/.gunicorn/gunicorn.ctl.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
# Workers' heartbeat files: in memory rather than on a container's overlay disk.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
