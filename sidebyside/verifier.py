"""A third service that trusts v2's access tokens without sharing any secret: it verifies them
with v2's public keys, fetched from /.well-known/jwks.json by PyJWT's PyJWKClient (cached
JWKS_LIFESPAN s; an unknown kid refetched after JWKS_COOLDOWN s, PyJWKClient's defaults being
300 and 30). What another team's API would do; the key-rotation tests run it as a server.

python -m sidebyside.verifier   (JWKS_URL, PORT; GET /whoami with `Authorization: Bearer <t>`)
"""

import os

import jwt
from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)
    keys = jwt.PyJWKClient(os.environ["JWKS_URL"],
                           lifespan=float(os.environ.get("JWKS_LIFESPAN", 300)),
                           cooldown_duration=float(os.environ.get("JWKS_COOLDOWN", 30)))

    @app.get("/whoami")
    def whoami():
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        try:
            if scheme != "Bearer":
                raise jwt.InvalidTokenError("send Authorization: Bearer <access token>")
            key = keys.get_signing_key_from_jwt(token)
            # Only the algorithms a published key may use: never HS256 with a public key.
            claims = jwt.decode(token, key, algorithms=["ES256"])
            if claims.get("type") != "access":
                raise jwt.InvalidTokenError("only access tokens are accepted")
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as e:
            return jsonify(message=str(e)[:200], error="invalid_token"), 401
        return jsonify(sub=claims["sub"], kid=jwt.get_unverified_header(token)["kid"])

    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=int(os.environ["PORT"]), threaded=True)
