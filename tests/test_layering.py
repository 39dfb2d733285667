"""The layers hold: the core stays pure (no adapter or I/O framework), and no adapter
imports one above it (files, storage -> web -> cli)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import touchpoints.core

FORBIDDEN = (
    "sqlite3",
    "sqlalchemy",
    "fastapi",
    "starlette",
    "jinja2",
    "click",
    "rich",
    "charset_normalizer",
    "csv",
    "touchpoints.files",
    "touchpoints.cli",
    "touchpoints.storage",
    "touchpoints.web",
    "touchpoints.demo",
)
CORE = sorted(Path(touchpoints.core.__file__).parent.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_module_imports_no_adapter_or_framework(path):
    bad = {n for n in _imports(path) if n.split(".")[0] in FORBIDDEN or n.startswith(FORBIDDEN)}

    assert bad == set()


PACKAGE = Path(touchpoints.core.__file__).parents[1]
#: What each adapter layer must not import: the layers above it.
ABOVE = {
    "files": ("touchpoints.storage", "touchpoints.web", "touchpoints.cli"),
    "storage": ("touchpoints.web", "touchpoints.cli", "starlette", "click"),
    "web": ("touchpoints.cli", "click"),
}
ADAPTERS = [
    (layer, path)
    for layer in ABOVE
    for path in sorted((PACKAGE / layer).rglob("*.py"))
    if "migrations" not in path.parts
]


@pytest.mark.parametrize(("layer", "path"), ADAPTERS, ids=lambda v: getattr(v, "name", v))
def test_adapter_module_imports_no_layer_above_it(layer, path):
    bad = {n for n in _imports(path) if n.startswith(ABOVE[layer])}

    assert bad == set()


def test_importing_touchpoints_does_not_load_the_model():
    code = "import sys, touchpoints; print('onnxruntime' in sys.modules, 'faiss' in sys.modules)"

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "False False"
