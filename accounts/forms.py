"""Forms for /me/: claiming, editing an owned profile, self-reported figures, a break, removal.

Field length limits match the model columns; every error is a sentence a person understands.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Creator, Language, PlatformLink, Topic

from .models import ClaimMethod
from .ownership import BREAK_MAX_DAYS, MAX_LINKS

_MAX_COUNT = 10**12


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form without the reset link inside the password's help text: there it
    sits between the label and the input, so Tab from the email lands on it before the password.
    The sign-in page links to the reset after the button instead."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


class LinkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlatformLink) -> str:
        return f"{obj.get_platform_display()}: {obj.url}"


class ClaimStartForm(forms.Form):
    link = LinkChoiceField(
        label=_("Which of your accounts will show the proof?"),
        queryset=PlatformLink.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(
        label=_("How will you prove it?"),
        choices=ClaimMethod.choices,
        initial=ClaimMethod.BIO_CODE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, creator: Creator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link"].queryset = creator.links.order_by("platform", "url")


class CreatorEditForm(forms.Form):
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    content_notes = forms.CharField(
        label=_("Content notes"),
        max_length=300,
        required=False,
        help_text=_("Subjects a visitor may want warning of, e.g. “discusses grief”."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    links = forms.CharField(
        label=_("Links"),
        max_length=5000,
        required=False,
        help_text=_("One address per line; the platform is recognised from the address."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_links(self) -> list[tuple[None, str]]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise forms.ValidationError(
                _("At most %(max)d links, one per line."),
                code="too_many",
                params={"max": MAX_LINKS},
            )
        return [(None, line) for line in lines]


class SelfReportedStatsForm(forms.Form):
    link = LinkChoiceField(
        label=_("Account"), queryset=PlatformLink.objects.none(), empty_label=None
    )
    followers = forms.IntegerField(
        label=_("Followers"), min_value=0, max_value=_MAX_COUNT, required=False
    )
    following = forms.IntegerField(
        label=_("Following"), min_value=0, max_value=_MAX_COUNT, required=False
    )
    posts_in_window = forms.IntegerField(
        label=_("Posts in the last 30 days"), min_value=0, max_value=_MAX_COUNT, required=False
    )
    comments_in_window = forms.IntegerField(
        label=_("Comments and replies from others in the last 30 days"),
        min_value=0,
        max_value=_MAX_COUNT,
        required=False,
    )

    def __init__(self, *args: Any, creator: Creator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link"].queryset = creator.links.order_by("platform", "url")

    def measurements(self) -> dict[str, int | None]:
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in ("followers", "following", "posts_in_window", "comments_in_window")
        }
        if values["posts_in_window"] is not None or values["comments_in_window"] is not None:
            values["window_days"] = 30
        return values


class BreakForm(forms.Form):
    until = forms.DateField(
        label=_("Taking a break until"),
        required=False,
        help_text=_("Up to six months from today. Leave empty to end a break."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.now().date()
        self.fields["until"].widget.attrs["min"] = (today + dt.timedelta(days=1)).isoformat()
        self.fields["until"].widget.attrs["max"] = (
            today + dt.timedelta(days=BREAK_MAX_DAYS)
        ).isoformat()


class RemovalRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Anything you want us to know (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I want this profile removed from the directory"),
        error_messages={"required": _("Tick the box to confirm you want the profile removed.")},
    )
