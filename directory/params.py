"""The one parser for whole numbers that arrive in a request: query parameters and URL parts.

Python's `str.isdigit()` and `int()` accept far more than a visitor means by a number: `²` passes
`isdigit()` and then fails `int()`, `int()` takes Arabic-Indic and full-width digits, spaces and
underscores, and refuses anything over 4,300 digits with a ValueError. Each of those, passed
through unchecked, answered 500. Every page, the API and the filters read integers through
`parse_request_int()` (or the form field and filter below, which call it), so one rule says what a
number is: ASCII digits, at most `MAX_DIGITS` of them, inside the caller's range.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Long enough for any number a page or filter can use, short enough that no conversion is slow.
MAX_DIGITS = 32
_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)


def parse_request_int(
    raw: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    signed: bool = False,
) -> int:
    """The whole number in `raw` (surrounding spaces ignored), or ValidationError.

    Codes: `invalid` (not ASCII digits, with an optional leading minus only when `signed`),
    `too_long` (more than MAX_DIGITS digits), `min_value` / `max_value` (outside the range).
    """
    text = raw.strip()
    if not _INTEGER.fullmatch(text) or (text.startswith("-") and not signed):
        raise ValidationError(_("Enter a whole number using the digits 0–9."), code="invalid")
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValidationError(
            _("That number is too long (at most %(n)d digits).") % {"n": MAX_DIGITS},
            code="too_long",
        )
    value = int(text)
    if minimum is not None and value < minimum:
        raise ValidationError(
            _("Enter a whole number of at least %(n)d.") % {"n": minimum}, code="min_value"
        )
    if maximum is not None and value > maximum:
        raise ValidationError(
            _("Enter a whole number no larger than %(n)d.") % {"n": maximum}, code="max_value"
        )
    return value


def range_message(*, minimum: int, maximum: int | None = None) -> str:
    """The message for a parameter the API refuses, stating the accepted range."""
    if maximum is None:
        return str(_("Must be a whole number (digits 0–9), %(min)d or more.") % {"min": minimum})
    return str(
        _("Must be a whole number (digits 0–9) from %(min)d to %(max)d.")
        % {"min": minimum, "max": maximum}
    )


class RequestIntegerField(forms.IntegerField):
    """An IntegerField that reads its value with `parse_request_int` (ASCII digits, bounded)."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_request_int(
                str(value), signed=self.min_value is None or self.min_value < 0
            )
        except ValidationError as exc:
            if exc.code == "invalid":
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            raise


class IntegerFilter(django_filters.NumberFilter):
    """A NumberFilter for whole numbers, parsed by `RequestIntegerField`."""

    field_class = RequestIntegerField


# A decimal in ASCII, as a person or a JSON encoder writes it (`42`, `42.5`, `1e-05`), with
# bounded lengths: Decimal() also reads "١٢", "NaN" and "1_000", and an exponent of a billion
# that PostgreSQL's numeric type cannot hold (it takes up to 16,383).
_DECIMAL = re.compile(
    rf"[0-9]{{1,{MAX_DIGITS}}}(\.[0-9]{{1,{MAX_DIGITS}}})?([eE][-+]?[0-9]{{1,3}})?"
)


class RequestDecimalField(forms.DecimalField):
    """A DecimalField that accepts only ASCII decimals such as `42`, `42.5` or `1e-05`."""

    def to_python(self, value: Any):
        if isinstance(value, str) and value.strip() and not _DECIMAL.fullmatch(value.strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DecimalFilter(django_filters.NumberFilter):
    field_class = RequestDecimalField


# Yes/no parameters: what an HTML checkbox sends ("on") and what API clients write. Exactly
# these spellings, so that the API schema can list them (directory/api_schema.py).
_BOOLEANS = {"true": True, "1": True, "on": True, "yes": True}
_BOOLEANS |= {"false": False, "0": False, "off": False, "no": False}
YES_NO_VALUES = tuple(_BOOLEANS)


def _checked(value: Any) -> bool:
    return value is True or (isinstance(value, str) and _BOOLEANS.get(value) is True)


class YesNoCheckbox(forms.CheckboxInput):
    """A checkbox that hands its field the raw text, so a value like `null` can be refused
    rather than read as ticked (CheckboxInput turns any non-empty text into True)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=_checked)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class YesNoField(forms.NullBooleanField):
    """true/1/on/yes or false/0/off/no; absent or empty is "not chosen"."""

    widget = YesNoCheckbox
    default_error_messages = {"invalid": _("Use true or false.")}

    def to_python(self, value: Any) -> bool | None:
        if value is None or value == "" or isinstance(value, bool):
            return value if isinstance(value, bool) else None
        result = _BOOLEANS.get(str(value))
        if result is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result

    def validate(self, value: Any) -> None:
        pass


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField
