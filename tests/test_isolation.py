"""The suite's own hygiene (issue 16 sections 1, 5 and 6): the tests run in a random order
with pytest-randomly, hypothesis draws the same examples on every run, the slow tests are
marked, and the mutation catalogue still applies to the code it mutates."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())

# chaos, many processes or big statistical runs: `-m "not slow"` leaves them out
SLOW_MODULES = {"tests/test_chaos.py", "tests/sql/test_pull_stats.py", "tests/test_supabase.py"}
SLOW_TESTS = {
    "tests/test_cli.py": ["test_the_embedded_database_from_first_console_to_destroy",
                          "test_migrate_prints_a_summary_and_details_with_v"],
    "tests/test_migrate.py": ["test_embedded_database_lifecycle",
                              "test_rolling_back_each_migration_keeps_the_earlier_ones_working",
                              "test_rollback_to_empty_and_forward_again",
                              "test_check_reports_hot_fixes_and_broken_files"],
    "tests/sql/test_effective_power.py": ["test_matches_exact_reference"],
    "tests/test_demo.py": ["test_demo_end_to_end"],
    "tests/test_bot_api_fuzz.py": [
        "test_every_bot_function_answers_hostile_arguments_with_a_documented_code",
        "test_admin_functions_answer_hostile_arguments_with_a_documented_code"],
}


def mutate_tool():
    spec = importlib.util.spec_from_file_location("stardust_mutate", REPO / "tools/mutate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # (dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


def test_pytest_randomly_is_a_test_dependency(pytestconfig):
    extras = PYPROJECT["project"]["optional-dependencies"]["test"]
    assert any(d.split(">")[0].split("=")[0].strip() == "pytest-randomly" for d in extras)


@pytest.mark.skipif("HYPOTHESIS_PROFILE" in os.environ, reason="another profile was asked for")
def test_hypothesis_is_derandomized():
    assert settings.default.derandomize is True
    assert settings.default.database is None


def test_the_slow_marker_is_registered_and_marks_the_slow_modules():
    markers = PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]
    assert any(m.startswith("slow:") for m in markers)
    for path in SLOW_MODULES:
        tree = ast.parse((REPO / path).read_text())
        marks = [ast.unparse(node.value) for node in tree.body if isinstance(node, ast.Assign)
                 and any(getattr(t, "id", None) == "pytestmark" for t in node.targets)]
        assert any("mark.slow" in m for m in marks), f"{path} has no pytestmark = slow"
    for path, names in SLOW_TESTS.items():
        tree = ast.parse((REPO / path).read_text())
        for node in tree.body:
            if getattr(node, "name", None) in names:
                assert any("mark.slow" in ast.unparse(d) for d in node.decorator_list), \
                    f"{path}::{node.name} is not marked slow"
        assert {getattr(n, "name", None) for n in tree.body} >= set(names), path


def test_every_mutation_in_the_catalogue_applies_and_has_tests():
    """tools/mutations.toml: each `find` occurs exactly once in its file (an edit that moves
    the code must move the mutation too), and its tests exist."""
    tool = mutate_tool()
    mutations = tool.load()
    assert len(mutations) >= 40
    bad = [m.id for m in mutations if (REPO / m.file).read_text().count(m.find) != 1]
    assert not bad, f"mutations whose find text is not exactly once in their file: {bad}"
    missing = sorted({t.split("::")[0] for m in mutations for t in m.tests
                      if not (REPO / t.split("::")[0]).exists()})
    assert not missing, f"mapped test files that do not exist: {missing}"
    areas = {m.file.split("/")[0] for m in mutations}
    assert areas == {"sql", "bot"}


# A player id passed to the fake Discord, the team helper or the admin's per-player calls.
_PLAYER = re.compile(
    r"(?:slash|button|give_team|admin_grant|press)\(\s*(?:bot\.fake|fake|bot)\s*,\s*"
    r"(?:\"[^\"]*\"\s*,\s*)?(\d{3,6})\b|get_user\((\d{3,6})\)|user_id = (\d{3,6})\b")


def test_discord_test_modules_do_not_share_players():
    """Every Discord test shares one bot and one database for the whole session, in random
    order: a player id used by two modules lets one module's units or gems leak into the
    other's assertions (it happened: 301 in the battle and fairness tests)."""
    owners: dict[int, set[str]] = {}
    for path in sorted((REPO / "tests" / "discord").glob("test_*.py")):
        for m in _PLAYER.finditer(path.read_text()):
            owners.setdefault(int(next(g for g in m.groups() if g)), set()).add(path.name)
    assert len(owners) > 20                                 # the scan does find the players
    shared = {uid: sorted(names) for uid, names in owners.items() if len(names) > 1}
    assert not shared, f"player ids used by more than one Discord test module: {shared}"
