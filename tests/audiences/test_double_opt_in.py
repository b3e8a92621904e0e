"""Double opt-in end to end through a real SMTP server on loopback: the request, the mail a person
receives, the link they follow, and the consent that is recorded. The mail is discreet."""

import datetime
import re
from email.utils import parseaddr
from urllib.parse import urlsplit

import polib
import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from outreach.audiences.models import ConsentRecord, Subscriber
from outreach.audiences.services import subscription_confirm, subscription_request
from outreach.audiences.tokens import subscription_links
from tests.factories.audiences import SubscriberFactory

pytestmark = pytest.mark.django_db

TOPIC = "5f0c6c2e-8a2b-4d5e-9a51-0b7f3e2d1c4a"
REQUEST = {
    "email": "  Aigerim.K@Example.ORG ",
    "language": "ru",
    "topic_keys": [TOPIC],
    "frequency": "monthly",
    "source": "cms.HelpPage:12",
    "wording_version": "2026-11-digest-v1",
}
LINK = re.compile(
    r"https://outreach\.example\.org/(?P<lang>[a-z-]+)/subscription/(?P<purpose>[a-z]+)/(?P<token>[^/\s\"<]+)/"
)
# Words a notification or a glance at the mail must never show.
REVEALING = ("extrem", "radical", "terror", "jihad", "counter", "narrative", "topic", "экстрем", "радикал")


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.PUBLIC_BASE_URL = "https://outreach.example.org"
    settings.DEFAULT_FROM_EMAIL = "Outreach <no-reply@outreach.example.org>"
    settings.SUBSCRIPTION_FROM_EMAIL = "Newsletter <digest@mail.example.org>"


def translated(language: str, message: str) -> str:
    """The message as a reader of `language` gets it (the mails are translated)."""
    with override(language):
        return gettext(message)


def links_in(text: str) -> list[re.Match]:
    return list(LINK.finditer(text))


def request_and_receive(smtp_server, django_capture_on_commit_callbacks, **change):
    with django_capture_on_commit_callbacks(execute=True):
        answer = subscription_request(**{**REQUEST, **change})
    return answer, smtp_server.to("aigerim.k@example.org")


def test_a_reader_subscribes_receives_the_mail_follows_the_link_and_is_subscribed(
    smtp_server, django_capture_on_commit_callbacks
):
    # given / when: a reader asks for the digest on a help page
    before = timezone.now()
    answer, mails = request_and_receive(smtp_server, django_capture_on_commit_callbacks)
    # then: one subscriber waits for confirmation and one mail reached the real SMTP server
    assert answer is None
    pending = Subscriber.objects.get()
    assert (pending.email, pending.status, pending.language, pending.topics, pending.frequency) == (
        "aigerim.k@example.org",
        Subscriber.Status.PENDING,
        "ru",
        [TOPIC],
        Subscriber.Frequency.MONTHLY,
    )
    assert not ConsentRecord.objects.exists()
    assert len(mails) == 1
    mail = mails[0]
    assert mail.rcpt_tos == ["aigerim.k@example.org"]
    assert parseaddr(mail.message["From"]) == ("Newsletter", "digest@mail.example.org")
    # (a non-ASCII subject is folded onto a continuation line; the fold is not part of it)
    assert mail.message["Subject"].strip() == translated("ru", "Please confirm your subscription")
    assert mail.message["To"] == "aigerim.k@example.org"
    assert mail.message["Content-Language"] == "ru"
    # the plain text and the HTML both carry the same confirmation link, and only that one
    text, html = mail.part("text/plain"), mail.part("text/html")
    [text_link] = links_in(text)
    assert {match.group(0) for match in links_in(html)} == {text_link.group(0)}
    assert (text_link["lang"], text_link["purpose"]) == ("ru", "confirm")

    # when: they follow the link
    subscriber = subscription_confirm(token=text_link["token"])

    # then: subscribed, with a consent record naming the form, the wording and the time
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert before <= subscriber.confirmed_at <= timezone.now()
    record = ConsentRecord.objects.get()
    assert (record.subscriber, record.action, record.source, record.wording_version, record.language) == (
        subscriber,
        ConsentRecord.Action.GIVEN,
        "cms.HelpPage:12",
        "2026-11-digest-v1",
        "ru",
    )
    assert record.at == subscriber.confirmed_at


def test_the_mail_is_discreet_and_its_link_names_neither_the_address_nor_a_topic(
    smtp_server, django_capture_on_commit_callbacks
):
    # when
    _answer, [mail] = request_and_receive(smtp_server, django_capture_on_commit_callbacks)
    # then: nothing in the headers a notification shows says what the digest is about
    sender_name, _address = parseaddr(mail.message["From"])
    for header in (sender_name, mail.message["Subject"]):
        assert not [word for word in REVEALING if word in header.lower()], header
    # and the link carries only an opaque signed value
    text = mail.part("text/plain")
    [link] = links_in(text)
    url = link.group(0)
    subscriber = Subscriber.objects.get()
    for secret in (
        "aigerim",
        "example.org",
        "%40",
        "@",
        TOPIC,
        TOPIC.replace("-", ""),
        str(subscriber.pk) + "/",
    ):
        assert secret not in urlsplit(url).path, secret
    assert urlsplit(url).query == ""
    # nor does the body name a topic or repeat the address
    body = text + mail.part("text/html")
    assert TOPIC not in body and "aigerim" not in body.lower()
    ignore_it = translated(
        "ru",
        "If you did not ask for this, you can ignore this email: without your confirmation we will not "
        "write to you again, and the address will be deleted.",
    )
    assert " ".join(ignore_it.split()) in " ".join(text.split())


