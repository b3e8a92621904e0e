import factory
import wagtail_factories
from wagtail.models import Locale

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
from cms.pages.topics import TopicIndexPage
from cms.snippets import Audience, Topic

BODY = [{"type": "paragraph", "value": "<p>Ask, don't judge.</p>"}]


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    locale = factory.LazyFunction(Locale.get_default)


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience

    name = factory.Sequence(lambda n: f"Audience {n}")
    slug = factory.Sequence(lambda n: f"audience-{n}")
    locale = factory.LazyFunction(Locale.get_default)


class MaterialFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Material {n}")
    slug = factory.Sequence(lambda n: f"material-{n}")
    summary = "Why the recruiters' promises fall apart."
    body = BODY


class ArticlePageFactory(MaterialFactory):
    class Meta:
        model = ArticlePage


class TestimonyPageFactory(MaterialFactory):
    class Meta:
        model = TestimonyPage

    speaker_description = "a mother from Shymkent"


class ScholarAnswerPageFactory(MaterialFactory):
    class Meta:
        model = ScholarAnswerPage

    question = "Is it a duty to move to a war zone?"
    scholar_name = "A theologian"


class VideoPageFactory(MaterialFactory):
    class Meta:
        model = VideoPage

    video_url = "https://www.youtube.com/watch?v=abcdefghijk"
    transcript = "<p>What I saw there was not what they promised.</p>"


class ResourcePageFactory(MaterialFactory):
    class Meta:
        model = ResourcePage


class CampaignLandingPageFactory(MaterialFactory):
    class Meta:
        model = CampaignLandingPage


class HelpPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HelpPage

    title = "Get help"
    slug = "help"
    intro = "You can write to us in confidence."


class TopicIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = TopicIndexPage

    title = "Topics"
    slug = "topics"


def article_add(*, home: HomePage, factory_class: type = ArticlePageFactory, **kwargs: object):
    """A live material under `home`, in its locale."""
    return factory_class(parent=home, locale=home.locale, **kwargs)


def translation_add(*, source, home: HomePage, **kwargs: object):
    """A live translation of `source` (same kind) under `home`, which sets the locale."""
    factory_class = {
        ArticlePage: ArticlePageFactory,
        TestimonyPage: TestimonyPageFactory,
        ScholarAnswerPage: ScholarAnswerPageFactory,
        VideoPage: VideoPageFactory,
        ResourcePage: ResourcePageFactory,
        CampaignLandingPage: CampaignLandingPageFactory,
        HelpPage: HelpPageFactory,
        TopicIndexPage: TopicIndexPageFactory,
    }[type(source)]
    return factory_class(
        parent=home, locale=home.locale, translation_key=source.translation_key, slug=source.slug, **kwargs
    )


KINDS = {
    "article": ArticlePageFactory,
    "testimony": TestimonyPageFactory,
    "answer": ScholarAnswerPageFactory,
    "video": VideoPageFactory,
    "resource": ResourcePageFactory,
    "campaign": CampaignLandingPageFactory,
}


def full_body(image, help_page):
    return [
        {"type": "heading", "value": {"text": "Heading", "level": "h2"}},
        {"type": "paragraph", "value": '<p>Text with <a href="/en/">a link</a>.</p>'},
        {"type": "quote", "value": {"quote": "A quote.", "attribution": "Someone"}},
        {
            "type": "scripture",
            "value": {
                "original": "لَا إِكْرَاهَ فِي الدِّينِ",
                "original_language": "ar",
                "translation": "No compulsion in religion.",
                "source": "Qur'an 2:256",
            },
        },
        {
            "type": "image",
            "value": {"image": image.pk, "alt_text": "A path across the steppe", "caption": "Steppe"},
        },
        {
            "type": "video",
            "value": {
                "url": "https://youtu.be/abcdefghijk",
                "title": "A talk",
                "transcript": "<p>Words.</p>",
            },
        },
        {
            "type": "help_callout",
            "value": {"heading": "Need help?", "text": "Write to us.", "page": help_page.pk},
        },
    ]


def pages_of_every_kind_add(
    *,
    home: HomePage,
    topic_name: str,
    audience_name: str,
    help_title: str | None = None,
    titled: bool = False,
) -> None:
    """One material of every kind under `home`, each with every body block, a listing image, a topic
    and an audience; the help page the body links to, and the topic index. `titled` names each
    material "Material <kind>" (otherwise the factories' titles stand, as does the help page's
    without `help_title`)."""
    image = wagtail_factories.ImageFactory(title="Steppe")
    help_page = HelpPageFactory(
        parent=home, locale=home.locale, slug="help", **({"title": help_title} if help_title else {})
    )
    topic = TopicFactory(slug="online", locale=home.locale, name=topic_name)
    audience = AudienceFactory(slug="parents", locale=home.locale, name=audience_name)
    TopicIndexPageFactory(parent=home, locale=home.locale)
    for slug, factory_class in KINDS.items():
        material = article_add(
            home=home,
            factory_class=factory_class,
            slug=slug,
            body=full_body(image, help_page),
            listing_image=image,
            **({"title": f"Material {slug}"} if titled else {}),
        )
        material.topics.add(topic)
        material.audiences.add(audience)
        material.save()
