"""The attempt sheet: each question with the attempt's own numbers, given data and each part's state."""

from quiz import services, sheets
from quiz.models import ResponseStatus


def test_the_sheet_fills_prompts_and_given_data_with_the_attempts_numbers(attempt):
    sheet = {q.question.key: q for q in sheets.attempt_sheet(attempt)}
    assert "3 convolutional layers" in sheet["q2"].prompt
    assert [(g.label, g.kind) for g in sheet["q3"].given] == [("Sequence", "vector"), ("Kernel", "vector")]
    assert sheet["q4"].given[0].kind == "matrix"
    assert sheet["q5"].given[0].kind == "maps"
    assert [p.part.label for p in sheet["q2"].parts] == ["Question 2a", "Question 2b", "Question 2c"]
    assert "50 images" in sheet["q2"].parts[2].prompt


def test_the_sheet_flags_an_unreadable_number_while_the_attempt_is_open(attempt):
    services.save_response(attempt=attempt, part_key="q2b", text="1.234,5", sequence=1)
    part = next(p for q in sheets.attempt_sheet(attempt) for p in q.parts if p.key == "q2b")
    assert "decimal point" in part.message


def test_a_closed_attempt_shows_no_parser_messages(attempt):
    services.save_response(attempt=attempt, part_key="q2b", text="1.234,5", sequence=1)
    services.submit_attempt(attempt=attempt)
    part = next(p for q in sheets.attempt_sheet(attempt) for p in q.parts if p.key == "q2b")
    assert part.message is None


def test_a_free_text_part_lists_its_rubric_concepts_found_and_missed(submitted_attempt, alice):
    attempt = submitted_attempt(alice)
    part = next(p for q in sheets.attempt_sheet(attempt) for p in q.parts if p.key == "q6b")
    marks = {mark.concept.key: mark.found for mark in part.concepts}
    assert marks and set(marks) == {concept.key for concept in part.part.spec().rubric}
    assert set(part.response.concepts_found) == {key for key, found in marks.items() if found}
    assert part.response.concepts_missed and not any(marks[key] for key in part.response.concepts_missed)


def test_a_teachers_override_decides_the_status_shown(submitted_attempt, alice):
    attempt = submitted_attempt(alice)
    response = attempt.responses.get(part__question__key="q2", part__key="a")
    response.override_score = 0.5
    response.save()
    part = next(p for q in sheets.attempt_sheet(attempt) for p in q.parts if p.key == "q2a")
    assert part.status == ResponseStatus.PARTIAL
