"""The real-code corpus: public repositories written against Flask-JWT-Extended 3.x, each pinned
to a commit. No code of theirs is committed here: `python -m tests.codemod.realworld` brings each
pinned tree into the git-ignored corpus/ folder (from a local mirror, or from GitHub) and
reports what jwt_upgrade does to it."""

from typing import NamedTuple


class Pin(NamedTuple):
    repo: str  # owner/name on GitHub
    commit: str
    under: str  # the folder that holds the app ("" for the whole tree)
    what: str  # why it is in the corpus


PINS = [
    Pin("tecladocode/rest-apis-flask-python", "624bd97ce46cb12a28640e3449026d45f2e7728a",
        "section11", "the course's own section 11 (Flask-JWT-Extended 3.x), before its rewrite"),
    Pin("vimalloc/flask-jwt-extended", "3b533e6924f9cefda74096631de53230ab413c9b", "examples",
        "FJE's own 3.25.1 examples (tag 3.25.1): every loader, claims, cookies, blacklist"),
    Pin("nestorsokil/pyweb", "24f8e1fd69144582e686aa686fdc4da59a6e90db", "",
        "small app: a jwt package whose __init__ registers the loaders"),
    Pin("nesh-dev/Store-Manager-API", "01e80bd2a080b37cafa293ca759dbf854fe7054f", "",
        "inventory API: app factory, a jwt module, blacklist"),
    Pin("shawnyang610/YouDMC", "a7c76cf31e311d79e2f471a910500e9ed1519cab", "",
        "Flask-RESTful API in docker/: refresh, logout, claims"),
    Pin("maleroy2604/sel-api", "8b63cad27f10fb4379781d87930218427a3ebe13", "",
        "Flask-RESTful API: logout by blacklist, refresh"),
    Pin("alrifqi/testflvu", "f9998a1c84418ee4e78e17d2e7ad23e8c52cab6a", "",
        "a JWT helper with claims and identity loaders on user objects (Python 2 code)"),
    Pin("herbeeg/game-analytics-api", "80dc08b5c65b319728bb7abbeaff6c643a807d60", "",
        "analytics API: claims loader, routes across blueprints, tests"),
    Pin("hatchways/team-flamingo", "9f64c09c23f32b834b8744b9cc257e7ade06c592", "",
        "a product: claims loader keyed by e-mail, wrappers around the decorators"),
    Pin("PatrickMugayaJoel/SendIt", "b58eba6929bada0376560fc33f8e367b4cd2cdc3", "",
        "parcel API: blacklist of access tokens only"),
    Pin("brandeddavid/Hello-Books-Flask-API", "5f0f65f8a8dc740b09b8a4cf37030952e70eabcb", "",
        "library API: blacklist settings in app/__init__"),
    Pin("SplineStudio/flask_example", "7bd710ddc4163d5b2f22482e7351ca14217d4f5d", "",
        "Flask-RESTful project layout, resources in a package __init__"),
    Pin("KevinH45/Bussin-Buddies", "8b66597ad24a0e55cb81446b075f8a2af0465593", "",
        "4.x code that kept 3.x settings in a config class"),
]
