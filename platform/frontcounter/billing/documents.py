"""A statement as a CSV file and as a force-branded PDF (weasyprint), both from its stored lines."""

from __future__ import annotations

import csv
import io

from flask import Response
from flask_babel import gettext as _

from frontcounter.billing.labels import line_label, money, percent
from frontcounter.billing.models import Statement
from frontcounter.billing.months import month_name, parse_month
from frontcounter.documents.pdf import render_pdf

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _pounds(pence: int) -> str:
    return f"{pence / 100:.2f}"


def statement_csv(statement: Statement, force_name: str) -> str:
    """The statement's lines and totals as CSV text (amounts in pounds, two decimals)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Statement"), _("Force"), _("Month"), _("Line"), _("Quantity"), _("Unit price"), _("Net"),
                     _("VAT rate"), _("VAT"), _("Total")])
    head = [statement.number, _cell(force_name), statement.month]
    for line in statement.lines:
        writer.writerow([*head, _cell(line_label(line)), line.quantity, _pounds(line.unit_pence),
                         _pounds(line.net_pence), percent(line.vat_basis_points), _pounds(line.vat_pence),
                         _pounds(line.total_pence)])
    writer.writerow([*head, _("Total"), "", "", _pounds(statement.net_pence), "", _pounds(statement.vat_pence),
                     _pounds(statement.total_pence)])
    return out.getvalue()


def statement_pdf(statement: Statement) -> bytes:
    """The statement as a PDF on the force's letterhead (call inside the force's tenant context)."""
    first = parse_month(statement.month)
    return render_pdf("pdf/statement.html", statement=statement, month=month_name(first) if first else "",
                      line_label=line_label, money=money)


def download(body: bytes, mimetype: str, filename: str) -> Response:
    """A file to save (never cached: statements are private to the force and the platform)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
