"""The "Why migrate?" tables list every published advisory that covers a version uv.lock pins,
by construction: `advisory_snapshot.json` (next to this file) holds every entry of the PyPA
advisory database for every package either stack installs, with its source, commit and date;
a test fails when an entry covers a locked version of a stack and that stack's table does not
name it (by its id or an alias).

The snapshot is data, not code. To refresh it from a checkout of the PyPA advisory database
(github.com/pypa/advisory-database, or a mirror of it), run from the repo root:

    .venv-v2/bin/python -m tests.docs.test_advisories PATH/TO/advisory-database SOURCE COMMIT

Entries published after the snapshot's commit go under "later" by hand, each with its source;
the refresh keeps them until the database has them."""

import json
import re
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.version import Version

from sidebyside.servers import REPO

SNAPSHOT = Path(__file__).with_name("advisory_snapshot.json")
STACKS = ("v1", "v2")  # fje3 is the codemod's proof environment, never served: not a stack
ALWAYS = ("dev",)  # tools both environments carry (pytest, gunicorn, ...)


# --- uv.lock: what each stack installs ----------------------------------------------------

def locked_packages(stack: str) -> dict[str, str]:
    """{package: version} that uv.lock installs for a stack: the project's dependencies, the
    stack's group and the dev group, followed through every dependency."""
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    entries: dict[str, list[dict]] = {}
    for package in lock["package"]:
        entries.setdefault(package["name"], []).append(package)
    root = next(p for p in lock["package"] if p.get("source", {}).get("virtual") == ".")
    todo = list(root.get("dependencies", []))
    for group in (stack, *ALWAYS):
        todo += root["dev-dependencies"][group]
    found: dict[str, str] = {}
    while todo:
        wanted = todo.pop()
        marker = wanted.get("marker")
        if marker and not Marker(marker).evaluate({"extra": f"group-13-jwt-migration-{stack}"}):
            continue  # another stack's version, or another platform's package
        name, candidates = wanted["name"], entries[wanted["name"]]
        if "version" in wanted:
            candidates = [p for p in candidates if p["version"] == wanted["version"]]
        assert len(candidates) == 1, f"{name}: cannot tell which locked version {stack} gets"
        package = candidates[0]
        if found.setdefault(name, package["version"]) != package["version"]:
            raise AssertionError(f"{stack} locks two versions of {name}")
        if package.get("source", {}).get("virtual"):
            continue
        seen_deps = package.get("dependencies", [])
        extras = [dep for extra in wanted.get("extra", [])
                  for dep in package.get("optional-dependencies", {}).get(extra, [])]
        todo += [dep for dep in (*seen_deps, *extras) if dep["name"] not in found]
    return found


# --- the snapshot ---------------------------------------------------------------------------

def snapshot() -> dict:
    return json.loads(SNAPSHOT.read_text())


def covers(ranges: list[list[dict]], version: str) -> bool:
    """OSV ECOSYSTEM ranges: introduced <= v < fixed, or <= last_affected, or open-ended."""
    v = Version(version)
    for events in ranges:
        introduced = None
        for event in events:
            if "introduced" in event:
                introduced = Version(event["introduced"])
            elif introduced is not None and "fixed" in event:
                if introduced <= v < Version(event["fixed"]):
                    return True
                introduced = None
            elif introduced is not None and "last_affected" in event:
                if introduced <= v <= Version(event["last_affected"]):
                    return True
                introduced = None
        if introduced is not None and v >= introduced:
            return True
    return False


def advisories() -> list[dict]:
    data = snapshot()
    return data["advisories"] + data["later"]


def covering(stack: str) -> list[tuple[str, str, dict]]:
    """(package, locked version, advisory) for every advisory covering a stack's pin."""
    pins = locked_packages(stack)
    return [(entry["package"], pins[entry["package"]], entry) for entry in advisories()
            if entry["package"] in pins and covers(entry["ranges"], pins[entry["package"]])]


def table(stack: str) -> dict[str, str]:
    """{package (lower case): the text of its rows} in the notes' table for a stack."""
    notes = (REPO / "migration_notes.md").read_text()
    block = notes.split(f"<!-- why-migrate:{stack} -->", 1)[1].split(
        f"<!-- /why-migrate:{stack} -->", 1)[0]
    rows: dict[str, str] = {}
    for line in block.strip().splitlines()[2:]:
        name = line.split("|")[1].strip().lower()
        rows[name] = rows.get(name, "") + line
    return rows


# --- the tests ------------------------------------------------------------------------------

def test_the_snapshot_names_its_source_and_date():
    data = snapshot()
    assert data["source"].startswith("PyPA advisory database")
    assert re.fullmatch(r"[0-9a-f]{40}", data["commit"])
    assert datetime.fromisoformat(data["commit_date"]) <= datetime.fromisoformat(data["taken"])
    for entry in data["later"]:
        assert entry["source"] and entry["published"], entry["id"]


