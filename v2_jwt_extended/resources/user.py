from datetime import UTC, datetime

from flask import current_app
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    current_user,
    get_jwt,
    jwt_required,
)
from flask_restful import Resource

from api_common import ApiError, client_address, current_store, json_body
from shared import NotFound
from v2_jwt_extended.blocklist import (
    jti_of,
    lifetime_until,
    login_claims,
    revoke_current_login,
)


class UserRegister(Resource):
    def post(self):
        body = json_body(("username", "password"))
        user = current_store.register(body["username"], body["password"], client_address())
        return {"message": "User created successfully.", "id": user.id}, 201


class User(Resource):
    @jwt_required()
    def get(self, user_id: int):
        user = current_store.get_user(user_id)
        if user is None:
            raise NotFound("User not found.")
        # Privileges only to the user or an admin: to others, is_admin names whom to attack.
        return user.to_json(privileges=user_id == current_user.id or current_user.is_admin)

    @jwt_required(fresh=True)
    def delete(self, user_id: int):
        if user_id != current_user.id and not current_user.is_admin:
            raise ApiError(403, "admin_required", "Admin privilege required.")
        current_store.delete_user(user_id)
        return {"message": "User deleted."}


class UserPassword(Resource):
    @jwt_required(fresh=True)
    def put(self, user_id: int):
        if user_id != current_user.id:
            raise ApiError(403, "not_allowed", "You can change only your own password.")
        body = json_body(("old_password", "new_password"))
        current_store.change_password(user_id, body["old_password"], body["new_password"],
                                      client_address())
        return {"message": "Password changed. Every older token is revoked: log in again."}


class UserLogin(Resource):
    """Replaces Flask-JWT's built-in POST /auth: what authenticate() did now happens here."""

    def post(self):
        body = json_body(("username", "password"))
        user = current_store.authenticate(body["username"], body["password"], client_address())
        if user is None:
            raise ApiError(401, "invalid_credentials",
                           "Invalid credentials: check the username and password.")
        # BEGIN SOLUTION log in
        refresh_token = create_refresh_token(identity=user)
        access_token = create_access_token(
            identity=user, fresh=True, additional_claims=login_claims(jti_of(refresh_token))
        )
        return {"access_token": access_token, "refresh_token": refresh_token}
        # END SOLUTION


class TokenRefresh(Resource):
    @jwt_required(refresh=True, locations=["headers"])  # the page: /browser/refresh
    def post(self):
        # Not fresh: a refresh token proves a past login, not a password typed just now. Never
        # outliving the refresh token: what ends the login (its exp) ends its access tokens.
        # BEGIN SOLUTION refresh
        refresh = get_jwt()
        lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
        if "exp" in refresh:
            lifetime = lifetime_until(lifetime, datetime.fromtimestamp(refresh["exp"], UTC))
        access_token = create_access_token(
            identity=current_user, fresh=False, additional_claims=login_claims(refresh["jti"]),
            expires_delta=lifetime)
        return {"access_token": access_token}
        # END SOLUTION


class UserLogout(Resource):
    # verify_type=False: the access or the refresh token may end the login.
    @jwt_required(verify_type=False)
    def post(self):
        revoke_current_login()
        return {"message": "Successfully logged out."}
