from django.core.management.base import BaseCommand

from cms.demo import demo_admin_ensure, demo_load


class Command(BaseCommand):
    help = "Load the demo site (idempotent) and make sure a demo administrator exists."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--no-admin", action="store_true", help="Do not create the demo administrator.")

    def handle(self, *args: object, **options: object) -> None:
        created = demo_load()
        self.stdout.write(
            f"Demo content: {created['pages']} pages, {created['programmes']} programmes, "
            f"{created['partners']} partners added."
        )
        if not options["no_admin"]:
            username, password = demo_admin_ensure()
            shown = password or "(the password you set; var/admin-password.txt is gone)"
            self.stdout.write(f"Admin login: {username} / {shown}")
