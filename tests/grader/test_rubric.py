"""Free-text answers: rubric items, the suggested score and how it explains itself.

Most tests here run the sentence-embedding model (marked `semantic`: a few seconds to load
per process); the arithmetic of points is also checked with phrases alone.
"""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import ConceptSpec, PartSpec, Verdict, grade_part, meaning, rubric
from grader.rubric import is_keyword_list, located_words, phrase_spans, stem, words
from tests.grader.bank import part_data, spec

pytestmark = pytest.mark.semantic


def suggest(question: str, part: str, text: str) -> Verdict:
    return grade_part(spec(question, part), None, text)


def result(verdict: Verdict, key: str) -> rubric.ConceptResult:
    return next(concept for concept in verdict.concepts if concept.key == key)


# Words --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forms"),
    [
        ("layer", "layers"),
        ("pool", "pooling", "pooled", "pools"),
        ("stack", "stacked", "stacking", "stacks"),
        ("share", "shared", "sharing", "shares"),
        ("drop", "dropping", "dropped"),
        ("overfit", "overfitting"),
        ("copy", "copies"),
        ("class", "classes"),
        ("patch", "patches"),
        ("distinguish", "distinguishes", "distinguishing", "distinguished"),
        ("relu", "relus"),
        ("gpu", "gpus"),
        ("image", "images"),
    ],
)
def test_inflections_stem_alike(forms):
    assert len({stem(form) for form in forms}) == 1


@pytest.mark.parametrize("word", ["less", "class", "the", "152", "1x1", "is"])
def test_short_and_double_s_words_are_kept(word):
    assert stem(word) == word


def test_words_fold_case_punctuation_hyphens_and_apostrophes():
    assert words("Fully-Connected, DOESN'T; 1×1!") == words("fully connected doesnt 1x1")


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.from_regex(r"[A-Za-z '`,.-]{0,40}"))
def test_located_words_are_exactly_the_words_read(text):
    assert [word.text for word in located_words(text)] == words(text)


def test_phrases_are_located_as_they_are_matched():
    assert phrase_spans("SKIP CONNECTIONS, then more", ["skip connection"]) == [(0, 16)]
    assert phrase_spans("very\ndeep", ["very deep"]) == [(0, 9)]
    assert phrase_spans("residual skip connection", ["residual skip", "skip connection"]) == [(0, 24)]
    assert phrase_spans("kernel 7×7, then", ["7x7"]) == [(7, 11)], "a token beyond ASCII is located whole"
    assert phrase_spans("the deepest network", ["deep"]) == [], "a phrase matches whole words only"
    assert phrase_spans("the weights are shared", ["shared weight"]) == [], "words in the phrase's order only"


# Rubric items in the spec -------------------------------------------------------------------------


def test_an_old_style_concept_is_a_core_item_worth_one_point():
    part = PartSpec.from_dict({"key": "a", "kind": "text", "rubric": [{"key": "c", "label": "C", "phrases": ["p"]}]})
    concept = part.rubric[0]
    assert (concept.points, concept.bonus, concept.feedback, concept.examples, concept.naming_suffices) == (
        1.0, False, "", (), False,
    )


def test_a_concept_reads_points_bonus_feedback_examples_and_contradictions():
    item = {
        "key": "bn", "label": "batch normalization", "phrases": ["batch norm"], "points": 0.5, "bonus": True,
        "feedback": "Used throughout.", "examples": ["batch normalization after every convolution"],
        "contradictions": ["no batch normalization"], "naming_suffices": True,
    }
    core = {"key": "skip", "label": "skip connections", "phrases": ["skip"]}
    concept = PartSpec.from_dict({"key": "b", "kind": "text", "rubric": [core, item]}).rubric[1]
    assert concept == ConceptSpec(
        "bn", "batch normalization", ("batch norm",), 0.5, True, "Used throughout.",
        ("batch normalization after every convolution",), ("no batch normalization",), True,
    )


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"points": 0}, "rubric[0].points: must be a number above 0"),
        ({"points": "1"}, "rubric[0].points: must be a number above 0"),
        ({"bonus": "yes"}, "rubric[0].bonus: must be true or false"),
        ({"examples": "one"}, "rubric[0].examples: must be a list"),
        ({"examples": ["  "]}, "rubric[0].examples: no statement may be empty"),
        ({"weight": 2}, "rubric[0].weight: not a field of a rubric concept"),
    ],
)
def test_broken_rubric_items_are_refused_naming_the_field(item, message):
    concept = {"key": "c", "label": "C", "phrases": ["p"], **item}
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        PartSpec.from_dict({"key": "a", "kind": "text", "rubric": [concept]})


