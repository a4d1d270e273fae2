"""PyJWT with the faster base64url check refuses every token 2.15.1 refuses: junk after the
signature (GHSA-hxm8-2xgr-2p9m), and every character outside the alphabet at the start,
middle and end of each segment."""

from tests.upstream.conftest import ask


def test_patched_pyjwt_refuses_exactly_what_the_advisory_fix_refuses(environments):
    stock = ask(environments["stock"], "tests.upstream.probes", "pyjwt")
    patched = ask(environments["patched-fje-pyjwt"], "tests.upstream.probes", "pyjwt")
    assert not stock["state"]["pyjwt_fast_check"] and patched["state"]["pyjwt_fast_check"]
    assert len(patched["cases"]) > 1500
    assert patched["cases"] == stock["cases"]
    # The check itself, byte by byte: PyJWT's round trip after it refuses the same tokens
    # on its own, so the tokens alone would not see the check go wrong.
    assert patched["check_wrong_for_bytes"] == []
    accepted = {case for case, outcome in patched["cases"].items() if outcome == "accepted"}
    # Only the token itself, and 2.15.1's accepted padding: one "=" closing the signature.
    assert accepted == {"valid", "segment 2 at 43: '='"}
    refused = {outcome for outcome in patched["cases"].values() if outcome != "accepted"}
    assert refused == {"DecodeError"}  # refused while parsing, before any signature check
    assert all(outcome == "DecodeError" for case, outcome in patched["cases"].items()
               if case.startswith("after signature"))
