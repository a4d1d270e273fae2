"""Real users with real tokens on both live servers, for the attacks to start from."""

import pytest

from sidebyside.scenarios import PASSWORD, World
from tests.security.attacks import Target


@pytest.fixture(scope="session")
def targets(world: World) -> dict[str, Target]:
    built = {}
    for name, client in world.clients.items():
        other = world.other(client)
        user, second = world.register(client), world.register(client)
        tokens = client.tokens(user.name, PASSWORD)
        non_fresh = revoked_access = revoked_refresh = None
        if client.has_refresh:
            non_fresh = client.request("POST", "/refresh", token=tokens.refresh).json[
                "access_token"]
            ended = client.tokens(user.name, PASSWORD)
            assert client.request("POST", "/logout", token=ended.access).status == 200
            revoked_access, revoked_refresh = ended.access, ended.refresh
        built[name] = Target(
            client=client, user_id=user.id, other_user_id=second.id, access=tokens.access,
            refresh=tokens.refresh, non_fresh=non_fresh, revoked_access=revoked_access,
            revoked_refresh=revoked_refresh,
            other_apps_token=other.tokens(world.register(other).name, PASSWORD).access,
            stock_item=world.stock_item(),
        )
    return built
