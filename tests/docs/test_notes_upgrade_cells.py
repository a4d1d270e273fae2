"""The notes' 3.x → 4.x table, its "the 3.x name on 4.7" column read whole: each row's 3.x
usage is run on Flask-JWT-Extended 4.7 (this interpreter), and every failure the cell quotes
(`ImportError`, `TypeError: …`, `KeyError: 'typ'`, `422 Subject must be a string`, "silently
ignored", ...) must be what 4.7 does; each 3.x name the row says 4.7 lacks must exist on
3.25.1 (.venv-fje3)."""

import re
import warnings
from collections.abc import Callable
from datetime import timedelta

import flask
import flask_jwt_extended
import pytest
from flask_jwt_extended import JWTManager, create_access_token, jwt_required
from flask_restful import Api

from tests.docs.library_facts import fje3, fje4
from tests.docs.test_notes import table_rows
from tests.docs.test_notes_rows import CODE, UPGRADE_TABLE, cells
from tests.v2.test_fact_check import WithoutArguments, WithUrlArgument

KEY = "k" * 32


def app_of(**config: object) -> tuple[flask.Flask, JWTManager]:
    app = flask.Flask(__name__)
    app.config.update({"JWT_SECRET_KEY": KEY, "PROPAGATE_EXCEPTIONS": True, **config})
    manager = JWTManager(app)
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    return app, manager


def get(app: flask.Flask, token: str) -> flask.Response:
    return app.test_client().get("/p", headers={"Authorization": f"Bearer {token}"})


def names(cell: str) -> list[str]:
    """The 3.x names of a cell: `@jwt.x(...)` -> x, `@x` -> x, `x()` -> x."""
    return [m.group(1) for span in CODE.findall(cell)
            if (m := re.match(r"@?(?:jwt\.)?(\w+)", span)) and not span.startswith("JWT_")]


