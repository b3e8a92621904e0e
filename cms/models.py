"""Wagtail page models live in cms/pages/ and snippets in cms/snippets.py; Django finds them here."""

from cms.analytics import PageViewCount
from cms.editorial_settings import EditorialSettings
from cms.pages.help import HelpPage
from cms.pages.home import HomePage
from cms.pages.kinds import (
    ArticlePage,
    CampaignLandingPage,
    ResourcePage,
    ScholarAnswerPage,
    TestimonyPage,
    VideoPage,
)
from cms.pages.material import MaterialPage, RelatedLink
from cms.pages.topics import TopicIndexPage
from cms.snippets import Audience, Topic

__all__ = [
    "ArticlePage",
    "Audience",
    "CampaignLandingPage",
    "EditorialSettings",
    "HelpPage",
    "HomePage",
    "MaterialPage",
    "PageViewCount",
    "RelatedLink",
    "ResourcePage",
    "ScholarAnswerPage",
    "TestimonyPage",
    "Topic",
    "TopicIndexPage",
    "VideoPage",
]
