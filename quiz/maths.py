"""Maths in question text: LaTeX between dollars, typeset on the server as MathML.

    typeset("Output size $\\left\\lfloor \\frac{n + 2p - k}{s} \\right\\rfloor + 1$")

`$…$` is inline and `$$…$$` a display formula; `\\$` is a dollar sign. Browsers display
MathML natively and screen readers read it, so no script runs in the page (the Content
Security Policy stays as it is). Everything outside the formulas is escaped as usual; a
formula latex2mathml cannot read is shown as its source, in code, never as an error page.

latex2mathml passes some text through as it is (`\\text{<img …>}`, `\\href{…}`), so its output
is parsed and rebuilt from an allow-list of MathML elements and presentation attributes;
anything else makes the formula show as its source.
"""

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from latex2mathml.converter import convert

# A formula longer than this is shown as its source: typesetting is for formulas, not essays.
MAX_FORMULA_LENGTH = 2_000
_FORMULA = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$", re.DOTALL)


MATHML = "http://www.w3.org/1998/Math/MathML"
ET.register_namespace("", MATHML)
ELEMENTS = frozenset(
    "math mrow mi mn mo ms mtext mspace mfrac msqrt mroot msub msup msubsup munder mover munderover "
    "mtable mtr mtd mstyle mpadded mphantom menclose mfenced merror".split()
)
ATTRIBUTES = frozenset(
    "display stretchy fence form separator mathvariant displaystyle scriptlevel lspace rspace width height "
    "depth linethickness accent accentunder movablelimits largeop symmetric minsize maxsize notation "
    "columnalign rowalign columnspacing rowspacing columnlines rowlines frame open close separators".split()
)


class _Refused(ValueError):
    """The formula cannot be typeset safely; its source is shown instead."""


def _clean(element: ET.Element) -> None:
    namespace, _, name = element.tag.rpartition("}")
    if namespace != "{" + MATHML or name not in ELEMENTS:
        raise _Refused(f"element {element.tag}")
    for attribute in list(element.attrib):
        if attribute not in ATTRIBUTES:
            del element.attrib[attribute]
    for child in element:
        _clean(child)


@lru_cache(maxsize=2048)
def _mathml(latex: str, display: str) -> str:
    """The formula's MathML; cached, since every page view of a question typesets the same prompts."""
    if len(latex) > MAX_FORMULA_LENGTH:
        raise _Refused("formula too long")
    tree = ET.fromstring(convert(latex.strip(), display=display))
    _clean(tree)
    return ET.tostring(tree, encoding="unicode")


def typeset(text) -> SafeString:
    """The text as HTML, each `$…$` or `$$…$$` replaced by its MathML."""
    text = "" if text is None else str(text)
    if "$" not in text:
        return escape(text)
    pieces, end = [], 0
    for match in _FORMULA.finditer(text):
        pieces.append(escape(text[end : match.start()].replace("\\$", "$")))
        display, latex = ("block", match.group(1)) if match.group(1) is not None else ("inline", match.group(2))
        try:
            pieces.append(_mathml(latex, display))
        except Exception:  # latex2mathml refuses the formula in many ways; the reader still sees what was written
            pieces.append(f'<code class="maths-source">{escape(match.group(0))}</code>')
        end = match.end()
    pieces.append(escape(text[end:].replace("\\$", "$")))
    return mark_safe("".join(pieces))
