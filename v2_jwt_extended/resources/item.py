from flask_jwt_extended import get_jwt, get_jwt_identity, jwt_required
from flask_restful import Resource

from api_common import ApiError, current_store, json_body
from shared import NotFound


class Item(Resource):
    @jwt_required()
    def get(self, name: str):
        item = current_store.get_item(name)
        if item is None:
            raise NotFound("Item not found.")
        return item.to_json()

    # BEGIN SOLUTION freshness
    @jwt_required(fresh=True)
    # STARTER: @jwt_required()
    # END SOLUTION
    def post(self, name: str):
        body = json_body(("price",))
        return current_store.create_item(name, body["price"]).to_json(), 201

    @jwt_required()
    def put(self, name: str):
        body = json_body(("price",))
        item, created = current_store.put_item(name, body["price"])
        return item.to_json(), 201 if created else 200

    @jwt_required()
    def delete(self, name: str):
        # The claim was written at login: a revoked admin flag counts only once this token
        # expires (at most JWT_ACCESS_TOKEN_EXPIRES). v1 looked the user up every time.
        # BEGIN SOLUTION claims: only an admin deletes: read is_admin from the token's claims
        #   (get_jwt()), which additional_claims_loader wrote at login; 403 admin_required
        #   otherwise.
        if get_jwt().get("is_admin") is not True:
            raise ApiError(403, "admin_required", "Admin privilege required.")
        # END SOLUTION
        current_store.delete_item(name)
        return {"message": "Item deleted."}


class ItemList(Resource):
    # BEGIN SOLUTION optional JWT
    @jwt_required(optional=True)
    def get(self):
        items = current_store.list_items()
        if get_jwt_identity() is None:
            return {"items": [item.name for item in items],
                    "message": "More data available if you log in."}
        return {"items": [item.to_json() for item in items]}
    # STARTER: def get(self):
    # STARTER:     return {"items": [item.name for item in current_store.list_items()]}
    # END SOLUTION
