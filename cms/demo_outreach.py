"""Load the demo outreach: two audiences, a message for parents in four languages (approved), a weekly
digest, a Telegram channel per language, a handful of demo subscribers at example.org, and one
finished broadcast of the "Talk before they do" campaign with its deliveries, so that the outreach
screens and the joint programme's outreach indicators have something true to show.

Idempotent like the rest of the demo: each row is matched by its name (its address for a channel,
its email for a subscriber) and nothing that exists is created or changed again. Deliveries are only
ever made for the demo subscribers, never for anyone who really subscribed."""

import datetime
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule

from cms.pages.material import MaterialPage
from cms.snippets import Topic
from cms.subscription import CONSENT_WORDING_VERSION
from outreach.audiences.models import Audience, ConsentRecord, Subscriber
from outreach.broadcasts.digests import schedule_next_run
from outreach.broadcasts.models import (
    Broadcast,
    BroadcastContent,
    ChannelTarget,
    Delivery,
    Digest,
    Message,
    MessageVariant,
)
from outreach.broadcasts.rendering import variant_content
from outreach.campaigns.models import Campaign

# What demo_outreach_load() counts, in the order the load_demo command reports it.
COUNTED = (
    "outreach_audiences",
    "messages",
    "digests",
    "channel_targets",
    "subscribers",
    "broadcasts",
    "deliveries",
)

DEMO_DOMAIN = "example.org"
PROGRAMME_CODE = "eu-voices-of-reason"
CAMPAIGN_NAME = "Talk before they do"
FEATURED_SLUG = "talking-with-your-teenager"
KAZAKHSTAN = [
    "kz-ast", "kz-ala", "kz-shy", "kz-aba", "kz-akm", "kz-akt", "kz-alm", "kz-aty", "kz-vos", "kz-zha",
    "kz-jet", "kz-zap", "kz-kar", "kz-kus", "kz-kzy", "kz-man", "kz-pav", "kz-sev", "kz-tur", "kz-uly",
]  # fmt: skip

AUDIENCES = [
    {
        "name": "Parents and teachers in Kazakhstan",
        "description": (
            "Subscribers in Kazakhstan who read in Kazakh or Russian: mostly parents and school teachers "
            "who asked for material on talking with young people about online recruitment."
        ),
        "languages": ["kk", "ru"],
        "regions": KAZAKHSTAN,
    },
    {
        "name": "Everyone",
        "description": "Every confirmed subscriber, in every language and region.",
    },
    {
        "name": "Weekly readers",
        "description": "Every confirmed subscriber who chose to hear from us once a week.",
        "frequencies": ["weekly"],
    },
]

MESSAGE_NAME = "Talking with teenagers about online recruiters"
# language: (subject, heading, first paragraph, why read the featured page, closing paragraph). The
# subjects are as neutral as the digest's: a notification on a shared phone says nothing sensitive.
VARIANTS: dict[str, tuple[str, str, str, str, str]] = {
    "kk": (
        "Осы аптада бастауға тұрарлық әңгіме",
        "Басқа біреуден бұрын сіз сөйлесіңіз",
        "Интернетте жастарды жалдайтындар олармен сағаттап сөйлеседі: тыңдайды, мақтайды, кез келген "
        "сұраққа жауап береді. Ата-аналардың көбі балаларымен күніне бірнеше минут қана сөйлесіп үлгереді. "
        "Бұл олқылықтың орнын толтыру үшін маман болу міндетті емес: балаңыздың не көретінін сұраңыз, "
        "айғайламай тыңдаңыз және сізді не алаңдататынын айтыңыз.",
        "Баланың телефонынан қатыгез видео тапқан сәтке арналған бес сабырлы қадам.",
        "Көргеніңіз сізді алаңдатса, бізге жазыңыз. Біз құпия түрде жауап береміз.",
    ),
    "ru": (
        "Разговор, который стоит начать на этой неделе",
        "Поговорите с ними раньше, чем это сделает кто-то другой",
        "Те, кто вербует молодых людей в интернете, часами слушают их, хвалят и отвечают на любой вопрос. "
        "Большинство родителей успевают поговорить с детьми несколько минут в день. Чтобы сократить этот "
        "разрыв, не нужно быть специалистом: спросите, что смотрит ваш ребёнок, выслушайте без крика и "
        "скажите, что вас тревожит.",
        "Пять спокойных шагов на случай, если вы нашли жестокое видео в телефоне ребёнка.",
        "Если что-то из увиденного вас тревожит, напишите нам. Мы отвечаем конфиденциально.",
    ),
    "en": (
        "A conversation worth having this week",
        "Talk with them before someone else does",
        "People who recruit young people online spend hours listening to them, praising them and answering "
        "every question. Most parents manage a few minutes a day. You do not need to be an expert to close "
        "that gap: ask what your child watches, listen without shouting, and say what worries you.",
        "Five calm steps for the moment you find a violent video on your child's phone.",
        "If something you see worries you, write to us. Our answers are confidential.",
    ),
    "fa-af": (
        "گفتگویی که ارزش دارد این هفته آغاز کنید",
        "پیش از آن‌که کس دیگری با آن‌ها صحبت کند، شما صحبت کنید",
        "کسانی که جوانان را از طریق انترنت جذب می‌کنند، ساعت‌ها به آن‌ها گوش می‌دهند، از آن‌ها تعریف "
        "می‌کنند و به هر سوالی پاسخ می‌دهند. بیشتر والدین روزانه تنها چند دقیقه با فرزندان خود صحبت "
        "می‌کنند. برای پر کردن این فاصله لازم نیست متخصص باشید: بپرسید فرزندتان چه می‌بیند، بدون فریاد "
        "گوش دهید و بگویید چه چیزی شما را نگران می‌کند.",
        "پنج گام آرام برای لحظه‌ای که در مبایل فرزندتان ویدیوی خشونت‌آمیزی پیدا می‌کنید.",
        "اگر چیزی شما را نگران می‌کند، برای ما بنویسید. پاسخ‌های ما محرمانه است.",
    ),
}

