"""A student practises: checks a wrong answer and reads its feedback, checks again, sees the worked solution
after wrong checks, asks for a hint, tries another variant, and finds the deductions on the result; the teacher
sees the checks."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CSP_REPORTER

pytestmark = pytest.mark.browser


@pytest.fixture
def practice(quiz):
    quiz.time_limit_minutes, quiz.allow_checks = None, True
    quiz.check_penalty, quiz.solution_after_checks = Decimal("0.1"), 2
    quiz.save()
    q2c = quiz.questions.get(key="q2").parts.get(key="c")
    q2c.hints, q2c.hint_after_checks = ["Training keeps every layer's output for backpropagation."], 0
    q2c.save()
    return quiz


def check(page, key: str, text: str):
    part = page.locator(f"#part-{key}")
    part.locator(f"#answer-{key}").fill(text)
    part.get_by_role("button", name="Check").click()
    return part.locator(f"#check-{key}")


def test_a_student_checks_answers_and_the_wrong_checks_cost_points(
    page, live_server, login, screenshot, browser, browser_context_args, alice, tess, practice
):
    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/{practice.key}/")
    expect(page.locator(".checks-rule")).to_contain_text("Each wrong check costs 10 % of that part's points.")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    expect(page.locator("#part-q6b .check-button")).to_have_count(0)  # a written answer is read by the teacher

    result = check(page, "q2a", "902700")
    expect(result.locator(".check-verdict")).to_have_text("Not right yet. Each filter also has a bias term.")
    expect(result.locator(".check-tries")).to_contain_text("1 check so far, 1 wrong.")
    expect(result.locator(".check-tries")).to_contain_text("−10 %: 1 wrong check")
    expect(result.locator(".check-tries")).to_contain_text("The worked solution is offered after 1 more wrong check.")
    screenshot(page, "wrong")

    result = check(page, "q2a", "903400")
    expect(result.locator(".check-verdict")).to_have_text("Right.")
    expect(result.locator(".check-tries")).to_contain_text("2 checks so far, 1 wrong.")
    expect(result.locator(".worked-solution")).to_have_count(0)

    result = check(page, "q2b", "9.0 MB")
    expect(result.locator(".check-tries")).to_contain_text("1 check so far, 1 wrong.")  # before typing again
    result = check(page, "q2b", "3.6 MB")
    expect(result.locator(".check-tries")).to_contain_text("2 checks so far, 2 wrong.")
    solution = result.locator(".worked-solution")
    solution.get_by_text("Worked solution with your numbers").click()
    expect(solution).to_contain_text("12,613,600 B")
    screenshot(page, "solution")

    hint = page.locator("#part-q2c").get_by_role("button", name="Show a hint (costs 5 % of this part's points)")
    hint.click()
    expect(page.locator("#check-q2c .hint")).to_have_text("Training keeps every layer's output for backpropagation.")
    expect(page.locator("#check-q2c .check-deduction")).to_have_text("−5 %: 1 hint asked for")
    expect(page.locator("#check-q2c .hint-button")).to_have_count(0)

    page.reload()  # what the checks found stays with the part
    expect(page.locator("#check-q2b .check-tries")).to_contain_text("2 checks so far, 2 wrong.")
    expect(page.locator("#check-q2b .worked-solution")).to_have_count(1)

    # Another variant of question 8: new numbers after confirming, its answer cleared.
    q8 = page.locator("#question-q8")
    q8.locator("#answer-q8b").fill("200")
    expect(q8.locator("#status-q8b")).to_contain_text("Saved")
    prompt = q8.locator(".question-prompt").inner_text()
    q8.get_by_role("link", name="Try another variant: new numbers for this question").click()
    page.get_by_role("button", name="Draw new numbers").click()
    expect(page.get_by_text("Question 8 has new numbers; its answers were cleared.")).to_be_visible()
    expect(q8.locator(".question-prompt")).not_to_have_text(prompt)
    expect(q8.locator("#answer-q8b")).to_have_value("")
    screenshot(page, "variant")

    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit attempt").click()
    expect(page.locator("#part-q2a .status-badge")).to_have_text("Correct")
    expect(page.locator("#part-q2a .part-score")).to_have_text("0.9 / 1 point")
    expect(page.locator("#part-q2a .check-deduction")).to_have_text("−10 %: 1 wrong check")
    expect(page.locator("#part-q2c .check-deduction")).to_have_text("−5 %: 1 hint asked for")
    screenshot(page, "result")

    context = browser.new_context(**browser_context_args)
    context.add_init_script(CSP_REPORTER)
    teacher = context.new_page()
    login(teacher, live_server, "tess", "tess-password")
    teacher.goto(f"{live_server.url}/teach/attempts/{alice.attempts.get().pk}/")
    expect(teacher.locator(".checks-summary").first).to_have_text(
        "Checked 2 times before submitting; the score is lowered by −10 %: 1 wrong check"
    )
    expect(teacher.get_by_text("Not right (check 1; wrong checks: 1)").first).to_be_visible()
    context.close()
