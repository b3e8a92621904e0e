"""The mails a subscriber receives about their subscription: discreet by default. The sender's name
and the subject say nothing about what the digest is about (a shared phone's notification or a
family member reading over a shoulder sees only "Please confirm your subscription"), and neither
the subject, the body nor a link names a topic."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext_lazy as _

from outreach.core.emails import multipart_message

from .models import Subscriber
from .tokens import subscription_links

CONFIRM_MAIL = "confirm"
ALREADY_SUBSCRIBED_MAIL = "already_subscribed"

SUBJECTS = {
    CONFIRM_MAIL: _("Please confirm your subscription"),
    ALREADY_SUBSCRIBED_MAIL: _("Your subscription"),
}
TEMPLATES = {
    CONFIRM_MAIL: "emails/subscription_confirm",
    ALREADY_SUBSCRIBED_MAIL: "emails/subscription_already_active",
}
MAIL_KINDS = tuple(SUBJECTS)


def subscription_message(*, subscriber: Subscriber, kind: str, language: str) -> EmailMultiAlternatives:
    """The mail of `kind` for the subscriber, written in `language` (or theirs when it is not a site
    language), as plain text with an HTML alternative and the signed links."""
    if kind not in MAIL_KINDS:
        raise ValueError(f"unknown subscription mail {kind!r}")
    if language not in dict(settings.LANGUAGES):
        language = subscriber.language
    context = {
        "links": subscription_links(subscriber=subscriber, language=language),
        "confirm_days": settings.SUBSCRIPTION_CONFIRM_MAX_AGE_DAYS,
    }
    return multipart_message(
        template=TEMPLATES[kind],
        subject=SUBJECTS[kind],
        context=context,
        language=language,
        from_email=settings.SUBSCRIPTION_FROM_EMAIL,
        to=subscriber.email,
    )
