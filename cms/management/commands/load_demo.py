import logging

from django.core.management.base import BaseCommand

from cms.demo import demo_admin_ensure, demo_load
from cms.demo_campaigns import demo_partner_user_ensure
from cms.demo_grants import demo_grants_load, demo_officer_ensure
from cms.demo_outreach import demo_outreach_load

LABELS = {
    "pages": "pages",
    "topics": "topics",
    "audiences": "audiences",
    "images": "images",
    "documents": "documents",
    "home_pages": "home pages filled in",
    "programmes": "programmes",
    "partners": "partners",
    "joint_programmes": "joint programmes",
    "campaigns": "campaigns",
    "promotions": "search promotions",
    "outreach_audiences": "outreach audiences",
    "messages": "messages",
    "digests": "digests",
    "channel_targets": "channel targets",
    "subscribers": "demo subscribers",
    "broadcasts": "broadcasts",
    "deliveries": "deliveries",
    "grant_programmes": "grant programme filled in",
    "programme_officers": "programme officer assigned",
    "funders": "funders",
    "budget_lines": "budget lines",
    "exchange_rates": "exchange rates",
    "institutions": "institutions",
    "cohorts": "cohorts",
    "grantees": "grantees",
    "residence_documents": "residence documents",
    "consents": "consent records",
    "awards": "awards",
    "award_transitions": "award status changes",
    "progress_reports": "progress reports",
    "milestones": "milestones",
    "disbursements": "payments",
    "alumni_outcomes": "alumni outcome records",
}


class Command(BaseCommand):
    help = "Load the demo site (idempotent) and make sure a demo administrator exists."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--no-admin", action="store_true", help="Do not create the demo administrator.")

    def handle(self, *args: object, **options: object) -> None:
        # Wagtail logs a line for every page created and published; at the default verbosity the
        # summary below is what a newcomer needs to see.
        wagtail_logger = logging.getLogger("wagtail")
        level = wagtail_logger.level
        if int(str(options["verbosity"])) < 2:
            wagtail_logger.setLevel(logging.WARNING)
        try:
            created = demo_load()
            # After the campaigns: the demo broadcast belongs to one of them.
            created |= demo_outreach_load()
            # After the campaigns: the programme's EU funder is the EU Delegation partner they add.
            created |= demo_grants_load()
        finally:
            wagtail_logger.setLevel(level)
        if any(created.values()):
            added = ", ".join(f"{count} {LABELS.get(kind, kind)}" for kind, count in created.items() if count)
            self.stdout.write(f"Demo content added: {added}.")
        else:
            self.stdout.write("Demo content is already loaded; nothing was added or changed.")
        if not options["no_admin"]:
            username, password = demo_admin_ensure()
            shown = password or "(the password you set; var/admin-password.txt is gone)"
            self.stdout.write(f"Admin login: {username} / {shown}")
            username, password = demo_partner_user_ensure()
            if password:
                self.stdout.write(f"Partner login (EU Delegation, read-only): {username} / {password}")
            username, password = demo_officer_ensure()
            if password:
                self.stdout.write(
                    f"Program officer login (senior officer of the Afghan students' programme): {username} / {password}"
                )
