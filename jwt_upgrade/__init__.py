"""jwt_upgrade: moves Flask-JWT-Extended 3.x code to 4.x, and flags Flask-JWT code.

    python -m jwt_upgrade [--diff] [--check] [--only IDS] [--skip IDS] PATH...

Rules and their ids: jwt_upgrade/rules.py. Built on LibCST: formatting and comments stay.
"""