def failure(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def import_error(old: str, new: str) -> list[str]:
    seen = []
    for name in names(old):
        # 3.25.1 has it at the top, or (an exception) in flask_jwt_extended.exceptions
        module = "flask_jwt_extended" + ("" if name in fje3()["module"] else ".exceptions")
        assert name in fje3()["module"] + fje3()["exceptions"], f"{name}: 3.25.1 exports none"
        with pytest.raises(ImportError) as caught:
            exec(f"from {module} import {name}", {})
        seen.append(type(caught.value).__name__)
    return seen


def attribute_error(old: str, new: str) -> list[str]:
    manager = app_of()[1]
    seen = []
    for name in names(old):
        with pytest.raises(AttributeError) as caught:
            getattr(manager, name)
        assert name in fje3()["manager"], f"{name}: 3.25.1's JWTManager has none"
        seen.append(type(caught.value).__name__)
    return seen


def keyword_error(old: str, new: str) -> list[str]:
    seen = []
    for keyword in re.findall(r"(\w+)=…", old):
        with pytest.raises(TypeError) as caught, app_of()[0].app_context():
            create_access_token(identity="1", **{keyword: {}})
        seen.append(failure(caught.value))
    return seen


def bare_decorator(old: str, new: str) -> list[str]:
    app, _ = app_of()
    api = Api(app)
    api.add_resource(WithUrlArgument, "/item/<string:name>")
    api.add_resource(WithoutArguments, "/items")
    seen = []
    with pytest.raises(TypeError) as caught:
        jwt_required(lambda: "ok")()  # a plain view, decorated the 3.x way
    seen.append(failure(caught.value))
    for path in ("/item/chair", "/items"):
        with pytest.raises(TypeError) as caught:
            app.test_client().get(path)  # no token: the failure comes before any auth check
        seen.append(failure(caught.value))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/items").status_code == 500
    return ["500 before any auth check", *seen]


def callback_arity(old: str, new: str) -> list[str]:
    seen = []
    for loader in (lambda: ({}, 401), lambda expired: ({}, 401)):
        app, manager = app_of()
        manager.expired_token_loader(loader)
        with app.app_context():
            expired = create_access_token(identity="1", expires_delta=timedelta(seconds=-60))
        with pytest.raises(TypeError) as caught:
            get(app, expired)
        seen.append(failure(caught.value))
    for name in names(old):
        assert name in fje4()["names"], f"{name}: no such 4.7 loader"
    return seen


def reversed_loader(old: str, new: str) -> list[str]:
    app, manager = app_of()
    manager.decode_key_loader(lambda claims, headers: KEY if headers["typ"] == "JWT" else "")
    with app.app_context():
        token = create_access_token(identity="1")
    with pytest.raises(KeyError) as caught:
        get(app, token)
    return [f"KeyError: {caught.value}"]


def ignored(old: str, new: str) -> list[str]:
    settings = [s for s in CODE.findall(old) if s.startswith("JWT_")]
    assert settings and not set(settings) & set(fje4()["defaults"]), settings
    app, _ = app_of(**dict.fromkeys(settings, "junk"))
    with warnings.catch_warnings(record=True) as caught, app.app_context():
        warnings.simplefilter("always")
        token = create_access_token(identity="1")
    assert get(app, token).status_code == 200 and caught == []
    return ["silently ignored"]


def works(old: str, new: str) -> list[str]:
    app, manager = app_of()
    manager.unauthorized_loader(lambda reason: ({"seen": reason}, 401))
    manager.invalid_token_loader(lambda reason: ({"seen": reason}, 401))
    assert "seen" in app.test_client().get("/p").get_json()
    assert "seen" in get(app, "junk").get_json()
    return ["works"]


def claim_name(old: str, new: str) -> list[str]:
    key, was = re.search(r"`(JWT_\w+)` default `(\w+)`", old).groups()
    now = re.search(r"default `(\w+)`", new).group(1)
    assert (fje3()["defaults"][key], fje4()["defaults"][key]) == (was, now)
    return ["different claim name"]


def int_identity(old: str, new: str) -> list[str]:
    app, _ = app_of()
    with app.app_context():
        token = create_access_token(identity=1)
    answer = get(app, token)
    return [f"{answer.status_code} {answer.get_json()['msg']}"]


def short_key(old: str, new: str) -> list[str]:
    app, _ = app_of(JWT_SECRET_KEY="jose")
    with warnings.catch_warnings(record=True) as caught, app.app_context():
        warnings.simplefilter("always")
        create_access_token(identity="1")
    return [w.category.__name__ for w in caught]


# How each kind of "the 3.x name on 4.7" cell is shown, by how the cell begins.
RUNS: dict[str, Callable[[str, str], list[str]]] = {
    "500 before any auth check": bare_decorator, "`ImportError`": import_error,
    "`TypeError: … unexpected keyword": keyword_error, "`AttributeError`": attribute_error,
    "`TypeError: … takes 0": callback_arity, "works": works, "`KeyError: 'typ'`": reversed_loader,
    "silently ignored": ignored, "different claim name": claim_name,
    "`422 Subject must be a string`": int_identity,
    "`InsecureKeyLengthWarning`": short_key,
}


def rows() -> list[tuple[str, str, str]]:
    return [(c[0], c[1], c[3]) for c in (cells(row) for row in table_rows(UPGRADE_TABLE))]


@pytest.mark.parametrize(("old", "new", "on_4_7"), rows(), ids=lambda v: v[:30])
def test_the_3x_name_on_4_7_fails_as_the_cell_says(old, new, on_4_7):
    run = next((run for start, run in RUNS.items() if on_4_7.startswith(start)), None)
    assert run, f"no check reads this cell: {on_4_7[:60]}"
    seen = "\n".join(run(old, new))
    quoted = CODE.findall(on_4_7) or [on_4_7.split(":")[0].split(",")[0]]
    for text in quoted:
        pattern = ".*".join(re.escape(part) for part in text.split("…"))
        assert re.search(pattern, seen), f"4.7 does not show {text!r}; it shows:\n{seen}"


def test_every_row_is_read():
    assert len(rows()) >= 25
    assert {run for _, _, cell in rows() for start, run in RUNS.items()
            if cell.startswith(start)} == set(RUNS.values())


def test_a_4x_name_a_cell_says_raises_outside_a_protected_view_raises_that():
    """`get_jwt()` raises `RuntimeError` (where 3.x's get_raw_jwt() gave {})."""
    said = [m.groups() for _, new, _ in rows()
            if (m := re.search(r"`(\w+)\(\)` raises `(\w+)`", new))]
    assert said
    for name, error in said:
        with pytest.raises(Exception) as caught, app_of()[0].test_request_context("/"):
            getattr(flask_jwt_extended, name)()
        assert type(caught.value).__name__ == error, f"{name}() raises {caught.value!r}"
