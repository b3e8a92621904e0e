import factory
import wagtail_factories

from cms.pages.article import ArticlePage
from cms.pages.home import HomePage


class ArticlePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "Why the recruiters' promises fall apart."
    body = [{"type": "paragraph", "value": "<p>Ask, don't judge.</p>"}]


def article_add(*, home: HomePage, **kwargs: object) -> ArticlePage:
    """A live article under `home`, in its locale."""
    return ArticlePageFactory(parent=home, locale=home.locale, **kwargs)


def translation_add(*, source: ArticlePage, home: HomePage, **kwargs: object) -> ArticlePage:
    """A live translation of `source` under `home` (which sets the locale)."""
    return ArticlePageFactory(
        parent=home, locale=home.locale, translation_key=source.translation_key, slug=source.slug, **kwargs
    )
