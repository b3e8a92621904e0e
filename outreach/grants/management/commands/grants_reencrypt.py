from typing import Any

from django.core.management.base import BaseCommand

from outreach.grants.services import grantees_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every grantee's contacts and identity papers' numbers with the first key of "
        "GRANTS_ENCRYPTION_KEYS, so that the older keys after it can be removed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction.")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        counts = grantees_reencrypt(batch_size=batch_size)
        self.stdout.write(
            f"Re-encrypted {counts['grantee']} grantees and {counts['residencedocument']} residence "
            "documents with the first key."
        )
