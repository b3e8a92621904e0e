"""Messages in the admin: written per language in one form, every edit of a variant's text a new
version and a draft again, approval of exactly the version the approver read, and a preview of the
variant as its email."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from outreach.broadcasts.models import Message, MessageVariant
from tests.factories.broadcasts import MessageVariantFactory
from tests.factories.users import UserFactory, in_english
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def message_form(name: str, variants: list[dict], required: list[str], initial: int = 0) -> dict:
    data = nested_form_data({"name": name, "variants": inline_formset(variants, initial=initial)})
    data["required_languages"] = required
    return data


def posted_body(variant: MessageVariant) -> dict:
    """The variant's stored body as the editor posts it back unchanged (block ids included)."""
    blocks = {}
    for index, block in enumerate(variant.body.raw_data):
        value = rich_text(block["value"]) if block["type"] == "paragraph" else block["value"]
        blocks[str(index)] = {
            "type": block["type"],
            "value": value,
            "id": block["id"],
            "deleted": "",
            "order": str(index),
        }
    blocks["count"] = str(len(variant.body.raw_data))
    return blocks


def variant_form(language: str, subject: str, text: str, pk: int | None = None) -> dict:
    data = {
        "language": language,
        "subject": subject,
        "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
    }
    if pk is not None:
        data["id"] = pk
    return data


def test_a_manager_writes_a_message_in_two_languages(client, manager):
    # given
    client.force_login(manager)
    data = message_form(
        "Weekly answers",
        [variant_form("ru", "Ответы недели", "Текст"), variant_form("kk", "Апта жауаптары", "Мәтін")],
        required=["ru", "kk"],
    )
    # when
    response = client.post(reverse("outreach_messages:add"), data)
    # then
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach_messages:inspect", args=[message.pk])
    assert message.required_languages == ["ru", "kk"]
    assert message.created_by == manager
    assert sorted(message.variants.values_list("language", "status", "version")) == [
        ("kk", "draft", 1),
        ("ru", "draft", 1),
    ]


def test_editing_a_variants_text_makes_a_new_draft_version_and_leaves_the_others_approved(client, manager):
    # given a message written and approved in the admin
    client.force_login(manager)
    variants = [variant_form("ru", "Старое", "Старый текст"), variant_form("kk", "Апта", "Мәтін")]
    client.post(reverse("outreach_messages:add"), message_form("Weekly answers", variants, required=["ru"]))
    message = Message.objects.get()
    ru, kk = message.variants.get(language="ru"), message.variants.get(language="kk")
    for variant in (ru, kk):
        client.post(reverse("outreach_messages:approve", args=[variant.pk]), {"version": "1"})
    data = message_form(
        "Weekly answers",
        [
            variant_form("ru", "Новое", "Новый текст", pk=ru.pk),
            {"id": kk.pk, "language": "kk", "subject": "Апта", "body": posted_body(kk)},
        ],
        required=["ru"],
        initial=2,
    )
    # when
    response = client.post(reverse("outreach_messages:edit", args=[message.pk]), data)
    # then
    assert response.status_code == 302
    ru.refresh_from_db()
    kk.refresh_from_db()
    assert (ru.subject, ru.status, ru.version, ru.approved_by) == ("Новое", "draft", 2, None)
    assert (kk.status, kk.version, kk.approved_by) == ("approved", 1, manager)


def test_the_inspect_page_shows_each_variants_state_and_approve_buttons_only_for_approvers(client, manager):
    # given
    variant = MessageVariantFactory(language="ru", version=3)
    approved = MessageVariantFactory(message=variant.message, language="en", approved=True)
    url = reverse("outreach_messages:inspect", args=[variant.message.pk])
    approve_url = reverse("outreach_messages:approve", args=[variant.pk])
    reader = in_english(UserFactory(permissions=["wagtailadmin.access_admin", "broadcasts.view_message"]))
    # when
    client.force_login(manager)
    html = client.get(url).content.decode()
    client.force_login(reader)
    reader_html = client.get(url).content.decode()
    # then
    assert "Approve version 3" in html
    assert approve_url in html
    assert reverse("outreach_messages:approve", args=[approved.pk]) not in html
    assert reverse("outreach_messages:preview", args=[variant.pk]) in html
    assert approve_url not in reader_html
    assert "Draft" in reader_html


def test_approving_records_the_approver_and_the_audit_entry(client, manager):
    # given
    variant = MessageVariantFactory(language="ru")
    client.force_login(manager)
    # when
    response = client.post(reverse("outreach_messages:approve", args=[variant.pk]), {"version": "1"})
    # then
    assert response.status_code == 302
    variant.refresh_from_db()
    assert (variant.status, variant.approved_by) == ("approved", manager)
    entry = ModelLogEntry.objects.get(action="broadcasts.approve_variant")
    assert entry.data == {"language": "ru", "version": 1}
    assert entry.message == "Approved the Russian version 1"


def test_approving_a_version_that_changed_since_it_was_read_is_refused(client, manager):
    # given
    variant = MessageVariantFactory(language="ru", version=2)
    client.force_login(manager)
    # when
    response = client.post(
        reverse("outreach_messages:approve", args=[variant.pk]), {"version": "1"}, follow=True
    )
    # then
    assert "This version changed while you were reading it" in response.content.decode()
    variant.refresh_from_db()
    assert (variant.status, variant.version, variant.approved_at) == ("draft", 2, None)
    assert not ModelLogEntry.objects.filter(action="broadcasts.approve_variant").exists()


def test_a_user_without_the_approve_permission_is_refused(client):
    # given
    variant = MessageVariantFactory(language="ru")
    writer = UserFactory(
        permissions=["wagtailadmin.access_admin", "broadcasts.view_message", "broadcasts.change_message"]
    )
    client.force_login(writer)
    # when
    response = client.post(reverse("outreach_messages:approve", args=[variant.pk]), {"version": "1"})
    # then
    assert response.status_code == 403
    assert response.content.decode() == "You may not approve message variants."
    variant.refresh_from_db()
    assert variant.status == MessageVariant.Status.DRAFT


def test_the_preview_is_the_variant_rendered_as_its_email(client, manager):
    # given
    variant = MessageVariantFactory(language="ru", subject="Новое на неделе")
    client.force_login(manager)
    # when
    response = client.get(reverse("outreach_messages:preview", args=[variant.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Ответы, которые стоит прочитать" in html
    assert "Мы собрали материалы недели" in html
    assert '<html lang="ru"' in html


def test_the_message_listing_queries_do_not_grow(client, manager):
    # given
    MessageVariantFactory.create_batch(2)
    client.force_login(manager)
    url = reverse("outreach_messages:index")

    def grow():
        for variant in MessageVariantFactory.create_batch(10):
            MessageVariantFactory(message=variant.message, language="kk", approved=True)

    # when / then
    # 1 session, 2 user, 3 second-factor devices, 4-5 user and group permissions, 6 admin profile,
    # 7 count, 8 locales, 9-10 page and collection permissions (admin menu), 11 page of messages,
    # 12 their variants (prefetched)
    assert_queries_constant(lambda: client.get(url), grow, expected=12)
    assert "Message" in client.get(url).content.decode()
