"""Wagtail page models live in cms/pages/; Django finds them through this module."""

from cms.pages.article import ArticlePage
from cms.pages.home import HomePage

__all__ = ["ArticlePage", "HomePage"]
