"""Who may do what with subscribers: used by the admin, the services and the selectors.

Two levels: seeing that subscribers exist (status, language, frequency, dates, consent history) is
enough to run the digest; their email addresses and topics need a permission of its own, and so do
the export and the erasure of their data."""

from typing import Any

from outreach.core.permissions import is_active_user

# The group the data migration creates: the digest's managers see subscribers without who they are.
OUTREACH_MANAGER_GROUP = "Outreach manager"
PERSONAL_DATA_PERMISSION = "audiences.view_subscriber_personal_data"


def can_view_subscriber(user: Any, subscriber: Any = None) -> bool:
    """The listing and the inspect view, without the address and topics: outreach managers."""
    return is_active_user(user) and user.has_perm("audiences.view_subscriber")


def can_view_subscriber_personal_data(user: Any, subscriber: Any = None) -> bool:
    """A subscriber's email address and topics, and searching by address: only holders of the
    personal-data permission (given to nobody by default but superusers)."""
    return can_view_subscriber(user, subscriber) and user.has_perm(PERSONAL_DATA_PERMISSION)


def can_export_subscriber(user: Any, subscriber: Any = None) -> bool:
    """Everything held about one subscriber, for their access request: whoever may see it."""
    return can_view_subscriber_personal_data(user, subscriber)


def can_add_subscriber(user: Any, subscriber: Any = None) -> bool:
    """Nobody adds subscribers in the admin: only the person themselves, through double opt-in."""
    return False


def can_change_subscriber(user: Any, subscriber: Any = None) -> bool:
    """Nobody changes a subscriber in the admin: status, topics and language change only through
    the subscriber's own links, so that every change of consent is theirs and recorded."""
    return False


def can_delete_subscriber(user: Any, subscriber: Any = None) -> bool:
    """Erasure (the admin's delete calls subscriber_erase): someone who may see the personal data
    and holds the delete permission."""
    return can_view_subscriber_personal_data(user, subscriber) and user.has_perm(
        "audiences.delete_subscriber"
    )


def can_view_consent_record(user: Any, consent_record: Any = None) -> bool:
    """The consent history (action, time, form, wording, language; nothing that names the person)."""
    return is_active_user(user) and user.has_perm("audiences.view_consentrecord")


RULES = {
    "view": can_view_subscriber,
    "add": can_add_subscriber,
    "change": can_change_subscriber,
    "delete": can_delete_subscriber,
    "export": can_export_subscriber,
}


def can_view_audience(user: Any, audience: Any = None) -> bool:
    """An audience's rule and its live count (never who is in it): outreach managers."""
    return is_active_user(user) and user.has_perm("audiences.view_audience")


def can_add_audience(user: Any, audience: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("audiences.add_audience")


def can_change_audience(user: Any, audience: Any = None) -> bool:
    return is_active_user(user) and user.has_perm("audiences.change_audience")


def can_delete_audience(user: Any, audience: Any = None) -> bool:
    """Only an audience no broadcast or digest has used."""
    if audience is not None and (audience.broadcasts.exists() or audience.digests.exists()):
        return False
    return is_active_user(user) and user.has_perm("audiences.delete_audience")


def can_export_audience(user: Any, audience: Any = None) -> bool:
    """The addresses of an audience's members, as a file: whoever may see subscribers' personal data
    and holds the export permission; every export is recorded in the audit log."""
    return can_view_subscriber_personal_data(user) and user.has_perm("audiences.export_audience")


AUDIENCE_RULES = {
    "view": can_view_audience,
    "add": can_add_audience,
    "change": can_change_audience,
    "delete": can_delete_audience,
    "export": can_export_audience,
}


def can_view_suppression(user: Any, suppression: Any = None) -> bool:
    """The suppressed addresses listing (reason and date): whoever sees subscribers; the address
    itself only with the personal-data permission (can_view_subscriber_personal_data)."""
    return can_view_subscriber(user)


def can_change_suppression(user: Any, suppression: Any = None) -> bool:
    """Nobody adds, edits or removes an entry by hand: they come from bounces and complaints."""
    return False


SUPPRESSION_RULES = {
    "view": can_view_suppression,
    "add": can_change_suppression,
    "change": can_change_suppression,
    "delete": can_change_suppression,
}
