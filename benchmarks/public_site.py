"""Requests per second and latency of the public site's main pages under gunicorn, with the page
cache on and off, and queries per uncached request. Prints figures; never fails on them.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/public_site.py --requests 1000
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from home_page import load, prepare, queries_per_request, wait_until_up  # noqa: E402

PATHS = {
    "home": "/ru/",
    "article": "/ru/recruiters-promises/",
    "topic listing": "/ru/topics/online-recruitment/",
    "search": "/ru/search/?q=%D0%B2%D0%B5%D1%80%D0%B1%D0%BE%D0%B2%D1%89%D0%B8%D0%BA%D0%B8",
}


def measure(*, port: int, workers: int, cache: bool, requests: int, concurrency: int) -> list[str]:
    env = {**os.environ, "WAGTAIL_CACHE": "true" if cache else "false"}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "outreach.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT, env=env,
    )  # fmt: skip
    lines = []
    try:
        for name, path in PATHS.items():
            wait_until_up(port, path)
            load(port, path, min(50, requests), concurrency)  # warm-up (and fill the cache)
            latencies, errors, elapsed = load(port, path, requests, concurrency)
            latencies.sort()
            p50 = latencies[len(latencies) // 2] * 1000
            p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000
            lines.append(
                f"| {name} | {'on' if cache else 'off'} | {len(latencies)} | {errors} | "
                f"{len(latencies) / elapsed:.1f} | {p50:.1f} | {p99:.1f} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=20)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings.local")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("CONN_MAX_AGE", "60")
    # In this process (query counts) pages are rendered, never taken from the cache.
    os.environ["WAGTAIL_CACHE"] = "false"
    # The page cache must be shared by gunicorn's workers, as in production.
    os.environ.setdefault("PAGE_CACHE_URL", f"filecache://{ROOT / 'var' / 'bench-pagecache'}")
    prepare()
    from django.conf import settings

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}  workers: {args.workers}  "
          f"concurrency: {args.concurrency}")  # fmt: skip
    print(
        "queries per uncached request: "
        + ", ".join(f"{n} {queries_per_request(p)}" for n, p in PATHS.items())
    )
    print("| page | cache | requests | errors | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|")
    for cache in (False, True):
        for line in measure(
            port=args.port,
            workers=args.workers,
            cache=cache,
            requests=args.requests,
            concurrency=args.concurrency,
        ):
            print(line)


if __name__ == "__main__":
    main()
