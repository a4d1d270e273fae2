"""jwt_upgrade: moves Flask-JWT-Extended 3.x code to 4.x (and the Flask/Werkzeug 2.0 code met
on the same upgrade to 3.1), and flags Flask-JWT code.

    python -m jwt_upgrade [--diff] [--check] [--only IDS] [--skip IDS] PATH...

Its rule: rewrite to code that behaves the same on 4.7, or leave a TODO at the statement that
names the 4.x way; never neither. Rules and their ids: jwt_upgrade/rules.py; the 3.x surface
they cover: jwt_upgrade/surface.py. Built on LibCST: formatting and comments stay.
"""