DIGEST = {
    "name": "Weekly reading",
    "audience": "Weekly readers",
    "channels": ["email"],
    # Every Friday at 09:00 in Almaty.
    "crontab": {"minute": "0", "hour": "9", "day_of_week": "5", "day_of_month": "*", "month_of_year": "*"},
    "timezone": "Asia/Almaty",
}

# The platform's own Telegram channels, one per language: (language, name, address).
CHANNEL_TARGETS = [
    ("kk", "Clear Path — қазақша", "@clearpath_platform_kk"),
    ("ru", "Clear Path — на русском", "@clearpath_platform_ru"),
    ("en", "Clear Path — in English", "@clearpath_platform_en"),
    ("fa-af", "Clear Path — دری", "@clearpath_platform_dari"),
]

# Demo subscribers: (email, language, region, topic slugs, frequency, unsubscribed after the broadcast).
SUBSCRIBERS = [
    ("parent.almaty@example.org", "kk", "kz-ala", ("family-and-prevention", "online-recruitment"), "weekly", False),
    ("teacher.karaganda@example.org", "kk", "kz-kar", ("religion-and-violence",), "weekly", False),
    ("parent.kostanay@example.org", "ru", "kz-kus", ("online-recruitment",), "weekly", False),
    ("teacher.astana@example.org", "ru", "kz-ast", ("family-and-prevention",), "monthly", False),
    ("parent.shymkent@example.org", "ru", "kz-shy", ("family-and-prevention",), "weekly", True),
    ("reader.abroad@example.org", "en", "other", ("coming-home",), "weekly", False),
    ("reader.kabul@example.org", "fa-af", "af", ("religion-and-violence", "coming-home"), "monthly", False),
]  # fmt: skip
CONFIRMED_AT = datetime.datetime(2026, 9, 7, 10, 30, tzinfo=datetime.UTC)

BROADCAST_NAME = "Talking with teenagers — parents and teachers, November"
# Friday 13 November 2026, 09:00 in Almaty; the one who left did so two days later.
SENT_AT = datetime.datetime(2026, 11, 13, 4, 0, tzinfo=datetime.UTC)
LEFT_AT = SENT_AT + datetime.timedelta(days=2, hours=7)


@transaction.atomic
def demo_outreach_load() -> dict[str, int]:
    """Create the demo outreach that is missing; how many of each kind were created."""
    created: Counter[str] = Counter()
    audiences = {row["name"]: _audience_ensure(row, created) for row in AUDIENCES}
    message = _message_ensure(created)
    _digest_ensure(audiences[DIGEST["audience"]], created)
    _channel_targets_ensure(created)
    _subscribers_ensure(created)
    _broadcast_ensure(message, audiences["Parents and teachers in Kazakhstan"], created)
    return {kind: created[kind] for kind in COUNTED}


def _audience_ensure(row: dict[str, Any], created: Counter[str]) -> Audience:
    audience = Audience.objects.filter(name=row["name"]).first()
    if audience is None:
        audience = Audience(**row)
        audience.full_clean()
        audience.save()
        created["outreach_audiences"] += 1
    return audience


def _featured_page() -> MaterialPage | None:
    return MaterialPage.objects.filter(slug=FEATURED_SLUG, locale__language_code="kk").first()


def _message_ensure(created: Counter[str]) -> Message:
    message = Message.objects.filter(name=MESSAGE_NAME).first()
    if message is None:
        message = Message(name=MESSAGE_NAME, required_languages=["kk", "ru"])
        message.full_clean()
        message.save()
        created["messages"] += 1
    page = _featured_page()
    existing = set(message.variants.values_list("language", flat=True))
    for language, (subject, heading, first, note, closing) in VARIANTS.items():
        if language in existing:
            continue
        body: list[dict[str, Any]] = [
            {"type": "heading", "value": heading},
            {"type": "paragraph", "value": f"<p>{first}</p>"},
        ]
        if page is not None:
            # The Kazakh original: each language's mail links the page's translation in it.
            body.append({"type": "featured_page", "value": {"page": page.pk, "note": note}})
        body.append({"type": "paragraph", "value": f"<p>{closing}</p>"})
        MessageVariant.objects.create(
            message=message,
            language=language,
            subject=subject,
            body=body,
            status=MessageVariant.Status.APPROVED,
            approved_at=CONFIRMED_AT,
        )
    return message


