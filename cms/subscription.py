"""The digest subscription as readers meet it: the form, and the three pages its mails link to.

Confirming and leaving happen only on a button press (POST): mail scanners open links, and must not
subscribe or unsubscribe anyone. A mail program's one-click unsubscribe (RFC 8058) is such a POST too,
to the same address as the link, with the body "List-Unsubscribe=One-Click". Every answer is private
and carries no referrer, since the link holds a token."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from cms.search import content_locale
from cms.snippets import Topic
from outreach.audiences.models import Subscriber
from outreach.audiences.regions import REGION_CHOICES
from outreach.audiences.selectors import subscriber_for_preferences
from outreach.audiences.services import (
    subscriber_preferences_update,
    subscription_client_key,
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
)
from outreach.audiences.tokens import UNSUBSCRIBE, subscription_links
from outreach.core.authentication import client_address
from outreach.core.exceptions import ApplicationError
from outreach.core.throttle import rate_limited

# Bump when the consent text below changes; each consent record keeps the version the reader saw.
CONSENT_WORDING_VERSION = "2026-11-digest-v1"
CONSENT_TEXT = _(
    "We will send you the digest you chose and nothing else. We keep your address and your choices "
    "only for that, never share them, and delete them when you leave. Every mail has a link to leave "
    "at once."
)


class SubscriptionForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    topics = forms.MultipleChoiceField(
        label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Subscriber.Frequency.choices, initial=Subscriber.Frequency.WEEKLY
    )
    region = forms.ChoiceField(
        label=_("Where you live (optional)"),
        choices=[("", _("I would rather not say")), *REGION_CHOICES],
        required=False,
        help_text=_("Only so that our mail reaches you at a sensible time of your day."),
        widget=forms.Select(attrs={"aria-describedby": "id_region-help"}),
    )

    def __init__(self, *args: Any, topics: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(str(topic.translation_key), topic.name) for topic in topics]


class PreferencesForm(SubscriptionForm):
    email = None  # type: ignore[assignment]


def _topics() -> Any:
    locale = content_locale(get_language())
    return Topic.objects.filter(locale=locale).order_by("name") if locale else Topic.objects.none()


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return _private(TemplateResponse(request, template, context, status=status))


# Anonymous, sessionless forms: no identity a forged request could borrow, and no cookie for readers.
@csrf_exempt
def subscribe(request: HttpRequest) -> HttpResponse:
    """The sign-up form; the answer is the same whether or not the address is already subscribed."""
    topics = _topics()
    form = SubscriptionForm(request.POST or None, topics=topics)
    context: dict[str, Any] = {"form": form, "consent_text": CONSENT_TEXT}
    if request.method != "POST":
        return _render(request, "cms/subscription/subscribe.html", context)
    if not form.is_valid():
        return _render(request, "cms/subscription/subscribe.html", context, status=400)
    try:
        subscription_request(
            email=form.cleaned_data["email"],
            language=get_language(),
            topic_keys=form.cleaned_data["topics"],
            frequency=form.cleaned_data["frequency"],
            region=form.cleaned_data["region"],
            source="cms.subscribe",
            wording_version=CONSENT_WORDING_VERSION,
            # The visitor's address as the production proxy reports it: REMOTE_ADDR there is the proxy,
            # which would make every visitor one client.
            client_key=subscription_client_key(remote_address=client_address(request)),
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        status = 429 if "retry_after" in error.extra else 400
        return _render(request, "cms/subscription/subscribe.html", context, status=status)
    return _render(request, "cms/subscription/check_inbox.html", {})


# The body a mail program posts for a one-click unsubscribe (RFC 8058, section 3.1).
ONE_CLICK = "One-Click"


def _is_one_click(request: HttpRequest) -> bool:
    return request.POST.get("List-Unsubscribe") == ONE_CLICK


# The three link pages' buttons are limited per client (RATE_LIMITS["subscription-links"]): each
# POST checks a signed token, and a flood of them should cost the site nothing.
@csrf_exempt
@rate_limited("subscription-links")
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return _render(request, "cms/subscription/confirm.html", {"token": token})
    try:
        subscription_confirm(token=token)
    except ApplicationError as error:
        return _render(request, "cms/subscription/problem.html", {"message": error.message}, status=400)
    return _render(
        request, "cms/subscription/done.html", {"message": _("Thank you. Your subscription is confirmed.")}
    )


def _plain(text: str, status: int) -> HttpResponse:
    return _private(HttpResponse(text, status=status, content_type="text/plain; charset=utf-8"))


# A mail provider posts one-click unsubscribes for all its users from a few addresses: those are never
# limited, so a reader can always leave.
@csrf_exempt
@rate_limited("subscription-links", exempt=_is_one_click)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return _render(request, "cms/subscription/unsubscribe.html", {"token": token})
    if _is_one_click(request):
        # A mail program answering its user's "Unsubscribe" button: it reads only the status, so the
        # answer is short and plain, and says no more than the page would.
        try:
            subscription_unsubscribe(token=token, source="list-unsubscribe")
        except ApplicationError as error:
            return _plain(str(error.message), status=400)
        return _plain(gettext("You will receive no more mail from us."), status=200)
    try:
        subscription_unsubscribe(token=token)
    except ApplicationError as error:
        return _render(request, "cms/subscription/problem.html", {"message": error.message}, status=400)
    return _render(
        request, "cms/subscription/done.html", {"message": _("You will receive no more mail from us.")}
    )


@csrf_exempt
@rate_limited("subscription-links")
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = subscriber_for_preferences(token=token)
    except ApplicationError as error:
        return _render(request, "cms/subscription/problem.html", {"message": error.message}, status=400)
    initial = {"topics": subscriber.topics, "frequency": subscriber.frequency, "region": subscriber.region}
    form = PreferencesForm(request.POST or None, topics=_topics(), initial=initial)
    # The settings link cannot unsubscribe (each link has its own purpose): the page offers the
    # subscriber's own unsubscribe link.
    unsubscribe_url = subscription_links(subscriber=subscriber, language=get_language())[UNSUBSCRIBE]
    context = {"form": form, "token": token, "unsubscribe_url": unsubscribe_url}
    if request.method != "POST":
        return _render(request, "cms/subscription/preferences.html", context)
    if not form.is_valid():
        return _render(request, "cms/subscription/preferences.html", context, status=400)
    try:
        subscriber_preferences_update(
            token=token,
            language=get_language(),
            topic_keys=form.cleaned_data["topics"],
            frequency=form.cleaned_data["frequency"],
            region=form.cleaned_data["region"],
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _render(request, "cms/subscription/preferences.html", context, status=400)
    return _render(request, "cms/subscription/done.html", {"message": _("Your choices are saved.")})
