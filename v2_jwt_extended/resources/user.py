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
from v2_jwt_extended.blocklist import jti_of, login_claims, revoke_current_login


class UserRegister(Resource):
    def post(self):
        body = json_body(("username", "password"))
        user = current_store.register(body["username"], body["password"])
        return {"message": "User created successfully.", "id": user.id}, 201


class User(Resource):
    @jwt_required()
    def get(self, user_id: int):
        user = current_store.get_user(user_id)
        if user is None:
            raise NotFound("User not found.")
        return user.to_json()

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
        refresh_token = create_refresh_token(identity=user)
        access_token = create_access_token(
            identity=user, fresh=True, additional_claims=login_claims(jti_of(refresh_token))
        )
        return {"access_token": access_token, "refresh_token": refresh_token}


class TokenRefresh(Resource):
    @jwt_required(refresh=True)
    def post(self):
        # Not fresh: a refresh token proves a past login, not a password typed just now.
        access_token = create_access_token(
            identity=current_user, fresh=False, additional_claims=login_claims(get_jwt()["jti"])
        )
        return {"access_token": access_token}


class UserLogout(Resource):
    # verify_type=False: the access or the refresh token may end the login.
    @jwt_required(verify_type=False)
    def post(self):
        revoke_current_login()
        return {"message": "Successfully logged out."}
