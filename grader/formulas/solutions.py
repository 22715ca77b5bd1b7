"""Worked solutions written from the formulas: each formula as a student reads it, then with
the variant's numbers filled in, then worked out one level at a time down to its value.

    out_h = floor((h + 2 × p − k) / stride) + 1
          = floor((32 + 2 × 1 − 3) / 2) + 1
          = floor((32 + 2 − 3) / 2) + 1
          …
          = 16

A name whose value is a matrix or a long list stays a name (the student has it as given
data); every other name shows its number.
"""

import ast
from typing import Any

from grader import formatting
from grader.formulas.expressions import Evaluator, Known, called
from grader.formulas.values import is_number, shape, show

# A list value longer than this, or any matrix, is shown by its name.
_SHOWN_INLINE = 8

_PRECEDENCE = {
    ast.IfExp: 1,
    ast.Or: 2,
    ast.And: 3,
    ast.Not: 4,
    ast.Compare: 5,
    ast.Add: 6,
    ast.Sub: 6,
    ast.Mult: 7,
    ast.Div: 7,
    ast.Mod: 7,
    ast.USub: 8,
    ast.UAdd: 8,
    ast.Pow: 9,
}
_ATOM = 10
_SYMBOLS = {
    ast.Add: "+",
    ast.Sub: "−",
    ast.Mult: "×",
    ast.Div: "/",
    ast.Mod: "mod",
    ast.Pow: "^",
    ast.Eq: "=",
    ast.NotEq: "≠",
    ast.Lt: "<",
    ast.LtE: "≤",
    ast.Gt: ">",
    ast.GtE: "≥",
}


def formula_lines(name: str, tree: ast.expr, names: dict[str, Any]) -> list[str]:
    """The working of one formula: as written, with numbers, step by step, its value."""
    written = render(tree)
    lines = [f"{name} = {written}"]
    shown = written
    node = _substitute(tree, names)
    evaluator = Evaluator({})
    while True:
        text = render(node)
        if text != shown:
            lines.append(f"= {text}")
            shown = text
        if isinstance(node, Known):
            break
        node = _step(node, evaluator)
    if _is_large_whole(node.value) and lines[-1] == f"= {shown}":
        lines[-1] = f"= {formatting.integer(node.value)}"
    return lines


def _is_large_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000


def _substitute(node: ast.expr, names: dict[str, Any]) -> ast.expr:
    if isinstance(node, ast.Name):
        value = names[node.id]
        big = isinstance(value, list) and (len(shape(value)) > 1 or len(value) > _SHOWN_INLINE)
        return Known(value, node.id if big else "")
    if isinstance(node, ast.Constant):
        return Known(node.value)
    if _is_negative_literal(node):
        assert isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)
        assert isinstance(node.operand.value, int | float)
        return Known(-node.operand.value)
    if isinstance(node, ast.IfExp):
        # Both branches too: stepping replaces the test only, then keeps one branch.
        return ast.IfExp(
            test=_substitute(node.test, names),
            body=_substitute(node.body, names),
            orelse=_substitute(node.orelse, names),
        )
    return _rebuild(node, lambda child: _substitute(child, names))


def _is_negative_literal(node: ast.AST) -> bool:
    """-3 as written: a number, not an operation to show as a step."""
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and is_number(node.operand.value)
    )


def _children(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Compare):
        return [node.left, *node.comparators]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.IfExp):
        return [node.test]
    if isinstance(node, ast.List):
        return list(node.elts)
    if isinstance(node, ast.Subscript):
        return [node.value, node.slice]
    if isinstance(node, ast.Call):
        return [*node.args, *(keyword.value for keyword in node.keywords)]
    return []


def _rebuild(node: ast.expr, change) -> ast.expr:
    if isinstance(node, ast.BinOp):
        return ast.BinOp(left=change(node.left), op=node.op, right=change(node.right))
    if isinstance(node, ast.UnaryOp):
        return ast.UnaryOp(op=node.op, operand=change(node.operand))
    if isinstance(node, ast.Compare):
        return ast.Compare(left=change(node.left), ops=node.ops, comparators=[change(c) for c in node.comparators])
    if isinstance(node, ast.BoolOp):
        return ast.BoolOp(op=node.op, values=[change(value) for value in node.values])
    if isinstance(node, ast.IfExp):
        return ast.IfExp(test=change(node.test), body=node.body, orelse=node.orelse)
    if isinstance(node, ast.List):
        return ast.List(elts=[change(item) for item in node.elts], ctx=node.ctx)
    if isinstance(node, ast.Subscript):
        return ast.Subscript(value=change(node.value), slice=change(node.slice), ctx=node.ctx)
    if isinstance(node, ast.Call):
        return ast.Call(
            func=node.func,
            args=[change(arg) for arg in node.args],
            keywords=[ast.keyword(arg=keyword.arg, value=change(keyword.value)) for keyword in node.keywords],
        )
    return node


