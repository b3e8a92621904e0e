"""The shared block library every page body is built from."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Level 2")), ("h3", _("Level 3"))], default="h2", label=_("Level")
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading_block.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote_block.html"


class ScriptureBlock(blocks.StructBlock):
    """A citation from scripture or a scholarly source, in the original and in translation."""

    original = blocks.TextBlock(
        label=_("Original text"), required=False, help_text=_("E.g. the Arabic text of a verse.")
    )
    original_language = blocks.ChoiceBlock(
        choices=[("ar", _("Arabic")), ("fa-af", _("Dari")), ("ps", _("Pashto")), ("kk", _("Kazakh"))],
        default="ar",
        label=_("Language of the original"),
    )
    translation = blocks.TextBlock(label=_("Translation"))
    source = blocks.CharBlock(
        label=_("Source"), max_length=200, help_text=_("E.g. Qur'an 5:32, or a hadith collection.")
    )

    class Meta:
        icon = "pick"
        label = _("Scripture citation")
        template = "cms/blocks/scripture_block.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image_block.html"


class VideoBlock(blocks.StructBlock):
    """A video on another host: nothing is loaded from it until the reader asks for it."""

    url = blocks.URLBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo link."))
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    transcript = blocks.RichTextBlock(label=_("Transcript"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "media"
        label = _("Video with transcript")
        template = "cms/blocks/video_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "cms/blocks/document_block.html"


class HelpCalloutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=200)
    text = blocks.TextBlock(label=_("Text"))
    page = blocks.PageChooserBlock(label=_("Help page"), page_type="cms.HelpPage")

    class Meta:
        icon = "help"
        label = _("Call-out to help")
        template = "cms/blocks/help_callout_block.html"


class RelatedMaterialBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=200, required=False)
    pages = blocks.ListBlock(blocks.PageChooserBlock(page_type="cms.MaterialPage"), label=_("Material"))

    class Meta:
        icon = "list-ul"
        label = _("Related material")
        template = "cms/blocks/related_material_block.html"


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, label=_("Paragraph"), template="cms/blocks/paragraph_block.html"
    )
    quote = QuoteBlock()
    scripture = ScriptureBlock()
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    help_callout = HelpCalloutBlock()
    related_material = RelatedMaterialBlock()
