import pytest
from django.apps import apps as django_apps

from cms.workflows import review_workflows_ensure
from outreach.core.roles import EDITOR, PUBLISHER, THEOLOGICAL_REVIEWER
from tests.factories.users import member


@pytest.fixture
def workflows(db) -> dict:
    """The review workflows as migration 0005 leaves them (made again if a flush removed them)."""
    return review_workflows_ensure(django_apps)


@pytest.fixture
def people(workflows) -> dict:
    """An editor, a theological reviewer and a publisher, each reading the admin in English.
    A module that needs translators too extends this fixture under the same name."""
    return {
        "editor": member([EDITOR], "editor"),
        "reviewer": member([THEOLOGICAL_REVIEWER], "reviewer"),
        "publisher": member([PUBLISHER], "publisher"),
    }
