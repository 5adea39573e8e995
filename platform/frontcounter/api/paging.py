"""One page of a list endpoint's rows, with the total for flask-smorest's X-Pagination header."""

from __future__ import annotations

from typing import Any

from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Result, Select, func
from sqlalchemy.orm import InstrumentedAttribute

from frontcounter.extensions import MAX_OFFSET, db


def paged(query: Select, key: InstrumentedAttribute[Any], params: PaginationParameters) -> Result[Any]:
    """Run one page of `query` and set the total on `params`; `key` (e.g. Case.id) is counted.

    Counting a column of the listed entity, not rows of a subquery, keeps the count inside the force:
    tenant scoping recognises the entity in the statement (it sees no entity in a count over a subquery).
    """
    params.item_count = db.session.scalar(query.with_only_columns(func.count(key)).order_by(None))
    return db.session.execute(query.offset(min(params.first_item, MAX_OFFSET)).limit(params.page_size))
