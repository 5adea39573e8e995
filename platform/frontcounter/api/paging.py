"""One page of a list endpoint's rows, with the total (capped) for flask-smorest's X-Pagination header."""

from __future__ import annotations

from typing import Any

from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Result, Select
from sqlalchemy.orm import InstrumentedAttribute

from frontcounter import counting
from frontcounter.extensions import MAX_OFFSET, db


def paged(query: Select, key: InstrumentedAttribute[Any], params: PaginationParameters) -> Result[Any]:
    """Run one page of `query` and set the total on `params`; `key` (e.g. Case.id) is counted up to COUNT_CAP + 1.

    A total above COUNT_CAP is not counted further: X-Pagination then gives `total_over` instead of `total`.
    """
    params.item_count = counting.capped_count(db.session, query, key)
    return db.session.execute(query.offset(min(params.first_item, MAX_OFFSET)).limit(params.page_size))


def pagination_metadata(page: int, page_size: int, item_count: int, rows_on_page: int) -> dict[str, Any] | None:
    """X-Pagination for a list longer than COUNT_CAP (no total: `total_over` and a next page while pages are full).

    None when the total is within the cap (flask-smorest's usual metadata applies).
    """
    if item_count <= counting.COUNT_CAP:
        return None
    metadata: dict[str, Any] = {"total_over": counting.COUNT_CAP, "first_page": 1, "page": page}
    if page > 1:
        metadata["previous_page"] = page - 1
    if rows_on_page == page_size:
        metadata["next_page"] = page + 1
    return metadata
