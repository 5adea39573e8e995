"""`frontcounter new-plugin`: write a working service plugin package from the files beside this module.

The package has hooks, a workflow, settings, a model and its migration, a public form and a staff page,
data-protection answers, a babel config and tests that run with frontcounter's pytest plugin.
"""

from __future__ import annotations

import keyword
import re
from datetime import UTC, datetime
from pathlib import Path
from string import Template

FILES = Path(__file__).parent / "files"
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,38}[a-z0-9]$")


class ScaffoldError(ValueError):
    """The name or the destination cannot be used."""


def plugin_names(name: str) -> dict[str, str]:
    """The names a plugin called `name` uses: service key, distribution, class prefix, title, reference code."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if not _KEY.match(key) or keyword.iskeyword(key) or "__" in key:
        raise ScaffoldError(
            f"{name!r} is not a usable name: use 3 to 40 lowercase letters, digits and underscores,"
            " starting with a letter"
        )
    words = key.split("_")
    title = " ".join(words).capitalize()
    code = (words[0][0] + (words[1][0] if len(words) > 1 else words[0][1])).upper()
    return {
        "key": key,
        "dist": key.replace("_", "-"),
        "cls": "".join(w.capitalize() for w in words),
        "title": title,
        "title_lower": title.lower(),
        "code": code,
        "created": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def write_plugin(name: str, folder: Path) -> Path:
    """Write the plugin package `frontcounter-<name>` inside `folder`; return its path."""
    names = plugin_names(name)
    target = folder / f"frontcounter-{names['dist']}"
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    for source in sorted(FILES.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        relative = str(source.relative_to(FILES)).removesuffix(".tmpl")
        relative = relative.replace("src/pkg", f"src/frontcounter_{names['key']}").replace("KEY", names["key"])
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(Template(source.read_text(encoding="utf-8")).substitute(names), encoding="utf-8")
    return target
