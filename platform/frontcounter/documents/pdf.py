"""Generated PDFs: force-branded HTML templates rendered by WeasyPrint, offline, as tagged PDF/UA-1."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, render_template
from weasyprint import HTML, URLFetcher

from frontcounter.accounts.auth import current_account
from frontcounter.documents.models import Document
from frontcounter.documents.records import save_document
from frontcounter.documents.uploads import FILE_TYPES, display_filename
from frontcounter.tenancy.context import TenantRef, current_tenant

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

# Tagged PDF with a structure tree, document language and title: readable by screen readers.
PDF_VARIANT = "pdf/ua-1"
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_DEFAULT_COLOUR = "#1d3c6e"
UK = ZoneInfo("Europe/London")  # dates printed on letters and certificates are UK dates


class LocalOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reaches no network: data: URLs and files under `roots` only."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.roots = [Path(root).resolve() for root in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        """Fetch `url` when it is data: or a file inside the allowed folders; refuse anything else."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not any(root == path or root in path.parents for root in self.roots):
                raise ValueError(f"PDF rendering may not read {url!r}")
        elif scheme != "data":
            raise ValueError(f"PDF rendering fetches nothing from the network ({url[:80]!r})")
        return super().fetch(url, headers)


def brand_colour(tenant: TenantRef) -> str:
    """Return the force's colour when it is a plain hex colour, else the platform default."""
    colour = tenant.colour
    return colour if _COLOUR.match(colour) else _DEFAULT_COLOUR


def html_to_pdf(html: str) -> bytes:
    """Render an HTML string to PDF/UA-1 bytes; relative URLs resolve inside the static folder."""
    static = Path(current_app.static_folder or ".")
    document = HTML(string=html, base_url=static.resolve().as_uri() + "/", url_fetcher=LocalOnlyFetcher([static]))
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_html(template: str, **context: Any) -> str:
    """Render a PDF template to HTML with the force (`force`, `brand_colour`) and `issued_at` in context."""
    tenant = current_tenant()
    values = {"force": tenant, "brand_colour": brand_colour(tenant), "issued_at": datetime.now(UK), **context}
    if has_request_context():
        return render_template(template, **values)
    # In a background job: a request context gives templates url_for and translations.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        return render_template(template, **values)


def render_pdf(template: str, **context: Any) -> bytes:
    """Render a force-branded HTML template (extend "pdf/base.html") to PDF bytes."""
    return html_to_pdf(render_html(template, **context))


def generate_document(
    case: Case | None, kind: str, template: str, filename: str, *, public: bool = True, **context: Any
) -> Document:
    """Render `template` (with `case` in its context) to PDF and store it as a Document (not committed)."""
    pdf = render_pdf(template, case=case, **context)
    account = current_account() if has_request_context() else None
    return save_document(
        pdf,
        case=case,
        kind=kind,
        filename=display_filename(filename, FILE_TYPES["application/pdf"], default=kind),
        content_type="application/pdf",
        generated=True,
        public=public,
        uploaded_by=account.id if account else None,
    )
