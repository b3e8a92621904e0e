"""Load the demo joint programme (cms/demo_content/joint_programme.py) and a demo partner user.

Matched by the programme's code: once it exists, nothing of it is created or changed again, so a
manager's edits survive every later load. The campaigns' landing pages are linked to their campaign
when the page has none yet."""

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cms.demo_content import joint_programme as data
from cms.demo_logins import demo_login_ensure
from cms.pages.kinds import CampaignLandingPage
from outreach.campaigns.models import (
    Campaign,
    Indicator,
    IndicatorTarget,
    JointProgramme,
    Partner,
    PartnerMembership,
    PeriodNarrative,
    ProgrammePartner,
    ReportingPeriod,
    Result,
    ResultStatement,
)
from outreach.core.roles import PARTNER

PARTNER_USERNAME = "eu-partner"


def _day(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def joint_programme_ensure(*, page_ids: dict[tuple[str, str], int], created: Counter[str]) -> None:
    """Create the demo joint programme with everything in it, unless its code is already taken.
    `page_ids` maps (slug, language) to the demo pages loaded, for the campaigns' material."""
    if JointProgramme.objects.filter(code=data.PROGRAMME["code"]).exists():
        return
    programme = JointProgramme(
        **{
            **data.PROGRAMME,
            "starts_on": _day(data.PROGRAMME["starts_on"]),
            "ends_on": _day(data.PROGRAMME["ends_on"]),
            "budget": Decimal(data.PROGRAMME["budget"]),
        }
    )
    programme.full_clean()
    programme.save()
    created["joint_programmes"] += 1
    for name, role, share in data.PARTNER_ROLES:
        partner = Partner.objects.filter(name=name).first()
        if partner is not None:
            ProgrammePartner.objects.create(
                programme=programme, partner=partner, role=role, funding_share=Decimal(share)
            )
    periods = {
        name: ReportingPeriod.objects.create(
            programme=programme, name=name, starts_on=_day(start), ends_on=_day(end)
        )
        for name, start, end in data.PERIODS
    }
    statements: dict[str, ResultStatement] = {}
    for code, level, parent, text in data.STATEMENTS:
        statements[code] = ResultStatement.objects.create(
            programme=programme, code=code, level=level, parent=statements.get(parent), statement=text
        )
    indicators: dict[str, Indicator] = {}
    for row in data.INDICATORS:
        fields = {key: value for key, value in row.items() if key not in ("statement", "targets")}
        indicator = Indicator(
            programme=programme,
            statement=statements[row["statement"]],
            **{**fields, "baseline": Decimal(fields["baseline"])},
        )
        indicator.full_clean()
        indicator.save()
        indicators[indicator.code] = indicator
        for (name, _start, _end), target in zip(data.PERIODS, row["targets"], strict=True):
            IndicatorTarget.objects.create(indicator=indicator, period=periods[name], value=Decimal(target))
    first = periods[data.PERIODS[0][0]]
    for code, dimension, category, value, note in data.RESULTS_2026_H1:
        Result.objects.create(
            indicator=indicators[code],
            period=first,
            dimension=dimension,
            category=category,
            value=Decimal(value),
            evidence_note=note,
        )
    for language, texts in data.NARRATIVES_2026_H1.items():
        PeriodNarrative.objects.create(period=first, language=language, **texts)
    for row in data.CAMPAIGNS:
        fields = {key: value for key, value in row.items() if key != "landing_page"}
        campaign = Campaign(
            programme=programme,
            **{
                **fields,
                "starts_on": _day(fields["starts_on"]),
                "ends_on": _day(fields["ends_on"]),
                "budget": Decimal(fields["budget"]),
                "spend": Decimal(fields["spend"]),
            },
        )
        campaign.full_clean()
        campaign.save()
        created["campaigns"] += 1
        if row["landing_page"]:
            _landing_pages_link(campaign=campaign, slug=row["landing_page"], page_ids=page_ids)


def _landing_pages_link(*, campaign: Campaign, slug: str, page_ids: dict[tuple[str, str], int]) -> None:
    """Point the landing page (in every language it is written in) at its campaign, and count the
    material it recommends as the campaign's."""
    landing_ids = [pk for (page_slug, _code), pk in page_ids.items() if page_slug == slug]
    for page in CampaignLandingPage.objects.filter(pk__in=landing_ids, campaign__isnull=True):
        page.campaign = campaign
        page.save(update_fields=["campaign"])
        # The live revision carries the link too, so publishing it again keeps it.
        revision = page.save_revision()
        if page.live:
            revision.publish()
    source = CampaignLandingPage.objects.filter(pk__in=landing_ids, locale__language_code="kk").first()
    if source is not None:
        campaign.materials.set([link.target_id for link in source.related_links.all() if link.target_id])


def demo_partner_user_ensure() -> tuple[str, str | None]:
    """A partner user for the EU Delegation, to see the admin as a partner does; the password is kept
    in var/ like the administrator's."""
    partner = Partner.objects.filter(name=data.PARTNER_ROLES[0][0]).first()
    if partner is None:
        return PARTNER_USERNAME, None

    def create() -> Any:
        user = get_user_model().objects.create_user(PARTNER_USERNAME, "eu-partner@localhost", None)
        user.groups.add(Group.objects.get(name=PARTNER))
        PartnerMembership.objects.create(user=user, partner=partner)
        return user

    _user, password = demo_login_ensure(
        username=PARTNER_USERNAME, login_file="partner-password.txt", create=create
    )
    return PARTNER_USERNAME, password
