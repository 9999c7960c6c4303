"""The house's layers, read from the source: the ground floor imports no flow, and no import goes
round in a circle, function-local imports counted (a local import must not hide one)."""

import ast
from pathlib import Path

FLOOR = Path(__file__).resolve().parents[2] / "floor"

GROUND_APPS = {"warehouse", "ledger", "scanning", "accounts"}
# Modules of floor/ itself: the bottom ones stand under everything; the project's own (settings,
# urls, the home screen…) stand on top and may import any app.
BOTTOM = {"errors", "sql", "cache", "compression", "events", "plots", "spreadsheet"}
PROJECT = {"__init__", "asgi", "celery", "consumers", "home", "routing", "serve", "settings", "urls", "views", "wsgi"}
# Above the ground floor: the flows, the sync, and the demo at the top.
FLOWS = {"receiving", "putaway", "picking", "packing", "transfers", "counting", "returns", "odoo", "demo"}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(FLOOR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = ["floor", *path.relative_to(FLOOR).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(module of floor imported, line) for every import in the file, at module level or not."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            # `from floor.odoo import tasks` imports the module floor.odoo.tasks; `from x import y`
            # with y a name imports x.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in dict.fromkeys(targets):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.append((target, node.lineno))
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _where(name: str) -> str:
    return str(MODULES[name].relative_to(FLOOR.parent))


def _app(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def _is_ground(name: str) -> bool:
    parts = name.split(".")
    if len(parts) == 2 and MODULES[name].name != "__init__.py" and parts[1] in BOTTOM:
        return True
    return _app(name) in GROUND_APPS


def test_every_module_of_floor_itself_has_its_place():
    unplaced = [
        _where(name) for name, path in MODULES.items() if path.parent == FLOOR and path.stem not in BOTTOM | PROJECT
    ]
    assert not unplaced, f"Say in tests/core/test_layers.py whether these stand at the bottom or on top: {unplaced}"


def test_the_ground_floor_imports_no_flow():
    offending = [
        f"{_where(name)}:{line} imports {target}"
        for name in MODULES
        if _is_ground(name)
        for target, line in GRAPH[name]
        if not _is_ground(target)
    ]
    assert not offending, "The ground floor imports what stands above it:\n" + "\n".join(offending)


def test_no_import_goes_round_in_a_circle():
    cycles, state, stack = [], {}, []

    def visit(name):
        state[name] = "open"
        stack.append(name)
        for target, line in GRAPH[name]:
            if state.get(target) == "open":
                circle = stack[stack.index(target) :] + [target]
                cycles.append(" -> ".join(circle) + f"  (closed at {_where(name)}:{line})")
            elif target not in state:
                visit(target)
        stack.pop()
        state[name] = "done"

    for name in MODULES:
        if name not in state:
            visit(name)
    assert not cycles, "Imports that go round in a circle:\n" + "\n".join(cycles)


def test_the_rules_see_a_ground_floor_and_the_imports():
    # Guards the guard: a walk that found nothing would pass the tests above for nothing.
    assert {_app(name) for name in MODULES if _is_ground(name)} == GROUND_APPS | BOTTOM
    assert not {_app(name) for name in MODULES if _is_ground(name)} & FLOWS
    assert "floor.odoo.tasks" in {target for target, _line in GRAPH["floor.odoo.apps"]}  # inside ready()
    assert "floor.receiving.models" in {target for target, _line in GRAPH["floor.demo.work"]}
