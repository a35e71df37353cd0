"""What the OpenAPI schema (/api/schema/) says about the creators API, stated from the same
definitions the API runs on, so the two cannot drift apart.

Schemathesis (tests/directory/test_api_schemathesis.py) sends schema-valid and schema-invalid
requests and fails if an answer is not what the schema promises: every bound a parameter has is
declared here from the FilterSet and the pagination, every status the API answers is documented.
"""

from __future__ import annotations

from typing import Any

from django_countries import countries
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from .filters import CreatorFilter
from .models import Language, Topic
from .params import YES_NO_VALUES
from .serializers import CreatorDetailSerializer, CreatorListSerializer

_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
_ERRORS = {
    "type": "object",
    "description": "Each invalid parameter's name, with what is wrong with it.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
UNAVAILABLE = OpenApiResponse(_DETAIL, description="The database is unavailable; retry later.")
THROTTLED = OpenApiResponse(_DETAIL, description="Too many requests; see Retry-After.")


def _bounds(name: str) -> dict[str, Any]:
    extra = CreatorFilter.base_filters[name].extra
    return {
        key: extra[source]
        for key, source in (("minimum", "min_value"), ("maximum", "max_value"))
        if extra.get(source) is not None
    }


def _query(name: str, schema: dict[str, Any], description: str = "") -> OpenApiParameter:
    label = CreatorFilter.base_filters[name].label
    return OpenApiParameter(
        name, type=schema, location=OpenApiParameter.QUERY, description=description or str(label)
    )


# Topics and languages are data: their enums are filled in when the schema is generated
# (`finish_api_schema`), not frozen when this module is imported.
_DATA_ENUMS = {"topic": (Topic, "slug"), "language": (Language, "code")}


def list_parameters() -> list[OpenApiParameter]:
    """The list's query parameters with their real types and bounds."""
    return [
        _query("q", {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"}),
        _query("topic", {"type": "string"}, "Topic slug."),
        _query("language", {"type": "string"}, "Language code (ISO 639-1, or a tag like pt-br)."),
        _query(
            "country",
            {"type": "string", "enum": [code for code, _name in countries]},
            "ISO 3166 alpha-2 country code.",
        ),
        *(
            _query(name, {"type": "integer", **_bounds(name)})
            for name in ("min_followers", "max_followers", "active_within_days")
        ),
        _query("min_score", {"type": "number", **_bounds("min_score")}),
        _query(
            "emerging",
            {"type": "string", "enum": list(YES_NO_VALUES)},
            "Only creators under 5,000 followers: true (also on, 1, yes) or false (off, 0, no).",
        ),
    ]


def finish_api_schema(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular post-processing hook, run each time the schema is generated.

    Fills in the topics and languages that exist now (for a schema served to a client: the
    deploy check and `manage.py spectacular` generate one with no request, and no database
    need be there), and marks every query parameter as accepting an empty value: `?ordering=`
    means "not given", as an HTML form sends it.
    """
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                parameter["allowEmptyValue"] = True
                if request is not None and parameter.get("name") in _DATA_ENUMS:
                    model, field = _DATA_ENUMS[parameter["name"]]
                    values = model.objects.order_by(field).values_list(field, flat=True)
                    parameter["schema"]["enum"] = list(values)
    return result


def creator_schema(viewset: type) -> type:
    """Decorate the viewset with its documented parameters and responses."""
    pagination = viewset.pagination_class
    page_parameters = [
        OpenApiParameter(
            pagination.page_query_param,
            type={"type": "integer", "minimum": 1},
            location=OpenApiParameter.QUERY,
            description="Page number; past the last page is a 404.",
        ),
        OpenApiParameter(
            pagination.page_size_query_param,
            type={"type": "integer", "minimum": 1, "maximum": pagination.max_page_size},
            location=OpenApiParameter.QUERY,
            description=f"Results per page (default {pagination.page_size}).",
        ),
    ]
    return extend_schema_view(
        list=extend_schema(
            parameters=[*list_parameters(), *page_parameters],
            responses={
                200: CreatorListSerializer,  # paginated by drf-spectacular
                400: OpenApiResponse(_ERRORS, description="A parameter is invalid."),
                404: OpenApiResponse(_DETAIL, description="Past the last page."),
                429: THROTTLED,
                503: UNAVAILABLE,
            },
        ),
        retrieve=extend_schema(
            responses={
                200: CreatorDetailSerializer,
                404: OpenApiResponse(_DETAIL, description="No listed creator has this slug."),
                429: THROTTLED,
                503: UNAVAILABLE,
            }
        ),
    )(viewset)