def _digest_ensure(audience: Audience, created: Counter[str]) -> None:
    if Digest.objects.filter(name=DIGEST["name"]).exists():
        return
    schedule = CrontabSchedule(timezone=ZoneInfo(DIGEST["timezone"]), **DIGEST["crontab"])
    schedule.full_clean()
    schedule.save()
    digest = Digest(
        name=DIGEST["name"],
        audience=audience,
        schedule=schedule,
        channels=DIGEST["channels"],
        next_run_at=schedule_next_run(schedule=schedule, after=timezone.now()),
    )
    digest.full_clean()
    digest.save()
    created["digests"] += 1


def _channel_targets_ensure(created: Counter[str]) -> None:
    for language, name, address in CHANNEL_TARGETS:
        if ChannelTarget.objects.filter(channel="telegram", address=address).exists():
            continue
        target = ChannelTarget(channel="telegram", name=name, address=address, language=language)
        target.full_clean()
        target.save()
        created["channel_targets"] += 1


def _demo_subscribers() -> Any:
    return Subscriber.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").order_by("pk")


def _subscribers_ensure(created: Counter[str]) -> None:
    """The demo subscribers, unless some already exist (then they are the demo's readers as they are)."""
    if _demo_subscribers().exists():
        return
    topic_keys = {
        topic.slug: str(topic.translation_key) for topic in Topic.objects.filter(locale__language_code="kk")
    }
    for email, language, region, slugs, frequency, leaves in SUBSCRIBERS:
        subscriber = Subscriber(
            email=email,
            language=language,
            region=region,
            topics=[topic_keys[slug] for slug in slugs if slug in topic_keys],
            frequency=frequency,
            status=Subscriber.Status.UNSUBSCRIBED if leaves else Subscriber.Status.ACTIVE,
            requested_at=CONFIRMED_AT - datetime.timedelta(minutes=5),
            request_source="cms.subscribe",
            request_wording_version=CONSENT_WORDING_VERSION,
            confirmed_at=CONFIRMED_AT,
            unsubscribed_at=LEFT_AT if leaves else None,
        )
        subscriber.full_clean()
        subscriber.save()
        created["subscribers"] += 1
        consent = {"subscriber": subscriber, "wording_version": CONSENT_WORDING_VERSION, "language": language}
        ConsentRecord.objects.create(
            action=ConsentRecord.Action.GIVEN, at=CONFIRMED_AT, source="cms.subscribe", **consent
        )
        if leaves:
            ConsentRecord.objects.create(
                action=ConsentRecord.Action.WITHDRAWN, at=LEFT_AT, source="list-unsubscribe", **consent
            )


def _broadcast_ensure(message: Message, audience: Audience, created: Counter[str]) -> None:
    """The finished broadcast of the message to parents and teachers, with what each got."""
    if Broadcast.objects.filter(name=BROADCAST_NAME).exists():
        return
    campaign = Campaign.objects.filter(programme__code=PROGRAMME_CODE, name=CAMPAIGN_NAME).first()
    broadcast = Broadcast(
        name=BROADCAST_NAME,
        message=message,
        audience=audience,
        channels=["email", "telegram"],
        campaign=campaign,
        status=Broadcast.Status.FINISHED,
        send_at=SENT_AT,
        started_at=SENT_AT,
        progressed_at=SENT_AT + datetime.timedelta(minutes=4),
        finished_at=SENT_AT + datetime.timedelta(minutes=5),
    )
    broadcast.full_clean()
    broadcast.save()
    created["broadcasts"] += 1
    variants = message.variants.filter(status=MessageVariant.Status.APPROVED).order_by("language")
    BroadcastContent.objects.bulk_create(variant_content(broadcast=broadcast, variant=v) for v in variants)
    languages = set(variants.values_list("language", flat=True))
    sent = {"broadcast": broadcast, "status": Delivery.Status.SENT, "not_before": SENT_AT, "attempts": 1}
    rows = [
        Delivery(
            subscriber=subscriber,
            channel="email",
            language=subscriber.language,
            sent_at=SENT_AT + datetime.timedelta(seconds=index + 1),
            **sent,
        )
        # The audience's readers among the demo subscribers, as they were when it was sent.
        for index, subscriber in enumerate(
            _demo_subscribers().filter(language__in=audience.languages, region__in=audience.regions)
        )
    ]
    rows += [
        Delivery(
            target=target,
            channel="telegram",
            language=target.language,
            sent_at=SENT_AT + datetime.timedelta(minutes=index + 1),
            **sent,
        )
        for index, target in enumerate(
            ChannelTarget.objects.filter(
                channel="telegram", address__in=[row[2] for row in CHANNEL_TARGETS], language__in=languages
            ).order_by("pk")
        )
    ]
    Delivery.objects.bulk_create(rows)
    created["deliveries"] += len(rows)
