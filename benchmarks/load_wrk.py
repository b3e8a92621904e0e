"""The public site under load through nginx, measured with wrk: requests per second, latency
percentiles and errors for the production stack on loopback.

Starts the stack the deployment smoke test starts (tests/deploy/: gunicorn, a Celery worker and beat
with the commands of deploy/systemd/*.service and the production settings, nginx with
deploy/nginx/site.conf rendered for loopback) on the PostgreSQL database of DATABASE_URL with the demo
loaded, the shared cache and the page cache on Redis as deploy/env.example sets them, then runs wrk
over benchmarks/public_site.lua, which cycles through home pages in three languages, an article, a
topic listing and a search. Errors are answers other than 2xx/3xx plus socket errors (connect, read,
write, timeout). Prints figures; never fails on them, but exits 1 when there were errors.

    createdb -h 127.0.0.1 -U postgres outreach_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_load \\
        .venv/bin/python benchmarks/load_wrk.py --duration 60 --connections 64 --threads 2

Redis: CELERY_BROKER_URL, CACHE_URL and PAGE_CACHE_URL from the environment when all three are set
(three different database numbers); otherwise a private redis-server on a free loopback port, which
is stopped at the end. `--no-page-cache` measures every request rendered by Django.
"""

import argparse
import base64
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LUA_SCRIPT = ROOT / "benchmarks" / "public_site.lua"
# Paths of the demo site (manage.py load_demo).
PATHS = [
    "/kk/",
    "/ru/",
    "/en/",
    "/ru/recruiters-promises/",
    "/ru/topics/online-recruitment/",
    "/ru/search/?q=" + urllib.parse.quote("вербовщики"),
]
FIGURES = re.compile(r"^FIGURES (.*)$", re.MULTILINE)


def fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def redis_start(folder: Path) -> tuple[subprocess.Popen, str]:
    """A private redis-server on a free loopback port that keeps nothing on disk; its base URL."""
    # Django is not set up yet (the URL goes into its settings), so tests.deploy.stack cannot be
    # imported here: the same free-port probe, inline.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=(folder / "redis.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        probe = subprocess.run(  # noqa: S603
            ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
        )
        if probe.stdout.strip() == "PONG":
            return process, f"redis://127.0.0.1:{port}"
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"redis-server did not start:\n{(folder / 'redis.log').read_text()}")


def production_environment(*, folder: Path, redis_url: str | None, media_root: Path) -> dict[str, str]:
    """The variables /etc/outreach/env would hold, for this process and the manage.py commands."""
    environment = {
        "DJANGO_SETTINGS_MODULE": "outreach.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HELPLINE_ENCRYPTION_KEYS": fernet_key(),
        "GRANTS_ENCRYPTION_KEYS": fernet_key(),
        "ANYMAIL_WEBHOOK_SECRET": f"provider:{secrets.token_urlsafe(24)}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(media_root),
    }
    if redis_url:
        environment |= {
            "CELERY_BROKER_URL": f"{redis_url}/0",
            "CACHE_URL": f"{redis_url}/1",
            "PAGE_CACHE_URL": f"{redis_url}/2",
        }
    return environment


def manage(*arguments: str) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=os.environ.copy(),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")


