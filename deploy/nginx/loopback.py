"""Render deploy/nginx/site.conf as a complete nginx configuration on loopback, without TLS, that
any user can run from a folder of its own: the same upstream, static, media and proxy rules as in
production, on 127.0.0.1:<port>, with gunicorn on a TCP address and every file nginx writes (pid,
logs, temporary bodies) under the folder. tests/deploy/test_stack_smoke.py runs the stack through
it; by hand:

    python deploy/nginx/loopback.py --port 8080 --upstream 127.0.0.1:8001 \
        --static-root var/static --media-root var/media --prefix /tmp/outreach-nginx > /tmp/outreach-nginx/nginx.conf
    nginx -p /tmp/outreach-nginx -e /tmp/outreach-nginx/error.log -c /tmp/outreach-nginx/nginx.conf

Requests reach Django as if nginx had ended TLS (X-Forwarded-Proto: https), so the production
settings behave as they do behind the real site: secure cookies, HSTS, no redirect to HTTPS."""

import argparse
import getpass
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

SITE_CONF = Path(__file__).resolve().parent / "site.conf"
PRODUCTION_UPSTREAM = "unix:/run/outreach/gunicorn.sock"
PRODUCTION_STATIC_ROOT = "/srv/outreach/static"
PRODUCTION_MEDIA_ROOT = "/srv/outreach/media"
TEMPORARY_PATHS = (
    "client_body_temp_path",
    "proxy_temp_path",
    "fastcgi_temp_path",
    "uwsgi_temp_path",
    "scgi_temp_path",
)


def _blocks(text: str, keyword: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level `keyword { ... }` block, skipping quoted strings and comments
    (a regex location such as `\\.[0-9a-f]{12}\\.` holds braces inside quotes)."""
    found: list[tuple[int, int]] = []
    depth, index, start = 0, 0, -1
    while index < len(text):
        char = text[index]
        if char == "#":
            index = text.find("\n", index)
            if index == -1:
                break
        elif char in "\"'":
            index = text.index(char, index + 1)
        elif char == "{":
            if depth == 0:
                line_start = text.rfind("\n", 0, index) + 1
                if text[line_start:index].split() and text[line_start:index].split()[0] == keyword:
                    start = line_start
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and start != -1:
                found.append((start, index + 1))
                start = -1
        index += 1
    return found


def _replace(text: str, old: str, new: str) -> str:
    """Replace `old` everywhere; the production file must contain it, or the rendering is stale."""
    if old not in text:
        raise ValueError(
            f"deploy/nginx/site.conf no longer contains {old!r}: update deploy/nginx/loopback.py"
        )
    return text.replace(old, new)


def _sub(pattern: str, new: str, text: str) -> str:
    result, count = re.subn(pattern, new, text, flags=re.MULTILINE)
    if not count:
        raise ValueError(
            f"deploy/nginx/site.conf has no line matching {pattern!r}: update deploy/nginx/loopback.py"
        )
    return result


def mime_types_path() -> str:
    """The mime.types beside the installed nginx's own configuration file."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    version = subprocess.run([nginx, "-V"], capture_output=True, text=True, check=True).stderr  # noqa: S603
    match = re.search(r"--conf-path=(\S+)", version)
    conf_dir = Path(match.group(1)).parent if match else Path("/etc/nginx")
    return str(conf_dir / "mime.types")


def render(
    *,
    port: int,
    upstream: str,
    static_root: Path,
    media_root: Path,
    prefix: Path,
    user: str | None = None,
    mime_types: str | None = None,
    site_conf: str | None = None,
) -> str:
    """The loopback configuration for these addresses and folders, from site.conf's text."""
    site = SITE_CONF.read_text() if site_conf is None else site_conf
    servers = _blocks(site, "server")
    plain = [
        (start, end) for start, end in servers if re.search(r"^\s*listen 80;", site[start:end], re.MULTILINE)
    ]
    if len(plain) != 1:
        raise ValueError("deploy/nginx/site.conf should have exactly one plain-HTTP server block")
    start, end = plain[0]
    site = site[:start] + site[end:]

    site = _replace(site, PRODUCTION_UPSTREAM, upstream)
    site = _sub(r"^(\s*)listen 443 ssl http2;$", rf"\g<1>listen 127.0.0.1:{port};", site)
    site = _sub(r"^\s*listen \[::\]:443 ssl http2;\n", "", site)
    site = _sub(r"^\s*ssl_[a-z_]+ .*;\n", "", site)
    site = _sub(r"^(\s*)access_log /var/log/nginx/\S+;$", rf"\g<1>access_log {prefix}/access.log;", site)
    site = _sub(
        r"^(\s*)error_log /var/log/nginx/\S+ (\w+);$", rf"\g<1>error_log {prefix}/error.log \g<2>;", site
    )
    site = _replace(site, PRODUCTION_STATIC_ROOT + "/", f"{static_root}/")
    site = _replace(site, PRODUCTION_MEDIA_ROOT + "/", f"{media_root}/")
    # The port is part of the host name here; behind a TLS server on 443 it never is.
    site = _replace(site, "proxy_set_header Host $host;", "proxy_set_header Host $http_host;")
    site = _replace(
        site, "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header X-Forwarded-Proto https;"
    )

    # Production's comments explain production; here they would only mislead.
    site = re.sub(r"^[ \t]*#.*\n", "", site, flags=re.MULTILINE)
    site = re.sub(r"\n{3,}", "\n\n", site)
    temporary = "\n".join(
        f"    {directive} {prefix}/{directive.split('_temp')[0]};" for directive in TEMPORARY_PATHS
    )
    return f"""# Rendered from deploy/nginx/site.conf by deploy/nginx/loopback.py: loopback only, no TLS.
# Started as root, the workers run as `user`; started as anyone else, nginx ignores that line.
user {user or getpass.getuser()};
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;

events {{
    worker_connections 256;
}}

http {{
    include {mime_types or mime_types_path()};
    default_type application/octet-stream;
    sendfile on;
{temporary}

{textwrap.indent(site.strip(), "    ")}
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="gunicorn's address, e.g. 127.0.0.1:8001")
    parser.add_argument("--static-root", type=Path, required=True)
    parser.add_argument("--media-root", type=Path, required=True)
    parser.add_argument(
        "--prefix", type=Path, required=True, help="folder for the pid file, logs and temporary files"
    )
    args = parser.parse_args()
    print(  # noqa: T201
        render(
            port=args.port,
            upstream=args.upstream,
            static_root=args.static_root.resolve(),
            media_root=args.media_root.resolve(),
            prefix=args.prefix.resolve(),
        )
    )


if __name__ == "__main__":
    main()
