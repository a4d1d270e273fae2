"""Shared by tests/v1/test_why_migrate.py and tests/v2/test_why_migrate.py: the "Why migrate?"
tables of migration_notes.md, read back, so that their pinned versions cannot go stale."""

from importlib.metadata import version

from tests.conftest import REPO


def pinned(stack: str) -> dict[str, str]:
    """{package: pinned version} from the notes' table of that stack."""
    text = (REPO / "migration_notes.md").read_text()
    table = text.split(f"<!-- why-migrate:{stack} -->", 1)[1].split(
        f"<!-- /why-migrate:{stack} -->", 1)[0]
    rows = [line.split("|")[1:3] for line in table.strip().splitlines()[2:]]
    return {name.strip(): pin.strip() for name, pin in rows}


def stale_rows(stack: str) -> list[str]:
    return [f"{name}: notes say {pin}, installed {version(name)}"
            for name, pin in pinned(stack).items() if version(name) != pin]
