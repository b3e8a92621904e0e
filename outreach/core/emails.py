"""Mails the platform writes to a person: plain text with an HTML alternative, in that person's
language, and sent so that a task knows whether retrying could help."""

import logging
import smtplib
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import get_language_bidi, override

from outreach.core.exceptions import TemporaryError

logger = logging.getLogger(__name__)


def multipart_message(
    *, template: str, subject: Any, context: dict[str, Any], language: str, from_email: str, to: str
) -> EmailMultiAlternatives:
    """`template`.txt with `template`.html as its HTML alternative, and the subject, rendered in
    `language`; the templates also get `language` and its writing `direction`."""
    with override(language):
        context = {**context, "language": language, "direction": "rtl" if get_language_bidi() else "ltr"}
        subject = str(subject)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=from_email, to=[to], headers={"Content-Language": language}
    )
    message.attach_alternative(html, "text/html")
    return message


def message_send(message: EmailMultiAlternatives, *, description: str) -> None:
    """Send `message`, described in logs and errors by `description` (which must not name the
    address). An address the server refuses is logged and dropped: retrying will not make the
    server take it. TemporaryError when the mail server cannot be reached, so the task retries."""
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused:
        logger.warning("The mail server refused the address for %s.", description)
    except (smtplib.SMTPException, OSError) as error:
        # `from None`: the server's own error text may quote the address.
        raise TemporaryError(f"Sending {description} failed: {type(error).__name__}") from None
