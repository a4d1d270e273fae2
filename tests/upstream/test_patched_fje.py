"""Flask-JWT-Extended decoding the token once refuses what 4.7.4 refuses, at the same point
of the request: the same answer, after the same callbacks, and the view never runs."""

import pytest

from tests.upstream.conftest import ask


@pytest.mark.parametrize("probe", ["fje", "fje-keyring"], ids=["one secret", "keyring"])
def test_patched_fje_refuses_revoked_expired_and_wrong_type_tokens_at_the_same_point(
        environments, probe):
    stock = ask(environments["stock"], "tests.upstream.probes", probe)
    patched = ask(environments["patched-fje"], "tests.upstream.probes", probe)
    both = ask(environments["patched-fje-pyjwt"], "tests.upstream.probes", probe)
    assert patched["decode_key_loader"] == (probe == "fje-keyring")
    assert not stock["state"]["fje_decode_once"] and patched["state"]["fje_decode_once"]
    # The one difference, and the patch's write-up says so: 4.7.4 parsed the payload of an
    # unverified token first, and named what was wrong with it; decoding once, the signature
    # is checked before the payload is parsed. Same answer otherwise, same callbacks. (An app
    # with a decode_key_loader still gets the unverified parse first, and the same message.)
    garbage = "bad signature over a payload that is not JSON"
    assert stock["cases"][garbage]["message"].startswith("Invalid payload string")
    if not patched["decode_key_loader"]:
        assert patched["cases"][garbage]["message"].startswith("Signature verification failed")
        assert both["cases"][garbage]["message"].startswith("Signature verification failed")
        for answers in (stock, patched, both):
            answers["cases"][garbage].pop("message")
    assert patched["cases"] == stock["cases"] == both["cases"]
    cases = patched["cases"]
    assert cases["valid access token"]["trace"] == ["blocklist", "claims check", "user lookup",
                                                    "store.get_item"]
    expected = {
        "revoked (logged out)": ("token_revoked", ["blocklist", "revoked"]),
        "refresh token of a logged-out login": ("token_revoked", ["blocklist", "revoked"]),
        "revoked (password changed since)": ("token_revoked", ["blocklist", "revoked"]),
        "expired": ("token_expired", ["expired"]),
        "wrong type: refresh token as access": ("invalid_token", ["invalid"]),
        "wrong type: access token at /refresh": ("invalid_token", ["invalid"]),
        "not fresh at a fresh-only write": ("fresh_token_required", ["needs fresh"]),
        "bad signature": ("invalid_token", ["invalid"]),
        garbage: ("invalid_token", ["invalid"]),
    }
    for case, (error, trace) in expected.items():
        assert (cases[case]["status"], cases[case]["error"], cases[case]["trace"]) == (
            401, error, trace), case
    assert not patched["desk_created"] and not stock["desk_created"]
