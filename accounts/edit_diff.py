"""What an owner's proposed edit would change, field by field (old → new), for the moderators.

`creator_edit_changes()` compares a `CreatorEdit` with the creator's public version now. Text
fields give the whole old and new text; topics, languages and links give what would be removed
and what added, so a moderator sees at a glance that only one link changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from directory.models import Platform

from .models import CreatorEdit


@dataclass(frozen=True, slots=True)
class FieldChange:
    label: str
    before: str = ""
    after: str = ""
    removed: tuple[str, ...] = field(default=())
    added: tuple[str, ...] = field(default=())

    @property
    def is_list(self) -> bool:
        return bool(self.removed or self.added)


def _link(platform: str, url: str) -> str:
    """A link as moderators read it; a platform corrected on the same URL is a change too."""
    label = dict(Platform.choices).get(platform, platform)
    return f"{url} ({label})"


def _set_change(label: str, before: set[str], after: set[str]) -> FieldChange | None:
    if before == after:
        return None
    return FieldChange(
        label=label, removed=tuple(sorted(before - after)), added=tuple(sorted(after - before))
    )


def creator_edit_changes(edit: CreatorEdit) -> list[FieldChange]:
    """The fields this edit changes, in form order; empty when it changes nothing."""
    creator = edit.creator
    changes: list[FieldChange | None] = []
    for name, label in (("bio", _("Short bio")), ("content_notes", _("Content notes"))):
        before, after = getattr(creator, name), getattr(edit, name)
        changes.append(
            FieldChange(label=str(label), before=before, after=after) if before != after else None
        )
    changes.append(
        _set_change(
            str(_("Topics")),
            {t.name for t in creator.topics.all()},
            {t.name for t in edit.topics.all()},
        )
    )
    changes.append(
        _set_change(
            str(_("Languages")),
            {language.name for language in creator.languages.all()},
            {language.name for language in edit.languages.all()},
        )
    )
    changes.append(
        _set_change(
            str(_("Links")),
            {_link(link.platform, link.url) for link in creator.links.all()},
            {
                _link(entry.get("platform", ""), entry.get("url", ""))
                for entry in edit.links
                if isinstance(entry, dict)
            },
        )
    )
    return [change for change in changes if change is not None]


EMPTY = format_html('<span class="diff-empty">{}</span>', _("(empty)"))


def _text(value: str, tag: str, css: str) -> SafeString:
    if not value:
        return EMPTY
    return format_html('<{} class="{}">{}</{}>', tag, css, value, tag)


def creator_edit_diff_html(edit: CreatorEdit) -> SafeString:
    """The changes as an admin table: field, public now, proposed."""
    changes = creator_edit_changes(edit)
    if not changes:
        return format_html("<p>{}</p>", _("This edit changes nothing that is public."))
    rows = []
    for change in changes:
        if change.is_list:
            before = format_html_join(
                "", '<del class="diff-del">− {}</del><br>', ((item,) for item in change.removed)
            )
            after = format_html_join(
                "", '<ins class="diff-ins">+ {}</ins><br>', ((item,) for item in change.added)
            )
        else:
            before = _text(change.before, "del", "diff-del")
            after = _text(change.after, "ins", "diff-ins")
        rows.append((change.label, before or EMPTY, after or EMPTY))
    return format_html(
        '<table class="edit-diff"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
        '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        _("Field"),
        _("Public now"),
        _("Proposed"),
        format_html_join("", '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>', rows),
    )
