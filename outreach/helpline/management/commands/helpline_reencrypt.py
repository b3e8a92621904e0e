from typing import Any

from django.core.management.base import BaseCommand

from outreach.helpline.services import help_requests_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every help request with the first key of HELPLINE_ENCRYPTION_KEYS, so that the "
        "older keys after it can be removed (docs/decisions/0003-encryption-of-help-requests.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Requests per transaction.")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        count = help_requests_reencrypt(batch_size=batch_size)
        self.stdout.write(f"Re-encrypted {count} help requests with the first key.")
