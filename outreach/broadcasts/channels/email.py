"""Email through Django's mail backend (settings.EMAIL_BACKEND): SMTP here, or any provider library
that plugs into it (django-anymail). Every message carries a Message-ID derived from the delivery,
so a repeat after a crash is recognisable as the same message, and the RFC 8058 one-click
unsubscribe headers.

One SMTP connection serves a whole chunk. With Django's own SMTP backend the message's bytes are
put together directly (the headers of a language once per session, then only the recipient's
address, Message-ID and links per message) and handed to the open connection: building each
message through EmailMultiAlternatives and the email package cost more than everything else in
sending it (docs/benchmarks.md). Other backends get an EmailMultiAlternatives."""

import contextlib
import re
import smtplib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.header import Header
from email.utils import formatdate
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.utils.translation import gettext_lazy as _

from . import Channel, Outgoing, PermanentFailure, ProviderThrottled, Session, TemporaryFailure

# SMTP replies that mean "too fast, come back later" for the whole channel rather than "not now for
# this recipient": 421 (service not available, closing) and 454 (e.g. Amazon SES' throttling), and
# any 4xx whose enhanced status code is 4.7.x (policy: rate limits). Other 4xx replies (450 mailbox
# busy, 451, 452) concern the one message and requeue it with a back-off.
THROTTLE_CODES = {421, 454}
POLICY_STATUS = re.compile(rb"^\s*4\.7\.\d")
# 5.1.x: the address is wrong (no such mailbox, bad domain). Other 5xx refusals (policy, content,
# a full mailbox) concern the message or the moment, not the address, and do not suppress it.
BAD_ADDRESS_STATUS = re.compile(rb"^\s*5\.1\.\d")
# RFC 5322: a line is at most 998 bytes; longer ones are sent quoted-printable.
MAX_LINE = 998
LEADING_DOT = re.compile(rb"(?m)^\.")


def _is_throttle(code: int, text: bytes | str) -> bool:
    raw = text.encode(errors="replace") if isinstance(text, str) else (text or b"")
    return code in THROTTLE_CODES or (400 <= code < 500 and bool(POLICY_STATUS.match(raw)))


def _refusal(code: int, text: bytes | str) -> Exception:
    """The channel's error for an SMTP reply; its code never quotes the server's text."""
    if _is_throttle(code, text):
        return ProviderThrottled(f"smtp-{code}", retry_after=settings.OUTREACH_THROTTLE_BACKOFF_SECONDS)
    if 400 <= code < 500:
        return TemporaryFailure(f"smtp-{code}")
    raw = text.encode(errors="replace") if isinstance(text, str) else (text or b"")
    return PermanentFailure(f"smtp-{code}", address_invalid=bool(BAD_ADDRESS_STATUS.match(raw)))


def _body_part(content_type: str, text: str) -> bytes:
    body = text.replace("\r\n", "\n").replace("\r", "\n").encode()
    if max((len(line) for line in body.split(b"\n")), default=0) <= MAX_LINE:
        encoding = b"8bit"
        body = body.replace(b"\n", b"\r\n")
    else:
        import quopri

        encoding = b"quoted-printable"
        body = quopri.encodestring(body).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return (
        b"Content-Type: " + content_type.encode() + b'; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: " + encoding + b"\r\n\r\n" + body + b"\r\n"
    )


