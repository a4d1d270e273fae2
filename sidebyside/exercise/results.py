"""What graders read: Gradescope's results.json, JUnit XML (CodeGrade, Jenkins, GitLab), and
the base64 `result` output that GitHub Classroom's grading reporter takes from a step."""

import base64
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sidebyside.exercise.grade import Graded


def gradescope(graded: list["Graded"], summary: str) -> dict:
    """Gradescope's schema: score, output, tests[].{name, number, score, max_score, status,
    output, visibility, tags}."""
    hidden = any(g.visibility != "visible" for g in graded)
    return {
        # With held-out tests, no total: Gradescope adds up each test's score, and shows the
        # held-out ones (and the grader's stdout, which names them) after the due date.
        **({} if hidden else {"score": sum(g.score for g in graded)}),
        "output": summary,
        "visibility": "visible",
        "stdout_visibility": "hidden" if hidden else "visible",
        "tests": [{
            "name": f"{g.case.chapter} · {g.case.title}",
            "number": g.number,
            "score": g.score,
            "max_score": g.case.points,
            "status": "passed" if g.passed else "failed",
            "output": g.explanation(),
            "visibility": g.visibility,
            "tags": [g.case.chapter],
        } for g in graded],
        "extra_data": {"max_score": sum(g.case.points for g in graded)},
    }


def junit(graded: list["Graded"], suite: str) -> bytes:
    failures = sum(not g.passed for g in graded)
    root = ET.Element("testsuites", tests=str(len(graded)), failures=str(failures))
    group = ET.SubElement(root, "testsuite", name=suite, tests=str(len(graded)),
                          failures=str(failures), errors="0", skipped="0",
                          time=f"{sum(g.seconds for g in graded):.3f}")
    for g in graded:
        case = ET.SubElement(group, "testcase", classname=g.case.chapter,
                             name=f"{g.number} {g.case.title}", time=f"{g.seconds:.3f}")
        if not g.passed:
            failure = ET.SubElement(case, "failure", message=g.problem)
            failure.text = g.explanation()
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def classroom(graded: list["Graded"]) -> dict:
    """One runner's results, as GitHub Classroom's autograding-grading-reporter reads them
    (base64 JSON in the step output `result`)."""
    return {
        "version": 1,
        "status": "pass" if all(g.passed for g in graded) else "fail",
        "max_score": sum(g.case.points for g in graded),
        "tests": [{"name": f"{g.number} {g.case.chapter} · {g.case.title}",
                   "status": "pass" if g.passed else "fail",
                   "score": g.score,
                   "message": g.explanation(),
                   "execution_time": f"{g.seconds:.2f}s"} for g in graded],
    }


def write_all(graded: list["Graded"], out: Path, suite: str, summary: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "results.json", out / "junit.xml"]
    written[0].write_text(json.dumps(gradescope(graded, summary), indent=2) + "\n")
    written[1].write_bytes(junit(graded, suite))
    encoded = base64.b64encode(json.dumps(classroom(graded)).encode()).decode()
    # In a GitHub Actions step: `steps.<id>.outputs.result`, what the reporter decodes.
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a") as output:
            output.write(f"result={encoded}\n")
    return written
