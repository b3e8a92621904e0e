"""Evidence for results may name people (attendance lists, survey sheets): it is kept in a private
collection that only campaign staff and partner users can open, and nowhere else."""

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import Collection

from outreach.campaigns.models import EVIDENCE_COLLECTION, Result
from outreach.campaigns.services import result_record
from outreach.core.exceptions import ApplicationError
from outreach.core.roles import CAMPAIGN_MANAGER, EDITOR
from tests.factories.campaigns import (
    IndicatorFactory,
    PartnerFactory,
    ProgrammePartnerFactory,
    ReportingPeriodFactory,
    partner_user,
)
from tests.factories.users import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def document_in(collection: Collection, title: str = "Attendance, Shymkent workshop"):
    return get_document_model().objects.create(
        title=title,
        file=ContentFile(b"Names of 24 teachers who attended.", name="attendance.txt"),
        collection=collection,
    )


def test_the_evidence_collection_is_private_to_campaign_staff_and_partners():
    # given (campaigns migration 0004)
    evidence = Collection.objects.get(name=EVIDENCE_COLLECTION)

    # then it is restricted to the two groups
    (restriction,) = evidence.get_view_restrictions()
    assert restriction.restriction_type == "groups"
    assert sorted(restriction.groups.values_list("name", flat=True)) == ["Campaign manager", "Partner"]


def test_evidence_kept_in_a_public_collection_is_refused():
    # given a result's evidence uploaded to the root collection
    indicator = IndicatorFactory(code="OP1.2")
    period = ReportingPeriodFactory(programme=indicator.programme)
    public = document_in(Collection.get_first_root_node())

    # when it is attached to a result
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        result_record(indicator=indicator, period=period, value="24", evidence=public, actor=None)

    # then the result is refused, saying where evidence belongs, and nothing is written
    assert refused.value.message == (
        "Keep evidence in the “Programme evidence” collection, which only campaign staff and partner users "
        "can open; anyone with its address can download a document kept in “Root”."
    )
    assert Result.objects.count() == 0


def test_evidence_in_the_private_collection_is_kept_and_served_only_to_those_who_may_see_it(client):
    # given a result whose evidence is in the private collection
    indicator = IndicatorFactory(code="OP1.2")
    partner = PartnerFactory(eu=True)
    ProgrammePartnerFactory(programme=indicator.programme, partner=partner)
    period = ReportingPeriodFactory(programme=indicator.programme)
    document = document_in(Collection.objects.get(name=EVIDENCE_COLLECTION))
    result = result_record(indicator=indicator, period=period, value="24", evidence=document, actor=None)
    assert result.evidence == document

    # when someone who is not signed in follows the document's address
    anonymous = client.get(document.url)
    # then they are sent to sign in, and get no content
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]

    # when an editor, signed in but in neither group, follows it
    client.force_login(member([EDITOR], "editor"))
    editor = client.get(document.url)
    # then they are refused too
    assert editor.status_code in (302, 403)
    assert not getattr(editor, "streaming", False)

    # when the programme's partner user follows it
    client.force_login(partner_user(partner, "eu-reader"))
    allowed = client.get(document.url)
    # then they get the document
    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == b"Names of 24 teachers who attended."


def test_a_partner_user_opens_only_evidence_their_programmes_cite(client):
    # given evidence cited by a result of the EU's programme, and a user of another partner
    indicator = IndicatorFactory(code="OP1.2")
    eu, embassy = PartnerFactory(eu=True), PartnerFactory(name="Embassy of Japan")
    ProgrammePartnerFactory(programme=indicator.programme, partner=eu)
    period = ReportingPeriodFactory(programme=indicator.programme)
    document = document_in(Collection.objects.get(name=EVIDENCE_COLLECTION))
    result_record(indicator=indicator, period=period, value="24", evidence=document, actor=None)
    uncited = document_in(Collection.objects.get(name=EVIDENCE_COLLECTION), title="Not yet cited")

    # when the embassy's user follows its address
    client.force_login(partner_user(embassy, "embassy-reader"))
    refused = client.get(document.url)
    # then they are refused, though the collection lets their group in
    assert refused.status_code == 403

    # when the EU's user follows the cited document and an uncited one
    client.force_login(partner_user(eu, "eu-reader"))
    # then only the cited one is served
    assert client.get(document.url).status_code == 200
    assert client.get(uncited.url).status_code == 403

    # and a campaign manager opens both, cited or not
    client.force_login(member([CAMPAIGN_MANAGER], "manager"))
    assert (client.get(document.url).status_code, client.get(uncited.url).status_code) == (200, 200)
