from typing import Any


class ApplicationError(Exception):
    """A broken business rule: carries a message fit for the user and structured detail."""

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class TemporaryError(Exception):
    """A failure worth retrying (a timeout, a lost connection); tasks autoretry on it."""
