"""The kinds of material editors create; each is a MaterialPage with a few fields of its own."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.blocks import RICH_TEXT_FEATURES
from cms.editorial_settings import TheologicalReviewMixin
from cms.pages.help import HelpPage
from cms.pages.material import MaterialPage

# A page id fits PostgreSQL's integer; a larger number in a link is not a page, and never a query.
PAGE_ID_MAX = 2**31 - 1


class ArticlePage(TheologicalReviewMixin, MaterialPage):
    """A counter-narrative article or explainer."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        EXPLAINER = "explainer", _("Explainer")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ARTICLE)

    content_panels = MaterialPage.panels_with(FieldPanel("kind"))
    template = "cms/article_page.html"

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")


class TestimonyPage(TheologicalReviewMixin, MaterialPage):
    """A former extremist or a family member speaking. The speaker may be pseudonymous: no field asks
    for a real name or a photo."""

    speaker_name = models.CharField(
        _("speaker's name"),
        max_length=100,
        blank=True,
        help_text=_("May be a pseudonym, or left empty. Never required."),
    )
    is_pseudonym = models.BooleanField(_("the name is a pseudonym"), default=True)
    speaker_description = models.CharField(
        _("who is speaking"),
        max_length=200,
        help_text=_("E.g. 'a mother from Shymkent', 'returned from Syria in 2019'."),
    )
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("portrait"),
        help_text=_("Optional. Never a photo that identifies someone at risk."),
    )

    content_panels = MaterialPage.panels_with(
        MultiFieldPanel(
            [
                FieldPanel("speaker_name"),
                FieldPanel("is_pseudonym"),
                FieldPanel("speaker_description"),
                FieldPanel("portrait"),
            ],
            heading=_("Speaker"),
        ),
    )
    template = "cms/testimony_page.html"

    class Meta:
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")


class ScholarAnswerPage(TheologicalReviewMixin, MaterialPage):
    """A question and a religious scholar's reviewed answer, with citations in the body."""

    question = models.TextField(_("question"))
    scholar_name = models.CharField(_("scholar"), max_length=150)
    scholar_credentials = models.CharField(
        _("scholar's position"),
        max_length=250,
        blank=True,
        help_text=_("E.g. 'theologian, Nur-Mubarak University'."),
    )

    content_panels = MaterialPage.panels_with(
        FieldPanel("question"),
        MultiFieldPanel(
            [FieldPanel("scholar_name"), FieldPanel("scholar_credentials")], heading=_("Scholar")
        ),
    )
    search_fields = [*MaterialPage.search_fields, index.SearchField("question")]
    template = "cms/scholar_answer_page.html"

    class Meta:
        verbose_name = _("scholar's answer")
        verbose_name_plural = _("scholars' answers")


class VideoPage(MaterialPage):
    """A video with its transcript; the video itself loads from its host only when the reader asks."""

    video_url = models.URLField(_("video address"), help_text=_("A YouTube or Vimeo link."))
    transcript = RichTextField(_("transcript"), features=RICH_TEXT_FEATURES)
    duration = models.CharField(_("duration"), max_length=16, blank=True, help_text=_("E.g. 6:40."))

    content_panels = MaterialPage.panels_with(
        FieldPanel("video_url"),
        FieldPanel("duration"),
        FieldPanel("transcript"),
    )
    search_fields = [*MaterialPage.search_fields, index.SearchField("transcript")]
    template = "cms/video_page.html"

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")


class ResourcePage(MaterialPage):
    """Guidance for parents and teachers, with documents to download in the body."""

    class Audience(models.TextChoices):
        PARENTS = "parents", _("Parents")
        TEACHERS = "teachers", _("Teachers")
        BOTH = "both", _("Parents and teachers")

    intended_for = models.CharField(_("for"), max_length=16, choices=Audience.choices, default=Audience.BOTH)

    content_panels = MaterialPage.panels_with(
        FieldPanel("intended_for"),
    )
    template = "cms/resource_page.html"

    class Meta:
        verbose_name = _("resource for parents and teachers")
        verbose_name_plural = _("resources for parents and teachers")


class CampaignLandingPage(MaterialPage):
    """The page a partner campaign sends people to."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="landing_pages",
        verbose_name=_("campaign"),
        help_text=_("Reads of this page and help requests sent from it count towards this campaign."),
    )
    call_to_action = models.CharField(_("call to action"), max_length=150, blank=True)
    call_to_action_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("call to action leads to"),
    )

    content_panels = [
        *MaterialPage.content_panels,
        FieldPanel("campaign"),
        MultiFieldPanel(
            [FieldPanel("call_to_action"), FieldPanel("call_to_action_page")], heading=_("Call to action")
        ),
    ]
    # Every translation belongs to its source's campaign, so its reads and help requests count there;
    # not overridable, so a translator cannot move one language's figures to another campaign.
    override_translatable_fields = [SynchronizedField("campaign", overridable=False)]
    template = "cms/campaign_landing_page.html"

    class Meta:
        verbose_name = _("campaign landing page")
        verbose_name_plural = _("campaign landing pages")

    @property
    def call_to_action_leads_to_help(self) -> bool:
        """Whether the call to action opens the help form (its link then names this page)."""
        target = self.call_to_action_page
        return target is not None and issubclass(target.specific_class or type(target), HelpPage)

    @classmethod
    def referrer_from(cls, value: object) -> "CampaignLandingPage | None":
        """The live landing page a visitor's `from` value names; None for anything else (a forged or
        stale value is ignored, never an error to the visitor)."""
        text = str(value or "").strip()
        if not text.isascii() or not text.isdigit() or not 0 < int(text) <= PAGE_ID_MAX:
            return None
        return cls.objects.live().filter(pk=int(text)).first()
