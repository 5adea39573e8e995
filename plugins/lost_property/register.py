"""The national property register: an adapter interface, and a demo adapter that flags a few serials.

A force picks its adapter with the `property_register` setting. A real adapter (for example to the national
register police forces search for stolen property) implements PropertyRegister.check and is added to
ADAPTERS; the check runs when an item with a serial number is received.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RegisterResult:
    """What the register says about one serial: "stolen", "clear" or "not_checked", with its note."""

    status: str
    note: str = ""

    @property
    def stolen(self) -> bool:
        """True when the register says the item is reported stolen."""
        return self.status == "stolen"


class PropertyRegister(Protocol):
    """A national property register that can be asked about one serial number or IMEI."""

    def check(self, serial: str) -> RegisterResult:
        """Look up `serial` (normalised: upper case, no spaces)."""


class DemoRegister:
    """Flags a few made-up serials as reported stolen; everything else is clear."""

    STOLEN = {
        "356938035643809": "Reported stolen in a burglary (demo crime reference 55/12345/26)",
        "SN-STOLEN-0001": "Reported stolen from a vehicle (demo crime reference 55/22222/26)",
        "WDCX77001": "Reported stolen in a robbery (demo crime reference 44/10101/26)",
    }

    def check(self, serial: str) -> RegisterResult:
        """Stolen for the demo serials, clear for the rest."""
        note = self.STOLEN.get(serial)
        return RegisterResult("stolen", note) if note else RegisterResult("clear")


class NoRegister:
    """For a force with no register connection: nothing is checked."""

    def check(self, serial: str) -> RegisterResult:
        """Never checked."""
        return RegisterResult("not_checked")


ADAPTERS: dict[str, type] = {"demo": DemoRegister, "none": NoRegister}


def register_for(name: str) -> PropertyRegister:
    """The adapter a force's setting names (no checks for an unknown name)."""
    return ADAPTERS.get(name, NoRegister)()


def normalise_serial(text: str) -> str:
    """A serial or IMEI as compared: upper case, without spaces."""
    return "".join((text or "").upper().split())
