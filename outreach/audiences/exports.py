"""An audience's members as a CSV file, for whoever may take addresses out of the platform; every
export is recorded in Wagtail's audit log with the audience and the number of rows, never the
addresses themselves."""

import csv
import io
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from outreach.core.exceptions import ApplicationError

from .models import Audience
from .permissions import can_export_audience
from .selectors import audience_members

# Audit log action; its label is registered by the admin (register_log_actions).
LOG_EXPORT_AUDIENCE = "audiences.export_audience"
HEADER = ["email", "language", "region", "frequency", "confirmed_at"]
NOT_ALLOWED = _("You may not export an audience's addresses.")


def _cell(value: str) -> str:
    # A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


@transaction.atomic
def audience_export_csv(*, audience: Audience, actor: Any) -> str:
    """The CSV (email, language, region, frequency, confirmed_at) of the audience's members now, in id
    order; recorded in the audit log as audiences.export_audience. ApplicationError unless the actor
    may export the audience."""
    if not can_export_audience(actor, audience):
        raise ApplicationError(NOT_ALLOWED)
    rows = audience_members(audience=audience).values_list(
        "email", "language", "region", "frequency", "confirmed_at"
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    count = 0
    for email, language, region, frequency, confirmed_at in rows.iterator(chunk_size=2000):
        writer.writerow(
            [
                _cell(email),
                language,
                region,
                frequency,
                confirmed_at.isoformat() if confirmed_at else "",
            ]
        )
        count += 1
    log(
        instance=audience,
        action=LOG_EXPORT_AUDIENCE,
        user=actor,
        data={"audience": audience.pk, "rows": count},
    )
    return out.getvalue()
