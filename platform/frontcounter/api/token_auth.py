"""Bearer-token authentication for the back-office API: the token decides the force and the roles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from frontcounter.api.paging import pagination_metadata
from frontcounter.api.problems import ApiErrorSchema, ApiProblem, problem_response
from frontcounter.api.tokens import find_token, touch
from frontcounter.extensions import csrf, db
from frontcounter.tenancy.context import reset_request_tenant, set_request_tenant

SECURITY_SCHEME = "ForceToken"
SECURITY_SCHEME_DOC = {
    "type": "http",
    "scheme": "bearer",
    "description": "A force's API token, created by a force administrator on the staff pages "
    "(/<force>/staff/admin/api-tokens). It decides the force and the staff roles the caller acts with.",
}


@dataclass(frozen=True)
class ApiClient:
    """The force system calling the API, as its token describes it."""

    token_id: int
    name: str
    roles: frozenset[str]
    services: frozenset[str] = frozenset()

    def allows(self, service_key: str) -> bool:
        """True when the token may use `service_key`'s API (a token for no named service may use every one)."""
        return not self.services or service_key in self.services

    @property
    def actor(self) -> str:
        """How the caller appears in case history and the audit log."""
        return f"api:{self.name}"


def current_api_client() -> ApiClient:
    """Return the authenticated caller of this API request."""
    return g._fc_api_client


def _unauthorised(reason: str, message: str, error: str | None) -> ApiProblem:
    challenge = 'Bearer realm="frontcounter"' + (f', error="{error}"' if error else "")
    return ApiProblem(401, reason, message, headers={"WWW-Authenticate": challenge})


def authenticate(service_key: str | None = None) -> None:
    """Before each API request: resolve `Authorization: Bearer <token>` to its force and roles, or answer 401.

    On a blueprint that belongs to one service, a token made for other services only is answered 403.
    """
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise _unauthorised("token_missing", _("Send an API token in the header Authorization: Bearer <token>."), None)
    found = find_token(secret)
    if found is None:
        raise _unauthorised("token_invalid", _("The API token is not valid."), "invalid_token")
    token, tenant = found
    if not token.is_active:
        raise _unauthorised("token_revoked", _("The API token has been revoked."), "invalid_token")
    client = ApiClient(token_id=token.id, name=token.name, roles=frozenset(token.roles or ()),
                       services=frozenset(token.services or ()))
    g._fc_api_client = client
    g._fc_api_tenant_reset = set_request_tenant(tenant.snapshot())
    if touch(token):
        db.session.commit()
    if service_key is not None and not client.allows(service_key):
        raise ApiProblem(403, "token_not_for_service", _("This API token is not for this service."))


def _leave_force(exc: BaseException | None) -> None:
    reset = g.pop("_fc_api_tenant_reset", None)
    if reset is not None:
        reset_request_tenant(reset)


class TokenAuthBlueprint(Blueprint):
    """A flask-smorest Blueprint whose every endpoint needs a force's API token (and says so in the OpenAPI)."""

    def __init__(self, *args: Any, service_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_key = service_key  # the service this API belongs to: tokens for other services get 403
        self.before_request(lambda: authenticate(service_key))
        self.teardown_request(_leave_force)
        self.register_error_handler(ApiProblem, problem_response)
        self._prepare_doc_cbks.append(self._prepare_security_doc)
        csrf.exempt(self)  # no cookies: a bearer token cannot be sent by another site's form

    def register_views_in_doc(self, api: Any, app: Any, spec: Any, *, name: str, parameters: Any) -> None:
        """Document the bearer-token security scheme and the shared error schema, then the views."""
        if SECURITY_SCHEME not in spec.components.security_schemes:
            spec.components.security_scheme(SECURITY_SCHEME, SECURITY_SCHEME_DOC)
        if "ApiError" not in spec.components.schemas:
            spec.components.schema("ApiError", schema=ApiErrorSchema)
        super().register_views_in_doc(api, app, spec, name=name, parameters=parameters)

    def _set_pagination_metadata(self, page_params: Any, result: Any, headers: Any) -> Any:
        """X-Pagination: flask-smorest's, or for more than COUNT_CAP rows `total_over` with no total."""
        over = pagination_metadata(page_params.page, page_params.page_size, page_params.item_count or 0,
                                   len(result) if isinstance(result, list) else 0)
        if over is None:
            return super()._set_pagination_metadata(page_params, result, headers)
        headers = {} if headers is None else headers
        headers[self.PAGINATION_HEADER_NAME] = json.dumps(over)
        return result, headers

    def _document_pagination_metadata(self, spec: Any, resp_doc: dict[str, Any]) -> None:
        """X-Pagination is a header, so a string: JSON text of total (or total_over), pages and next page."""
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": "Pagination metadata as JSON text, e.g. "
            '{"total": 120, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 1, "next_page": 2}. '
            "Totals are counted up to 10,000: a longer list gives no total, total_pages or last_page but "
            '"total_over": 10000, with "next_page" while the page is full, e.g. '
            '{"total_over": 10000, "first_page": 1, "page": 3, "previous_page": 2, "next_page": 4}',
            "schema": {"type": "string"},
        }

    @staticmethod
    def _prepare_security_doc(doc: dict[str, Any], doc_info: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        doc["security"] = [{SECURITY_SCHEME: []}]
        doc.setdefault("responses", {})[401] = {
            "description": "No API token, or one that is not valid or has been revoked",
            "content": {"application/json": {"schema": "ApiError"}},
        }
        return doc
