"""Every role group against every door of the admin (docs/decisions/0008-roles.md): what each may
open and do, what each is refused, and that a refused write changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission, ModelLogEntry, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_localize.models import TranslationSource

from outreach.campaigns.models import Partner
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
from outreach.grants.models import Programme
from outreach.helpline.services import LOG_VIEW
from tests.factories.campaigns import PartnerFactory
from tests.factories.cms import VideoPageFactory, article_add
from tests.factories.grants import ProgrammeFactory
from tests.factories.helpline import HelpRequestFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

RUSSIAN_TRANSLATOR = TRANSLATOR_GROUPS["ru"]
DARI_TRANSLATOR = TRANSLATOR_GROUPS["fa-af"]

# Each role as the groups its user belongs to; None is a visitor who has not signed in.
ROLES: dict[str, list[str] | None] = {
    "anonymous": None,
    "no role": [],
    EDITOR: [EDITOR],
    RUSSIAN_TRANSLATOR: [RUSSIAN_TRANSLATOR],
    DARI_TRANSLATOR: [DARI_TRANSLATOR],
    THEOLOGICAL_REVIEWER: [THEOLOGICAL_REVIEWER],
    PUBLISHER: [PUBLISHER],
    HELPLINE: [HELPLINE],
    PROGRAM_OFFICER: [PROGRAM_OFFICER],
    CAMPAIGN_MANAGER: [CAMPAIGN_MANAGER],
    PARTNER: [PARTNER],
    ADMINISTRATOR: [ADMINISTRATOR],
}
WITH_ADMIN_ACCESS = {role for role, groups in ROLES.items() if groups}

# Who may open each door (GET answers 200); everyone else is refused.
ALLOWED = {
    "dashboard": WITH_ADMIN_ACCESS,
    "edit a Russian page": {EDITOR, RUSSIAN_TRANSLATOR, PUBLISHER},
    "edit a Dari page": {EDITOR, DARI_TRANSLATOR, PUBLISHER},
    "add a page in Russian": {EDITOR, RUSSIAN_TRANSLATOR},
    "add a page in Dari": {EDITOR, DARI_TRANSLATOR},
    "the Russian page tree": {EDITOR, RUSSIAN_TRANSLATOR, PUBLISHER, ADMINISTRATOR},
    "the Dari page tree": {EDITOR, DARI_TRANSLATOR, PUBLISHER, ADMINISTRATOR},
    "help requests": {HELPLINE},
    "a help request": {HELPLINE},
    # Administrators see every programme (to put a grantee's record under the emergency lock).
    "grant programmes": {PROGRAM_OFFICER, ADMINISTRATOR},
    "add a grant programme": {PROGRAM_OFFICER},
    "partners": {CAMPAIGN_MANAGER, PARTNER},
    "add a partner": {CAMPAIGN_MANAGER},
    "users": {ADMINISTRATOR},
    "groups": {ADMINISTRATOR},
    "sites": {ADMINISTRATOR},
    "locales": {ADMINISTRATOR},
    "workflows": {ADMINISTRATOR},
    "redirects": {ADMINISTRATOR},
    "search promotions": {ADMINISTRATOR},
    # The whole audit log, helpline views included (cms.permissions.can_view_audit_log).
    "site history": {ADMINISTRATOR},
    "images": {EDITOR, RUSSIAN_TRANSLATOR, DARI_TRANSLATOR},
    "topics": {EDITOR},
    # Reading figures are editorial reports (cms.permissions.can_view_editorial_reports).
    "most read": {EDITOR, RUSSIAN_TRANSLATOR, DARI_TRANSLATOR, PUBLISHER},
    "most read as CSV": {EDITOR, RUSSIAN_TRANSLATOR, DARI_TRANSLATOR, PUBLISHER},
}


@pytest.fixture
def world(homes):
    """A live page in Russian and in Dari, a Russian draft, a help request, a programme, a partner."""
    return {
        "ru": article_add(home=homes["ru"], title="Почему вербовщики лгут", slug="why-they-lie"),
        "fa-af": article_add(home=homes["fa-af"], title="چرا استخدام‌کنندگان دروغ می‌گویند", slug="why"),
        "draft": article_add(home=homes["ru"], title="Черновик", slug="draft", live=False),
        "homes": homes,
        "help_request": HelpRequestFactory(),
        "programme": ProgrammeFactory(),
        "partner": PartnerFactory(),
    }


def doors(world) -> dict[str, str]:
    homes = world["homes"]
    return {
        "dashboard": reverse("wagtailadmin_home"),
        "edit a Russian page": reverse("wagtailadmin_pages:edit", args=[world["ru"].pk]),
        "edit a Dari page": reverse("wagtailadmin_pages:edit", args=[world["fa-af"].pk]),
        "add a page in Russian": reverse(
            "wagtailadmin_pages:add", args=["cms", "articlepage", homes["ru"].pk]
        ),
        "add a page in Dari": reverse(
            "wagtailadmin_pages:add", args=["cms", "articlepage", homes["fa-af"].pk]
        ),
        "the Russian page tree": reverse("wagtailadmin_explore", args=[homes["ru"].pk]),
        "the Dari page tree": reverse("wagtailadmin_explore", args=[homes["fa-af"].pk]),
        "help requests": reverse("help_requests:index"),
        "a help request": reverse("help_requests:inspect", args=[world["help_request"].pk]),
        "grant programmes": reverse("programmes:index"),
        "add a grant programme": reverse("programmes:add"),
        "partners": reverse("partners:index"),
        "add a partner": reverse("partners:add"),
        "users": reverse("wagtailusers_users:index"),
        "groups": reverse("wagtailusers_groups:index"),
        "sites": reverse("wagtailsites:index"),
        "locales": reverse("wagtaillocales:index"),
        "workflows": reverse("wagtailadmin_workflows:index"),
        "redirects": reverse("wagtailredirects:index"),
        "search promotions": reverse("wagtailsearchpromotions:index"),
        "site history": reverse("wagtailadmin_reports:site_history"),
        "images": reverse("wagtailimages:index"),
        "topics": reverse("wagtailsnippets_cms_topic:list"),
        "most read": reverse("cms_reading_report"),
        "most read as CSV": reverse("cms_reading_report_csv"),
    }


def sign_in(client, role: str):
    groups = ROLES[role]
    if groups is None:
        return None
    user = UserFactory(groups=groups)
    client.force_login(user)
    return user


def assert_refused(response, role: str, door: str) -> None:
    """Refused as Wagtail refuses: to the sign-in page without admin access, else back to the
    dashboard with a "no permission" message."""
    assert response.status_code == 302, f"{role} at {door}: {response.status_code}"
    if role in WITH_ADMIN_ACCESS:
        assert response["Location"] == reverse("wagtailadmin_home"), f"{role} at {door}"
    else:
        assert response["Location"].startswith(reverse("wagtailadmin_login")), f"{role} at {door}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_its_doors(client, world, role):
    # given
    sign_in(client, role)
    # Wagtail sends a translator who wanders into another language's tree back to their own.
    own_tree = {
        RUSSIAN_TRANSLATOR: reverse("wagtailadmin_explore", args=[world["homes"]["ru"].pk]),
        DARI_TRANSLATOR: reverse("wagtailadmin_explore", args=[world["homes"]["fa-af"].pk]),
    }
    for door, url in doors(world).items():
        # when
        response = client.get(url)
        # then
        if role in ALLOWED[door]:
            assert response.status_code == 200, f"{role} at {door}: {response.status_code}"
        elif door.endswith("page tree") and role in own_tree:
            assert (response.status_code, response["Location"]) == (302, own_tree[role]), door
        else:
            assert_refused(response, role, door)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_publisher_can_publish(client, world, role):
    # given a Russian draft of a kind without theological review (articles are published only by
    # approving their review: tests/editorial/test_workflows.py)
    draft = russian_video(world, live=False)
    sign_in(client, role)
    # when they ask Wagtail to publish it
    response = client.post(
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={draft.pk}",
        {"include_descendants": ""},
    )
    # then only a publisher's request publishes it
    draft.refresh_from_db()
    assert draft.live is (role == PUBLISHER), f"{role}: {response.status_code}"
    assert response.status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_only_the_publisher_publishes_an_edit_and_refused_edits_change_nothing(client, world, role):
    # given a live Russian page of a kind without theological review
    page = russian_video(world, live=True)
    revisions = page.revisions.count()
    sign_in(client, role)
    # when they change its title and press "publish"
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        video_form("Изменено", page.slug) | {"action-publish": "1"},
    )
    # then
    page.refresh_from_db()
    if role == PUBLISHER:
        assert (page.title, page.has_unpublished_changes) == ("Изменено", False)
    elif role in ALLOWED["edit a Russian page"]:
        # saved as a draft for review; the live page is untouched
        assert response.status_code == 302
        assert (page.title, page.draft_title, page.has_unpublished_changes) == (
            "Почему вербовщики лгут",
            "Изменено",
            True,
        )
        assert page.revisions.count() == revisions + 1
    else:
        assert_refused(response, role, "edit a Russian page")
        assert (page.title, page.draft_title) == ("Почему вербовщики лгут", "Почему вербовщики лгут")
        assert page.revisions.count() == revisions


def test_a_dari_translator_adds_a_dari_page_and_cannot_publish_it(client, world):
    # given
    sign_in(client, DARI_TRANSLATOR)
    dari_home = world["homes"]["fa-af"]
    # when they write a new page under the Dari home page and press "publish"
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["cms", "articlepage", dari_home.pk]),
        article_form("پرسیدن، نه قضاوت", "ask-dont-judge") | {"action-publish": "1"},
    )
    # then it is saved as a draft in Dari, not published
    page = Page.objects.get(slug="ask-dont-judge").specific
    assert response.status_code == 302
    assert (page.locale.language_code, page.live, page.get_parent().pk) == ("fa-af", False, dari_home.pk)


def test_a_dari_translator_cannot_add_a_russian_page(client, world):
    # given
    sign_in(client, DARI_TRANSLATOR)
    pages = Page.objects.count()
    # when
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["cms", "articlepage", world["homes"]["ru"].pk]),
        article_form("Спрашивать, не осуждать", "ask-dont-judge"),
    )
    # then
    assert_refused(response, DARI_TRANSLATOR, "add a page in Russian")
    assert Page.objects.count() == pages


def russian_video(world, *, live: bool):
    """A Russian video page, titled like the Russian article: videos need no theological review."""
    return article_add(
        home=world["homes"]["ru"],
        factory_class=VideoPageFactory,
        title="Почему вербовщики лгут",
        slug="why-they-lie-video",
        live=live,
    )


def video_form(title: str, slug: str) -> dict[str, str]:
    """The edit form of a video as the admin posts it."""
    return article_form(title, slug) | nested_form_data(
        {
            "video_url": "https://www.youtube.com/watch?v=abcdefghijk",
            "transcript": rich_text("<p>Спрашивать, не осуждать.</p>"),
        }
    )


def article_form(title: str, slug: str) -> dict[str, str]:
    """The add or edit form of an article as the admin posts it, with one paragraph."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "Почему обещания вербовщиков рушатся.",
            "kind": "article",
            "body": streamfield([("paragraph", rich_text("<p>Спрашивать, не осуждать.</p>"))]),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
        }
    )


