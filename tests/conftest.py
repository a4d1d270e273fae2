import secrets
import sys
from pathlib import Path

import pytest

pytest_plugins = ["tests.live"]

REPO = Path(__file__).resolve().parent.parent
# Which stack this interpreter is: the tests of one stack never import the other's libraries.
STACK = "v1" if Path(sys.prefix).name == ".venv-v1" else "v2"
OTHER_PYTHON = {"v1": REPO / ".venv-v2/bin/python", "v2": REPO / ".venv-v1/bin/python"}[STACK]
THIS_PYTHON = Path(sys.executable)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def secret_key() -> str:
    return secrets.token_hex(32)
