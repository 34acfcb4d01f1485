"""The rules of docs/architecture.md, read from the source: import graph and writers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bv"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path, ast.parse(path.read_text(encoding="utf-8"))


def _feature(module: str) -> str | None:
    """`bv.translation.sync` -> `translation`; the factory package `bv` itself -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "bv" else None


def _imports(tree: ast.AST, module: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level] if node.level else []
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield name, node.lineno
            # `from bv import events` imports the module bv.events
            for alias in node.names:
                yield f"{name}.{alias.name}", node.lineno


def package_graph() -> dict[str, dict[str, str]]:
    """feature -> {feature it imports: where}, counting every import, function-local ones too."""
    graph: dict[str, dict[str, str]] = {}
    for module, path, tree in _modules():
        source = _feature(module)
        if source is None:
            continue
        for name, line in _imports(tree, module):
            target = _feature(name) if name.startswith("bv.") else None
            if target and target != source and (PACKAGE / target).exists() or (
                target and (PACKAGE / f"{target}.py").exists() and target != source
            ):
                graph.setdefault(source, {}).setdefault(
                    target, f"{path.relative_to(PACKAGE.parent)}:{line}"
                )
    return graph


def find_cycle(graph: dict[str, dict[str, str]]) -> list[str] | None:
    """One cycle of the graph as a list of nodes, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b": ""}, "b": {"c": ""}, "c": {"a": ""}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": ""}, "b": {}}) is None


def test_no_import_cycle_between_packages():
    graph = package_graph()
    assert "articles" in graph and "translation" in graph
    cycle = find_cycle(graph)
    if cycle:
        hops = [f"{a} -> {b} ({graph[a][b]})" for a, b in zip(cycle, cycle[1:], strict=False)]
        pytest.fail("import cycle between packages:\n" + "\n".join(hops))


def test_articles_never_import_their_subscribers():
    graph = package_graph()
    for subscriber in ("translation", "notifications", "newsroom", "jobs", "site"):
        assert subscriber not in graph.get("articles", {}), graph["articles"].get(subscriber)


def test_domain_code_never_imports_the_newsroom():
    graph = package_graph()
    for domain in ("articles", "translation", "accounts", "notifications", "jobs", "audit"):
        assert "newsroom" not in graph.get(domain, {}), (domain, graph[domain].get("newsroom"))


# who may write what (docs/architecture.md)
SEGMENT_FIELDS = {"target_text", "machine_text", "reviewed"}


def _assignments(tree: ast.AST):
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for item in ast.walk(target):
                if isinstance(item, ast.Attribute) and isinstance(item.ctx, ast.Store):
                    yield item, node.lineno


def test_only_the_store_writes_translated_segments_and_memory():
    offenders = []
    for module, _path, tree in _modules():
        if module == "bv.translation.store":
            continue
        for attribute, line in _assignments(tree):
            if attribute.attr in SEGMENT_FIELDS:
                offenders.append(f"{module}:{line} sets .{attribute.attr}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("TranslatedSegment", "MemoryEntry") or (
                    name == "insert" and any(getattr(a, "id", "") == "MemoryEntry"
                                             for a in node.args)
                ):
                    offenders.append(f"{module}:{node.lineno} makes {name}")
    assert not offenders, "\n".join(offenders)


def test_only_the_workflow_writes_a_versions_status():
    offenders = []
    for module, _path, tree in _modules():
        # outbox rows and jobs have statuses of their own
        if module == "bv.articles.workflow" or module.startswith(("bv.jobs", "bv.notifications")):
            continue
        for attribute, line in _assignments(tree):
            owner = attribute.value
            owner_name = getattr(owner, "id", "") or getattr(owner, "attr", "")
            if attribute.attr in ("status", "status_changed_at", "status_changed_by_id") and (
                "job" not in owner_name.lower() and owner_name != "self"
            ):
                offenders.append(f"{module}:{line} sets {owner_name}.{attribute.attr}")
    assert not offenders, "\n".join(offenders)


def test_domain_functions_do_not_commit():
    """The view, command or job owns the transaction (jobs' own bodies are listed)."""
    allowed = {
        # job bodies: each owns its transactions
        ("bv.articles.workflow", "publish_due"),
        ("bv.translation.drafting", "run_job"),
        ("bv.translation.drafting", "_finish"),
        ("bv.translation.drafting", "_keep_memory"),
        ("bv.translation.drafting", "draft"),
        ("bv.translation.drafting", "progress"),
    }
    offenders = []
    for module, _path, tree in _modules():
        if not module.startswith(("bv.articles", "bv.translation", "bv.accounts.service")):
            continue
        if module.endswith(("cli", "tasks")):
            continue
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "attr", "") == "commit"
                    and (module, function.name) not in allowed
                ):
                    offenders.append(f"{module}.{function.name}:{node.lineno}")
    assert not offenders, "\n".join(offenders)