@pytest.mark.parametrize("stack", STACKS)
def test_the_snapshot_holds_every_package_the_stack_installs(stack):
    """So a new dependency, or a new version of one, is checked against the database too."""
    missing = set(locked_packages(stack)) - set(snapshot()["packages"])
    assert not missing, f"refresh {SNAPSHOT.name} (see this module): {sorted(missing)}"


@pytest.mark.parametrize("stack", STACKS)
def test_every_advisory_covering_a_locked_version_is_in_the_stacks_table(stack):
    rows = table(stack)
    unlisted = [f"{package} {version}: {entry['id']} ({', '.join(entry['aliases'])})"
                for package, version, entry in covering(stack)
                if not any(name in rows.get(package, "")
                           for name in (entry["id"], *entry["aliases"]))]
    assert not unlisted, "add to the notes' 'Why migrate?' table:\n" + "\n".join(unlisted)


@pytest.mark.parametrize("stack", STACKS)
def test_the_tables_pinned_versions_are_the_locked_ones(stack):
    pins = locked_packages(stack)
    for package, rows in table(stack).items():
        pinned = rows.split("|")[2].strip()
        assert pins.get(package) == pinned, f"{package}: the table says {pinned}"


def test_the_check_has_teeth():
    """The legacy stack's PyJWT is covered (so the test above is not vacuous), and a range
    is read as OSV defines it."""
    assert {entry["id"] for package, _, entry in covering("v1") if package == "pyjwt"} >= {
        "PYSEC-2026-179", "GHSA-ffc3-869f-jxw9", "GHSA-jwrc-g2q2-pq5p"}
    assert covering("v2") == []
    fixed_in_2_13 = [[{"introduced": "0"}, {"fixed": "2.13.0"}]]
    assert covers(fixed_in_2_13, "1.7.1") and not covers(fixed_in_2_13, "2.13.0")
    assert covers([[{"introduced": "0"}, {"last_affected": "2.10.1"}]], "2.10.1")
    assert not covers([[{"introduced": "1.5.0"}, {"fixed": "2.4.0"}]], "1.4.2")


def test_the_3_25_1_environment_is_left_out_and_why_it_must_never_serve():
    """.venv-fje3 (the codemod's proof) is no stack of the tables: its Werkzeug 2.0.3 alone is
    covered by ten advisories, its Flask 2.0.3 by two."""
    pins = locked_packages("fje3")
    hits = [entry["id"] for entry in advisories() if entry["package"] in pins
            and covers(entry["ranges"], pins[entry["package"]])]
    by_package = {name: sum(1 for entry in advisories() if entry["id"] in hits
                            and entry["package"] == name) for name in ("werkzeug", "flask")}
    assert (pins["werkzeug"], pins["flask"]) == ("2.0.3", "2.0.3")
    assert by_package == {"werkzeug": 10, "flask": 2}


# --- refreshing the snapshot --------------------------------------------------------------

def refresh(database: Path, source: str, commit: str, commit_date: str) -> None:  # pragma: no cover
    import yaml

    names = sorted(set().union(*(locked_packages(stack) for stack in STACKS)))
    entries = []
    for name in names:
        for path in sorted((database / "vulns" / name).glob("*.yaml")):
            raw = yaml.safe_load(path.read_text())
            if raw.get("withdrawn"):
                continue
            for affected in raw["affected"]:
                if affected["package"]["name"].lower().replace("_", "-") != name:
                    continue
                entries.append({
                    "id": raw["id"], "aliases": sorted(raw.get("aliases") or []),
                    "package": name, "summary": raw.get("summary") or raw["details"][:160],
                    "ranges": [r["events"] for r in affected.get("ranges", [])
                               if r["type"] == "ECOSYSTEM"]
                    or [[{"introduced": v}, {"last_affected": v}]
                        for v in affected.get("versions", [])],
                    "published": str(raw["published"]), "modified": str(raw["modified"]),
                    "path": f"vulns/{name}/{path.name}"})
    known = {entry["id"] for entry in entries} | {a for e in entries for a in e["aliases"]}
    previous = snapshot()["later"] if SNAPSHOT.exists() else []
    later = [entry for entry in previous if entry["id"] not in known
             and not known & set(entry["aliases"])]
    SNAPSHOT.write_text(json.dumps({
        "source": source, "commit": commit, "commit_date": commit_date,
        "taken": datetime.now(UTC).date().isoformat(), "licence": "CC-BY-4.0",
        "packages": names, "advisories": entries, "later": later}, indent=1) + "\n")


if __name__ == "__main__":  # pragma: no cover
    path, source, commit = sys.argv[1:4]
    refresh(Path(path), source, commit, sys.argv[4] if len(sys.argv) > 4 else "")
