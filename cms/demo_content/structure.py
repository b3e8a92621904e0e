"""What the demo site is made of, the same in every language: which pages, of which kind, tagged
how, with which picture, and which material an editor placed beside each. The words are in the
language modules (kk.py, ru.py, en.py, fa_af.py), keyed by the same slugs."""

from dataclasses import dataclass, field
from typing import Any

# Listed in the order the topic index shows them after sorting by name; the slug is shared by every
# language's version, as page slugs are, so a link keeps its shape when the language changes.
TOPIC_SLUGS = ["online-recruitment", "religion-and-violence", "family-and-prevention", "coming-home"]
AUDIENCE_SLUGS = ["youth", "parents", "teachers", "religious-leaders", "returnees-families"]

# Illustrations drawn by cms.demo_images; the title is what editors see in the image library.
IMAGES = {
    "steppe-evening": "Steppe at evening (illustration)",
    "mountains-dawn": "Mountains at dawn (illustration)",
    "open-book": "An open book in lamplight (illustration)",
    "lamp": "An oil lamp in the dark (illustration)",
    "path-to-horizon": "A path across the steppe (illustration)",
}

# Example addresses for the demo videos (an obviously made-up 11-character id): editors replace them
# with the real uploads.
DEMO_VIDEO_URLS = (
    "https://www.youtube.com/watch?v=DemoVideo01",
    "https://www.youtube.com/watch?v=DemoVideo02",
)


@dataclass(frozen=True)
class PageSpec:
    slug: str
    page_type: str
    fields: dict[str, Any] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    listing_image: str | None = None
    # Slugs of material an editor placed beside this page ("related material").
    related: tuple[str, ...] = ()
    # Slug of the page a campaign's call to action leads to.
    call_to_action_page: str | None = None


# In creation order: the help page comes before the material whose call-outs lead to it.
PAGES = [
    PageSpec("topics", "topic_index"),
    PageSpec("help", "help"),
    PageSpec(
        "recruiters-promises",
        "article",
        fields={"kind": "article"},
        topics=("online-recruitment",),
        audiences=("youth", "parents"),
        listing_image="steppe-evening",
        related=("how-recruiters-work", "the-way-back"),
    ),
    PageSpec(
        "talking-with-your-teenager",
        "article",
        fields={"kind": "explainer"},
        topics=("family-and-prevention", "online-recruitment"),
        audiences=("parents",),
        related=("warning-signs-for-parents", "a-mothers-story"),
    ),
    PageSpec(
        "hijra-to-a-war-zone",
        "article",
        fields={"kind": "explainer"},
        topics=("religion-and-violence",),
        audiences=("youth", "religious-leaders"),
        listing_image="open-book",
        related=("killing-innocents",),
    ),
    PageSpec(
        "the-way-back",
        "testimony",
        fields={"is_pseudonym": True},
        topics=("coming-home", "online-recruitment"),
        audiences=("youth", "returnees-families"),
        listing_image="mountains-dawn",
        related=("recruiters-promises", "hijra-to-a-war-zone"),
    ),
    PageSpec(
        "a-mothers-story",
        "testimony",
        fields={"is_pseudonym": True},
        topics=("family-and-prevention",),
        audiences=("parents", "returnees-families"),
        listing_image="lamp",
        related=("talking-with-your-teenager", "warning-signs-for-parents"),
    ),
    PageSpec(
        "killing-innocents",
        "scholar_answer",
        topics=("religion-and-violence",),
        audiences=("youth", "religious-leaders"),
        listing_image="open-book",
        related=("no-compulsion-in-religion", "hijra-to-a-war-zone"),
    ),
    PageSpec(
        "no-compulsion-in-religion",
        "scholar_answer",
        topics=("religion-and-violence", "family-and-prevention"),
        audiences=("youth", "religious-leaders"),
        related=("killing-innocents", "the-way-back"),
    ),
    PageSpec(
        "how-recruiters-work",
        "video",
        fields={"video_url": DEMO_VIDEO_URLS[0], "duration": "5:40"},
        topics=("online-recruitment",),
        audiences=("youth", "parents", "teachers"),
        related=("recruiters-promises", "classroom-conversations"),
    ),
    PageSpec(
        "before-you-share",
        "video",
        fields={"video_url": DEMO_VIDEO_URLS[1], "duration": "3:50"},
        topics=("online-recruitment",),
        audiences=("youth", "teachers"),
        related=("how-recruiters-work", "asking-is-not-a-sin"),
    ),
    PageSpec(
        "warning-signs-for-parents",
        "resource",
        fields={"intended_for": "parents"},
        topics=("family-and-prevention",),
        audiences=("parents",),
        related=("talking-with-your-teenager", "a-mothers-story"),
    ),
    PageSpec(
        "classroom-conversations",
        "resource",
        fields={"intended_for": "teachers"},
        topics=("online-recruitment", "religion-and-violence"),
        audiences=("teachers",),
        related=("how-recruiters-work", "no-compulsion-in-religion"),
    ),
    PageSpec(
        "asking-is-not-a-sin",
        "campaign",
        topics=("online-recruitment", "religion-and-violence"),
        audiences=("youth",),
        listing_image="path-to-horizon",
        related=("no-compulsion-in-religion", "recruiters-promises"),
        call_to_action_page="help",
    ),
    # After the guide for parents, which its call to action leads to.
    PageSpec(
        "talk-before-they-do",
        "campaign",
        topics=("family-and-prevention",),
        audiences=("parents",),
        listing_image="steppe-evening",
        related=("talking-with-your-teenager", "a-mothers-story"),
        call_to_action_page="warning-signs-for-parents",
    ),
]

PROGRAMMES = [
    {
        "code": "afg-edu",
        "name": "Education for Afghan students in Kazakhstan",
        "description": "Bachelor's and master's places at Kazakh universities for young people from "
        "Afghanistan, with stipends, housing and follow-up after they return home.",
        "currency": "KZT",
        "starts_on": "2010-09-01",
    },
]

PARTNERS = [
    {
        "name": "Delegation of the European Union to Kazakhstan",
        "short_name": "EU Delegation",
        "kind": "international",
        "country": "KZ",
    },
    {
        "name": "Spiritual Administration of Muslims of Kazakhstan",
        "short_name": "SAMK",
        "kind": "ngo",
        "country": "KZ",
    },
]