def test_a_rubric_of_bonus_items_only_is_refused():
    concept = {"key": "c", "label": "C", "phrases": ["p"], "bonus": True}
    with pytest.raises(ValueError, match="at least one core concept"):
        PartSpec.from_dict({"key": "a", "kind": "text", "rubric": [concept]})


def test_the_bank_marks_core_and_bonus_items_as_the_question_bank_says():
    def bonus(question, part):
        return {concept.key for concept in spec(question, part).rubric if concept.bonus}

    assert bonus("q1", "a") == {"variable_input_size"}
    assert bonus("q6", "b") == {"very_deep", "batch_norm", "bottleneck"}
    assert [c.key for c in spec("q6", "b").rubric if not c.bonus] == ["skip_connections"]
    for concept in spec("q6", "b").rubric:
        if concept.key == "batch_norm":
            assert "not ResNet's own" in concept.label
            assert "not ResNet's innovation" in concept.feedback
    for item in part_data("q6", "b")["rubric"]:
        if item["key"] != "batch_norm":
            assert "batch norm" not in json.dumps(item).lower().replace("main innovation of resnet is batch", "")


def test_every_rubric_item_has_feedback_for_the_student():
    for question, part in [("q1", "a"), ("q6", "a"), ("q6", "b"), ("q7", "a"), ("q7", "b"), ("q8", "a"), ("q9", "a"),
                           ("q10", "a"), ("q10", "b")]:
        assert all(concept.feedback for concept in spec(question, part).rubric), (question, part)


# The points ------------------------------------------------------------------------------------------


@pytest.fixture
def phrases_only(monkeypatch):
    """Matching by meaning switched off, as when the model cannot be loaded."""

    def unavailable(texts):
        raise meaning.ModelUnavailable("switched off for this test")

    monkeypatch.setattr(meaning, "embed", unavailable)
    rubric.suggest.cache_clear()
    yield
    rubric.suggest.cache_clear()


POINTS = PartSpec(
    key="a",
    kind="text",
    rubric=(
        ConceptSpec("one", "one", ("alpha",), points=2),
        ConceptSpec("two", "two", ("beta",), points=1),
        ConceptSpec("extra", "extra", ("gamma",), points=1, bonus=True),
    ),
)


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("We saw the alpha here.", 2 / 3),
        ("We saw the beta here.", 1 / 3),
        ("We saw the alpha and the beta here.", 1.0),
        ("We saw the beta and the gamma here.", 2 / 3),
        ("We saw the alpha, the beta and the gamma here.", 1.0),
        ("We saw the gamma here.", 0.0),
    ],
)
def test_the_score_is_core_points_plus_bonus_points_out_of_the_core_points(phrases_only, text, score):
    verdict = grade_part(POINTS, None, text)
    assert math.isclose(verdict.score, score)
    assert "phrases_only" in verdict.flags and "low_confidence" in verdict.flags


def test_bonus_points_count_only_on_top_of_a_core_concept(phrases_only):
    verdict = grade_part(POINTS, None, "We saw the gamma here.")
    assert verdict.concepts_found == ("extra",)
    assert verdict.score == 0


# Meaning, negation and reversal --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "part", "text", "key"),
    [
        ("q1", "a", "CNNs have no weight sharing.", "weight_sharing"),
        ("q1", "a", "Convolutional layers do not share their weights.", "weight_sharing"),
        ("q6", "b", "ResNet removed skip connections.", "skip_connections"),
        ("q6", "b", "ResNet does not use residual connections.", "skip_connections"),
        ("q10", "b", "Instance segmentation does not distinguish objects.", "instance_separates"),
        ("q10", "b", "Instance segmentation does not distinguish objects.", "semantic_no_instances"),
        ("q9", "a", "Data augmentation does not reduce overfitting.", "benefits"),
        ("q7", "a", "A CNN uses convolution and pooling but no dense layers.", "dense"),
    ],
)
def test_a_negated_or_reversed_statement_does_not_earn_the_concept(question, part, text, key):
    verdict = suggest(question, part, text)
    assert key in verdict.concepts_missed
    assert result(verdict, key).negated
    assert "negated" in verdict.flags


