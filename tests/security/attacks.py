"""Attacks and bad inputs, as data: each case builds a request for one app through that
app's client, and says what each app must answer ("accepted", or an error code).

Sources: ../shared/reference/security-checklist.md (OWASP JWT cheat sheet, RFC 8725,
PortSwigger JWT labs, ASVS 5 §9), measured on both stacks.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sidebyside.clients import AppClient
from sidebyside.tokens import b64, segment, sign

ACCEPTED = "accepted"
ATTACKER_KEY = "attacker-controlled key, long enough for HS256!"


@dataclass
class Target:
    """What an attack may use against one app: a real user with real tokens."""

    client: AppClient
    user_id: int
    other_user_id: int
    access: str
    refresh: str | None
    non_fresh: str | None
    revoked_access: str | None
    revoked_refresh: str | None
    other_apps_token: str
    stock_item: str

    def __repr__(self) -> str:  # hypothesis prints arguments: keep tokens out of reports
        return f"Target({self.client.name})"

    def claims(self, **changes) -> dict:
        claims = self.client.claims(self.user_id)
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not DROP}

    @property
    def id_claim(self) -> str:
        return "identity" if self.client.name == "v1" else "sub"

    def own_id(self, user_id: int):
        return user_id if self.client.name == "v1" else str(user_id)


DROP = object()  # a claim value meaning "leave the claim out"


def header(alg: str = "HS256", **extra) -> dict:
    return {"alg": alg, "typ": "JWT", **extra}


def flip_char(token: str, index: int) -> str:
    chars = list(token)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


@dataclass(frozen=True)
class TokenAttack:
    key: str
    build: Callable[[Target], str | None]  # the token; None: not applicable to this app
    v1: str = "invalid_token"
    v2: str = "invalid_token"
    needs_key: bool = False  # True: signed with the server's own secret (claims checks)

    def expected(self, app: str) -> str:
        return self.v1 if app == "v1" else self.v2


def _none_alg(spelling: str, keep_signature: bool = False) -> Callable[[Target], str]:
    def build(t: Target) -> str:
        body = segment(t.claims())
        signature = t.access.split(".")[2] if keep_signature else ""
        return f"{segment(header(spelling))}.{body}.{signature}"

    return build


def _tampered(t: Target) -> str:
    h, _, s = t.access.split(".")
    forged = segment({**t.claims(), t.id_claim: t.own_id(t.other_user_id)})
    return f"{h}.{forged}.{s}"


def _admin_tampered(t: Target) -> str:
    h, _, s = t.access.split(".")
    return f"{h}.{segment({**t.claims(), 'is_admin': True})}.{s}"


# Forgeries: built without the server's key. Every one must be refused by both apps.
FORGERIES = [
    TokenAttack("alg_none", _none_alg("none")),
    TokenAttack("alg_None", _none_alg("None")),
    TokenAttack("alg_NONE", _none_alg("NONE")),
    TokenAttack("alg_nOnE", _none_alg("nOnE")),
    TokenAttack("alg_none_original_signature", _none_alg("none", keep_signature=True)),
    TokenAttack("signature_stripped", lambda t: t.access.rsplit(".", 1)[0] + "."),
    TokenAttack("signature_flipped", lambda t: flip_char(t.access, len(t.access) - 10)),
    TokenAttack("signature_truncated", lambda t: t.access[:-8]),
    TokenAttack("signature_of_other_token",
                lambda t: t.access.rsplit(".", 1)[0] + "." + t.other_apps_token.split(".")[2]),
    TokenAttack("wrong_key", lambda t: sign(header(), t.claims(), secrets.token_hex(32))),
    TokenAttack("empty_key", lambda t: sign(header(), t.claims(), "")),
    TokenAttack("tampered_identity", _tampered),
    TokenAttack("tampered_admin_claim", _admin_tampered),
    TokenAttack("hs512_with_attacker_key",
                lambda t: sign(header("HS512"), t.claims(), ATTACKER_KEY, "sha512")),
    TokenAttack("hs384_header_hs256_signature",
                lambda t: sign(header("HS384"), t.claims(), ATTACKER_KEY)),
    TokenAttack("rs256_header_hmac_signature",
                lambda t: sign(header("RS256"), t.claims(), ATTACKER_KEY)),
    TokenAttack("es256_header", lambda t: sign(header("ES256"), t.claims(), ATTACKER_KEY)),
    TokenAttack("kid_path_traversal",
                lambda t: sign(header(kid="../../../../../../dev/null"), t.claims(), "")),
    TokenAttack("kid_sql_injection",
                lambda t: sign(header(kid="x' UNION SELECT 'k' --"), t.claims(), "k")),
    TokenAttack("jwk_embedded_attacker_key", lambda t: sign(
        header(jwk={"kty": "oct", "k": b64(ATTACKER_KEY)}), t.claims(), ATTACKER_KEY)),
    TokenAttack("jku_attacker_url", lambda t: sign(
        header(jku="http://127.0.0.1:9/jwks.json"), t.claims(), ATTACKER_KEY)),
    TokenAttack("x5u_attacker_url", lambda t: sign(
        header(x5u="http://127.0.0.1:9/cert.pem"), t.claims(), ATTACKER_KEY)),
    TokenAttack("other_apps_token", lambda t: t.other_apps_token),
    TokenAttack("two_segments", lambda t: ".".join(t.access.split(".")[:2])),
    TokenAttack("four_segments", lambda t: t.access + ".extra"),
    TokenAttack("garbage", lambda t: "garbage"),
    TokenAttack("dots_only", lambda t: "..."),
    TokenAttack("non_ascii", lambda t: "\u00e9.\u00e9.\u00e9"),
    TokenAttack("header_not_json", lambda t: f"{b64('not json')}.{segment(t.claims())}.abc"),
    TokenAttack("huge_token", lambda t: "a" * 60_000 + ".b.c"),
]

# Signed with the server's own secret: what a stolen key or a bug could produce. These test
# the claim checks; where the libraries differ, both answers are declared.
KEYED = [
    TokenAttack("expired_an_hour_ago", lambda t: t.client.forge(
        t.client.claims(t.user_id, age=3900, lifetime=300)), "token_expired", "token_expired",
        needs_key=True),
    TokenAttack("expired_5s_ago", lambda t: t.client.forge(
        t.client.claims(t.user_id, age=305, lifetime=300)), ACCEPTED, "token_expired",
        needs_key=True),  # Flask-JWT's 10 s leeway
    TokenAttack("nbf_in_an_hour", lambda t: t.client.forge(
        t.claims(nbf=t.claims()["iat"] + 3600)), needs_key=True),
    TokenAttack("iat_in_an_hour", lambda t: t.client.forge(
        t.claims(iat=t.claims()["iat"] + 3600)), ACCEPTED, "invalid_token", needs_key=True),
    TokenAttack("exp_not_a_number", lambda t: t.client.forge(t.claims(exp="tomorrow")),
                needs_key=True),
    TokenAttack("exp_missing", lambda t: t.client.forge(t.claims(exp=DROP)),
                "invalid_token", ACCEPTED, needs_key=True),  # Flask-JWT requires exp
    TokenAttack("identity_missing", lambda t: t.client.forge(t.claims(**{t.id_claim: DROP})),
                needs_key=True),
    TokenAttack("identity_wrong_type", lambda t: t.client.forge(t.claims(**{
        t.id_claim: str(t.user_id) if t.client.name == "v1" else t.user_id})), needs_key=True),
    TokenAttack("identity_sql", lambda t: t.client.forge(t.claims(**{
        t.id_claim: "1 OR 1=1"})), "invalid_token", "user_not_found", needs_key=True),
    TokenAttack("identity_of_no_user", lambda t: t.client.forge(t.claims(**{
        t.id_claim: t.own_id(987654)})), "user_not_found", "user_not_found", needs_key=True),
    TokenAttack("crit_unknown_extension", lambda t: sign(
        header(crit=["exp-ext"], **{"exp-ext": 1}), t.claims(), t.client.secret),
        ACCEPTED, "invalid_token", needs_key=True),  # PyJWT 1.7.1 ignores crit
    TokenAttack("payload_not_an_object", lambda t: sign(header(), [t.user_id],
                                                        t.client.secret), needs_key=True),
]

# What only Flask-JWT-Extended has: token types, freshness, revocation.
V2_ONLY = [
    TokenAttack("refresh_token_as_access", lambda t: t.refresh, v1="", v2="invalid_token"),
    TokenAttack("revoked_access_token", lambda t: t.revoked_access, v1="", v2="token_revoked"),
]

# --- Authorization header shapes (P = this app's prefix, Q = the other's, T = a valid token)

HEADER_SHAPES: list[tuple[str, str | None, str, str]] = [
    # (key, header value or None for no header, v1 answer, v2 answer)
    ("missing", None, "authorization_required", "authorization_required"),
    ("empty", "", "authorization_required", "authorization_required"),
    ("spaces", "   ", "authorization_required", "authorization_required"),
    ("tab", "\t", "authorization_required", "authorization_required"),
    ("prefix_only", "{P}", "invalid_token", "invalid_token"),
    ("prefix_and_space", "{P} ", "invalid_token", "invalid_token"),
    ("valid", "{P} {T}", ACCEPTED, ACCEPTED),
    ("lower_case_prefix", "{p} {T}", ACCEPTED, "authorization_required"),
    ("mixed_case_prefix", "{pP} {T}", ACCEPTED, "authorization_required"),
    ("two_spaces", "{P}  {T}", ACCEPTED, ACCEPTED),
    ("surrounding_spaces", "   {P} {T}   ", ACCEPTED, ACCEPTED),
    ("tab_separator", "{P}\t{T}", "authorization_required", ACCEPTED),
    ("extra_part", "{P} {T} extra", "invalid_token", "invalid_token"),
    ("token_twice", "{P} {T} {T}", "invalid_token", "invalid_token"),
    ("comma_then_other_scheme", "{P} {T}, Basic dXNlcjpwdw==", "invalid_token", ACCEPTED),
    ("other_scheme_then_ours", "Basic dXNlcjpwdw==, {P} {T}", "authorization_required",
     ACCEPTED),
    ("comma_instead_of_space", "{P},{T}", "authorization_required", "invalid_token"),
    ("bare_token", "{T}", "authorization_required", "authorization_required"),
    ("basic_scheme", "Basic dXNlcjpwdw==", "authorization_required", "authorization_required"),
    ("digest_scheme", 'Digest username="bob"', "authorization_required",
     "authorization_required"),
    ("other_library_prefix", "{Q} {T}", "authorization_required", "authorization_required"),
    ("prefix_glued_to_token", "{P}{T}", "authorization_required", "authorization_required"),
    ("latin1_token", "{P} caf\u00e9", "invalid_token", "invalid_token"),
    ("long_garbage", "{P} " + "x" * 50_000, "invalid_token", "invalid_token"),
]


def header_value(template: str, t: Target, other_prefix: str) -> str:
    prefix = t.client.prefix
    return (template.replace("{P}", prefix).replace("{p}", prefix.lower())
            .replace("{pP}", prefix[0].lower() + prefix[1:].upper())
            .replace("{Q}", other_prefix).replace("{T}", t.access))
