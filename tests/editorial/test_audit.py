"""The audit log: Wagtail's site history, open to administrators only and then whole, exported as CSV
and XLSX with who, what and when: page edits, publications, translations and each look at a help
request, never what a help request says."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.translation import override
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry, PageLogEntry
from wagtail_localize.models import Translation, TranslationSource

from outreach.core.roles import (
    ADMINISTRATOR,
    CAMPAIGN_MANAGER,
    EDITOR,
    HELPLINE,
    PARTNER,
    PROGRAM_OFFICER,
    PUBLISHER,
    THEOLOGICAL_REVIEWER,
    TRANSLATOR_GROUPS,
)
from outreach.helpline.services import help_request_view_record
from tests.factories.cms import article_add
from tests.factories.helpline import HelpRequestFactory, helpline_member
from tests.factories.users import UserFactory, in_english
from tests.queries import assert_queries_constant

pytestmark = pytest.mark.django_db

MESSAGE = "Мой брат хочет уехать в Сирию, я боюсь за него"
CONTACT = "telegram @secret_sister_77"

SITE_HISTORY = "wagtailadmin_reports:site_history"


@pytest.fixture
def administrator():
    return in_english(UserFactory(username="admin-aidos", groups=[ADMINISTRATOR]))


@pytest.fixture
def history(homes, django_capture_on_commit_callbacks):
    """An editor's edit, a publisher's publication, a translator's translation, and a helpline
    member's look at a help request."""
    editor = UserFactory(username="editor-erlan", groups=[EDITOR])
    publisher = UserFactory(username="publisher-gulnar", groups=[PUBLISHER])
    translator = UserFactory(username="translator-aigerim", groups=[TRANSLATOR_GROUPS["kk"]])
    reader = helpline_member(username="helpline-dana")
    page = article_add(home=homes["ru"], title="Правда о Сирии", slug="syria")
    revision = page.save_revision(user=editor, log_action=True)
    with django_capture_on_commit_callbacks(execute=True):
        # as approving the article's last review step does (cms.workflows.workflow_publish_approved)
        revision.publish(user=publisher, skip_permission_checks=True)
    source, _created = TranslationSource.get_or_create_from_instance(page)
    Translation.objects.create(source=source, target_locale=homes["kk"].locale).save_target(
        user=translator, publish=False
    )
    help_request = HelpRequestFactory(message=MESSAGE, contact=CONTACT)
    help_request_view_record(help_request=help_request, actor=reader, view="inspect")
    return {"page": page, "help_request": help_request, "kazakh_locale": homes["kk"].locale}


def exported_csv(client, query: str = "") -> list[str]:
    response = client.get(reverse(SITE_HISTORY) + "?export=csv" + query)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode().splitlines()


def test_only_the_administrator_group_holds_the_audit_log_permission():
    # can_view_audit_log asks for the right to manage accounts: no other role may hold it
    holders = Group.objects.filter(
        permissions__content_type__app_label="auth", permissions__codename="change_user"
    ).values_list("name", flat=True)
    assert list(holders) == [ADMINISTRATOR]


def test_the_editorial_actions_are_registered_with_readable_labels():
    assert registry.action_exists("cms.translate") and registry.action_exists("cms.review_reminder")
    with override("en"):
        assert registry.get_action_label("cms.translate") == "Translate"
        assert registry.get_action_label("cms.review_reminder") == "Review reminder"
        assert registry.get_action_label("helpline.view") == "View help request"


def test_an_administrator_exports_edits_publications_translations_and_helpline_views(
    client, administrator, history
):
    # given
    client.force_login(administrator)
    # when
    lines = exported_csv(client)
    # then who, what, on what, when: every kind of entry, the administrator holding no helpline
    # permission and no right to edit pages
    assert lines[0] == "ID,Name,Type,Action type,User,Date/Time"
    rows = [line.split(",")[:5] for line in lines[1:]]
    page, help_request = history["page"], history["help_request"]
    kazakh = page.get_translation(history["kazakh_locale"])
    assert [str(page.pk), "Правда о Сирии", "Article", "Edit", "editor-erlan"] in rows
    assert [str(page.pk), "Правда о Сирии", "Article", "Publish", "publisher-gulnar"] in rows
    assert [str(kazakh.pk), "Правда о Сирии", "Article", "Translate", "translator-aigerim"] in rows
    # (a help request is named by its number, in the language that was active when it was opened)
    label = ModelLogEntry.objects.get(action="helpline.view").label
    assert label.endswith(str(help_request.pk))
    assert [str(help_request.pk), label, "Help request", "View help request", "helpline-dana"] in rows
    # and never what the person wrote, nor how to reach them
    body = "\n".join(lines)
    assert MESSAGE not in body and CONTACT not in body


def test_the_xlsx_export_holds_the_same_rows_without_the_request_content(client, administrator, history):
    client.force_login(administrator)
    response = client.get(reverse(SITE_HISTORY) + "?export=xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0] == ["ID", "Name", "Type", "Action type", "User", "Date/Time"]
    assert [row[3] for row in rows[1:]].count("View help request") == 1
    cells = " ".join(str(value) for row in rows for value in row)
    assert MESSAGE not in cells and CONTACT not in cells


def test_the_administrator_browses_and_filters_the_history(client, administrator, history):
    client.force_login(administrator)
    response = client.get(reverse(SITE_HISTORY), {"action": "cms.translate"})
    assert response.status_code == 200
    assert [entry.action for entry in response.context["object_list"]] == ["cms.translate"]
    assert "Translated from Russian into Kazakh" in response.content.decode()


@pytest.mark.parametrize(
    "group",
    [
        EDITOR,
        PUBLISHER,
        THEOLOGICAL_REVIEWER,
        TRANSLATOR_GROUPS["fa-af"],
        HELPLINE,
        PROGRAM_OFFICER,
        CAMPAIGN_MANAGER,
        PARTNER,
    ],
)
def test_every_other_role_is_refused_the_history_and_its_exports(client, history, group):
    # given
    client.force_login(UserFactory(groups=[group]))
    before = PageLogEntry.objects.count()
    # when / then: the page, its results fragment and both exports send them back to the dashboard
    for url in (
        reverse(SITE_HISTORY),
        reverse("wagtailadmin_reports:site_history_results"),
        reverse(SITE_HISTORY) + "?export=csv",
        reverse(SITE_HISTORY) + "?export=xlsx",
    ):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home")), url
    # and the menu does not offer it
    assert reverse(SITE_HISTORY) not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert PageLogEntry.objects.count() == before


def test_the_menu_offers_the_history_to_administrators(client, administrator, homes):
    client.force_login(administrator)
    assert reverse(SITE_HISTORY) in client.get(reverse("wagtailadmin_home")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse(SITE_HISTORY) + "?export=csv")
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_the_history_queries_do_not_grow_with_the_entries(client, administrator, homes):
    client.force_login(administrator)
    editor = UserFactory(groups=[EDITOR])
    url = reverse(SITE_HISTORY)

    def add(count):
        for _ in range(count):
            page = article_add(home=homes["en"])
            page.save_revision(user=editor, log_action=True)
            help_request_view_record(
                help_request=HelpRequestFactory(), actor=helpline_member(), view="inspect"
            )

    add(1)
    client.get(url)
    assert_queries_constant(lambda: client.get(url), lambda: add(6))
