"""Help requests in the Wagtail admin: every role against every door, refused POSTs change nothing,
the listing never shows what people wrote, and its query count does not grow with the rows."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from outreach.helpline.models import HelpRequest
from outreach.helpline.selectors import help_requests_visible_to
from tests.factories.helpline import HelpRequestFactory, editor, helpline_member
from tests.factories.users import UserFactory, admin_user_with
from tests.queries import assert_queries_constant, count_queries

pytestmark = pytest.mark.django_db

ACTIONS = ("view", "change", "add", "delete")


def roles():
    """Each role with what it may do with help requests: (view, change, add, delete)."""
    return {
        "anonymous": (None, (False, False, False, False)),
        "no admin access": (UserFactory(), (False, False, False, False)),
        "admin, no rights": (admin_user_with(), (False, False, False, False)),
        "editor (page permissions)": (editor(), (False, False, False, False)),
        "programme officer": (admin_user_with("grants.view_programme"), (False, False, False, False)),
        "helpline member": (helpline_member(), (True, True, False, False)),
        "superuser": (UserFactory(superuser=True), (True, True, False, True)),
        "inactive helpline member": (helpline_member(is_active=False), (False, False, False, False)),
    }


def doors(help_request: HelpRequest) -> dict[str, list[str]]:
    pk = help_request.pk
    return {
        "view": [reverse("help_requests:index"), reverse("help_requests:inspect", args=[pk])],
        "change": [
            reverse("help_requests:edit", args=[pk]),
            reverse("help_requests:history", args=[pk]),
            reverse("help_requests:usage", args=[pk]),
        ],
        "add": [reverse("help_requests:add")],
        "delete": [reverse("help_requests:delete", args=[pk])],
    }


def test_every_role_against_every_help_request_door(client):
    # given
    help_request = HelpRequestFactory()
    for role, (user, allowed) in roles().items():
        if user is not None:
            client.force_login(user)
        for action, may in zip(ACTIONS, allowed, strict=True):
            for url in doors(help_request)[action]:
                # when
                status = client.get(url).status_code
                # then
                assert (status == 200) is may, f"{role} {action} {url}: {status}"
                if not may:
                    assert status in (302, 403), f"{role} {action} {url}: {status}"
        assert help_requests_visible_to(user=user).exists() is allowed[0], role
        client.logout()


def test_refused_posts_change_nothing(client):
    # given
    help_request = HelpRequestFactory()
    before = HelpRequest.objects.values().get()
    change = {"status": HelpRequest.Status.IN_PROGRESS, "assigned_to": ""}
    new = {"who": "friend", "message": "Written in the admin", "contact": "", "language": "en"}
    for role, (user, allowed) in roles().items():
        if user is not None:
            client.force_login(user)
        may_view, may_change, may_add, may_delete = allowed
        posts = [
            (may_add, reverse("help_requests:add"), new),
            (may_delete, reverse("help_requests:delete", args=[help_request.pk]), {}),
        ]
        if not may_change:
            posts.append((may_change, reverse("help_requests:edit", args=[help_request.pk]), change))
        for may, url, data in posts:
            if may:
                continue
            # when
            status = client.post(url, data).status_code
            # then
            assert status in (302, 403), f"{role} POST {url}: {status}"
            assert list(HelpRequest.objects.values()) == [before], f"{role} POST {url} changed a request"
        client.logout()


def test_a_superuser_may_delete_a_request(client):
    # given
    help_request = HelpRequestFactory()
    client.force_login(UserFactory(superuser=True))
    # when
    response = client.post(reverse("help_requests:delete", args=[help_request.pk]))
    # then
    assert response.status_code == 302
    assert not HelpRequest.objects.exists()


def test_the_listing_shows_who_language_status_and_date_but_never_what_was_written(client):
    # given
    help_request = HelpRequestFactory(
        who=HelpRequest.Who.TEACHER, language="kk", message="A pupil shows me recruitment videos"
    )
    client.force_login(helpline_member())
    # when
    response = client.get(reverse("help_requests:index"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "A teacher" in html
    assert "kk" in html
    assert "New" in html
    assert "recruitment videos" not in html
    assert help_request.contact not in html


def test_inspect_shows_the_decrypted_message_and_contact(client):
    # given
    help_request = HelpRequestFactory(
        message="He talks of going to Syria.\nPlease call.", contact="@aigerim_k"
    )
    client.force_login(helpline_member())
    # when
    response = client.get(reverse("help_requests:inspect", args=[help_request.pk]))
    # then
    html = response.content.decode()
    assert "He talks of going to Syria.<br>Please call." in html
    assert "@aigerim_k" in html


def test_the_edit_form_offers_status_and_assignee_only(client):
    # given
    help_request = HelpRequestFactory()
    client.force_login(helpline_member())
    # when
    response = client.get(reverse("help_requests:edit", args=[help_request.pk]))
    # then
    form = response.context["form"]
    assert list(form.fields) == ["status", "assigned_to"]
    assert [value for value, _label in form.fields["status"].choices] == ["new", "in_progress", "closed"]
    assert help_request.message not in response.content.decode()


def test_a_helpline_member_takes_up_a_request(client):
    # given
    help_request = HelpRequestFactory()
    member = helpline_member()
    client.force_login(member)
    # when
    response = client.post(
        reverse("help_requests:edit", args=[help_request.pk]),
        {"status": HelpRequest.Status.IN_PROGRESS, "assigned_to": ""},
    )
    # then
    assert response.status_code == 302
    help_request.refresh_from_db()
    assert (help_request.status, help_request.assigned_to) == (HelpRequest.Status.IN_PROGRESS, member)


def test_a_helpline_member_assigns_a_colleague_and_answers(client):
    # given
    help_request = HelpRequestFactory(in_progress=True)
    colleague = helpline_member(username="colleague")
    client.force_login(helpline_member())
    # when
    response = client.post(
        reverse("help_requests:edit", args=[help_request.pk]),
        {"status": HelpRequest.Status.ANSWERED, "assigned_to": colleague.pk},
    )
    # then
    assert response.status_code == 302
    help_request.refresh_from_db()
    assert (help_request.status, help_request.assigned_to) == (HelpRequest.Status.ANSWERED, colleague)
    assert help_request.answered_at is not None


def test_a_move_the_workflow_does_not_allow_is_refused_and_nothing_changes(client):
    # given
    help_request = HelpRequestFactory()
    before = HelpRequest.objects.values().get()
    client.force_login(helpline_member())
    # when
    response = client.post(
        reverse("help_requests:edit", args=[help_request.pk]),
        {"status": HelpRequest.Status.ANSWERED, "assigned_to": ""},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["status"] == [
        "Select a valid choice. answered is not one of the available choices."
    ]
    assert list(HelpRequest.objects.values()) == [before]


def test_assigning_someone_outside_the_helpline_is_refused_and_nothing_changes(client):
    # given
    help_request = HelpRequestFactory()
    outsider = admin_user_with("grants.view_programme")
    before = HelpRequest.objects.values().get()
    client.force_login(helpline_member())
    # when
    response = client.post(
        reverse("help_requests:edit", args=[help_request.pk]),
        {"status": HelpRequest.Status.IN_PROGRESS, "assigned_to": outsider.pk},
    )
    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["assigned_to"]
    assert list(HelpRequest.objects.values()) == [before]


def test_the_listing_queries_do_not_grow_with_the_rows(client):
    # given
    HelpRequestFactory.create_batch(2)
    HelpRequestFactory(in_progress=True)
    client.force_login(helpline_member())
    url = reverse("help_requests:index")

    def grow() -> None:
        HelpRequestFactory.create_batch(20)
        HelpRequestFactory.create_batch(3, in_progress=True)

    # when / then
    # 1 session, 2 user, 3 second-factor devices, 4 user's permissions, 5 group permissions, 6 admin
    # profile, 7 count, 8 locales, 9-10 page and collection permissions (admin menu), 11 page of
    # requests without the encrypted columns (nothing is decrypted for a listing)
    assert_queries_constant(lambda: client.get(url), grow, expected=11)


def test_the_listing_never_reads_the_encrypted_columns(client):
    # given
    HelpRequestFactory.create_batch(3)
    client.force_login(helpline_member())
    # when
    _count, sql = count_queries(lambda: client.get(reverse("help_requests:index")))
    # then
    listing = [query for query in sql if "helpline_helprequest" in query]
    assert listing
    assert not [query for query in listing if '"message"' in query or '"contact"' in query]


def test_a_change_the_service_refuses_is_shown_on_the_form_and_nothing_changes(client):
    # given: someone holding the change permission without the view permission is offered as an
    # assignee by the form, but the rule (change needs view) refuses them in the service
    help_request = HelpRequestFactory()
    half_rights = admin_user_with("helpline.change_helprequest", username="half")
    before = HelpRequest.objects.values().get()
    client.force_login(helpline_member())
    # when
    response = client.post(
        reverse("help_requests:edit", args=[help_request.pk]),
        {"status": HelpRequest.Status.IN_PROGRESS, "assigned_to": half_rights.pk},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "half cannot work on help requests, so a request cannot be assigned to them."
    ]
    assert list(HelpRequest.objects.values()) == [before]
    assert not ModelLogEntry.objects.for_instance(help_request).exclude(action="helpline.view").exists()
