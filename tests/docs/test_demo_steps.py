"""One step of the demo (and its section of the report) against both apps as real servers: a
step is shown as declared only when each app answers what the scenario declares for it, not
merely when the verdict holds."""

import secrets
from dataclasses import replace

import pytest
from rich.console import Console

from sidebyside.demo import STORY, play
from sidebyside.render import step_view
from sidebyside.report import scenario_html
from sidebyside.scenarios import Outcome, World
from sidebyside.scenarios.base import answer


@pytest.fixture
def fresh(world: World) -> World:
    """The session's servers under a new run id: the scenarios' names are new, so a step the
    parity run already played answers as declared again (its names are not taken)."""
    return World(world.clients, world.store, secrets.token_hex(3))


def shown(view: object) -> str:
    console = Console(record=True, width=100, color_system=None)
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
