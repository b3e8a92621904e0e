"""Who may do what with outreach: used by the admin screens, the services and the selectors alike.

Outreach managers write messages, keep audiences and schedule, pause, resume and cancel broadcasts;
approving a language variant and pulling the emergency stop are permissions of their own. Nobody
here sees a subscriber's address: counts only (the audiences app guards addresses)."""

from typing import Any

from outreach.core.permissions import is_active_user


def _has(user: Any, permission: str) -> bool:
    return is_active_user(user) and user.has_perm(permission)


def can_view_message(user: Any, message: Any = None) -> bool:
    return _has(user, "broadcasts.view_message")


def can_add_message(user: Any, message: Any = None) -> bool:
    return _has(user, "broadcasts.add_message")


def can_change_message(user: Any, message: Any = None) -> bool:
    return _has(user, "broadcasts.change_message")


def can_delete_message(user: Any, message: Any = None) -> bool:
    """Only a message no broadcast has used: what was sent stays on record."""
    if message is not None and message.broadcasts.exists():
        return False
    return _has(user, "broadcasts.delete_message")


def can_approve_message_variant(user: Any, variant: Any = None) -> bool:
    return _has(user, "broadcasts.approve_message")


def can_view_broadcast(user: Any, broadcast: Any = None) -> bool:
    return _has(user, "broadcasts.view_broadcast")


def can_add_broadcast(user: Any, broadcast: Any = None) -> bool:
    return _has(user, "broadcasts.add_broadcast")


def can_change_broadcast(user: Any, broadcast: Any = None) -> bool:
    """Edit a broadcast: only while it is a draft (scheduling it fixes what it is)."""
    if broadcast is not None and broadcast.status != broadcast.Status.DRAFT:
        return False
    return _has(user, "broadcasts.change_broadcast")


def can_delete_broadcast(user: Any, broadcast: Any = None) -> bool:
    """Only a draft: a broadcast that was scheduled is cancelled, never deleted."""
    if broadcast is not None and broadcast.status != broadcast.Status.DRAFT:
        return False
    return _has(user, "broadcasts.delete_broadcast")


def can_send_broadcast(user: Any, broadcast: Any = None) -> bool:
    """Schedule, pause, resume and cancel."""
    return _has(user, "broadcasts.send_broadcast")


def can_use_emergency_stop(user: Any, control: Any = None) -> bool:
    return _has(user, "broadcasts.use_emergency_stop")


def can_view_digest(user: Any, digest: Any = None) -> bool:
    return _has(user, "broadcasts.view_digest")


def can_add_digest(user: Any, digest: Any = None) -> bool:
    return _has(user, "broadcasts.add_digest")


def can_change_digest(user: Any, digest: Any = None) -> bool:
    return _has(user, "broadcasts.change_digest")


def can_delete_digest(user: Any, digest: Any = None) -> bool:
    if digest is not None and digest.broadcasts.exists():
        return False
    return _has(user, "broadcasts.delete_digest")


def can_view_channel_target(user: Any, target: Any = None) -> bool:
    return _has(user, "broadcasts.view_channeltarget")


def can_add_channel_target(user: Any, target: Any = None) -> bool:
    return _has(user, "broadcasts.add_channeltarget")


def can_change_channel_target(user: Any, target: Any = None) -> bool:
    return _has(user, "broadcasts.change_channeltarget")


def can_delete_channel_target(user: Any, target: Any = None) -> bool:
    if target is not None and target.deliveries.exists():
        return False
    return _has(user, "broadcasts.delete_channeltarget")


MESSAGE_RULES = {
    "view": can_view_message,
    "add": can_add_message,
    "change": can_change_message,
    "delete": can_delete_message,
}
BROADCAST_RULES = {
    "view": can_view_broadcast,
    "add": can_add_broadcast,
    "change": can_change_broadcast,
    "delete": can_delete_broadcast,
    "send": can_send_broadcast,
}
DIGEST_RULES = {
    "view": can_view_digest,
    "add": can_add_digest,
    "change": can_change_digest,
    "delete": can_delete_digest,
}
CHANNEL_TARGET_RULES = {
    "view": can_view_channel_target,
    "add": can_add_channel_target,
    "change": can_change_channel_target,
    "delete": can_delete_channel_target,
}
