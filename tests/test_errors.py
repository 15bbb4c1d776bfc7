"""One error catalogue: every code the source reports is in ``errors.CODES`` once, every code
there is used, and ``docs/errors.md`` documents exactly those codes (with the right status)."""

from __future__ import annotations

import ast
import inspect
import re
from collections import defaultdict
from pathlib import Path

import pytest

from resettle import errors
from resettle.core.issues import Issue as ReExportedIssue

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "resettle"
DOC = ROOT / "docs" / "errors.md"
ROW = re.compile(r"^\| `(?P<code>\w+)` \|(?: (?P<status>\d{3}) \|)?", re.MULTILINE)


def _code_position(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int | None:
    names = [arg.arg for arg in function.args.posonlyargs + function.args.args]
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    return names.index("code") if "code" in names else None


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _callable_positions(trees: dict[Path, ast.Module]) -> tuple[
        dict[Path, dict[str, int]], dict[str, set[int]]]:
    """Where a callable takes its ``code`` argument: per file, and over the whole source."""
    local: dict[Path, dict[str, int]] = defaultdict(dict)
    everywhere: dict[str, set[int]] = defaultdict(set)
    for path, tree in trees.items():
        for node in ast.walk(tree):
            functions = [node] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else []
            name = getattr(node, "name", "")
            if isinstance(node, ast.ClassDef):
                functions = [item for item in node.body
                             if isinstance(item, ast.FunctionDef) and item.name == "__init__"]
            for function in functions:
                position = _code_position(function)
                if position is not None:
                    local[path][name] = position
                    everywhere[name].add(position)
    everywhere["Issue"] = {0}  # a dataclass: its code is the first field
    return local, everywhere


def _codes_in_call(node: ast.Call, position: int | None) -> list[str]:
    found = [text for keyword in node.keywords if keyword.arg == "code"
             if (text := _text(keyword.value)) is not None]
    if position is not None and len(node.args) > position:
        text = _text(node.args[position])
        found += [text] if text is not None else []
    return found


def codes_used_in_source() -> dict[str, set[str]]:
    """Every literal code: passed as a ``code`` argument, or a class's ``code = "..."``."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SRC.rglob("*.py")}
    local, everywhere = _callable_positions(trees)
    used: dict[str, set[str]] = defaultdict(set)
    for path, tree in trees.items():
        where = str(path.relative_to(SRC))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                position = local[path].get(name)
                if position is None and len(everywhere.get(name, ())) == 1:
                    position = next(iter(everywhere[name]))
                for code in _codes_in_call(node, position):
                    used[code].add(where)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (isinstance(item, ast.Assign) and (text := _text(item.value)) is not None
                            and any(getattr(target, "id", "") == "code"
                                    for target in item.targets)):
                        used[text].add(where)
    return used


def error_classes() -> list[type[errors.ResettleError]]:
    return [value for value in vars(errors).values()
            if inspect.isclass(value) and issubclass(value, errors.ResettleError)]


def test_every_code_used_is_in_the_catalogue() -> None:
    unlisted = {code: sorted(files) for code, files in codes_used_in_source().items()
                if code not in errors.CODES}
    assert unlisted == {}, "add these codes to errors.CODES and docs/errors.md"


def test_every_code_in_the_catalogue_is_used() -> None:
    assert set(errors.CODES) - set(codes_used_in_source()) == set()


def test_every_code_is_listed_once_in_code_and_doc() -> None:
    source = (SRC / "errors.py").read_text(encoding="utf-8")
    block = source[source.index("CODES: dict[str, str] = {"):]
    block = block[:block.index("\n}\n")]
    keys = re.findall(r'^\s+"(\w+)":', block, re.MULTILINE)
    documented = [match["code"] for match in ROW.finditer(DOC.read_text(encoding="utf-8"))]
    assert sorted(keys) == sorted(set(keys))
    assert sorted(documented) == sorted(set(documented))
    assert set(documented) == set(errors.CODES)
    assert all(meaning for meaning in errors.CODES.values())


def test_each_error_class_has_its_own_code_and_documented_status() -> None:
    statuses = {match["code"]: int(match["status"])
                for match in ROW.finditer(DOC.read_text(encoding="utf-8")) if match["status"]}
    codes = [cls.code for cls in error_classes()]
    assert sorted(codes) == sorted(set(codes))
    for cls in error_classes():
        assert statuses.get(cls.code) == cls.http_status, cls.__name__


@pytest.mark.parametrize("cls", [errors.UnknownChoiceError, errors.UnsuitableDataError,
                                 errors.BadParameterError])
def test_bad_arguments_are_value_errors_too(cls: type[errors.ResettleError]) -> None:
    """scikit-learn's convention (and callers catching ValueError) still hold."""
    with pytest.raises(ValueError, match="nope"):
        raise cls("nope")


def test_the_catalogue_scan_finds_codes_in_every_shape() -> None:
    """The scan is not vacuous: it sees codes given positionally, by keyword and as classes."""
    used = codes_used_in_source()
    assert "src" not in used
    assert {"missing_value", "csrf_failed", "not_found", "refoulement_forbidden"} <= set(used)
    assert "placement/check.py" in used["refoulement_forbidden"]
    assert ReExportedIssue is errors.Issue


# Codes that once named the same thing as another; the one kept is the value.
RETIRED_CODES = {"too_large": "file_too_large", "refoulement": "refoulement_forbidden"}


def test_each_meaning_has_one_code() -> None:
    retired = set(RETIRED_CODES) & (set(errors.CODES) | set(codes_used_in_source()))
    assert retired == set(), {code: RETIRED_CODES[code] for code in retired}
    assert set(RETIRED_CODES.values()) <= set(errors.CODES)


BUILTIN_ERRORS = {"Exception", "ValueError", "RuntimeError", "TypeError", "KeyError"}
# Bare built-in errors that never reach a user, and why.
BARE_RAISES_ALLOWED = {
    ("prediction/history.py", "ValueError"),  # a cell converter's; parse() makes it an Issue
    ("adapters/cli/screening.py", "ValueError"),  # caught at once, becomes typer.BadParameter
    ("adapters/db/placement/store.py", "TypeError"),  # a caller's programming error
    ("adapters/web/guards.py", "RuntimeError"),  # a route declared wrongly: programming error
}


def bare_raises() -> set[tuple[str, str]]:
    """(file, error) for every ``raise ValueError(...)`` and the like in the source."""
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(target, ast.Name) and target.id in BUILTIN_ERRORS:
                    found.add((str(path.relative_to(SRC)), target.id))
    return found


def test_errors_raised_to_users_are_resettle_errors() -> None:
    """A bare ValueError or RuntimeError has no code and no status: raise a ResettleError."""
    found = bare_raises()
    assert found - BARE_RAISES_ALLOWED == set(), "raise a ResettleError subclass (errors.py)"
    assert BARE_RAISES_ALLOWED - found == set(), "drop the allowance nobody needs any more"
