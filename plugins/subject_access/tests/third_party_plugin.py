"""A small third-party plugin for the search test: it holds a lost dog report for whoever the search names."""

from __future__ import annotations

from frontcounter.dataprotection import PersonRecord
from frontcounter.plugins import hookimpl


@hookimpl
def person_data(tenant, person):
    """One record for Alex Archer (matched by email, or by a previous name and date of birth)."""
    if person.email == "alex@example.com" or person.matches_name("Alex Bowman", person.date_of_birth):
        return [PersonRecord("dog_licences", "report", "DOG-0042", f"Lost dog report in {tenant.name}",
                             data={"dog": "Biscuit", "owner": "Alex Archer", "neighbour": "Jordan Smith"},
                             matched_by="email")]
    return []
