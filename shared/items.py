"""The items part of the store."""

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from shared import validation
from shared.errors import AlreadyExists, NotFound
from shared.models import Item
from shared.records import ItemRecord, item_record
from shared.users import StoreBase

ITEM_BY_NAME = select(Item.id, Item.name, Item.price).where(Item.name == bindparam("name"))


class ItemStore(StoreBase):
    def get_item(self, name: object) -> ItemRecord | None:
        clean = validation.clean_item_name(name)
        with self.engine.connect() as conn:
            row = conn.execute(ITEM_BY_NAME, {"name": clean}).first()
        return item_record(row) if row else None

    def list_items(self) -> list[ItemRecord]:
        with self.session() as s:
            return [item_record(r) for r in s.scalars(select(Item).order_by(Item.id))]

    def create_item(self, name: object, price: object) -> ItemRecord:
        row = Item(name=validation.clean_item_name(name), price=validation.clean_price(price))
        try:
            with self.session.begin() as s:
                s.add(row)
        except IntegrityError:
            raise AlreadyExists(f"An item named '{row.name}' already exists.") from None
        return item_record(row)

    def put_item(self, name: object, price: object) -> tuple[ItemRecord, bool]:
        """Create or update; returns (item, created)."""
        clean, value = validation.clean_item_name(name), validation.clean_price(price)
        with self.session.begin() as s:
            row = s.scalar(select(Item).where(Item.name == clean))
            if row is not None:
                row.price = value
                return item_record(row), False
        try:
            return self.create_item(clean, value), True
        except AlreadyExists:
            return self.put_item(clean, value)  # created by someone else meanwhile: update it

    def delete_item(self, name: object) -> None:
        clean = validation.clean_item_name(name)
        with self.session.begin() as s:
            if s.execute(delete(Item).where(Item.name == clean)).rowcount == 0:
                raise NotFound("Item not found.")
