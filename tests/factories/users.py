import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from wagtail.users.models import UserProfile


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `permissions=["grants.view_programme", ...]` grants Django permissions by name, and
    `groups=["Editor", ...]` makes them a member of role groups (outreach.core.roles), which must
    exist: the migrations create them."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_active = True

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)
        inactive = factory.Trait(is_active=False)

    @factory.post_generation
    def permissions(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create or not extracted:
            return
        for name in extracted:
            app_label, codename = name.split(".")
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create or not extracted:
            return
        self.groups.add(*(Group.objects.get(name=name) for name in extracted))


def admin_user_with(*permissions: str, **kwargs: object):
    """A user who may log in to the Wagtail admin and holds exactly these extra permissions."""
    return UserFactory(permissions=["wagtailadmin.access_admin", *permissions], **kwargs)


def in_english(user):
    """`user`, now reading the admin and its mails in English (the language tests assert in)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def member(groups: list[str], username: str):
    """A member of role groups who reads the admin and its mails in English."""
    return in_english(UserFactory(username=username, groups=groups))


def signed_in(user) -> Client:
    """A test client of its own, signed in as `user`, for tests where several people act in turn."""
    client = Client()
    client.force_login(user)
    return client
