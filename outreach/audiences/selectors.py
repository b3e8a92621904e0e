from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from outreach.core.exceptions import ApplicationError

from .models import Audience, ConsentRecord, Subscriber, Suppression
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


def audience_members(*, audience: Audience) -> QuerySet[Subscriber]:
    """The active subscribers an audience's rule matches now, suppressed addresses left out, in id
    order. For counting and for freezing a broadcast's recipients; not filtered by who asks."""
    queryset = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
    if audience.languages:
        queryset = queryset.filter(language__in=audience.languages)
    if audience.regions:
        queryset = queryset.filter(region__in=audience.regions)
    if audience.frequencies:
        queryset = queryset.filter(frequency__in=audience.frequencies)
    if audience.subscribed_from:
        queryset = queryset.filter(confirmed_at__date__gte=audience.subscribed_from)
    if audience.subscribed_until:
        queryset = queryset.filter(confirmed_at__date__lte=audience.subscribed_until)
    if audience.topics:
        # Topic keys are UUIDs, so finding one quoted in the JSON text is exact; it works the same on
        # PostgreSQL and SQLite (whose JSON has no "contains").
        chosen = Q()
        for key in audience.topics:
            chosen |= Q(topics__icontains=f'"{key}"')
        queryset = queryset.filter(chosen)
    # Addresses are stored in lower case on both sides; LOWER() here uses the suppression's index.
    suppressed = Suppression.objects.annotate(email_lower=Lower("email")).filter(
        email_lower=OuterRef("email")
    )
    return queryset.exclude(Exists(suppressed)).order_by("pk")
