"""The core's packages import each other without cycles at import time (tools/import_cycles.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "tools" / "import_cycles.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_package_of_the_core_imports_another_that_imports_it_back():
    tool = _tool()
    graph = tool.package_graph(ROOT / "platform" / "frontcounter")
    tangled = [group for group in tool.strongly_connected(graph) if len(group) > 1]
    assert "cases" in graph and "plugins" in graph  # the tool reads the real packages
    assert not tangled, f"import cycles between core packages: {tangled} (run tools/import_cycles.py)"
