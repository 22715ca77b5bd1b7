"""LaTeX in question text becomes MathML on the server; everything else stays escaped text."""

import pytest
from django.template import Context, Template

from quiz.maths import MAX_FORMULA_LENGTH, typeset


def test_an_inline_formula_becomes_mathml_between_escaped_text():
    html = typeset(r"Size <n> is $\left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1$ here.")
    assert html.startswith("Size &lt;n&gt; is <math ")
    assert 'display="inline"' in html and "<mfrac>" in html
    assert ">⌊</mo>" in html and ">⌋</mo>" in html  # the floor brackets
    assert html.endswith("</math> here.")


def test_a_display_formula_is_a_block():
    html = typeset(r"$$\sum_{i=1}^{n} x_i$$")
    assert html.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">')
    assert "<munderover>" in html or "<msubsup>" in html


def test_an_escaped_dollar_is_a_dollar_and_text_without_formulas_is_only_escaped():
    assert typeset(r"It costs \$5 or \$6.") == "It costs $5 or $6."
    assert typeset("No maths <here> & there") == "No maths &lt;here&gt; &amp; there"
    assert typeset(None) == ""


@pytest.mark.parametrize(
    "text",
    [r"$<script>alert(1)</script>$", r"$\text{<img src=x onerror=alert(1)>}$", r"$\href{javascript:alert(1)}{x}$"],
)
def test_no_markup_gets_through_a_formula(text):
    html = typeset(text)
    assert "<script" not in html and "<img" not in html and "javascript:" not in html.replace("&", "")


def test_a_formula_that_cannot_be_read_or_is_too_long_is_shown_as_its_source():
    assert typeset(r"before $\frac{1}{$ after").count("maths-source") == 1
    long = "$" + "x+" * MAX_FORMULA_LENGTH + "x$"
    assert typeset(long) == f'<code class="maths-source">{long}</code>'


def test_the_template_filter_typesets():
    html = Template("{% load maths %}{{ text|maths }}").render(Context({"text": "$x^2$ <b>"}))
    assert "<msup>" in html and "&lt;b&gt;" in html


def test_attributes_outside_presentation_are_dropped():
    html = typeset(r"$\color{red}{x}$")
    assert "<mi>x</mi>" in html and "mathcolor" not in html