@pytest.mark.parametrize(
    ("question", "part", "text", "key"),
    [
        ("q1", "a", "CNNs share their weights across the whole image.", "weight_sharing"),
        ("q6", "b", "Without skip connections very deep networks could not be trained, so ResNet added them.",
         "skip_connections"),
        ("q6", "b", "The output of a block is added to its input, so the layers only learn what to change.",
         "skip_connections"),
        ("q10", "b", "Instance segmentation separates each object.", "instance_separates"),
        ("q8", "a", "A network that doesn't use any dense layers.", "only_conv"),
    ],
)
def test_the_concept_stated_plainly_in_other_words_or_doubly_negated_is_found(question, part, text, key):
    verdict = suggest(question, part, text)
    assert key in verdict.concepts_found
    assert not result(verdict, key).negated


def test_batch_normalization_alone_does_not_make_resnets_innovation():
    verdict = suggest("q6", "b", "Its main innovation was batch normalization.")
    assert "batch_norm" in verdict.concepts_found
    assert verdict.score == 0


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Conv2D, MaxPooling2D, Dense, Flatten", {"convolutional", "pooling", "dense", "flatten"}),
        ("nn.Conv2d, nn.MaxPool2d, nn.Flatten, nn.Linear", {"convolutional", "pooling", "dense", "flatten"}),
        ("Conv2D and Dense", {"convolutional", "dense"}),
    ],
)
def test_keras_and_pytorch_layer_names_count_for_the_layers_they_name(text, found):
    verdict = suggest("q7", "a", text)
    assert set(verdict.concepts_found) == found
    assert math.isclose(verdict.score, len(found) / 4)


def test_a_layer_name_is_located_where_it_was_typed():
    text = "Conv2D, MaxPooling2D, Dense, Flatten"
    verdict = suggest("q7", "a", text)
    located = {concept.key: [text[start:end] for start, end in concept.spans] for concept in verdict.concepts}
    assert located == {
        "convolutional": ["Conv2D"], "pooling": ["MaxPooling2D"], "dense": ["Dense"], "flatten": ["Flatten"],
        "extras": [],
    }


# Keyword lists and off-topic answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("weight sharing, fewer parameters, spatial structure", True),
        ("Conv2D, MaxPooling2D, Flatten, Dense", True),
        ("conv -> relu -> pool -> flatten -> dense", True),
        ("Weight sharing.", True),
        ("no dense layers, any input size", True),
        ("data augmentation rotation flipping cropping overfitting generalization more training data", True),
        ("It reduces overfitting.", False),
        ("CNNs share weights, so they need fewer parameters.", False),
        ("Cutting the image into regions.", False),
        ("Fewer weights thanks to local connections.", False),
        ("", False),
    ],
)
def test_a_bare_list_of_keywords_is_told_from_sentences(text, bare):
    assert is_keyword_list(text) is bare


def test_a_keyword_list_earns_at_most_half_where_concepts_need_explaining():
    listed = suggest("q1", "a", "weight sharing, fewer parameters, spatial structure, variable input size")
    explained = suggest(
        "q1", "a",
        "CNNs share weights, so a pattern is found anywhere in the image. They need far fewer parameters. "
        "They exploit the spatial structure: local patterns are combined into larger ones.",
    )
    assert set(listed.concepts_found) >= {"weight_sharing", "fewer_parameters", "spatial_structure"}
    assert listed.score == 0.5
    assert "keyword_list" in listed.flags
    assert explained.score == 1.0
    assert "keyword_list" not in explained.flags


def test_a_list_is_a_full_answer_where_naming_is_all_the_question_asks():
    verdict = suggest("q6", "a", "ReLU, dropout, data augmentation, bigger and deeper")
    assert verdict.score == 1.0
    assert "keyword_list" in verdict.flags


