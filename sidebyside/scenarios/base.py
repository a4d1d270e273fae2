"""The scenario catalogue's machinery: what a scenario is, the world it acts in, the
catalogue it joins. The scenarios themselves are one module per chapter, in this package.

The catalogue, in teaching order. Each scenario is written once and acted on
each app through that app's client; it declares what each app answers and the verdict.

`same` means the same status and error code. `differs` names the reason. `v2_only` marks
what Flask-JWT has no notion of; the v1 column then shows what v1 answers instead.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from shared import Store
from sidebyside.clients import AppClient, Exchange

PASSWORD = "correct horse battery"
# Any 127.x address reaches a server on 127.0.0.1: the "other client" of throttling scenarios.
ATTACKER_ADDRESS = "127.0.0.2"
VERDICTS = ("same", "differs", "v2_only", "v1_only")


@dataclass(frozen=True)
class Outcome:
    status: int
    error: str | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.error}" if self.error else str(self.status)

    @classmethod
    def of(cls, exchange: Exchange) -> "Outcome":
        return cls(exchange.status, exchange.error)


@dataclass(frozen=True)
class Scenario:
    key: str
    chapter: str
    title: str
    act: Callable[["World", AppClient], Exchange]
    v1: Outcome | None
    v2: Outcome | None
    verdict: str
    reason: str
    lesson: str
    points: int = 1  # what the scenario is worth when `make grade` grades a learner's v2

    def expected(self, app: str) -> Outcome | None:
        return self.v1 if app == "v1" else self.v2

    @property
    def hint(self) -> str:
        """What a learner who lost this scenario should know: its lesson, else its chapter's
        first lesson (every chapter has one; tests/exercise checks it)."""
        return self.lesson or next(sc.lesson for sc in CATALOGUE
                                   if sc.chapter == self.chapter and sc.lesson)


@dataclass
class User:
    name: str
    id: int


class World:
    """Both apps' clients and the shared store, as a scenario sees them."""

    def __init__(self, clients: dict[str, AppClient], store: Store, run_id: str = ""):
        self.clients = clients
        self.store = store
        self._numbers = itertools.count(1)
        self.run_id = run_id

    def other(self, me: AppClient) -> AppClient:
        return next(c for c in self.clients.values() if c.name != me.name)

    def register(self, on: AppClient, admin: bool = False) -> User:
        name = f"user{self.run_id}{next(self._numbers)}"
        answer = on.register(name, PASSWORD)
        if answer.status != 201:
            raise AssertionError(f"register on {on.name}: {answer.status} {answer.body!r}")
        if admin:
            self.store.set_admin(name, True)
        return User(name, answer.json["id"])

    def stock_item(self) -> str:
        """An item put straight into the store, for reads whose 200 means 'token accepted'."""
        name = f"stock{self.run_id}{next(self._numbers)}"
        self.store.create_item(name, 1.0)
        return name

    def item(self, me: AppClient, token: str) -> str:
        name = f"item{self.run_id}{next(self._numbers)}"
        answer = me.request("PUT", f"/item/{name}", token=token, json_body={"price": 9.5})
        if answer.status != 201:
            raise AssertionError(f"PUT item on {me.name}: {answer.status} {answer.body!r}")
        return name


CATALOGUE: list[Scenario] = []
CHAPTERS = ["register", "log in", "protected call", "claims", "optional JWT", "refresh",
            "freshness", "error callbacks", "logout", "account safety", "cross-app store"]


def scenario(key: str, chapter: str, title: str, *, v1: Outcome | None, v2: Outcome | None,
             verdict: str = "same", reason: str = "", lesson: str = "", points: int = 1):
    def add(act: Callable[[World, AppClient], Exchange]):
        CATALOGUE.append(Scenario(key, chapter, title, act, v1, v2, verdict, reason, lesson,
                                  points))
        return act

    return add


def answer(status: int, error: str | None = None) -> Outcome:
    return Outcome(status, error)


def non_fresh_token(w: World, me: AppClient) -> tuple[User, str]:
    user = w.register(me)
    tokens = me.tokens(user.name, PASSWORD)
    if tokens.refresh is None:
        return user, tokens.access  # v1 has only one kind of token
    return user, me.request("POST", "/refresh", token=tokens.refresh).json["access_token"]


def run(world: World, sc: Scenario) -> dict[str, Exchange]:
    """Act the scenario on every app that it declares an outcome for."""
    return {name: sc.act(world, client) for name, client in world.clients.items()
            if sc.expected(name) is not None}


def observed_verdict(outcomes: dict[str, Outcome], declared: str) -> str:
    if declared in ("v2_only", "v1_only"):
        return declared
    return "same" if outcomes.get("v1") == outcomes.get("v2") else "differs"
