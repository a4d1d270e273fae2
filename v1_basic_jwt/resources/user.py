from flask_jwt import current_identity, jwt_required
from flask_restful import Resource

from api_common import ApiError, client_address, current_store, json_body
from shared import NotFound


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
        return user.to_json(privileges=user_id == current_identity.id or current_identity.is_admin)

    @jwt_required()
    def delete(self, user_id: int):
        if user_id != current_identity.id and not current_identity.is_admin:
            raise ApiError(403, "admin_required", "Admin privilege required.")
        current_store.delete_user(user_id)
        return {"message": "User deleted."}


class UserPassword(Resource):
    @jwt_required()
    def put(self, user_id: int):
        if user_id != current_identity.id:
            raise ApiError(403, "not_allowed", "You can change only your own password.")
        body = json_body(("old_password", "new_password"))
        current_store.change_password(user_id, body["old_password"], body["new_password"],
                                      client_address())
        return {"message": "Password changed. Every older token is revoked: log in again."}
