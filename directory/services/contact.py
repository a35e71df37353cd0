"""Messages for the people who run the directory: the contact form and removal requests.

Each is stored (moderators work through them in the admin) and, after commit, emailed to
`settings.MODERATOR_EMAILS`. A removal request from someone who is not the verified owner only
asks: moderators decide, and `directory.services.removal.creator_remove` does the removing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from directory.models import ContactMessage, Creator, RemovalRequest
from directory.services.notify import email_send


def _admin_url(obj: ContactMessage | RemovalRequest) -> str:
    meta = obj._meta
    return settings.SITE_URL + reverse(
        f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]
    )


def _email_moderators(*, template: str, context: dict) -> None:
    email_send(
        to=list(settings.MODERATOR_EMAILS),
        subject_template=f"emails/{template}_subject.txt",
        text_template=f"emails/{template}.txt",
        html_template=f"emails/{template}.html",
        context=context,
    )


def contact_message_create(*, name: str, email: str, message: str) -> ContactMessage:
    with transaction.atomic():
        contact = ContactMessage.objects.create(name=name, email=email, message=message)
        _email_moderators(
            template="contact_message",
            context={"contact": contact, "admin_url": _admin_url(contact)},
        )
    return contact


def removal_request_create(
    *,
    creator: Creator | None,
    profile_url: str = "",
    email: str = "",
    is_owner: bool = False,
    message: str = "",
) -> RemovalRequest:
    with transaction.atomic():
        request = RemovalRequest.objects.create(
            creator=creator,
            profile_url=profile_url or (creator.get_absolute_url() if creator else ""),
            email=email,
            is_owner=is_owner,
            message=message,
        )
        _email_moderators(
            template="removal_request",
            context={"removal": request, "admin_url": _admin_url(request)},
        )
    return request
