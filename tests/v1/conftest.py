from tests.contract.conftest import api  # noqa: F401  (the same in-process client)
