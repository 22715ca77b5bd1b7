"""A student switches ConvQuiz to German in the footer and reads every page, its scripts' messages
and its numbers in German; the choice stays for the next pages. A teacher does the same and reads
the gradebook in German."""

import re

import pytest
from playwright.sync_api import expect

from quiz import services
from tests.browser.test_student_result import submitted_attempt

pytestmark = pytest.mark.browser


def test_a_student_switches_to_german_and_reads_decimal_commas(page, live_server, login, screenshot, alice, quiz):
    quiz.attempts_allowed = 2
    quiz.show_answers = quiz.show_solutions = "immediately"
    quiz.save(update_fields=["attempts_allowed", "show_answers", "show_solutions"])
    first = services.start_attempt(student=alice, quiz=quiz)
    services.save_response(attempt=first, part_key="q2c", text="529.6 MB", sequence=1)  # half credit: MiB as MB
    services.submit_attempt(attempt=first)

    login(page, live_server, "alice", "alice-password")
    page.goto(f"{live_server.url}/quizzes/")
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Change language").click()

    expect(page.get_by_role("heading", name="Meine Quizze")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_label("Sprache")).to_have_value("de")
    expect(page.locator(".grade-that-counts")).to_contain_text(
        "Ihre Note ist die Ihres bisher einzigen abgeschlossenen Versuchs (es zählt der beste): Versuch 1"
    )

    page.get_by_role("link", name="Ergebnis von Versuch 1").click()
    part = page.locator("#part-q2c")
    expect(part.locator(".part-score")).to_have_text("0,5 / 1 Punkt")
    expect(part.locator(".status-badge")).to_have_text("Teilweise richtig")
    part.get_by_text("Musterlösung mit Ihren Zahlen").click()
    expect(part.locator(".worked-solution")).to_contain_text("Gesamt:")
    expect(part.locator(".expected-answer")).to_have_text(re.compile(r"^\d+,\d MB$"))
    screenshot(page, "result")

    page.get_by_role("link", name="Meine Quizze").first.click()
    page.get_by_role("link", name="Versuch 2 beginnen").click()
    expect(page.get_by_role("heading", name="So funktioniert dieses Quiz")).to_be_visible()
    rules = page.locator("#quiz-rules")
    expect(rules).to_contain_text("Richtige Antworten und Musterlösungen: zu sehen, sobald Sie abgeben.")
    page.get_by_role("button", name="Versuch 2 beginnen").click()
    expect(page.locator("#attempt-form[data-ready]")).to_have_count(1)
    answer = page.locator("#answer-q2a")
    answer.fill("zwölf")
    # The parser's message and the save status come from the grader's and the scripts' German catalogs.
    expect(page.locator("#message-q2a")).to_contain_text("ist keine Zahl")
    expect(page.locator("#status-q2a")).to_contain_text("Gespeichert")
    expect(page.locator("#hint-q2a")).to_contain_text("Eine ganze Zahl")
    page.get_by_role("button", name="Antworten speichern").click()
    expect(page.locator("#save-announcer")).to_have_text("Alle Ihre Antworten sind gespeichert.")


def test_a_teacher_switches_to_german_and_reads_the_gradebook(page, live_server, login, screenshot, alice, tess, quiz):
    quiz.grading_method = "last"
    quiz.save(update_fields=["grading_method"])
    submitted_attempt(alice, quiz, {"q2a": "903400", "q4a": "[[5, 6], [10, 9]]"})
    submitted_attempt(alice, quiz, {"q2a": "903400", "q10b": "Each pixel gets a class."})

    login(page, live_server, "tess", "tess-password")
    page.goto(f"{live_server.url}/teach/")
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Change language").click()

    expect(page.get_by_role("heading", name="Meine Quizze")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("figcaption")).to_have_text(
        "Punktzahlen von 2 abgeschlossenen Versuchen (teils vorläufig bis zur Prüfung)."
    )
    page.get_by_role("link", name="Notenbuch").first.click()
    expect(page.get_by_role("link", name="Nach Studierenden")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("1 Studierende/r mit Versuchen. Bewertungsmethode: Letzter Versuch")).to_be_visible()
    row = page.locator("table.student-grades tbody tr").filter(has_text="alice")
    expect(row.locator(".made-of")).to_contain_text("Versuch 2 (letzter Versuch von 2)")
    expect(row.locator(".made-of")).to_contain_text("#2 wartet auf Prüfung")
    row.get_by_text("2 Versuche").click()
    expect(row.locator("details.student-attempts li").nth(1)).to_contain_text("zählt")
    screenshot(page, "by-student")

    page.get_by_role("link", name="Nach Versuchen").click()
    expect(page.get_by_text("2 Versuche. Punktzahlen in Punkten; wählen Sie eine Zeile")).to_be_visible()
    headers = page.locator("table.gradebook thead th")
    expect(headers.filter(has_text="Dauer")).to_have_count(1)
    expect(headers.filter(has_text="Abgegeben")).to_have_count(1)
    expect(page.locator("table.gradebook tbody")).to_contain_text("Muss geprüft werden")
    expect(page.locator("table.gradebook tbody")).to_contain_text("Bewertet")
    expect(page.get_by_role("link", name="Notenbuch als CSV")).to_be_visible()
    screenshot(page, "by-attempt")
