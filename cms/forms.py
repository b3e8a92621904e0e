from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.helpline.models import CONTACT_MAX_LENGTH, MESSAGE_MAX_LENGTH, HelpRequest


class HelpRequestForm(forms.Form):
    """The confidential help request: as few fields as the helpline needs to answer."""

    who = forms.ChoiceField(
        label=_("Who is writing?"), choices=HelpRequest.Who.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("What is happening? Write as much or as little as you want."),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )
    contact = forms.CharField(
        label=_("How can we answer you? (optional)"),
        help_text=_("A phone number, a messenger name or an email. Leave it empty to stay anonymous."),
        max_length=CONTACT_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
    )
    # A field people never see: automated senders fill it in, and their request is quietly dropped.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    page = forms.IntegerField(widget=forms.HiddenInput)
    # The campaign landing page the visitor came from (its call to action adds ?from=<id>). Any text
    # is accepted and checked only when the request is stored: a bad value never stops someone
    # asking for help.
    referring_page = forms.CharField(required=False, widget=forms.HiddenInput)

    @property
    def is_automated(self) -> bool:
        return bool(self.cleaned_data.get("website"))
