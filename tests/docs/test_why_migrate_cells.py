"""The "Why migrate?" tables read whole: every advisory id a row names is in the advisory
snapshot under that row's package, its "fixed in" cell is the version the snapshot says fixes
it (or the last one it lists), and "none published" / "none open" / "fixed here" mean what they
say of the pinned version (tests/docs/test_advisories.py holds the snapshot and the lock)."""

import re

import pytest
from packaging.version import Version

from sidebyside.servers import REPO
from tests.docs.test_advisories import STACKS, advisories, covers
from tests.docs.test_notes_rows import cells

ID = re.compile(r"\b(CVE-\d{4}-\d+|GHSA(?:-[0-9a-z]{4}){3}|PYSEC-\d{4}-\d+)\b")


def rows(stack: str) -> list[list[str]]:
    notes = (REPO / "migration_notes.md").read_text()
    block = notes.split(f"<!-- why-migrate:{stack} -->", 1)[1].split(
        f"<!-- /why-migrate:{stack} -->", 1)[0]
    return [cells(line) for line in block.strip().splitlines()[2:]]


def entry(package: str, named: str) -> dict:
    found = [e for e in advisories() if e["package"] == package.lower()
             and (named == e["id"] or named in e["aliases"])]
    assert found, f"{named} is no advisory of {package} in the snapshot"
    return found[0]


def fix_of(advisory: dict, version: str) -> str:
    """The version that ends the range covering `version`: "2.4.0", or "up to 2.10.1"."""
    for events in advisory["ranges"]:
        if covers([events], version):
            for event in events:
                if "fixed" in event and Version(event["fixed"]) > Version(version):
                    return event["fixed"]
                if "last_affected" in event:
                    return f"up to {event['last_affected']}"
    raise AssertionError(f"{advisory['id']} does not cover {version}")


@pytest.mark.parametrize("stack", STACKS)
def test_every_advisory_a_row_names_is_the_rows_packages(stack):
    named = [(row[0], n) for row in rows(stack) for n in ID.findall(row[2])]
    assert len(named) >= (10 if stack == "v1" else 1)
    for package, name in named:
        entry(package, name)


def test_each_fixed_in_cell_is_the_snapshots_fix_for_the_pinned_version():
    checked = 0
    for package, pinned, advisory, fixed_in, _ in rows("v1"):
        names = ID.findall(advisory)
        if not names:
            continue
        fixes = {fix_of(entry(package, name), pinned) for name in names}
        if listed := re.fullmatch(r"— \(listed up to ([\d.]+)\)", fixed_in):
            assert fixes == {f"up to {listed.group(1)}"}, (advisory[:40], fixes)
        else:
            assert fixes == {fixed_in}, f"{advisory[:40]}: fixed in {fixes}, not {fixed_in}"
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("stack", STACKS)
def test_none_published_none_open_and_fixed_here(stack):
    said = 0
    for package, pinned, advisory, fixed_in, _ in rows(stack):
        entries = [e for e in advisories() if e["package"] == package.lower()]
        if advisory.startswith("none published"):
            assert entries == [] and fixed_in in ("never", "—"), package
            said += 1
        if advisory.startswith("none open"):
            assert not [e["id"] for e in entries if covers(e["ranges"], pinned)], package
            said += 1
        for name in re.findall(rf"{ID.pattern} fixed here", advisory):
            assert fix_of(entry(package, name), "0.0.1") == pinned, (package, name)
            said += 1
    assert said >= 2


def test_a_wave_of_advisories_was_fixed_in_the_versions_the_row_says():
    """"a 2026 wave of advisories ... was fixed in A to B" (an en dash in the notes): the
    first and last minor versions that fix a CVE-2026 advisory of that package."""
    for package, _, advisory, _, _ in rows("v2"):
        wave = re.search(r"a (\d{4}) wave of advisories .* fixed in (\d+\.\d+)\W(\d+\.\d+)",
                         advisory)
        if not wave:
            continue
        year, first, last = wave.groups()
        fixes = sorted({Version(event["fixed"]) for e in advisories()
                        if e["package"] == package.lower()
                        and any(a.startswith(f"CVE-{year}-") for a in [e["id"], *e["aliases"]])
                        for events in e["ranges"] for event in events if "fixed" in event})
        assert fixes, package
        minor = [f"{v.major}.{v.minor}" for v in (fixes[0], fixes[-1])]
        assert minor == [first, last], f"{package}: fixed in {minor[0]} to {minor[1]}"
        return
    raise AssertionError("no wave row: update this test with the table")
