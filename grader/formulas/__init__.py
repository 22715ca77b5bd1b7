"""Formula questions: a question's computation written as data, evaluated safely.

A question gives parameters (with defaults), ranges to draw variants from, formulas that
compute named outputs from them with the library's deep-learning operations, and
constraints every variant must meet. The format is described in docs/authoring.md.
"""

from grader.formulas.library import LIBRARY
from grader.formulas.questions import (
    MAX_DRAWS,
    VALIDATION_VARIANTS,
    FormulaQuestion,
    compute_formulas,
    draw_formula_params,
    evaluate,
    indistinguishable_mistakes,
    same_at_part_precision,
    validate_formula_question,
)
from grader.formulas.values import (
    MAX_ELEMENTS,
    MAX_EXPRESSION_DEPTH,
    MAX_FORMULA_LENGTH,
    MAX_INTEGER,
    MAX_STEPS,
    FormulaError,
)

__all__ = [
    "LIBRARY",
    "MAX_DRAWS",
    "MAX_ELEMENTS",
    "MAX_EXPRESSION_DEPTH",
    "MAX_FORMULA_LENGTH",
    "MAX_INTEGER",
    "MAX_STEPS",
    "VALIDATION_VARIANTS",
    "FormulaError",
    "FormulaQuestion",
    "compute_formulas",
    "draw_formula_params",
    "evaluate",
    "indistinguishable_mistakes",
    "same_at_part_precision",
    "validate_formula_question",
]
