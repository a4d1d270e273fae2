"""One step of the demo (and its section of the report) against both apps as real servers: a
step is shown as declared only when each app answers what the scenario declares for it, not
merely when the verdict holds."""

import re
import secrets
import subprocess
from dataclasses import replace

import pytest
from rich.console import Console

from sidebyside.demo import STORY, play
from sidebyside.render import THEMES, app_panel, curl_line, duration, step_view, theme, time_claim
from sidebyside.report import scenario_html
from sidebyside.scenarios import CATALOGUE, Outcome, World
from sidebyside.scenarios.base import answer


@pytest.fixture
def fresh(world: World) -> World:
    """The session's servers under a new run id: the scenarios' names are new, so a step the
    parity run already played answers as declared again (its names are not taken)."""
    return World(world.clients, world.store, secrets.token_hex(3))


def shown(view: object) -> str:
    console = Console(record=True, width=100, color_system=None, theme=theme())
    console.print(view)
    return console.export_text()


def test_a_step_whose_answers_both_changed_is_flagged_though_its_verdict_holds(fresh: World):
    sc = next(sc for sc in STORY if sc.verdict == "same" and sc.v1 == sc.v2)
    result, setups = play(fresh, sc)
    view, as_declared = step_view(1, len(STORY), sc, result, setups)
    assert as_declared and "UNEXPECTED" not in shown(view)  # as declared: nothing flagged
    # Both apps now "answer" something else than declared, alike: the verdict is still "same".
    changed = replace(sc, v1=answer(418, "teapot"), v2=answer(418, "teapot"))
    result, setups = play(fresh, changed)
    view, as_declared = step_view(1, len(STORY), changed, result, setups)
    text = " ".join(shown(view).split())
    assert not as_declared
    v1, v2 = (Outcome.of(result[app]) for app in ("v1", "v2"))
    assert v1 == v2 and v1 != answer(418, "teapot")
    assert f"UNEXPECTED: v1 answered {v1}, declared 418 teapot; " \
           f"v2 answered {v2}, declared 418 teapot" in text
    assert " same " in text  # the verdict itself did not change


def test_one_app_answering_otherwise_is_named_alone(fresh: World):
    sc = next(sc for sc in STORY if sc.verdict == "differs")
    changed = replace(sc, v2=answer(299))
    result, setups = play(fresh, changed)
    view, as_declared = step_view(2, len(STORY), changed, result, setups)
    text = " ".join(shown(view).split())
    assert not as_declared
    assert f"v2 answered {Outcome.of(result['v2'])}, declared 299" in text
    assert "v1 answered" not in text


def test_the_report_flags_the_same_step(fresh: World):
    sc = next(sc for sc in STORY if sc.verdict == "same" and sc.v1 == sc.v2)
    changed = replace(sc, v1=answer(418, "teapot"), v2=answer(418, "teapot"))
    result = play(fresh, changed)[0]
    section = scenario_html(1, changed, result)
    assert "data-verdict='same'" in section  # the verdict holds, the answers do not
    assert f"UNEXPECTED: v1 answered {Outcome.of(result['v1'])}, declared 418 teapot" in section


def test_token_times_show_as_time_left_and_bodies_whole(fresh: World):
    """Step 'A token expired 5 seconds ago' says so on both tokens (not the lifetime), a fresh
    login's token says how long it has left, and a body's message is never cut."""
    expired = next(sc for sc in STORY if sc.key == "expired_inside_leeway")
    result, setups = play(fresh, expired)
    text = " ".join(shown(step_view(1, len(STORY), expired, result, setups)[0]).split())
    # 5 s at the request; a loaded machine may take a second or two to draw it
    assert len(re.findall(r"exp: expired [5-8] s ago", text)) == 2, text
    assert "+300 s" not in text and "+900 s" not in text
    login = next(sc for sc in STORY if sc.key == "login")
    result, setups = play(fresh, login)
    text = " ".join(shown(step_view(1, len(STORY), login, result, setups)[0]).split())
    # (seconds pass between the login and the drawing: a countdown, not the lifetime)
    assert re.search(r"exp: 4 min 5\d s left", text) and "exp: 14 min 5" in text, text
    anonymous = next(sc for sc in STORY if sc.key == "items_anonymous")
    for ex in play(fresh, anonymous)[0].values():  # each panel alone: its lines, rejoined
        text = " ".join(line.strip("│ ") for line in shown(app_panel(ex.app, ex, [], False))
                        .splitlines())
        assert '"message": "More data available if you log in."}' in text, text


@pytest.mark.parametrize(("seconds", "said"), [(0, "0 s"), (59, "59 s"), (60, "1 min"),
                                               (895, "14 min 55 s"), (3600, "1 h"),
                                               (5400, "1 h 30 min"), (30 * 86400, "30 days")])
def test_durations_read_as_a_person_says_them(seconds: int, said: str):
    assert duration(seconds) == said
    assert time_claim("exp", 1000 + seconds, 1000) == f"{said} left"
    assert time_claim("exp", 1000 - seconds - 1, 1000) == f"expired {duration(seconds + 1)} ago"


def test_the_raw_view_is_the_whole_exchange_and_its_curl_line_sends_it_again(fresh: World):
    """h in the demo: each request and answer whole (headers, full token), and a curl line
    that, run in a shell against the same server, gets the same answer."""
    sc = next(sc for sc in CATALOGUE if sc.key == "write_fresh")
    result, setups = play(fresh, sc)
    bases = {name: c.base_url for name, c in fresh.clients.items()}
    text = shown(step_view(1, len(STORY), sc, result, setups, raw=bases)[0])
    flat = "".join(line.strip("│ ") for line in text.splitlines())  # the wrapped lines rejoined
    for app, ex in result.items():
        assert ex.token and ex.token in flat  # whole, not shortened
        assert f"HTTP/1.1 {ex.status} Created" in text and "Content-Type: application/json" in text
        assert f"Content-Length: {len(ex.request_body.encode())}" in text
        line = curl_line(ex, bases[app])
        assert f"$ {line[:40]}" in text
        # The item now exists: the same POST again is a 409 on both apps, as curl shows.
        again = subprocess.run(["bash", "-c", line + " -o /dev/null -w '%{http_code}'"],
                               capture_output=True, text=True, timeout=30).stdout
        assert ex.status == 201 and again == "409", (app, line, again)


@pytest.mark.parametrize(("env", "chosen"), [
    ({}, "dark"), ({"DEMO_THEME": "light"}, "light"), ({"DEMO_THEME": "LIGHT"}, "light"),
    ({"DEMO_THEME": "neon"}, "dark"), ({"COLORFGBG": "0;15"}, "light"),
    ({"COLORFGBG": "15;default;0"}, "dark"), ({"COLORFGBG": "0;15", "DEMO_THEME": "dark"}, "dark")])
def test_the_theme_is_chosen_by_demo_theme_else_by_the_terminal(monkeypatch, env, chosen):
    for name in ("DEMO_THEME", "COLORFGBG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert theme() is THEMES[chosen]