def test_the_mail_is_plain_text_with_an_html_alternative_in_the_readers_language_and_direction(
    smtp_server, django_capture_on_commit_callbacks
):
    # when: a Pashto reader subscribes
    _answer, [mail] = request_and_receive(smtp_server, django_capture_on_commit_callbacks, language="ps")
    # then
    assert mail.message.get_content_type() == "multipart/alternative"
    assert mail.message["Content-Language"] == "ps"
    html = mail.part("text/html")
    assert '<html lang="ps" dir="rtl">' in html
    assert "/ps/subscription/confirm/" in mail.part("text/plain")
    assert "<img" not in html and "http://" not in html


def test_the_mail_is_translated_through_gettext_for_the_subscribers_language(
    smtp_server, django_capture_on_commit_callbacks, settings, tmp_path
):
    # given: a catalogue that translates the subject and a line of the body into Russian
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "ru"}
    for source, translated in {
        "Please confirm your subscription": "Подтвердите подписку",
        "Confirm my subscription": "Подтвердить подписку",
        "Hello,": "Здравствуйте!",
    }.items():
        catalogue.append(polib.POEntry(msgid=source, msgstr=translated))
    (tmp_path / "ru" / "LC_MESSAGES").mkdir(parents=True)
    catalogue.save_as_mofile(str(tmp_path / "ru" / "LC_MESSAGES" / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    # when: the request comes from the Russian site while the admin speaks English
    _answer, [mail] = request_and_receive(smtp_server, django_capture_on_commit_callbacks)
    # then
    assert mail.message["Subject"] == "Подтвердите подписку"
    assert mail.part("text/plain").startswith("Здравствуйте!")
    assert "Подтвердить подписку" in mail.part("text/html")


def test_the_links_are_built_on_the_public_address_in_the_chosen_language(settings):
    # given
    subscriber = SubscriberFactory(language="kk")
    # when
    links = subscription_links(subscriber=subscriber, language="fa-af")
    # then
    assert sorted(links) == ["confirm", "preferences", "unsubscribe"]
    for purpose, url in links.items():
        assert re.fullmatch(
            rf"https://outreach\.example\.org/fa-af/subscription/{purpose}/[A-Za-z0-9_:-]+/", url
        ), url
    # a language the site does not have falls back to the subscriber's
    assert subscription_links(subscriber=subscriber, language="xx")["confirm"].startswith(
        "https://outreach.example.org/kk/subscription/confirm/"
    )


def test_an_address_already_subscribed_gets_its_settings_links_and_nothing_changes(
    smtp_server, django_capture_on_commit_callbacks
):
    # given
    subscriber = SubscriberFactory(email="aigerim.k@example.org", active=True, language="kk", topics=[])
    before = Subscriber.objects.values().get()
    # when: someone (perhaps not them) asks again with other choices
    answer, [mail] = request_and_receive(smtp_server, django_capture_on_commit_callbacks)
    # then: the same answer, their choices kept, and a mail with their settings and unsubscribe links
    assert answer is None
    assert list(Subscriber.objects.values()) == [before]
    assert ConsentRecord.objects.filter(subscriber=subscriber).count() == 1
    assert mail.message["Subject"].strip() == translated("ru", "Your subscription")
    assert parseaddr(mail.message["From"])[0] == "Newsletter"
    text = mail.part("text/plain")
    assert [(link["lang"], link["purpose"]) for link in links_in(text)] == [
        ("ru", "preferences"),
        ("ru", "unsubscribe"),
    ]
    already = translated(
        "ru",
        "Someone, probably you, asked to subscribe this address to our email digest. It is already "
        "subscribed, so nothing has changed.",
    )
    assert " ".join(already.split()) in " ".join(text.split())


def test_a_smtp_server_that_is_down_is_a_temporary_error_that_does_not_name_the_address(settings):
    # given: nothing listens on the port
    from outreach.audiences.services import subscription_mail_send
    from outreach.core.exceptions import TemporaryError
    from tests.smtp import free_port

    subscriber = SubscriberFactory(email="nobody-listens@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    # when / then
    with pytest.raises(TemporaryError) as raised:
        subscription_mail_send(subscriber_id=subscriber.pk, kind="confirm", language="ru")
    assert "nobody-listens" not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_confirmation_is_not_sent_once_the_subscriber_has_confirmed(mailoutbox):
    # given: a task retried after the person already followed an earlier link
    from outreach.audiences.services import subscription_mail_send

    subscriber = SubscriberFactory(active=True, requested_at=timezone.now() - datetime.timedelta(hours=1))
    # when
    subscription_mail_send(subscriber_id=subscriber.pk, kind="confirm", language="ru")
    subscription_mail_send(subscriber_id=subscriber.pk + 1000, kind="confirm", language="ru")
    # then
    assert mailoutbox == []
