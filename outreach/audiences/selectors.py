from typing import Any

from django.db.models import QuerySet

from outreach.core.exceptions import ApplicationError

from .models import ConsentRecord, Subscriber
from .permissions import can_view_consent_record, can_view_subscriber, can_view_subscriber_personal_data
from .tokens import PREFERENCES, UNKNOWN, subscriber_key_from_token

PERSONAL_FIELDS = ("email", "topics")


def subscribers_visible_to(*, user: Any) -> QuerySet[Subscriber]:
    """Subscribers the user may see, newest first; without the address and topics loaded unless the
    user may see them; none for a user without the view rule."""
    if not can_view_subscriber(user):
        return Subscriber.objects.none()
    queryset = Subscriber.objects.order_by("-created_at", "-pk")
    if not can_view_subscriber_personal_data(user):
        queryset = queryset.defer(*PERSONAL_FIELDS)
    return queryset


def subscriber_consent_history(*, subscriber: Subscriber, user: Any) -> QuerySet[ConsentRecord]:
    """The subscriber's consent records, oldest first; none for a user without the consent rule."""
    if not (can_view_subscriber(user, subscriber) and can_view_consent_record(user)):
        return ConsentRecord.objects.none()
    return ConsentRecord.objects.filter(subscriber=subscriber).order_by("at", "pk")


def subscriber_for_preferences(*, token: str) -> Subscriber:
    """The subscriber a settings link names, to fill the public preferences form with their current
    language, topics and frequency; ApplicationError for an expired, tampered or unknown link."""
    key = subscriber_key_from_token(token=token, purpose=PREFERENCES)
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        raise ApplicationError(UNKNOWN, extra={"reason": "unknown"})
    return subscriber