@pytest.mark.parametrize(
    ("question", "part", "text"),
    [
        ("q1", "a", "I like pizza with a lot of cheese."),
        ("q9", "a", "Python is easier to program than C++ for machine learning."),
        ("q10", "b", "The exam was too long for me."),
    ],
)
def test_an_off_topic_answer_gets_0_and_is_flagged(question, part, text):
    verdict = suggest(question, part, text)
    assert verdict.score == 0
    assert {"off_topic", "low_confidence"} <= set(verdict.flags)


def test_an_on_topic_wrong_answer_is_not_called_off_topic():
    verdict = suggest("q6", "b", "ResNet introduced inception modules.")
    assert verdict.score == 0
    assert "off_topic" not in verdict.flags


# Explanations: spans, confidence, flags -----------------------------------------------------------------


def test_each_found_concept_says_where_and_how_surely():
    text = (
        "In semantic segmentation every pixel gets a class, but objects of the same class are not separated. "
        "Instance segmentation gives each object its own mask."
    )
    verdict = suggest("q10", "b", text)
    assert verdict.score == 1.0
    semantic, instance = (result(verdict, key) for key in ("semantic_no_instances", "instance_separates"))
    assert semantic.found_by in ("phrase", "meaning") and instance.found_by in ("phrase", "meaning")
    assert any("not separated" in text[start:end] for start, end in semantic.spans)
    assert any("own mask" in text[start:end] for start, end in instance.spans)
    assert all(0.5 <= concept.confidence <= 1 for concept in verdict.concepts)
    assert verdict.confidence == min(concept.confidence for concept in verdict.concepts)


def test_a_concept_found_by_meaning_is_located_at_the_statement_that_says_it():
    text = "ResNet was a big step. The output of a block is added to its input, so the layers learn what to change."
    verdict = suggest("q6", "b", text)
    skip = result(verdict, "skip_connections")
    assert skip.found_by == "meaning"
    ((start, end),) = skip.spans
    assert text[start:end].startswith("The output of a block is added")


def test_missed_concepts_have_no_spans_and_spans_never_overlap():
    verdict = suggest("q1", "a", "Weight sharing: the same filter everywhere, weight sharing again.")
    for concept in verdict.concepts:
        assert concept.found or not concept.spans
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(concept.spans, concept.spans[1:], strict=False))


def test_a_clear_answer_is_confident_and_a_borderline_one_is_flagged():
    clear = suggest("q6", "b", "ResNet introduced skip connections.")
    borderline = suggest("q10", "b", "Instance segmentation is faster.")
    assert clear.confidence >= rubric.LOW_CONFIDENCE and "low_confidence" not in clear.flags
    assert borderline.confidence < rubric.LOW_CONFIDENCE and "low_confidence" in borderline.flags


def test_verdicts_with_explanations_serialize_to_json():
    data = suggest("q6", "b", "Skip connections let very deep networks train.").as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["concepts_found"][0] == "skip_connections"
    assert {"key", "found", "credit", "spans", "confidence", "found_by", "negated"} <= set(data["concepts"][0])


def test_a_phrase_match_found_without_the_model_is_flagged(phrases_only):
    verdict = suggest("q6", "b", "Skip connections")
    assert verdict.score == 1.0
    assert verdict.flags[:2] == ("low_confidence", "phrases_only")


# The seed's answers and any text ----------------------------------------------------------------------


def test_an_empty_free_text_answer_is_unanswered():
    verdict = suggest("q1", "a", "  ")
    assert (verdict.status, verdict.score) == ("unanswered", 0)


def test_a_suggestion_waits_for_the_teacher():
    verdict = suggest("q6", "b", "Skip connections")
    assert (verdict.status, verdict.expected) == ("needs_review", "")
    assert verdict.feedback == "Awaiting review by your teacher."


@given(st.text(max_size=300))
def test_any_text_gets_a_suggestion_between_0_and_1_with_every_concept_decided(text):
    part = spec("q10", "b")
    verdict = grade_part(part, None, text)
    assert 0 <= verdict.score <= 1
    if verdict.status == "needs_review":
        assert [concept.key for concept in verdict.concepts] == [concept.key for concept in part.rubric]
        assert all(0 <= start < end <= len(text) for c in verdict.concepts for start, end in c.spans)