class EmailSession(Session):
    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.is_open = False
        self._envelope: str | None = None
        self._pipelining = False
        # Per language and subject: the encoded header lines every recipient's copy shares.
        self._shared_headers: dict[tuple[str, str], bytes] = {}

    def send(self, outgoing: Outgoing) -> str:
        try:
            if not self.is_open:
                # Opened once and kept: Django's backend closes a connection it opened for a single
                # send_messages() call, which would cost a new SMTP session per message.
                self.connection.open()
                self.is_open = True
            if self._is_plain(outgoing):
                self._transact(outgoing.address, self._raw(outgoing))
            else:
                self._message(outgoing).send()
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()), (550, b""))
            raise _refusal(code, text) from None
        except smtplib.SMTPResponseException as error:
            self._reset()
            raise _refusal(error.smtp_code, error.smtp_error) from None
        except (smtplib.SMTPException, OSError) as error:
            # `from None`: the server's own text may quote the address.
            self._reset()
            raise TemporaryFailure(f"smtp-{type(error).__name__}") from None
        return outgoing.message_id

    def _transact(self, address: str, raw: bytes) -> None:
        """One SMTP transaction for one recipient, raising what smtplib's sendmail() raises. MAIL,
        RCPT and DATA go in one write when the server offers PIPELINING (RFC 2920): two round trips
        per message instead of four."""
        smtp = self.connection.connection
        if self._envelope is None:
            smtp.ehlo_or_helo_if_needed()
            self._envelope = (
                sanitize_address(settings.OUTREACH_FROM_EMAIL, "utf-8").rsplit("<", 1)[-1].rstrip(">")
            )
            self._pipelining = smtp.has_extn("pipelining")
        commands = (f"MAIL FROM:<{self._envelope}>", f"RCPT TO:<{address}>", "DATA")
        if self._pipelining:
            smtp.send("".join(f"{command}\r\n" for command in commands))
            replies = [smtp.getreply() for _command in commands]
        else:
            replies = []
            for command in commands:
                replies.append(smtp.docmd(command))
                if replies[-1][0] not in (250, 251, 354):
                    break
        (mail_code, mail_text), *rest = replies
        rcpt_code, rcpt_text = rest[0] if rest else (503, b"")
        data_code, data_text = rest[1] if len(rest) > 1 else (503, b"")
        if data_code == 354 and (mail_code != 250 or rcpt_code not in (250, 251)):
            # A server that opened DATA although the envelope was refused gets an empty message.
            smtp.send(b".\r\n")
            smtp.getreply()
        if mail_code != 250:
            self._rset(smtp)
            raise smtplib.SMTPSenderRefused(mail_code, mail_text, self._envelope)
        if rcpt_code not in (250, 251):
            self._rset(smtp)
            raise smtplib.SMTPRecipientsRefused({address: (rcpt_code, rcpt_text)})
        if data_code != 354:
            self._rset(smtp)
            raise smtplib.SMTPDataError(data_code, data_text)
        quoted = LEADING_DOT.sub(b"..", raw)  # the dot-stuffing smtplib's data() does (RFC 5321 4.5.2)
        smtp.send(quoted + b".\r\n" if quoted.endswith(b"\r\n") else quoted + b"\r\n.\r\n")
        code, text = smtp.getreply()
        if code != 250:
            self._rset(smtp)
            raise smtplib.SMTPDataError(code, text)

    @staticmethod
    def _rset(smtp: smtplib.SMTP) -> None:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            smtp.rset()

    def _is_plain(self, outgoing: Outgoing) -> bool:
        """Whether the message can skip the email package: Django's SMTP backend, and an address and
        headers in plain ASCII on one line each (anything else takes Django's checks and encoding)."""
        values = [outgoing.address, outgoing.message_id, outgoing.unsubscribe_url, *outgoing.headers.values()]
        return isinstance(self.connection, SMTPBackend) and all(
            value.isascii() and "\n" not in value and "\r" not in value for value in values
        )

    def _headers(self, outgoing: Outgoing) -> dict[str, str]:
        headers = {
            "Message-ID": outgoing.message_id,
            "Content-Language": outgoing.language,
            # Bulk mail: auto-responders stay quiet.
            "Auto-Submitted": "auto-generated",
            "Precedence": "bulk",
            **outgoing.headers,
        }
        if outgoing.unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{outgoing.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return headers

    def _message(self, outgoing: Outgoing) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=outgoing.subject,
            body=outgoing.text,
            from_email=settings.OUTREACH_FROM_EMAIL,
            to=[outgoing.address],
            headers=self._headers(outgoing),
            connection=self.connection,
        )
        message.attach_alternative(outgoing.html, "text/html")
        return message

    def _raw(self, outgoing: Outgoing) -> bytes:
        """The message as Django's backend would send it (multipart/alternative, text and HTML in
        UTF-8), put together from bytes."""
        key = (outgoing.language, outgoing.subject)
        shared = self._shared_headers.get(key)
        if shared is None:
            subject = (
                outgoing.subject if outgoing.subject.isascii() else Header(outgoing.subject, "utf-8").encode()
            )
            shared = (
                f"MIME-Version: 1.0\r\nSubject: {subject.replace(chr(10), chr(13) + chr(10))}\r\n"
                f"From: {sanitize_address(settings.OUTREACH_FROM_EMAIL, 'utf-8')}\r\n"
            ).encode()
            self._shared_headers[key] = shared
        headers = "".join(f"{name}: {value}\r\n" for name, value in self._headers(outgoing).items())
        boundary = f"=={uuid.uuid4().hex}==".encode()
        return b"".join(
            (
                b'Content-Type: multipart/alternative; boundary="' + boundary + b'"\r\n',
                shared,
                f"To: {outgoing.address}\r\nDate: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}\r\n".encode(),
                headers.encode(),
                b"\r\n--" + boundary + b"\r\n",
                _body_part("text/plain", outgoing.text),
                b"--" + boundary + b"\r\n",
                _body_part("text/html", outgoing.html),
                b"--" + boundary + b"--\r\n",
            )
        )

    def _reset(self) -> None:
        # After an error mid-conversation the connection's state is unknown: start a new one.
        self.is_open = False
        self._envelope = None
        with contextlib.suppress(Exception):  # closing a broken connection may fail again
            self.connection.close()


class EmailChannel(Channel):
    key = "email"
    label = _("Email")
    per_subscriber = True

    @contextmanager
    def session(self) -> Iterator[Session]:
        connection = get_connection(fail_silently=False)
        try:
            yield EmailSession(connection)
        finally:
            with contextlib.suppress(Exception):  # a broken connection cannot be closed cleanly
                connection.close()
