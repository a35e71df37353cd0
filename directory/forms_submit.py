"""The public forms: suggesting a creator (with a formset of links), contact, removal request.

Forms only collect and check what was typed; links are checked by
`directory.services.submissions.link_check` (the same rule the service applies again when it
writes), and writing is left to the services. Every field has a length limit, and the hidden
`website` field is a honeypot: people never see it, so anything in it came from a bot.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from directory.models import (
    PLATFORMS_WITHOUT_API,
    CreatorType,
    Platform,
    SubmissionRelationship,
    Topic,
)
from directory.submission_models import EMAIL_MAX, MESSAGE_MAX, NAME_MAX, WHY_MAX

from .services.submissions import SubmittedLink, link_check

MAX_LINKS = 10
MAX_COUNT = 10**10
URL_MAX = 500
HONEYPOT = "website"

# Primary language codes Django knows a name for (no regional variants): a short, stable list.
LANGUAGE_CHOICES = sorted(
    (
        (code, str(info["name"]))
        for code, info in LANG_INFO.items()
        if "-" not in code and "name" in info
    ),
    key=lambda item: item[1],
)


def _required(message: str) -> dict[str, str]:
    return {"required": message}


def _email_field(*, label: Any, required_message: Any = "", **kwargs: Any) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=EMAIL_MAX,
        error_messages={
            "required": required_message,
            "invalid": _("Enter an email address like name@example.org."),
        },
        **kwargs,
    )


class PublicForm(forms.Form):
    """A form strangers fill in: a honeypot, and length messages in plain words.

    The field named `website` is hidden from sight and from screen readers by the template.
    """

    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.error_messages.setdefault(
                    "max_length",
                    _("Keep this under %(limit_value)d characters (it has %(show_value)d)."),
                )

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))


class SubmissionForm(PublicForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("The name they publish under."),
        error_messages=_required("Enter the name they publish under."),
    )
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences about what they share. Up to 300 characters."),
        error_messages=_required("Write a sentence or two about what they share."),
    )
    creator_type = forms.ChoiceField(
        label=_("Creator type"),
        choices=CreatorType.choices,
        error_messages=_required("Choose the kind of creator."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose topics from the list.")},
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The languages they publish in (hold Ctrl or ⌘ to choose several)."),
        error_messages={"invalid_choice": _("Choose languages from the list.")},
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=[("", _("Not sure / not relevant")), *countries],
        required=False,
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    content_notes = forms.CharField(
        label=_("Content notes"),
        max_length=300,
        required=False,
        help_text=_("Subjects visitors may want warning of, e.g. “discusses grief”. Optional."),
    )
    relationship = forms.ChoiceField(
        label=_("Who is this?"),
        choices=SubmissionRelationship.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Say whether this is you or someone you are nominating."),
    )
    why = forms.CharField(
        label=_("Why are they worth listing?"),
        max_length=WHY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What makes their conversations helpful. Only moderators read this."),
        error_messages=_required("Tell the moderators why they are worth listing."),
    )
    email = _email_field(
        label=_("Your email address"),
        help_text=_("Only to tell you what was decided. Never shown or shared."),
        required_message=_("Enter your email address so we can tell you what was decided."),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            # Signed in: decisions reach them at their account's address unless they give one.
            self.fields["email"].required = False
            self.fields["email"].help_text = _(
                "Leave blank to use your account's address. Never shown or shared."
            )


class LinkForm(forms.Form):
    url = forms.CharField(
        label=_("Link"),
        max_length=URL_MAX,
        required=False,
        help_text=_(
            "The profile, channel, blog or podcast page, e.g. https://www.youtube.com/@name"
        ),
        error_messages={"max_length": _("This address is too long (%(show_value)d characters).")},
    )
    platform = forms.ChoiceField(
        label=_("Platform"),
        choices=[("", _("Detect from the link")), *Platform.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose a platform from the list.")},
    )
    followers = forms.IntegerField(
        label=_("Followers"), required=False, min_value=0, max_value=MAX_COUNT
    )
    following = forms.IntegerField(
        label=_("Following"), required=False, min_value=0, max_value=MAX_COUNT
    )
    posts_30d = forms.IntegerField(
        label=_("Posts in the last 30 days"), required=False, min_value=0, max_value=MAX_COUNT
    )
    comments_30d = forms.IntegerField(
        label=_("Comments those posts received"),
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        help_text=_("Roughly; count replies too."),
    )
    NUMBER_FIELDS = ("followers", "following", "posts_30d", "comments_30d")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        for name in self.NUMBER_FIELDS:
            self.fields[name].error_messages.update(
                invalid=_("Enter a whole number, or leave it blank."),
                min_value=_("Enter 0 or more."),
                max_value=_("That number is too large."),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        url = (data.get("url") or "").strip()
        if not url:
            if any(data.get(name) is not None for name in self.NUMBER_FIELDS):
                self.add_error("url", _("Add the link these numbers belong to."))
            return data
        try:
            link = link_check(url=url, platform=data.get("platform") or None)
        except ValidationError as exc:
            self.add_error("url", exc)
            return data
        data.update(url=link.url, platform=link.platform)
        return data

    @property
    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("url") if hasattr(self, "cleaned_data") else None)

    def submitted_link(self) -> SubmittedLink:
        data = self.cleaned_data
        numbers = {}
        if data["platform"] in PLATFORMS_WITHOUT_API:
            # Figures for a platform we read ourselves would only be overwritten: not kept.
            numbers = {name: data.get(name) for name in self.NUMBER_FIELDS}
        return SubmittedLink(url=data["url"], platform=data["platform"], **numbers)


class BaseLinkFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        urls = [form.cleaned_data["url"] for form in self.forms if not form.is_blank]
        if not urls:
            raise ValidationError(
                _("Add at least one link to their profile, channel, blog or podcast."),
                code="no_links",
            )
        if len(set(urls)) < len(urls):
            raise ValidationError(_("The same link is entered twice."), code="repeated")

    def submitted_links(self) -> list[SubmittedLink]:
        return [form.submitted_link() for form in self.forms if not form.is_blank]


LinkFormSet = forms.formset_factory(
    LinkForm,
    formset=BaseLinkFormSet,
    extra=1,
    max_num=MAX_LINKS,
    validate_max=True,
    absolute_max=MAX_LINKS,
)
LINKS_PREFIX = "links"


class ContactForm(PublicForm):
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX, required=False)
    email = _email_field(
        label=_("Your email address"),
        required_message=_("Enter your email address so we can reply."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _("Keep your message under %(limit_value)d characters."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # /about/ shows this form and the removal form: their ids must not collide.
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)


class RemovalRequestForm(PublicForm):
    profile_url = forms.CharField(
        label=_("Profile address"),
        max_length=URL_MAX,
        help_text=_("The address of the profile on this site, or the person's name."),
        error_messages={"required": _("Tell us which profile you mean.")},
    )
    is_owner = forms.BooleanField(label=_("This profile is about me"), required=False)
    email = _email_field(
        label=_("Your email address"),
        required=False,
        help_text=_("Optional: so we can tell you when it is done."),
    )
    message = forms.CharField(
        label=_("Anything we should know"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. You do not need to give a reason."),
        error_messages={"max_length": _("Keep your message under %(limit_value)d characters.")},
    )

    def __init__(self, *args: Any, creator: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "removal_%s")
        super().__init__(*args, **kwargs)
        if creator is not None:
            # Asked from the profile itself: which profile is already known.
            del self.fields["profile_url"]
