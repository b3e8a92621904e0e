"""The web container's health check: GET /health/live/ from gunicorn inside the container, as nginx
sends it (a host name from ALLOWED_HOSTS, X-Forwarded-Proto: https, so the production settings
neither refuse the host nor redirect to HTTPS). Exits 0 when it answers 200.

    python deploy/healthcheck.py        # HEALTHCHECK_ADDRESS defaults to 127.0.0.1:8000
"""

import os
import sys
import urllib.error
import urllib.request


def host_name() -> str:
    """The first concrete name in ALLOWED_HOSTS (".example.org" allows example.org itself)."""
    for name in os.environ.get("ALLOWED_HOSTS", "").split(","):
        name = name.strip().lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect (to HTTPS, to another host) is a failed check, never followed off the container."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def main() -> int:
    address = os.environ.get("HEALTHCHECK_ADDRESS", "127.0.0.1:8000")
    request = urllib.request.Request(  # noqa: S310 (a fixed http URL on loopback)
        f"http://{address}/health/live/", headers={"Host": host_name(), "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.build_opener(NoRedirect()).open(request, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"health check failed: {error}", file=sys.stderr)  # noqa: T201
        return 1


if __name__ == "__main__":
    sys.exit(main())
