"""The code stays readable by a newcomer: no module over 600 lines, no function over 80.

The generated-sample package (pipelines/samplegen/) and the tests are exempt: the first is a data
generator written as tables of data, the second are lists of cases. A function that is a table of
data (one literal) counts as data, not logic, and is measured without its literal.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGES = ("pipelines", "dashboards", "quality", "bench")
EXEMPT = ("pipelines/samplegen/",)
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if not any(path.relative_to(ROOT).as_posix().startswith(prefix) for prefix in EXEMPT)
    )


def _function_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    lines = function.end_lineno - function.lineno + 1
    # A docstring explains and a literal table is data: neither makes a function long.
    for node in function.body:
        value = getattr(node, "value", None)
        if isinstance(value, (ast.Constant, ast.Dict, ast.List, ast.Tuple)) and not isinstance(node, ast.Return):
            lines -= node.end_lineno - node.lineno + 1
    return lines


def test_the_packages_are_found():
    assert len(_modules()) > 40


def test_no_module_is_over_600_lines():
    long = {
        path.relative_to(ROOT).as_posix(): n
        for path in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules by concern: {long}"


def test_no_function_is_over_80_lines():
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (n := _function_lines(node)) > MAX_FUNCTION_LINES:
                long[f"{path.relative_to(ROOT).as_posix()}:{node.lineno} {node.name}"] = n
    assert not long, f"split these functions: {long}"