def _step(node: ast.expr, evaluator: Evaluator) -> ast.expr:
    """Work out every operation whose operands are all known, one level of the tree."""
    if isinstance(node, Known):
        return node
    if isinstance(node, ast.IfExp) and isinstance(node.test, Known):
        return node.body if node.test.value else node.orelse
    if isinstance(node, ast.BoolOp) and isinstance(node.values[0], Known):
        first, rest = node.values[0].value, node.values[1:]
        if first is isinstance(node.op, ast.Or) or not rest:
            return Known(first)
        return rest[0] if len(rest) == 1 else ast.BoolOp(op=node.op, values=rest)
    if all(isinstance(child, Known) for child in _children(node)):
        return Known(evaluator.evaluate(node))
    return _rebuild(node, lambda child: _step(child, evaluator))


def render(node: ast.AST) -> str:
    """An expression as a student reads it: × and − for * and -, floor(a / b) for a // b,
    ^ for powers, ≤ ≥ ≠ for comparisons."""
    return _render(node)[0]


def _render(node: ast.AST) -> tuple[str, int]:
    """The text and its precedence, for parenthesizing."""
    if isinstance(node, Known):
        if node.label:
            return node.label, _ATOM
        return _show(node.value), _ATOM
    if isinstance(node, ast.Constant):
        return _show(node.value), _ATOM
    if isinstance(node, ast.Name):
        return node.id, _ATOM
    if isinstance(node, ast.BinOp):
        return _render_binary(node)
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return f"not {_operand(node.operand, 4, wrap_negative=False)}", 4
        sign = "−" if isinstance(node.op, ast.USub) else "+"
        return f"{sign}{_operand(node.operand, 8, wrap_negative=True)}", 8
    if isinstance(node, ast.Compare):
        parts = [_operand(node.left, 6, wrap_negative=False)]
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            parts.append(f"{_SYMBOLS[type(op)]} {_operand(comparator, 6, wrap_negative=False)}")
        return " ".join(parts), 5
    if isinstance(node, ast.BoolOp):
        word, precedence = ("and", 3) if isinstance(node.op, ast.And) else ("or", 2)
        return f" {word} ".join(
            _operand(value, precedence + 1, wrap_negative=False) for value in node.values
        ), precedence
    if isinstance(node, ast.IfExp):
        body = _operand(node.body, 2, wrap_negative=False)
        test = _operand(node.test, 2, wrap_negative=False)
        orelse = _operand(node.orelse, 1, wrap_negative=False)
        return f"{body} if {test} else {orelse}", 1
    if isinstance(node, ast.List):
        return "[" + ", ".join(render(item) for item in node.elts) + "]", _ATOM
    if isinstance(node, ast.Subscript):
        return f"{_operand(node.value, _ATOM)}[{render(node.slice)}]", _ATOM
    if isinstance(node, ast.Call):
        arguments = [render(arg) for arg in node.args]
        arguments += [f"{keyword.arg}={render(keyword.value)}" for keyword in node.keywords]
        return f"{called(node)}({', '.join(arguments)})", _ATOM
    raise ValueError(f"cannot show {type(node).__name__}")


def _show(value: Any) -> str:
    """A value with − for negative numbers, like the operators around it."""
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    text = show(value)
    return f"−{text[1:]}" if is_number(value) and text.startswith("-") else text


def _render_binary(node: ast.BinOp) -> tuple[str, int]:
    if isinstance(node.op, ast.FloorDiv):
        return f"floor({_operand(node.left, 7)} / {_operand(node.right, 8)})", _ATOM
    precedence = _PRECEDENCE[type(node.op)]
    if isinstance(node.op, ast.Pow):
        # Right-associative: a ^ b ^ c is a ^ (b ^ c).
        left, right = _operand(node.left, precedence + 1), _operand(node.right, precedence)
    else:
        # A negative number leading a sum reads plainly: −64 + 3, but 3 − (−4) and 2 × (−3).
        leading = isinstance(node.op, ast.Add | ast.Sub)
        left = _operand(node.left, precedence, wrap_negative=not leading)
        right = _operand(node.right, precedence + 1)
    return f"{left} {_SYMBOLS[type(node.op)]} {right}", precedence


def _operand(node: ast.AST, least: int, wrap_negative: bool = True) -> str:
    """A sub-expression, in parentheses if it binds less tightly than `least` (or is a
    negative number beside an operator)."""
    text, precedence = _render(node)
    negative = (isinstance(node, Known) and is_number(node.value) and node.value < 0) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    )
    if precedence < least or (negative and wrap_negative):
        return f"({text})"
    return text
