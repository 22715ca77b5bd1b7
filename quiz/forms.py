"""Forms clean input and nothing else; the admin reuses the grader's own validation."""

from django import forms
from django.core.exceptions import ValidationError

import grader
from quiz.models import Part, Question


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        calculator = cleaned.get("calculator") or ""
        params = cleaned.get("params") or {}
        if not calculator:
            return cleaned
        if calculator not in grader.CALCULATORS:
            raise ValidationError(
                {"calculator": f"Unknown calculator; choose one of {', '.join(sorted(grader.CALCULATORS))}."},
                code="unknown_calculator",
            )
        try:
            grader.validate_params(calculator, params)
        except ValueError as error:
            self.add_error("params", ValidationError(str(error), code="invalid_params"))
        try:
            grader.validate_ranges(calculator, cleaned.get("ranges") or {})
        except ValueError as error:
            self.add_error("ranges", ValidationError(str(error), code="invalid_ranges"))
        for name in cleaned.get("given") or []:
            if name not in params:
                self.add_error("given", ValidationError(f"'{name}' is not a parameter.", code="unknown_given"))
        return cleaned


class PartAdminForm(forms.ModelForm):
    class Meta:
        model = Part
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        part = Part(**{field: cleaned.get(field) for field in (
            "key", "kind", "output", "unit", "relative_tolerance", "absolute_tolerance", "partial_credit",
            "shape_feedback", "mistakes", "choices", "correct_choice", "rubric",
        )})
        try:
            spec = part.spec()
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_part") from error
        question = cleaned.get("question") or getattr(self.instance, "question", None)
        if spec.output and question is not None:
            _check_outputs(question, spec)
        return cleaned


def _check_outputs(question: Question, spec: grader.PartSpec) -> None:
    if not question.calculator:
        raise ValidationError("A part with an output needs a calculator on its question.", code="no_calculator")
    try:
        outputs = grader.compute(question.calculator, question.params).outputs
    except ValueError as error:
        raise ValidationError(f"The question's parameters are invalid: {error}", code="invalid_params") from error
    for name in [spec.output, *(mistake.output for mistake in spec.mistakes)]:
        if name not in outputs:
            raise ValidationError(
                f"'{name}' is not an output of {question.calculator} (outputs: {', '.join(sorted(outputs))}).",
                code="unknown_output",
            )
