"""The scenario catalogue, in teaching order. Each scenario is written once and acted on
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

    def expected(self, app: str) -> Outcome | None:
        return self.v1 if app == "v1" else self.v2


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
             verdict: str = "same", reason: str = "", lesson: str = ""):
    def add(act: Callable[[World, AppClient], Exchange]):
        CATALOGUE.append(Scenario(key, chapter, title, act, v1, v2, verdict, reason, lesson))
        return act

    return add


def answer(status: int, error: str | None = None) -> Outcome:
    return Outcome(status, error)


# --- register ------------------------------------------------------------------------

@scenario("register", "register", "Register a new user", v1=answer(201), v2=answer(201),
          lesson="Registration is ours in both versions: one store, one set of input rules.")
def _(w: World, me: AppClient) -> Exchange:
    return me.register(f"new{w.run_id}{me.name}", PASSWORD)


@scenario("register_duplicate", "register", "Register a taken name (other case)",
          v1=answer(409, "already_exists"), v2=answer(409, "already_exists"),
          lesson="Usernames are unique without regard to case or Unicode form.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    return me.register(user.name.upper(), PASSWORD)


@scenario("register_bad_body", "register", "Register with a JSON array as body",
          v1=answer(400, "validation_error"), v2=answer(400, "validation_error"),
          lesson="Bad input is a 400 with a JSON reason, never a 500.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("POST", "/register", json_body=["bob", PASSWORD])


# --- log in ---------------------------------------------------------------------------

@scenario("login", "log in", "Log in (v1 POST /auth, v2 POST /login)",
          v1=answer(200), v2=answer(200),
          lesson="v1 gets one 5-minute token from Flask-JWT's built-in /auth; v2's own /login "
                 "returns a fresh 15-minute access token and a 30-day refresh token.")
def _(w: World, me: AppClient) -> Exchange:
    return me.login(w.register(me).name, PASSWORD)


@scenario("login_wrong_password", "log in", "Log in with a wrong password",
          v1=answer(401, "invalid_credentials"), v2=answer(401, "invalid_credentials"),
          lesson="Same answer as for an unknown user, in the same time.")
def _(w: World, me: AppClient) -> Exchange:
    return me.login(w.register(me).name, "wrong password")


@scenario("login_unknown_user", "log in", "Log in as a user who does not exist",
          v1=answer(401, "invalid_credentials"), v2=answer(401, "invalid_credentials"))
def _(w: World, me: AppClient) -> Exchange:
    return me.login(f"ghost{w.run_id}", PASSWORD)


@scenario("login_bad_body", "log in", "Log in with a non-JSON body",
          v1=answer(400, "validation_error"), v2=answer(400, "validation_error"),
          lesson="Flask-JWT's /auth crashed (500) on this; v1 now checks the body first.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("POST", me.login_path, raw_body="username=bob",
                      content_type="application/x-www-form-urlencoded")


# --- protected call ---------------------------------------------------------------------

@scenario("protected_read", "protected call", "Read an item with a valid token",
          v1=answer(200), v2=answer(200),
          lesson="@jwt_required() is spelled the same; the header prefix is JWT vs Bearer.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("GET", f"/item/{w.item(me, token)}", token=token)


@scenario("missing_header", "protected call", "Read an item without a token",
          v1=answer(401, "authorization_required"), v2=answer(401, "authorization_required"),
          lesson="A real server in production config answers 401, not Flask-RESTful's 500.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/item/anything")


@scenario("wrong_prefix", "protected call", "Send the other library's header prefix",
          v1=answer(401, "authorization_required"), v2=answer(401, "authorization_required"),
          lesson="Clients must switch 'Authorization: JWT <t>' to 'Authorization: Bearer <t>'.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    prefix = w.other(me).prefix
    return me.request("GET", "/item/anything", headers={"Authorization": f"{prefix} {token}"})


@scenario("lowercase_prefix", "protected call", "Send the prefix in lower case",
          v1=answer(200), v2=answer(401, "authorization_required"), verdict="differs",
          reason="Flask-JWT compares the prefix case-insensitively; Flask-JWT-Extended "
                 "matches 'Bearer' exactly",
          lesson="'bearer <t>' is refused by v2.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("GET", f"/item/{w.stock_item()}",
                      headers={"Authorization": f"{me.prefix.lower()} {token}"})


@scenario("write_fresh", "protected call", "Create an item with the token from login",
          v1=answer(201), v2=answer(201))
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("POST", f"/item/fresh{w.run_id}{me.name}", token=token,
                      json_body={"price": 3})


# --- claims ------------------------------------------------------------------------------

@scenario("admin_delete", "claims", "An admin deletes an item", v1=answer(200), v2=answer(200),
          lesson="v1 reads is_admin from the store on every request (identity()); v2 puts "
                 "it in the token as a claim (additional_claims_loader).")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me, admin=True).name, PASSWORD).access
    return me.request("DELETE", f"/item/{w.item(me, token)}", token=token)


@scenario("non_admin_delete", "claims", "A non-admin deletes an item",
          v1=answer(403, "admin_required"), v2=answer(403, "admin_required"),
          lesson="403, not the course's 401: the user is known, just not allowed.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("DELETE", f"/item/{w.item(me, token)}", token=token)


# --- optional JWT --------------------------------------------------------------------------

@scenario("items_anonymous", "optional JWT", "List items without a token", v1=answer(200),
          v2=answer(200), lesson="Anonymous callers get names only and 'More data available if "
                            "you log in.'; v2 uses jwt_required(optional=True).")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/items")


@scenario("items_with_token", "optional JWT", "List items with a token",
          v1=answer(200), v2=answer(200))
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("GET", "/items", token=token)


@scenario("items_invalid_token", "optional JWT", "List items with an invalid token",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"),
          lesson="Optional means 'no token is fine', not 'a bad token is ignored'.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/items", token="not.a.token")


# --- refresh ----------------------------------------------------------------------------------

def _refresh(w: World, me: AppClient, use_access: bool = False) -> Exchange:
    tokens = me.tokens(w.register(me).name, PASSWORD)
    token = tokens.access if use_access or tokens.refresh is None else tokens.refresh
    return me.request("POST", "/refresh", token=token)


@scenario("refresh", "refresh", "Get a new access token with the refresh token",
          v1=answer(404, "not_found"), v2=answer(200), verdict="v2_only",
          reason="Flask-JWT has no refresh tokens: a v1 client logs in again",
          lesson="The new access token is not fresh.")
def _(w: World, me: AppClient) -> Exchange:
    return _refresh(w, me)


@scenario("access_at_refresh", "refresh", "Send an access token to /refresh",
          v1=answer(404, "not_found"), v2=answer(401, "invalid_token"), verdict="v2_only",
          reason="no /refresh in v1", lesson="Token types are not interchangeable.")
def _(w: World, me: AppClient) -> Exchange:
    return _refresh(w, me, use_access=True)


@scenario("refresh_as_access", "refresh", "Use a refresh token to read an item",
          v1=None, v2=answer(401, "invalid_token"), verdict="v2_only",
          reason="v1 issues no refresh tokens",
          lesson="A 30-day refresh token must never work as an access token.")
def _(w: World, me: AppClient) -> Exchange:
    tokens = me.tokens(w.register(me).name, PASSWORD)
    return me.request("GET", "/item/anything", token=tokens.refresh)


# --- freshness --------------------------------------------------------------------------------

def _non_fresh_token(w: World, me: AppClient) -> tuple[User, str]:
    user = w.register(me)
    tokens = me.tokens(user.name, PASSWORD)
    if tokens.refresh is None:
        return user, tokens.access  # v1 has only one kind of token
    return user, me.request("POST", "/refresh", token=tokens.refresh).json["access_token"]


@scenario("write_non_fresh", "freshness", "Create an item with a refreshed (non-fresh) token",
          v1=answer(201), v2=answer(401, "fresh_token_required"), verdict="differs",
          reason="Flask-JWT has no freshness: any valid token may write",
          lesson="Sensitive writes want a password typed recently: jwt_required(fresh=True).")
def _(w: World, me: AppClient) -> Exchange:
    _, token = _non_fresh_token(w, me)
    return me.request("POST", f"/item/stale{w.run_id}{me.name}", token=token,
                      json_body={"price": 1})


@scenario("delete_self_non_fresh", "freshness", "Delete your account with a non-fresh token",
          v1=answer(200), v2=answer(401, "fresh_token_required"), verdict="differs",
          reason="Flask-JWT has no freshness")
def _(w: World, me: AppClient) -> Exchange:
    user, token = _non_fresh_token(w, me)
    return me.request("DELETE", f"/user/{user.id}", token=token)


# --- error callbacks -----------------------------------------------------------------------

@scenario("garbage_token", "error callbacks", "A token that is not a JWT",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"),
          lesson="Flask-JWT-Extended says 422 by default; invalid_token_loader makes it 401.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/item/anything", token="garbage")


@scenario("whitespace_header", "error callbacks", "An Authorization header of spaces",
          v1=answer(401, "authorization_required"), v2=answer(401, "authorization_required"),
          lesson="Flask-JWT's own header parser crashed (500) here.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/item/anything", headers={"Authorization": "   "})


@scenario("tampered_token", "error callbacks", "Change the user in a token, keep the signature",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"))
def _(w: World, me: AppClient) -> Exchange:
    victim = w.register(me)
    token = me.tokens(w.register(me).name, PASSWORD).access
    header, _, signature = token.split(".")
    forged_payload = me.forge(me.claims(victim.id)).split(".")[1]
    return me.request("GET", "/item/anything", token=f"{header}.{forged_payload}.{signature}")


@scenario("alg_none", "error callbacks", "An unsigned token (alg: none)",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"))
def _(w: World, me: AppClient) -> Exchange:
    from sidebyside.tokens import segment

    user = w.register(me)
    token = f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment(me.claims(user.id))}."
    return me.request("GET", "/item/anything", token=token)


@scenario("expired_outside_leeway", "error callbacks", "A token expired a minute ago",
          v1=answer(401, "token_expired"), v2=answer(401, "token_expired"))
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    return me.request("GET", "/item/anything",
                      token=me.forge(me.claims(user.id, age=360, lifetime=300)))


@scenario("expired_inside_leeway", "error callbacks", "A token expired 5 seconds ago",
          v1=answer(200), v2=answer(401, "token_expired"), verdict="differs",
          reason="Flask-JWT allows 10 s of clock leeway (JWT_LEEWAY); Flask-JWT-Extended "
                 "none (JWT_DECODE_LEEWAY=0)",
          lesson="Set JWT_DECODE_LEEWAY if your clients' clocks drift.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    return me.request("GET", f"/item/{w.stock_item()}",
                      token=me.forge(me.claims(user.id, age=305, lifetime=300)))


@scenario("not_yet_valid", "error callbacks", "A token whose nbf is an hour away",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"))
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    claims = me.claims(user.id)
    claims["nbf"] += 3600
    return me.request("GET", "/item/anything", token=me.forge(claims))


@scenario("other_apps_token", "error callbacks", "A token issued by the other app",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"),
          lesson="Each app has its own secret: no cross-app token, and no 500 either.")
def _(w: World, me: AppClient) -> Exchange:
    other = w.other(me)
    token = other.tokens(w.register(other).name, PASSWORD).access
    return me.request("GET", "/item/anything", token=token)


# --- logout ------------------------------------------------------------------------------------

@scenario("logout", "logout", "Log out", v1=answer(404, "not_found"), v2=answer(200),
          verdict="v2_only", reason="Flask-JWT cannot revoke a token",
          lesson="v2 revokes the access AND the refresh token of that login.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("POST", "/logout", token=token)


@scenario("token_after_logout", "logout", "Use the access token after logging out",
          v1=answer(200), v2=answer(401, "token_revoked"), verdict="differs",
          reason="v1 has no logout: its token works until it expires")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    me.request("POST", "/logout", token=token)
    return me.request("GET", f"/item/{w.stock_item()}", token=token)


@scenario("refresh_after_logout", "logout", "Use the refresh token after logging out",
          v1=None, v2=answer(401, "token_revoked"), verdict="v2_only",
          reason="v1 issues no refresh tokens",
          lesson="Revoking only the access token would let /refresh mint a new one.")
def _(w: World, me: AppClient) -> Exchange:
    tokens = me.tokens(w.register(me).name, PASSWORD)
    me.request("POST", "/logout", token=tokens.access)
    return me.request("POST", "/refresh", token=tokens.refresh)


# --- account safety ---------------------------------------------------------------------------

NEW_PASSWORD = "another horse battery"


@scenario("password_change", "account safety", "Change your password",
          v1=answer(200), v2=answer(200),
          lesson="PUT /user/<id>/password ends every session: tokens older than the change die.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    return me.change_password(user.id, token, PASSWORD, NEW_PASSWORD)


def _after_password_change(w: World, me: AppClient, use_refresh: bool = False) -> Exchange:
    user = w.register(me)
    tokens = me.tokens(user.name, PASSWORD)
    me.change_password(user.id, tokens.access, PASSWORD, NEW_PASSWORD)
    if use_refresh:
        return me.request("POST", "/refresh", token=tokens.refresh)
    return me.request("GET", f"/user/{user.id}", token=tokens.access)


@scenario("token_after_password_change", "account safety",
          "Use a token issued before the password changed",
          v1=answer(401, "token_revoked"), v2=answer(401, "token_revoked"),
          lesson="Each token carries iat to the microsecond; each account, when its password "
                 "last changed: an older token is refused, with no row per token.")
def _(w: World, me: AppClient) -> Exchange:
    return _after_password_change(w, me)


@scenario("refresh_after_password_change", "account safety",
          "Refresh with a refresh token issued before the password changed",
          v1=None, v2=answer(401, "token_revoked"), verdict="v2_only",
          reason="v1 issues no refresh tokens",
          lesson="A stolen 30-day refresh token dies with the password change too.")
def _(w: World, me: AppClient) -> Exchange:
    return _after_password_change(w, me, use_refresh=True)


@scenario("password_change_wrong_old", "account safety",
          "Change the password with a wrong old password",
          v1=answer(401, "invalid_credentials"), v2=answer(401, "invalid_credentials"),
          lesson="It counts as a failed login: a stolen token cannot guess the password.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    return me.change_password(user.id, token, "not the password", NEW_PASSWORD)


@scenario("password_change_other_user", "account safety",
          "Change somebody else's password",
          v1=answer(403, "not_allowed"), v2=answer(403, "not_allowed"))
def _(w: World, me: AppClient) -> Exchange:
    victim, user = w.register(me), w.register(me, admin=True)
    token = me.tokens(user.name, PASSWORD).access
    return me.change_password(victim.id, token, PASSWORD, NEW_PASSWORD)


@scenario("password_change_non_fresh", "account safety",
          "Change the password with a refreshed (non-fresh) token",
          v1=answer(200), v2=answer(401, "fresh_token_required"), verdict="differs",
          reason="Flask-JWT has no freshness",
          lesson="v2 asks for a password typed just now before it changes the password.")
def _(w: World, me: AppClient) -> Exchange:
    user, token = _non_fresh_token(w, me)
    return me.change_password(user.id, token, PASSWORD, NEW_PASSWORD)


@scenario("token_after_reregistration", "account safety",
          "A deleted user's token, after somebody new registers",
          v1=answer(401, "user_not_found"), v2=answer(401, "user_not_found"),
          lesson="Ids are never reused (AUTOINCREMENT), and a token older than its account "
                 "is refused anyway: an old token can never name the next user.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    me.request("DELETE", f"/user/{user.id}", token=token)
    w.register(me, admin=True)
    return me.request("GET", f"/user/{user.id}", token=token)


@scenario("throttle_other_address", "account safety",
          "Log in from your address after 10 failures from another one",
          v1=answer(200), v2=answer(200),
          lesson="Failures count per (account, address): a stranger cannot lock you out.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    attacker = me.from_address(ATTACKER_ADDRESS)
    for _ in range(10):
        attacker.login(user.name, "wrong password")
    if attacker.login(user.name, PASSWORD).status != 429:
        raise AssertionError("the attacking address was not throttled")
    return me.login(user.name, PASSWORD)


# --- cross-app store ------------------------------------------------------------------------

@scenario("registered_on_other_app", "cross-app store",
          "Log in with a user registered on the other app (name in other case)",
          v1=answer(200), v2=answer(200),
          lesson="One store, one argon2id hash both stacks can verify.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(w.other(me))
    return me.login(user.name.upper(), PASSWORD)


@scenario("user_deleted_token_alive", "cross-app store",
          "Use a token after the user was deleted",
          v1=answer(401, "user_not_found"), v2=answer(401, "user_not_found"),
          lesson="v1's identity() and v2's user_lookup_loader both find no user.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    w.store.delete_user(user.id)
    return me.request("GET", "/item/anything", token=token)


@scenario("admin_demoted_token_alive", "cross-app store",
          "An admin, demoted after logging in, deletes an item",
          v1=answer(403, "admin_required"), v2=answer(200), verdict="differs",
          reason="v1 reads is_admin from the store on every request; v2's is_admin claim "
                 "lives until the access token expires (15 min)",
          lesson="Claims save a lookup per request and go stale: keep access tokens short.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me, admin=True)
    token = me.tokens(user.name, PASSWORD).access
    item = w.item(me, token)
    w.store.set_admin(user.name, False)
    return me.request("DELETE", f"/item/{item}", token=token)


@scenario("throttle_across_apps", "cross-app store",
          "Log in after 10 failures split across both apps",
          v1=answer(429, "too_many_attempts"), v2=answer(429, "too_many_attempts"),
          lesson="Failed logins are counted in the shared store: both apps throttle together.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    for i in range(10):
        (me if i % 2 else w.other(me)).login(user.name, "wrong password")
    return me.login(user.name, PASSWORD)


def run(world: World, sc: Scenario) -> dict[str, Exchange]:
    """Act the scenario on every app that it declares an outcome for."""
    return {name: sc.act(world, client) for name, client in world.clients.items()
            if sc.expected(name) is not None}


def observed_verdict(outcomes: dict[str, Outcome], declared: str) -> str:
    if declared in ("v2_only", "v1_only"):
        return declared
    return "same" if outcomes.get("v1") == outcomes.get("v2") else "differs"
