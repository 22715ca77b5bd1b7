"""Free-text answers: the rubric's concepts recognised in the seed's own answers."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import ConceptSpec, PartSpec, grade_part
from grader.rubric import match, stem, words
from tests.grader.bank import spec


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


RUBRIC = (
    ConceptSpec("sharing", "weight sharing", ("weight sharing", "shared weights")),
    ConceptSpec("dense", "no dense layers", ("fully connected",)),
    ConceptSpec("gpu", "GPUs", ("gpu",)),
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Weight-sharing!", ("sharing",)),
        ("the weights are shared", ()),  # not contiguous in the phrase's order
        ("they share weights", ("sharing",)),  # stems meet: share weights ~ shared weights
        ("Shared weight matrices", ("sharing",)),
        ("fully-connected layers", ("dense",)),
        ("FULLY CONNECTED", ("dense",)),
        ("fully and connected", ()),
        ("trained on two GPUs", ("gpu",)),
        ("gpuserver", ()),  # a phrase matches whole words only
        ("", ()),
    ],
)
def test_a_concept_is_found_by_a_contiguous_phrase(text, found):
    assert match(RUBRIC, text)[0] == found


def test_missed_concepts_are_listed_in_rubric_order():
    assert match(RUBRIC, "GPU") == (("gpu",), ("sharing", "dense"))


# The seed's answers (seed/cnn-theory-questions.md) -------------------------------------------

SEED_ANSWERS = [
    (
        "q1",
        "a",
        "The input shape of an image can be anything as long as it is greater than the kernel size in a Conv layer, "
        "in a DNN the input shape has to be fixed. Once a Conv layer learned a certain pattern in an image, it can be "
        "used anywhere, whereas a Dense layer has to find the pattern over and over again.",
        {"variable_input_size", "weight_sharing"},
    ),
    ("q6", "a", "Dropout, Data Augmentation, Local Response Normalization", {"dropout", "data_augmentation", "lrn"}),
    ("q6", "b", "Skip connections", {"skip_connections"}),
    ("q7", "a", "Conv layers, Pooling layers, Dense layers, Flatten", {"convolutional", "pooling", "dense", "flatten"}),
    (
        "q7",
        "b",
        "Conv layers, Pool layers, Conv layers, Pool layers, (...), Flatten, Fully connected layers",
        {"conv_then_pool", "flatten_dense"},
    ),
    ("q8", "a", "A network that doesn't use Dense layers in the output but used Conv layers", {"only_conv"}),
    (
        "q9",
        "a",
        "Shifting, rotating, cropping, changing contrast/brightness of images (data). More training data, model "
        "becomes more tolerant to variations in data",
        {"definition", "benefits", "techniques"},
    ),
    ("q10", "a", "Dividing an image into meaningful parts or regions.", {"pixel_classification"}),
    (
        "q10",
        "b",
        "Semantic Segmentation: Classifying each pixel into a specific class without distinguishing between "
        "instances of the same class. Instance Segmentation: Classifying each pixel and distinguishing between "
        "individual instances of the same class.",
        {"semantic_no_instances", "instance_separates"},
    ),
]


@pytest.mark.parametrize(("question", "part", "text", "found"), SEED_ANSWERS)
def test_the_seeds_answers_cover_their_concepts(question, part, text, found):
    part_spec = spec(question, part)
    verdict = grade_part(part_spec, None, text)
    assert set(verdict.concepts_found) == found
    assert set(verdict.concepts_found) | set(verdict.concepts_missed) == {c.key for c in part_spec.rubric}
    assert verdict.status == "needs_review"
    assert math.isclose(verdict.score, len(found) / len(part_spec.rubric))
    assert verdict.feedback == "Awaiting review by your teacher."
    assert verdict.expected == ""


def test_a_full_answer_suggests_full_marks():
    text = "Skip connections let very deep networks train; batch normalization; bottleneck units."
    verdict = grade_part(spec("q6", "b"), None, text)
    assert verdict.score == 1
    assert verdict.concepts_missed == ()


def test_an_empty_free_text_answer_is_unanswered():
    verdict = grade_part(spec("q1", "a"), None, "  ")
    assert (verdict.status, verdict.score) == ("unanswered", 0)


@given(st.text(max_size=500))
def test_any_text_gets_a_suggestion_between_0_and_1(text):
    part = PartSpec(key="a", kind="text", rubric=RUBRIC)
    verdict = grade_part(part, None, text)
    assert 0 <= verdict.score <= 1
    assert len(verdict.concepts_found) + len(verdict.concepts_missed) in (0, len(RUBRIC))
