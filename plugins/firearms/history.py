"""Address and GP history: dated periods that must cover the last few years with no gaps and no overlaps.

A period is a mapping with "from_date" (a date) and "to_date" (a date, or None for the current one).
Consecutive periods may share a day (moved out and in on the same day) or follow on the next day;
anything further apart is a gap, anything closer an overlap. Only the years asked about matter:
a gap or overlap that ends before then is not reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter_firearms.dates import add_years, long_date

ADDRESS_YEARS = 5
GP_YEARS = 10


@dataclass(frozen=True)
class Wording:
    """The messages for one kind of history (addresses, GP practices), as lazy %-templates."""

    start_in_future: LazyString
    end_in_future: LazyString
    end_before_start: LazyString
    several_current: LazyString
    no_current: LazyString
    too_short: LazyString
    overlap: LazyString


ADDRESSES = Wording(
    start_in_future=_l("Address %(number)s: the date you moved in must be today or in the past"),
    end_in_future=_l("Address %(number)s: the date you moved out must be today or in the past"),
    end_before_start=_l("Address %(number)s: the date you moved in must be before the date you moved out"),
    several_current=_l("Only your current address can be without a date you moved out"),
    no_current=_l("Add your current address, without a date you moved out"),
    too_short=_l(
        "Your addresses must cover the last %(years)s years: tell us where you lived between %(start)s and %(end)s"
    ),
    overlap=_l("Address %(first)s and address %(second)s overlap between %(start)s and %(end)s"),
)

GP_PRACTICES = Wording(
    start_in_future=_l("GP practice %(number)s: the date you joined must be today or in the past"),
    end_in_future=_l("GP practice %(number)s: the date you left must be today or in the past"),
    end_before_start=_l("GP practice %(number)s: the date you joined must be before the date you left"),
    several_current=_l("Only your current GP practice can be without a date you left"),
    no_current=_l("Add your current GP practice, without a date you left"),
    too_short=_l(
        "Your GP practices must cover the last %(years)s years: tell us which practice you were registered with "
        "between %(start)s and %(end)s"
    ),
    overlap=_l("GP practice %(first)s and GP practice %(second)s overlap between %(start)s and %(end)s"),
)


@dataclass(frozen=True)
class _Span:
    start: date
    end: date  # today for the current period
    number: int  # 1-based position as the person entered it


def coverage_problems(periods: Sequence[Mapping[str, Any]], today: date, years: int, wording: Wording) -> list[str]:
    """Return what is wrong with `periods` as a history of the last `years` years up to `today` (empty when fine)."""
    problems = _period_problems(periods, today, wording)
    current = [p for p in periods if p.get("to_date") is None]
    if len(current) > 1:
        problems.append(str(wording.several_current))
    elif not current:
        problems.append(str(wording.no_current))
    if problems:
        return problems  # gaps and overlaps mean little until each period makes sense
    spans = sorted(
        (_Span(p["from_date"], p.get("to_date") or today, n) for n, p in enumerate(periods, start=1)),
        key=lambda s: (s.start, s.end),
    )
    cutoff = add_years(today, -years)
    if spans[0].start > cutoff:
        problems.append(
            wording.too_short % {"years": years, "start": long_date(cutoff), "end": long_date(spans[0].start)}
        )
    reach = spans[0]  # the span that runs latest so far
    for span in spans[1:]:
        apart = (span.start - reach.end).days
        if apart > 1 and span.start > cutoff:
            problems.append(
                _(
                    "There is a gap between %(start)s and %(end)s",
                    start=long_date(reach.end),
                    end=long_date(span.start),
                )
            )
        elif apart < 0 and min(reach.end, span.end) >= cutoff:
            first, second = sorted((reach.number, span.number))
            problems.append(
                wording.overlap
                % {
                    "first": first,
                    "second": second,
                    "start": long_date(span.start),
                    "end": long_date(min(reach.end, span.end)),
                }
            )
        if span.end > reach.end:
            reach = span
    return problems


def _period_problems(periods: Sequence[Mapping[str, Any]], today: date, wording: Wording) -> list[str]:
    problems: list[str] = []
    for number, period in enumerate(periods, start=1):
        start, end = period["from_date"], period.get("to_date")
        if start > today:
            problems.append(wording.start_in_future % {"number": number})
        if end is not None and end > today:
            problems.append(wording.end_in_future % {"number": number})
        if end is not None and start >= end:
            problems.append(wording.end_before_start % {"number": number})
    return problems


def address_history_problems(
    addresses: Sequence[Mapping[str, Any]], today: date, years: int = ADDRESS_YEARS
) -> list[str]:
    """Return what is wrong with the addresses as a history of the last 5 years (empty when fine)."""
    return coverage_problems(addresses, today, years, ADDRESSES)


def gp_history_problems(practices: Sequence[Mapping[str, Any]], today: date, years: int = GP_YEARS) -> list[str]:
    """Return what is wrong with the GP practices as a history of the last 10 years (empty when fine)."""
    return coverage_problems(practices, today, years, GP_PRACTICES)