@pytest.mark.parametrize(
    ("role", "created"),
    [
        (PROGRAM_OFFICER, True),
        (CAMPAIGN_MANAGER, False),
        (PARTNER, False),
        (ADMINISTRATOR, False),
        (HELPLINE, False),
    ],
)
def test_only_the_program_officer_adds_a_programme(client, role, created):
    # given
    sign_in(client, role)
    # when
    response = client.post(
        reverse("programmes:add"),
        {
            "name": "Study in Kazakhstan",
            "code": "afg-edu",
            "currency": "KZT",
            "starts_on": "2026-09-01",
            "gpa_threshold": "2.00",
            "attendance_threshold": "75",
            "visa_warning_days": "60",
            "report_grace_days": "30",
            # The funders, budget lines and officers below the form: none.
            **{
                f"{prefix}-{name}": value
                for prefix in ("funders", "budget_lines", "officers")
                for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )
    # then
    assert Programme.objects.filter(code="afg-edu").exists() is created
    if not created:
        assert_refused(response, role, "add a grant programme")


@pytest.mark.parametrize(
    ("role", "created"),
    [(CAMPAIGN_MANAGER, True), (PARTNER, False), (PROGRAM_OFFICER, False), (ADMINISTRATOR, False)],
)
def test_only_the_campaign_manager_adds_a_partner(client, role, created):
    # given
    sign_in(client, role)
    # when
    response = client.post(
        reverse("partners:add"),
        nested_form_data(
            {"name": "UNICEF Kazakhstan", "kind": "international", "contacts": inline_formset([])}
        ),
    )
    # then
    assert Partner.objects.filter(name="UNICEF Kazakhstan").exists() is created
    if not created:
        assert_refused(response, role, "add a partner")


@pytest.mark.parametrize("role", [PARTNER, CAMPAIGN_MANAGER, PROGRAM_OFFICER])
def test_nobody_but_a_superuser_deletes_a_partner_or_programme(client, world, role):
    # given
    sign_in(client, role)
    # when
    partner = client.post(reverse("partners:delete", args=[world["partner"].pk]))
    programme = client.post(reverse("programmes:delete", args=[world["programme"].pk]))
    # then
    assert_refused(partner, role, "delete a partner")
    assert_refused(programme, role, "delete a programme")
    assert Partner.objects.filter(pk=world["partner"].pk).exists()
    assert Programme.objects.filter(pk=world["programme"].pk).exists()


def test_the_administrator_audits_who_opened_a_help_request_without_reading_it(client, world):
    # given a viewed help request, an edited user account and an edited Russian page in the log
    help_request = world["help_request"]
    helpline = UserFactory(groups=[HELPLINE], username="helpline.dana")
    log(instance=help_request, action=LOG_VIEW, user=helpline)
    log(instance=UserFactory(username="editor.aigerim"), action="wagtail.edit", user=helpline)
    log(instance=world["ru"], action="wagtail.edit", user=helpline)
    sign_in(client, ADMINISTRATOR)
    # when
    html = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    inspect = client.get(reverse("help_requests:inspect", args=[help_request.pk]))
    # then every entry is there, by label, and the request itself stays closed to them
    assert ModelLogEntry.objects.get(action=LOG_VIEW).label in html
    assert "editor.aigerim" in html
    assert "Почему вербовщики лгут" in html
    assert help_request.message not in html
    assert_refused(inspect, ADMINISTRATOR, "a help request")


def test_every_translator_group_works_in_its_own_language_only(homes):
    # given the site tree with its home pages
    for code, name in TRANSLATOR_GROUPS.items():
        # when
        held = GroupPagePermission.objects.filter(group__name=name)
        # then
        assert {(row.page_id, row.permission.codename) for row in held} == {
            (homes[code].pk, codename) for codename in ("add_page", "change_page", "lock_page")
        }, name


def test_the_page_permissions_are_granted_once_however_often_the_site_is_ensured(home):
    # given the site made once (the fixture)
    from cms.services import site_ensure

    before = GroupPagePermission.objects.count()
    # when
    site_ensure()
    # then
    assert GroupPagePermission.objects.count() == before


def test_the_groups_are_exactly_the_roles():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(
        [
            EDITOR,
            THEOLOGICAL_REVIEWER,
            PUBLISHER,
            HELPLINE,
            "Outreach manager",
            PROGRAM_OFFICER,
            CAMPAIGN_MANAGER,
            PARTNER,
            ADMINISTRATOR,
            *TRANSLATOR_GROUPS.values(),
        ]
    )


def submit_translation(client, page, locales):
    return client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [locale.pk for locale in locales]},
    )