def wrk_run(*, port: int, args: argparse.Namespace) -> tuple[dict[str, str], str]:
    command = [
        "wrk", "--threads", str(args.threads), "--connections", str(args.connections),
        "--duration", f"{args.duration}s", "--timeout", f"{args.timeout}s", "--latency",
        "--script", str(LUA_SCRIPT), f"http://127.0.0.1:{port}", "--", *args.paths,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    found = FIGURES.search(result.stdout)
    if result.returncode != 0 or not found:
        raise SystemExit(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    figures = dict(part.split("=", 1) for part in found.group(1).split())
    return figures, " ".join(command)


def report(figures: dict[str, str], *, args: argparse.Namespace, workers: int, command: str) -> int:
    """Print the figures; how many errors there were."""
    statuses = {
        int(status): int(count)
        for status, count in (item.split("=") for item in figures["statuses"].split(",") if item)
    }
    bad_statuses = sum(count for status, count in statuses.items() if not 200 <= status < 400)
    socket_errors = sum(int(figures[name]) for name in ("connect", "read", "write", "timeout"))
    requests, seconds = int(figures["requests"]), float(figures["seconds"])
    milliseconds = {name: int(figures[f"{name}_us"]) / 1000 for name in ("p50", "p90", "p99", "max")}
    print(f"wrk: {command}")
    print(
        f"page cache: {'on (Redis)' if not args.no_page_cache else 'off'}  gunicorn workers: {workers}  "
        f"connections: {args.connections}  threads: {args.threads}  cores: {os.cpu_count()}"
    )
    print(f"paths: {' '.join(args.paths)}")
    print(f"requests: {requests}  seconds: {seconds:.1f}  requests/s: {requests / seconds:.1f}")
    print(
        f"latency ms: p50 {milliseconds['p50']:.1f}  p90 {milliseconds['p90']:.1f}  "
        f"p99 {milliseconds['p99']:.1f}  max {milliseconds['max']:.1f}"
    )
    print(f"statuses: {', '.join(f'{status}: {count}' for status, count in sorted(statuses.items()))}")
    print(
        f"errors: {bad_statuses + socket_errors} (non-2xx/3xx {bad_statuses}; socket connect "
        f"{figures['connect']}, read {figures['read']}, write {figures['write']}, timeout {figures['timeout']})"
    )
    return bad_statuses + socket_errors


def main() -> None:  # noqa: C901, PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--timeout", type=int, default=10, help="seconds before wrk counts a request as timed out"
    )
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers (2 × cores + 1)"
    )
    parser.add_argument("--no-page-cache", action="store_true", help="WAGTAIL_CACHE=false: render every page")
    parser.add_argument("--skip-load", action="store_true", help="the database is migrated and has the demo")
    parser.add_argument(
        "--media-root", type=Path, default=ROOT / "var" / "media", help="where the demo's images are (or go)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the folder of logs")
    parser.add_argument("--paths", nargs="+", default=PATHS, help="the paths to cycle through")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "Set DATABASE_URL to a PostgreSQL database of its own (it is migrated and gets the demo)."
        )
    for program in ("wrk", "redis-server"):
        if not shutil.which(program) and not (program == "redis-server" and os.environ.get("PAGE_CACHE_URL")):
            raise SystemExit(f"{program} is not installed: apt-get install {program.split('-')[0]}")
    folder = Path(tempfile.mkdtemp(prefix="outreach-load-"))
    (folder / "state").mkdir()
    redis = None
    shared_redis = all(os.environ.get(name) for name in ("CELERY_BROKER_URL", "CACHE_URL", "PAGE_CACHE_URL"))
    if not shared_redis:
        redis, redis_url = redis_start(folder)
    os.environ.update(
        production_environment(
            folder=folder, redis_url=None if shared_redis else redis_url, media_root=args.media_root.resolve()
        )
    )
    import django

    django.setup()
    # The smoke test's helpers need Django set up: they read the settings this process runs with.
    from tests.deploy.conftest import ProductionStack, environment_file
    from tests.deploy.stack import Stack, free_port, nginx_binary

    if nginx_binary() is None:
        raise SystemExit("nginx is not installed: `make nginx`, or apt-get install nginx-light")
    stack = None
    errors = 0
    try:
        if not args.skip_load:
            print("migrate, load_demo ...", flush=True)
            manage("migrate", "--noinput", "--verbosity", "0")
            manage("load_demo", "--no-admin", "--verbosity", "0")
        manage("collectstatic", "--noinput", "--verbosity", "0")
        port = free_port()
        env_file = environment_file(folder=folder, static_root=Path(os.environ["STATIC_ROOT"]), port=port)
        env_file |= {
            "MEDIA_ROOT": os.environ["MEDIA_ROOT"],
            "CACHE_URL": os.environ["CACHE_URL"],
            "PAGE_CACHE_URL": os.environ["PAGE_CACHE_URL"],
            "WAGTAIL_CACHE": "false" if args.no_page_cache else "true",
            "GUNICORN_WORKERS": str(args.workers),
            "CELERY_WORKER_CONCURRENCY": "2",
            "OUTREACH_TICK_SECONDS": "5",
            # Its INFO lines say when a worker (re)starts.
            "GUNICORN_LOG_LEVEL": "info",
        }
        stack = ProductionStack(stack=Stack(folder=folder), folder=folder, port=port, env_file=env_file)
        stack.start_web()
        stack.start_celery()
        # Every path answers before the load starts, and the page cache holds what it keeps.
        browser = stack.browser()
        for path in args.paths:
            answer = browser.get(path)
            if answer.status != 200:
                raise SystemExit(f"{path} answered {answer.status} before the load:\n{answer.text[:2000]}")
        # Only what nginx logs during the load counts (its first health check may find gunicorn
        # still starting).
        logged_before = len(stack.log("nginx/error.log"))
        print(f"running wrk for {args.duration} s ...", flush=True)
        load_before = os.getloadavg()[0]
        figures, command = wrk_run(port=port, args=args)
        errors = report(figures, args=args, workers=args.workers, command=command)
        print(f"load average (1 min) before: {load_before:.2f}  after: {os.getloadavg()[0]:.2f}")
        nginx_errors = [
            line
            for line in stack.log("nginx/error.log")[logged_before:].splitlines()
            if "[error]" in line or "[crit]" in line or "[alert]" in line
        ]
        print(f"nginx error log during the load: {len(nginx_errors)} error lines")
        for line in nginx_errors[:5]:
            print(f"  {line}")
        boots = stack.log("gunicorn.log").count("Booting worker")
        print(f"gunicorn: {boots} worker starts (including the first {args.workers})")
    finally:
        if stack is not None:
            stack.stack.stop()
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
        if args.keep or errors:
            print(f"logs: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
