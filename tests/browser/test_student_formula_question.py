"""A student answers a question computed by formulas in Chromium, with her own numbers, and reads the
worked solution written from the formulas."""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt, Question

pytestmark = pytest.mark.browser


def test_a_student_answers_a_formula_question_and_reads_its_worked_solution(
    page, live_server, login, screenshot, alice, formula_quiz
):
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{formula_quiz.key}/")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.get_by_role("heading", name="Formula shapes")).to_be_visible()

    attempt = Attempt.objects.get(student=alice)
    h1 = Question.objects.get(quiz=formula_quiz, key="h1")
    params = attempt.params["h1"]
    outputs = h1.computation(params).outputs
    expect(page.locator("#question-h1")).to_contain_text(
        f"A layer takes {params['c_in']} channels of {params['h']}×{params['w']} pixels"
    )
    expect(page.locator("#question-h1")).to_contain_text(f"({outputs['out_h']} rows come out)")

    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    out_h, out_w = outputs["out_hw"]
    page.get_by_label("Question h1a", exact=True).fill(f"{out_h} x {out_w}")
    page.get_by_label("Question h1b", exact=True).fill(str(outputs["params_no_bias"]))
    for key in ("h1a", "h1b"):
        expect(page.locator(f"#status-{key}")).to_contain_text(re.compile(r"Saved \d\d:\d\d:\d\d"))

    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit attempt").click()

    expect(page.locator("#part-h1a .status-badge")).to_have_text("Correct")
    part = page.locator("#part-h1b")
    expect(part).to_contain_text("Each filter also has a bias.")
    solution = part.locator(".worked-solution")
    expect(solution).to_have_attribute("open", "")
    lines = solution.locator("li")
    expect(lines.first).to_have_text("params = conv2d_params(c_in, c_out, k)")
    expect(lines.nth(1)).to_have_text(f"= conv2d_params({params['c_in']}, {params['c_out']}, {params['k']})")
    expect(lines.last).to_have_text(f"= {outputs['params']}")
    screenshot(page, "result")
