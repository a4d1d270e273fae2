"""The course's API as it was written for Flask-JWT-Extended 3.x: jwt_upgrade's proof.

Kept with the tests, not as a third app. It runs on real Flask-JWT-Extended 3.25.1 in
.venv-fje3; tests/codemod/test_course_app.py rewrites a copy with jwt_upgrade, applies
resolve_todos.patch to the lines the codemod flagged, and runs it on 4.7 in .venv-v2. The
same behaviour check (behaviour.py) passes on both.
"""

from flask import Flask, jsonify, request
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    fresh_jwt_required,
    get_jwt_claims,
    get_jwt_identity,
    get_raw_jwt,
    jwt_optional,
    jwt_refresh_token_required,
    jwt_required,
)
from flask_restful import Api, Resource
from werkzeug.security import safe_str_cmp

BLACKLIST = set()
ITEMS = {}


class UserModel:
    def __init__(self, _id, username, password):
        self.id, self.username, self.password = _id, username, password


USERS = {u.username: u for u in (UserModel(1, "bob", "asdf"), UserModel(2, "rolf", "qwerty"))}

app = Flask(__name__)
app.config["PROPAGATE_EXCEPTIONS"] = True
app.config["JWT_SECRET_KEY"] = "a course secret, long enough for HS256 (tests only)"
app.config["JWT_BLACKLIST_ENABLED"] = True
app.config["JWT_BLACKLIST_TOKEN_CHECKS"] = ["access", "refresh"]
api = Api(app)
jwt = JWTManager(app)


@jwt.user_claims_loader
def add_claims_to_jwt(identity):
    if identity == 1:  # the course's admin: the first user
        return {"is_admin": True}
    return {"is_admin": False}


@jwt.token_in_blacklist_loader
def check_if_token_in_blacklist(decrypted_token):
    return decrypted_token["jti"] in BLACKLIST


@jwt.expired_token_loader
def expired_token_callback():
    return jsonify({"description": "The token has expired.", "error": "token_expired"}), 401


@jwt.invalid_token_loader
def invalid_token_callback(error):
    return jsonify({"description": "Signature verification failed.",
                    "error": "invalid_token"}), 401


@jwt.unauthorized_loader
def missing_token_callback(error):
    return jsonify({"description": "Request does not contain an access token.",
                    "error": "authorization_required"}), 401


@jwt.needs_fresh_token_loader
def token_not_fresh_callback():
    return jsonify({"description": "The token is not fresh.",
                    "error": "fresh_token_required"}), 401


@jwt.revoked_token_loader
def revoked_token_callback():
    return jsonify({"description": "The token has been revoked.", "error": "token_revoked"}), 401


class UserLogin(Resource):
    def post(self):
        data = request.get_json()
        user = USERS.get(data["username"])
        if user and safe_str_cmp(user.password, data["password"]):
            access_token = create_access_token(identity=user.id, fresh=True)
            refresh_token = create_refresh_token(user.id)
            return {"access_token": access_token, "refresh_token": refresh_token}, 200
        return {"message": "Invalid credentials"}, 401


class UserLogout(Resource):
    @jwt_required
    def post(self):
        jti = get_raw_jwt()["jti"]  # jti is "JWT ID", a unique identifier for a JWT.
        BLACKLIST.add(jti)
        return {"message": "Successfully logged out."}, 200


class TokenRefresh(Resource):
    @jwt_refresh_token_required
    def post(self):
        current_user = get_jwt_identity()
        new_token = create_access_token(identity=current_user, fresh=False)
        return {"access_token": new_token}, 200


class Item(Resource):
    @jwt_required
    def get(self, name):
        if name in ITEMS:
            return {"name": name, "price": ITEMS[name]}
        return {"message": "Item not found"}, 404

    @fresh_jwt_required
    def post(self, name):
        ITEMS[name] = request.get_json()["price"]
        return {"name": name, "price": ITEMS[name]}, 201

    @jwt_required
    def delete(self, name):
        claims = get_jwt_claims()
        if not claims["is_admin"]:
            return {"message": "Admin privilege required."}, 401
        ITEMS.pop(name, None)
        return {"message": "Item deleted."}


class ItemList(Resource):
    @jwt_optional
    def get(self):
        user_id = get_jwt_identity()
        if user_id:
            return {"items": [{"name": n, "price": p} for n, p in ITEMS.items()]}, 200
        return {"items": list(ITEMS), "message": "More data available if you log in."}, 200


api.add_resource(UserLogin, "/login")
api.add_resource(UserLogout, "/logout")
api.add_resource(TokenRefresh, "/refresh")
api.add_resource(Item, "/item/<string:name>")
api.add_resource(ItemList, "/items")
