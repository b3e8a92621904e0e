"""Flood limits for the public forms and for signing in: a rolling window per client, counted in the
default cache (Redis in production, so every web process shares the count).

A client is a keyed hash of its address (outreach.core.authentication.client_address), never the
address: a plain hash of an IPv4 address can be reversed by trying them all. Each limit is a
`RATE_LIMITS` entry, `scope: (requests, seconds)`. Past it, the request is answered 429 before the
view runs, so nothing is written. Two requests racing at the very limit may both pass, which an abuse
limit can afford."""

import hashlib
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from outreach.core.authentication import client_address

# The sign-in doors: the admin's password form, the second factor's code form (a six-digit code is
# quickly guessed without a limit), the password-reset form (it sends mail) and Django's admin login.
LOGIN_VIEW_NAMES = frozenset(
    {"wagtailadmin_login", "wagtail_2fa_auth", "wagtailadmin_password_reset", "admin:login"}
)
LOGIN_SCOPE = "login"


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address; cannot be reversed without SECRET_KEY."""
    return salted_hmac("outreach.core.throttle", client_address(request), algorithm="sha256").hexdigest()


def rate_limit_for(scope: str) -> tuple[int, int]:
    """(requests, seconds) of `scope` in settings.RATE_LIMITS; KeyError names an unknown scope."""
    requests, seconds = settings.RATE_LIMITS[scope]
    return int(requests), int(seconds)


def throttle_hit(*, scope: str, key: str) -> int | None:
    """Count one request of `key` under `scope` and return None; or, once the scope's limit was
    reached within its window, count nothing and return the seconds until the next one may pass."""
    if not key:
        raise ValueError("throttle_hit needs a client key")
    limit, window = rate_limit_for(scope)
    # Hashed again so that even a caller passing a raw address never puts it in the cache.
    cache_key = f"throttle:{scope}:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return rolling_window_hit(cache_key=cache_key, limit=limit, window=window)


def rolling_window_hit(*, cache_key: str, limit: int, window: int) -> int | None:
    """Count one request under `cache_key` (already hashed by the caller) in a rolling window of
    `window` seconds and return None; or, once `limit` were counted within it, count nothing and
    return the seconds to wait. Two requests racing at the very limit may both pass."""
    now = time.time()
    recent = [sent for sent in cache.get(cache_key, []) if now - sent < window]
    if len(recent) >= limit:
        return int(window - (now - recent[-limit])) + 1
    recent.append(now)
    cache.set(cache_key, recent[-limit:], timeout=window)
    return None


def too_many_requests(request: HttpRequest, *, retry_after: int, template: str = "429.html") -> HttpResponse:
    """The 429 page: what happened and when to try again, in the reader's language; never cached."""
    minutes = max(1, math.ceil(retry_after / 60))
    message = ngettext(
        "Many requests have come from your connection in a short time, so this one was not accepted "
        "and nothing was saved. Please try again in %(minutes)d minute.",
        "Many requests have come from your connection in a short time, so this one was not accepted "
        "and nothing was saved. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    response = TemplateResponse(request, template, {"minutes": minutes, "message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    # Some limited addresses hold a token (subscription links, the survey): never pass them on.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def rate_limited(
    scope: str, *, template: str = "429.html", exempt: Callable[[HttpRequest], bool] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit a view's POSTs per client under `scope`, answering with `template` past the limit; GETs
    (reading a form) are never counted. `exempt(request)` true lets a POST through uncounted."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and not (exempt and exempt(request)):
                retry_after = throttle_hit(scope=scope, key=client_key(request))
                if retry_after is not None:
                    return too_many_requests(request, retry_after=retry_after, template=template)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class LoginRateLimitMiddleware:
    """Limits POSTs to the sign-in doors (LOGIN_VIEW_NAMES) per client address, whatever the
    username: django-axes locks one username from one address after failures, which a guesser trying
    one password on many usernames never reaches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in LOGIN_VIEW_NAMES:
            return None
        retry_after = throttle_hit(scope=LOGIN_SCOPE, key=client_key(request))
        if retry_after is None:
            return None
        return too_many_requests(request, retry_after=retry_after, template="account/login_rate_limited.html")
