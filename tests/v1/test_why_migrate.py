"""The legacy stack's rows of the notes' "Why migrate?" table, checked in .venv-v1."""

import inspect
import json
import warnings

import flask_jwt
import jwt
import pytest
from jwt.algorithms import HMACAlgorithm

from tests.why_migrate import pinned, stale_rows

KEY = "k" * 32


def test_the_legacy_table_names_the_installed_versions():
    assert set(pinned("v1")) >= {"PyJWT", "Flask", "Flask-JWT", "Flask-RESTful"}
    assert stale_rows("v1") == []


@pytest.mark.parametrize("junk", ["!!", "==", "~~~~"])
def test_pyjwt_1_7_accepts_junk_after_the_signature(junk):
    """GHSA-hxm8-2xgr-2p9m: a different string, the same token to PyJWT 1.7.1."""
    token = jwt.encode({"identity": 1}, KEY, algorithm="HS256").decode()
    assert jwt.decode(token + junk, KEY, algorithms=["HS256"]) == {"identity": 1}


def test_pyjwt_1_7_ignores_an_unknown_crit_header():
    """GHSA-752w-5fwx-jx9f: RFC 7515 says a token with an unknown crit must be refused."""
    token = jwt.encode({"identity": 1}, KEY, algorithm="HS256",
                       headers={"crit": ["x-unknown"]}).decode()
    assert jwt.decode(token, KEY, algorithms=["HS256"]) == {"identity": 1}


# --- the advisories that do not apply here, and what would make them apply ------------------

PUBLIC_JWK = json.dumps({"kty": "RSA", "e": "AQAB", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKL"
                         "OoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzH"})


def test_pyjwt_1_7_takes_a_public_jwk_as_an_hmac_secret():
    """GHSA-xgmm-8j9v-c9wx: with HS256 and RS256 both allowed, a token HMAC-signed with the
    issuer's public key (a JWK, public by definition) verifies. Flask-JWT allows one algorithm
    and verifies with JWT_SECRET_KEY, a secret, so a public key is never the HMAC key."""
    forged = jwt.encode({"identity": 1}, PUBLIC_JWK, algorithm="HS256")
    assert jwt.decode(forged, PUBLIC_JWK, algorithms=["HS256", "RS256"]) == {"identity": 1}
    decode = inspect.getsource(flask_jwt._default_jwt_decode_handler)
    assert "secret = current_app.config['JWT_SECRET_KEY']" in decode
    assert "algorithms=[algorithm]" in decode


def test_pyjwt_1_7_lets_a_reformatted_public_key_past_its_pem_guard():
    """GHSA-ffc3-869f-jxw9: PyJWT refuses a PEM public key as an HMAC secret, by looking for
    its exact first line; 1.7.1 looks for a substring, so one changed space gets past. It would
    matter with a public key as the verifying key and HS256 allowed beside RS256; here the key
    is a secret and HS256 the only algorithm (the test above)."""
    pem = (b"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n"
           b"-----END PUBLIC KEY-----")
    hmac_key = HMACAlgorithm(HMACAlgorithm.SHA256).prepare_key
    with pytest.raises(jwt.exceptions.InvalidKeyError):
        hmac_key(pem)
    mutated = pem.replace(b"BEGIN PUBLIC", b"BEGIN  PUBLIC")
    assert hmac_key(mutated) == mutated


def test_pyjwt_1_7_has_neither_is_pem_format_nor_pyjwkclient():
    """GHSA-jwrc-g2q2-pq5p (a slow regex in is_pem_format, which only ever reads the key),
    GHSA-993g-76c3-p5m4 and GHSA-fhv5-28vv-h8m8 (PyJWKClient fetching keys from a URL): the
    database's ranges start at 0, but the code they are about is not in PyJWT 1.7.1."""
    assert not hasattr(jwt.utils, "is_pem_format")
    assert not hasattr(jwt, "PyJWKClient")
    assert not any(name.startswith("jwks") for name in dir(jwt))


def test_pyjwt_1_7_signs_with_a_four_byte_key_without_a_word():
    """CVE-2025-45768 (disputed: the application chooses the key): PyJWT 1.7.1 takes 'jose'
    silently; PyJWT >= 2.11 warns. Both apps refuse a key under 32 bytes (the notes' Secrets)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        token = jwt.encode({"identity": 1}, "jose", algorithm="HS256")
    assert caught == []
    assert jwt.decode(token, "jose", algorithms=["HS256"]) == {"identity": 1}