def test_a_translator_is_offered_and_may_start_translations_into_their_own_language_only(client, world):
    # given a Russian page and a Dari translator
    page, homes = world["ru"], world["homes"]
    sign_in(client, DARI_TRANSLATOR)
    # when they open "Translate this page"
    form = client.get(reverse("wagtail_localize:submit_page_translation", args=[page.pk]))
    # then Dari is the only language offered
    assert [locale.language_code for locale in form.context["form"].fields["locales"].queryset] == ["fa-af"]

    # when they try to start a Kazakh translation anyway
    refused = submit_translation(client, page, [homes["kk"].locale])
    # then nothing is made
    assert refused.status_code == 200
    assert not Page.objects.filter(translation_key=page.translation_key, locale=homes["kk"].locale).exists()

    # when they start the Dari one
    accepted = submit_translation(client, page, [homes["fa-af"].locale])
    # then a Dari draft is made under the Dari home page
    dari = Page.objects.get(translation_key=page.translation_key, locale=homes["fa-af"].locale)
    assert accepted.status_code == 302
    assert (dari.live, dari.get_parent().pk) == (False, homes["fa-af"].pk)


def test_an_editor_may_start_translations_into_every_language(client, world):
    # given
    sign_in(client, EDITOR)
    # when
    form = client.get(reverse("wagtail_localize:submit_page_translation", args=[world["ru"].pk]))
    # then every language with its own page tree but the page's own (Kazakh in Latin script is
    # respelled from the Kazakh page, never translated)
    offered = {locale.language_code for locale in form.context["form"].fields["locales"].queryset}
    assert offered == {"kk", "en", "ky", "uz", "tg", "fa-af", "ps", "ar"}


