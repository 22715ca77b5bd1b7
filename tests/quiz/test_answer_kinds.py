"""The answer kinds formula questions need, taken by a student through the pages: loaded from a
bank file, saved as typed, graded at submit and shown on the result."""

import html as html_module

import yaml
from django.core.management import call_command
from django.urls import reverse

from quiz.bank import load_question_bank
from quiz.models import Attempt, Question


def take(client, student, quiz, answers: dict) -> tuple[Attempt, str]:
    """Start an attempt, save each answer (a function of the question's outputs) and submit: the
    attempt and its result page."""
    client.post(reverse("student:quiz_start", args=[quiz.key]))
    attempt = Attempt.objects.filter(student=student, quiz=quiz).latest("number")
    save_url = reverse("student:attempt_save", args=[attempt.pk])
    for part, answer in answers.items():
        question = Question.objects.get(quiz=quiz, key=part[:2])
        computation = question.computation(attempt.params.get(question.key, {}))
        text = answer(computation.outputs if computation else {})
        reply = client.post(save_url, {"part": part, "text": text, "sequence": 1}).json()
        assert reply["ok"], reply
    client.post(reverse("student:attempt_submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    result = client.get(reverse("student:attempt_result", args=[attempt.pk]))
    return attempt, html_module.unescape(result.content.decode())


def verdicts(attempt: Attempt) -> dict[str, tuple[str, float, str]]:
    return {
        r.part.question.key + r.part.key: (r.status, r.score, r.mistake)
        for r in attempt.responses.select_related("part__question")
    }


def test_a_count_in_millions_is_right_and_flops_for_macs_is_the_named_mistake(alice_client, alice, kinds_quiz):
    attempt, result = take(alice_client, alice, kinds_quiz, {"k1a": lambda out: f"{out['macs'] / 1e6:.2f}M MACs"})
    assert verdicts(attempt)["k1a"] == ("correct", 1.0, "")

    attempt, result = take(alice_client, alice, kinds_quiz, {"k1a": lambda out: f"{out['flops'] / 1e9:.3f} G"})
    assert verdicts(attempt)["k1a"] == ("incorrect", 0.0, "flops")
    assert "A MAC is one multiply and one add; FLOPs count both." in result


def test_a_selection_earns_the_right_picks_minus_the_wrong_ones_and_reads_as_its_labels(
    alice_client, alice, kinds_quiz
):
    attempt, result = take(alice_client, alice, kinds_quiz, {"k2a": lambda out: "conv, pool"})
    assert verdicts(attempt)["k2a"] == ("incorrect", 0.0, "")
    assert "Pooling only picks values; it has nothing to learn." in result
    assert "A convolution; A max pooling" in result

    attempt, result = take(alice_client, alice, kinds_quiz, {"k2a": lambda out: "dense"})
    assert verdicts(attempt)["k2a"] == ("partial", 0.5, "")


def test_a_selection_posted_without_scripts_is_saved_as_the_keys_picked(alice_client, alice, kinds_quiz):
    alice_client.post(reverse("student:quiz_start", args=[kinds_quiz.key]))
    attempt = Attempt.objects.get(student=alice, quiz=kinds_quiz)
    alice_client.post(
        reverse("student:attempt_save_all", args=[attempt.pk]),
        {"answer-k2a": ["conv", "dense"], "sequence-k2a": "0"},
    )
    assert attempt.responses.get(part__key="a", part__question__key="k2").text == "conv, dense"
    page = alice_client.get(reverse("student:attempt", args=[attempt.pk])).content.decode()
    assert 'value="conv" checked' in page
    assert 'value="pool" checked' not in page


def test_a_number_written_with_too_many_figures_earns_half_and_is_told_the_rule(alice_client, alice, kinds_quiz):
    attempt, result = take(alice_client, alice, kinds_quiz, {"k3a": lambda out: f"{out['rate']:#.5g}"})
    assert verdicts(attempt)["k3a"] == ("partial", 0.5, "")
    assert "Right, but written with 5 significant figures: the question asks for 3 significant figures" in result

    attempt, result = take(alice_client, alice, kinds_quiz, {"k3a": lambda out: f"{out['rate']:#.3g}"})
    assert verdicts(attempt)["k3a"] == ("correct", 1.0, "")


def test_the_new_kinds_and_rules_survive_an_export_and_a_load(kinds_quiz, tmp_path):
    exported = tmp_path / "kinds.yaml"
    call_command("export_question_bank", kinds_quiz.key, str(exported))
    parts = {question["key"]: question["parts"][0] for question in yaml.safe_load(exported.read_text())["questions"]}
    assert parts["k2"]["correct"] == ["conv", "dense"]
    assert parts["k3"]["significant_figures"] == 3
    assert load_question_bank(exported).quiz == kinds_quiz


def test_a_shape_in_channels_last_order_is_named_and_a_slip_earns_its_share(alice_client, alice, kinds_quiz):
    def channels_last(out):
        n, c, h, w = out["out"]
        return f"({n}, {h}, {w}, {c})"

    attempt, result = take(alice_client, alice, kinds_quiz, {"k4a": channels_last})
    assert verdicts(attempt)["k4a"] == ("incorrect", 0.0, "channels_last")
    assert "That is the channels-last order (N, H, W, C)" in result

    def one_size_off(out):
        n, c, h, w = out["out"]
        return f"torch.Size([{n}, {c}, {h}, {w + 1}])"

    attempt, result = take(alice_client, alice, kinds_quiz, {"k4a": one_size_off})
    assert verdicts(attempt)["k4a"] == ("partial", 0.75, "")
    assert "3 of 4 values are right." in result
