"""`{{ text|maths }}`: question text with its LaTeX formulas typeset as MathML (quiz/maths.py)."""

from django import template

from quiz.maths import typeset

register = template.Library()
register.filter("maths", typeset, is_safe=True)
