"""The test suite explains itself: shared helpers live in tests/support/, and the slow tier is marked where
each test is written, not inferred from the fixtures it happens to use."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# The slow tier as README.md, "Test", draws it: tests that build an environment (these fixtures) or run
# pytest in a subprocess (``run_pytest``). A test doing either, directly or through a fixture or helper
# of its module, carries ``pytest.mark.slow`` itself (or its class or module does). The browser tests
# are not in it: they run in the everyday tier, and the README runs the screenshot test by its path.
SLOW_FIXTURES = {"installed_python", "editable_python"}
SLOW_CALLS = {"run_pytest"}
# Where the fixtures every test module can use are defined.
SHARED_FIXTURES = [TESTS / "conftest.py", TESTS / "support" / "browser.py"]


def modules_of_tests() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def is_slow_mark(node: ast.expr) -> bool:
    return any(ast.unparse(n) == "pytest.mark.slow" for n in ast.walk(node))


def fixtures_in(tree: ast.Module) -> dict[str, set[str]]:
    """Each fixture defined at the top of a module, with the fixtures it asks for."""
    return {
        node.name: {a.arg for a in node.args.args}
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and any("pytest.fixture" in ast.unparse(d) for d in node.decorator_list)
    }


def closure(start: set[str], needs: dict[str, set[str]]) -> set[str]:
    """``start`` and every name whose needs reach it, however indirectly."""
    reached = set(start)
    while more := {name for name, wants in needs.items() if wants & reached} - reached:
        reached |= more
    return reached


def calls_in(tree: ast.Module) -> dict[str, set[str]]:
    """Each top-level function of a module, with the names it calls."""
    return {
        node.name: {ast.unparse(n.func).rsplit(".", 1)[-1] for n in ast.walk(node) if isinstance(n, ast.Call)}
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }


def unmarked_slow_tests(tree: ast.Module, shared: dict[str, set[str]]) -> list[str]:
    """Tests of ``tree`` that use a slow fixture without a slow mark on the test, its class or the module."""
    slow_fixtures = closure(SLOW_FIXTURES, {**shared, **fixtures_in(tree)})
    calls = calls_in(tree)
    slow_calls = closure(SLOW_CALLS, calls)
    module_marked = any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
        and is_slow_mark(node.value)
        for node in tree.body
    )
    found = []

    def visit(body: list[ast.stmt], marked: bool, prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                visit(node.body, marked or any(map(is_slow_mark, node.decorator_list)), f"{prefix}{node.name}::")
            elif isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                uses = ({a.arg for a in node.args.args} & slow_fixtures) | (calls.get(node.name, set()) & slow_calls)
                if uses and not (marked or any(map(is_slow_mark, node.decorator_list))):
                    found.append(f"{prefix}{node.name} ({', '.join(sorted(uses))})")

    visit(tree.body, module_marked, "")
    return found


def shared_fixtures() -> dict[str, set[str]]:
    return {name: wants for path in SHARED_FIXTURES for name, wants in fixtures_in(parse(path)).items()}


@pytest.mark.parametrize("path", modules_of_tests(), ids=lambda p: str(p.relative_to(TESTS)))
def test_a_test_using_a_slow_fixture_is_marked_slow_where_it_is_written(path: Path) -> None:
    unmarked = unmarked_slow_tests(parse(path), shared_fixtures())
    assert not unmarked, f"{path.relative_to(TESTS)}: mark these pytest.mark.slow: {unmarked}"


def test_the_slow_check_follows_fixtures_and_sees_a_missing_mark() -> None:
    tree = ast.parse(
        "import pytest\n"
        "@pytest.fixture\ndef built(installed_python): ...\n"
        "def test_direct(installed_python): ...\n"
        "def test_through_a_fixture(built): ...\n"
        "@pytest.mark.slow\ndef test_marked(editable_python): ...\n"
        "@pytest.mark.slow\nclass TestMarked:\n    def test_in_class(self, installed_python): ...\n"
        "def test_quick(tmp_path): ...\n"
    )
    assert unmarked_slow_tests(tree, shared_fixtures()) == [
        "test_direct (installed_python)",
        "test_through_a_fixture (built)",
    ]
    assert (
        unmarked_slow_tests(ast.parse("import pytest\npytestmark = [pytest.mark.slow]\n" + ast.unparse(tree)), {}) == []
    )


def imported_modules(tree: ast.Module) -> set[str]:
    """Every module and name ``tree`` imports, dotted; relative imports keep only their dotted tail."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted(TESTS.rglob("*.py")), ids=lambda p: str(p.relative_to(TESTS)))
def test_no_module_imports_a_test_module(path: Path) -> None:
    """What two test modules share belongs in tests/support/, where a reader looks for it."""
    taken = sorted(
        name for name in imported_modules(parse(path)) if any(p.startswith("test_") for p in name.split("."))
    )
    assert not taken, f"{path.relative_to(TESTS)} imports {taken}: move what it needs to tests/support/"


def runs_pytest_itself(tree: ast.Module) -> bool:
    """Whether a command list in ``tree`` spells ``-m pytest``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.List | ast.Tuple):
            words = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
            if any(a == "-m" and b == "pytest" for a, b in zip(words, words[1:], strict=False)):
                return True
    return False


@pytest.mark.parametrize("path", modules_of_tests(), ids=lambda p: str(p.relative_to(TESTS)))
def test_pytest_in_a_subprocess_runs_through_the_one_helper(path: Path) -> None:
    assert not runs_pytest_itself(parse(path)), (
        f"{path.relative_to(TESTS)} runs pytest itself: use tests/support/fresh_project.run_pytest"
    )


def test_the_layout_checks_see_what_they_forbid() -> None:
    assert runs_pytest_itself(ast.parse('subprocess.run([python, "-m", "pytest", "-q"])'))
    assert not runs_pytest_itself(ast.parse('subprocess.run([python, "-m", "mock_server"])'))
    assert "tests.test_persistence.query" in imported_modules(ast.parse("from tests.test_persistence import query"))
    assert "test_x.y" in imported_modules(ast.parse("from .test_x import y"))
    assert ".test_x" in imported_modules(ast.parse("from . import test_x"))
