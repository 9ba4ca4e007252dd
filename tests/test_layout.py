"""The house's structure: floors import only downwards, no import cycles, lazy imports say
why, every query lives in storage, and the installed package lists every folder.

The floors, bottom to top (crawler/__init__.py says the same in words):
ground (crawler/*.py, settings.py) < storage < catalog < alerts < pipelines < spiders
< services < daemon < web < demo < cli.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("crawler", "spiders", "pipelines", "alerts")
FLOORS = [  # (module prefix, floor); the longest matching prefix decides
    ("provwatch.crawler.cli", 9), ("provwatch.crawler.demo", 8),
    ("provwatch.crawler.web", 7.5),
    ("provwatch.crawler.daemon", 7), ("provwatch.crawler.services", 6),
    ("provwatch.spiders", 5), ("provwatch.pipelines", 4), ("provwatch.alerts", 3),
    ("provwatch.crawler.catalog", 2), ("provwatch.crawler.storage", 1),
    ("provwatch", 0),
]
NAMES = {0: "ground", 1: "storage", 2: "catalog", 3: "alerts", 4: "pipelines", 5: "spiders",
         6: "services", 7: "daemon", 7.5: "web", 8: "demo", 9: "cli"}
# a query, or the SQLAlchemy that builds one, outside crawler/storage
QUERY = re.compile(r"(?<![.\w])(select|update|delete|insert)\(|(?<![.\w])func\.|"
                   r"\bsession\.(execute|scalars?|get|query)\(")
SQL_IMPORT = re.compile(r"^\s*from sqlalchemy import |^\s*import sqlalchemy\b", re.M)


def _modules() -> dict[str, Path]:
    found = {"provwatch": ROOT / "__init__.py", "provwatch.settings": ROOT / "settings.py"}
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            found["provwatch." + ".".join(parts)] = path
    return found


MODULES = _modules()


def floor(module: str) -> int:
    for prefix, level in FLOORS:
        if module == prefix or module.startswith(prefix + "."):
            return level
    raise AssertionError(f"{module} is on no floor")


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module imported, line, inside a function) for every provwatch import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom) and child.module:
                names = [child.module] + [f"{child.module}.{a.name}" for a in child.names]
                target = next((n for n in reversed(names) if n in MODULES), child.module)
                if target.startswith("provwatch"):
                    out.append((target, child.lineno, in_function))
            elif isinstance(child, ast.Import):
                out.extend((a.name, child.lineno, in_function) for a in child.names
                           if a.name.startswith("provwatch"))
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            visit(child, inner)

    visit(tree, False)
    return out


GRAPH = {m: _imports(p) for m, p in MODULES.items()}


def test_the_tree_is_what_the_floors_describe():
    assert len(MODULES) > 100
    for m in MODULES:
        floor(m)  # every module sits on a floor


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_nothing_from_a_floor_above_it(module):
    mine = floor(module)
    upward = [f"line {line}: {target} ({NAMES[floor(target)]} is above {NAMES[mine]})"
              for target, line, _ in GRAPH[module] if floor(target) > mine]
    assert upward == []


def test_no_import_cycle_between_modules():
    """Module-level imports form no cycle anywhere (Tarjan's strongly connected parts)."""
    edges = {m: sorted({t for t, _, inner in GRAPH[m] if not inner and t in MODULES and t != m})
             for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                cycles.append(sorted(part))

    for v in MODULES:
        if v not in index:
            connect(v)
    # a package's __init__ importing its own submodules is not a cycle unless one of
    # them imports the package back: Tarjan reports exactly those
    assert cycles == []


def test_an_import_inside_a_function_says_why_it_is_lazy():
    """A function-level import is allowed only to keep a slow import off start-up, and
    says so in a `# lazy:` comment right above it (or on its line)."""
    unexplained = []
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for _target, line, inner in GRAPH[module]:
            if not inner:
                continue
            here = lines[line - 1]
            above = "\n".join(lines[max(0, line - 4):line - 1])
            if "# lazy:" not in here and "# lazy:" not in above:
                unexplained.append(f"{path.relative_to(ROOT)}:{line}: {here.strip()}")
    assert unexplained == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if floor(m) != 1))
def test_code_above_storage_holds_no_query(module):
    text = MODULES[module].read_text(encoding="utf-8")
    hits = [f"{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1)
            if QUERY.search(line) and not line.lstrip().startswith("#")]
    assert hits == [], "queries belong in crawler/storage/repository"
    assert not SQL_IMPORT.search(text), "SQLAlchemy query constructs belong in storage"


def test_every_package_says_what_it_holds():
    for folder in FOLDERS:
        for init in (ROOT / folder).rglob("__init__.py"):
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
            assert doc, f"{init.relative_to(ROOT)} has no docstring"
    for floor_dir in ("storage", "catalog", "services", "daemon", "cli", "demo"):
        doc = ast.get_docstring(ast.parse(
            (ROOT / "crawler" / floor_dir / "__init__.py").read_text(encoding="utf-8")))
        assert "import" in doc.lower(), f"crawler/{floor_dir} does not say what it may import"


def test_the_wheel_lists_every_package_of_the_tree():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"provwatch": "."}
    packages = {"provwatch"} | {
        "provwatch." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS for init in (ROOT / folder).rglob("__init__.py")}
    assert set(setuptools["packages"]) == packages
    assert config["project"]["scripts"]["provwatch"] == "provwatch.crawler.cli.main:main"


def test_the_catalog_knows_exactly_the_adapters_the_spiders_have():
    from provwatch.crawler.catalog.entry import ADAPTERS as NAMED
    from provwatch.spiders.platforms import ADAPTERS

    assert sorted(ADAPTERS) == sorted(NAMED)


def test_scrapy_finds_its_components_under_the_provwatch_package():
    import provwatch.settings as settings

    components = [*settings.ITEM_PIPELINES, *settings.DOWNLOADER_MIDDLEWARES,
                  *[k for k, v in settings.EXTENSIONS.items() if v is not None],
                  settings.LOG_FORMATTER, *settings.SPIDER_MODULES]
    for path in components:
        assert path.startswith(("provwatch.", "scrapy.")), path


def test_the_repository_namespace_exports_each_query_once():
    """``repository.fn`` is star-imported from the subject modules: each public function is
    in its module's __all__, and no name comes from two modules."""
    import importlib

    owner: dict[str, str] = {}
    for path in sorted((ROOT / "crawler" / "storage" / "repository").glob("[!_]*.py")):
        module = importlib.import_module(f"provwatch.crawler.storage.repository.{path.stem}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        public = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                  and not n.name.startswith("_")}
        assert public <= set(module.__all__), f"{path.stem}: {public - set(module.__all__)}"
        for name in module.__all__:
            assert name not in owner, f"{name} in {owner.get(name)} and {path.stem}"
            owner[name] = path.stem