# A publisher may publish a video, never an article directly: its translation goes through the
# theological review like the article itself (tests/editorial/test_translation_review.py).
@pytest.mark.parametrize(
    ("groups", "kind", "published"),
    [
        ([EDITOR], "video", False),
        ([EDITOR, PUBLISHER], "video", True),
        ([EDITOR, PUBLISHER], "article", False),
    ],
)
def test_syncing_translations_publishes_them_only_for_those_who_may_publish(
    client, world, groups, kind, published, django_capture_on_commit_callbacks
):
    # given a Russian page translated into Kazakh (a draft)
    page, homes = world["ru"] if kind == "article" else russian_video(world, live=True), world["homes"]
    client.force_login(UserFactory(groups=groups))
    submit_translation(client, page, [homes["kk"].locale])
    kazakh = Page.objects.get(translation_key=page.translation_key, locale=homes["kk"].locale)
    source = TranslationSource.objects.get_for_instance_or_none(page)
    # when they sync it and ask for it to be published at once
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:update_translations", args=[source.pk]), {"publish_translations": "on"}
        )
    # then
    kazakh.refresh_from_db()
    assert response.status_code == 302
    assert kazakh.live is published


def test_an_administrator_manages_users_but_neither_makes_nor_changes_a_superuser(client):
    # given
    sign_in(client, ADMINISTRATOR)
    superuser = UserFactory(superuser=True, email="root@example.org")
    colleague = UserFactory(username="editor.aigerim")
    users = get_user_model().objects.count()
    new_user = {
        "username": "new.admin",
        "email": "new.admin@example.org",
        "first_name": "New",
        "last_name": "Admin",
        "password1": "a long enough password 1",
        "password2": "a long enough password 1",
        "is_active": "on",
    }
    # when / then a colleague's account opens, a superuser's does not
    assert client.get(reverse("wagtailusers_users:edit", args=[colleague.pk])).status_code == 200
    refused_edit = client.post(
        reverse("wagtailusers_users:edit", args=[superuser.pk]),
        {"username": superuser.username, "email": "taken@example.org", "is_active": "on"},
    )
    assert_refused(refused_edit, ADMINISTRATOR, "edit a superuser")
    superuser.refresh_from_db()
    assert superuser.email == "root@example.org"
    # and an account is made, but not a superuser's
    refused_add = client.post(reverse("wagtailusers_users:add"), new_user | {"is_superuser": "on"})
    assert_refused(refused_add, ADMINISTRATOR, "add a superuser")
    assert get_user_model().objects.count() == users
    added = client.post(reverse("wagtailusers_users:add"), new_user)
    assert added.status_code == 302
    assert get_user_model().objects.get(username="new.admin").is_superuser is False
