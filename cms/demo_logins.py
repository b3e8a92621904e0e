"""Demo logins: users that `make run` prints with a password, kept in var/ between runs."""

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model


def demo_login_ensure(*, username: str, login_file: str, create: Callable[[], Any]) -> tuple[Any, str | None]:
    """The demo user `username`, made by `create()` when missing, and the password to show for it.
    A user without a usable password gets a random one, kept in var/`login_file` (readable by its
    owner only) so that later runs show it again; a user who has one keeps it, shown from that file
    (None when the file is gone)."""
    path = Path(settings.VAR_DIR) / login_file
    user = get_user_model().objects.filter(username=username).first() or create()
    if user.has_usable_password():
        return user, path.read_text().strip() if path.exists() else None
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save(update_fields=["password"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return user, password
