"""ConvQuiz's grader: pure functions from parameters and answer text to verdicts.

No Django here (grader/ruff.toml forbids importing it or quiz): numbers and strings in, a
score in [0, 1], a status, feedback and worked solutions out. What is exported below is
all that quiz may use; a test fails when it reaches for anything else.
"""

from grader.calculators import CALCULATORS, Computation, compute, validate_params
from grader.formulas import (
    FormulaError,
    FormulaQuestion,
    compute_formulas,
    draw_formula_params,
    indistinguishable_mistakes,
    same_at_part_precision,
    validate_formula_question,
)
from grader.grouping import AnswerGroup, answer_vectors, group_answers, vector_bytes, vector_from_bytes
from grader.kinds import KIND_INFO, KindInfo, kind_info
from grader.meaning import ModelUnavailable
from grader.messages import localize_numbers, use_language
from grader.parsing import MAX_ANSWER_LENGTH, AnswerError
from grader.prompts import render_prompt
from grader.rubric import (
    FLAG_KEYWORD_LIST,
    FLAG_LOW_CONFIDENCE,
    FLAG_NEGATED,
    FLAG_OFF_TOPIC,
    FLAG_PHRASES_ONLY,
    ConceptResult,
    score_items,
)
from grader.scoring import (
    Verdict,
    check_answer,
    expected_answer,
    grade_part,
    grade_question,
    normalize_answer,
    worked_solution,
)
from grader.spec import AnswerKind, ChoiceSpec, ConceptSpec, MistakeSpec, PartSpec, Status
from grader.validation import QuestionError, validate_question
from grader.variants import draw_params, validate_ranges

__all__ = [
    "CALCULATORS",
    "FLAG_KEYWORD_LIST",
    "FLAG_LOW_CONFIDENCE",
    "FLAG_NEGATED",
    "FLAG_OFF_TOPIC",
    "FLAG_PHRASES_ONLY",
    "KIND_INFO",
    "MAX_ANSWER_LENGTH",
    "AnswerError",
    "AnswerKind",
    "AnswerGroup",
    "ChoiceSpec",
    "Computation",
    "ConceptResult",
    "ConceptSpec",
    "FormulaError",
    "FormulaQuestion",
    "KindInfo",
    "MistakeSpec",
    "ModelUnavailable",
    "PartSpec",
    "QuestionError",
    "Status",
    "Verdict",
    "answer_vectors",
    "check_answer",
    "compute",
    "compute_formulas",
    "draw_formula_params",
    "draw_params",
    "expected_answer",
    "grade_part",
    "grade_question",
    "group_answers",
    "indistinguishable_mistakes",
    "kind_info",
    "localize_numbers",
    "normalize_answer",
    "render_prompt",
    "same_at_part_precision",
    "score_items",
    "validate_formula_question",
    "validate_params",
    "validate_question",
    "validate_ranges",
    "use_language",
    "vector_bytes",
    "vector_from_bytes",
    "worked_solution",
]
