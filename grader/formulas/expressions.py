"""Formulas as data: parsed with Python's own parser, checked against a short list of
allowed constructions, and evaluated by a walker of the syntax tree, never by `eval`.

Allowed: numbers, texts, True and False; names of parameters, of outputs defined before,
and calls of the library's functions; `+ - * / // % **` (on numbers, and element by
element on lists of one shape or a list and a number); comparisons (chains too); `and`,
`or`, `not`; `x if c else y`; list literals; indexing one item at a time. Every limit of
`values` applies while evaluating, and an exponent is checked before it is computed, so
`9 ** 9 ** 9 ** 9` is refused, never run.
"""

import ast
import difflib
import math
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from grader.formulas.library import LIBRARY, SIGNATURES
from grader.formulas.values import (
    MAX_EXPRESSION_DEPTH,
    MAX_FORMULA_LENGTH,
    MAX_INTEGER,
    MAX_STEPS,
    FormulaError,
    check_list,
    check_number,
    is_number,
    kind,
    shape,
    size,
)
from grader.messages import gettext, gettext_noop, localize_numbers, ngettext

_ARITHMETIC: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.FloorDiv: ("//", operator.floordiv),
    ast.Mod: ("%", operator.mod),
    ast.Pow: ("**", operator.pow),
}
_ORDERINGS: dict[type, tuple[str, Callable[[Any, Any], bool]]] = {
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
}
_EQUALITIES = {ast.Eq: "==", ast.NotEq: "!="}

ALLOWED = gettext_noop(
    "numbers, text in quotes, True/False, names, + - * / // % **, comparisons, and/or/not, "
    "x if c else y, lists [a, b], indexing x[i] and the library's functions"
)

# Constructions people try, and what to say about them.
_REFUSED: dict[type, str] = {
    ast.Attribute: gettext_noop("attribute access (x.y) is not allowed"),
    ast.Lambda: gettext_noop("lambda is not allowed"),
    ast.Tuple: gettext_noop("tuples are not allowed: write a list [a, b]"),
    ast.Dict: gettext_noop("mappings {…} are not allowed"),
    ast.Set: gettext_noop("sets {…} are not allowed"),
    ast.ListComp: gettext_noop("comprehensions are not allowed"),
    ast.SetComp: gettext_noop("comprehensions are not allowed"),
    ast.DictComp: gettext_noop("comprehensions are not allowed"),
    ast.GeneratorExp: gettext_noop("comprehensions are not allowed"),
    ast.Slice: gettext_noop("slices are not allowed: index one item at a time, x[i]"),
    ast.Starred: gettext_noop("* and ** unpacking are not allowed"),
    ast.NamedExpr: gettext_noop(":= is not allowed"),
    ast.JoinedStr: gettext_noop("f-strings are not allowed"),
}


@dataclass(frozen=True)
class Expression:
    """A checked formula: its text, its syntax tree and the names it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str]


def parse(text: Any, known: Iterable[str], later: Iterable[str] = ()) -> Expression:
    """Check a formula against the allowed constructions; `known` are the names it may read
    (parameters and outputs before it), `later` the outputs it may not read yet (itself and
    those after it). FormulaError says what is wrong."""
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise FormulaError(
            gettext("a formula must be an expression written as text, not {kind}").format(kind=kind(text))
        )
    text = str(text).strip()
    if not text:
        raise FormulaError(gettext("the formula is empty"))
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(gettext("a formula may be at most {limit} characters long").format(limit=MAX_FORMULA_LENGTH))
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        if error.offset:
            problem = gettext("not a valid expression at character {offset}: {error}")
        else:
            problem = gettext("not a valid expression: {error}")
        raise FormulaError(problem.format(offset=error.offset, error=error.msg)) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError(gettext("the expression is nested too deeply")) from None
    known = frozenset(known)
    names: set[str] = set()
    _check(tree, _Scope(known, frozenset(later)), names, 1)
    return Expression(text, tree, frozenset(names))


@dataclass(frozen=True)
class _Scope:
    known: frozenset[str]
    later: frozenset[str]


def _check(node: ast.AST, scope: _Scope, names: set[str], depth: int) -> None:
    if depth > MAX_EXPRESSION_DEPTH:
        raise FormulaError(
            gettext("the expression is nested more than {limit} levels deep").format(limit=MAX_EXPRESSION_DEPTH)
        )
    if type(node) in _REFUSED:
        raise FormulaError(gettext(_REFUSED[type(node)]))
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool | str) or is_number(value):
            return
        raise FormulaError(
            gettext("{value} is not allowed (use numbers, text in quotes, True or False)").format(value=repr(value))
        )
    if isinstance(node, ast.Name):
        # A name is read as a value and a function is only ever called, so an output may
        # be called `max` (as pooling's mistakes are) and max(…) is still the function.
        if node.id in scope.known:
            names.add(node.id)
            return
        if node.id in scope.later:
            raise FormulaError(
                gettext("{name} is not defined yet: a formula may use only the outputs defined before it").format(
                    name=node.id
                )
            )
        if node.id in LIBRARY:
            raise FormulaError(gettext("{name} is a function: call it, as in {name}(…)").format(name=node.id))
        raise FormulaError(_unknown(node.id, scope.known))
    if isinstance(node, ast.Call):
        _check_call(node, scope, names, depth)
        return
    if isinstance(node, ast.BinOp) and type(node.op) not in _ARITHMETIC:
        raise FormulaError(
            gettext("the operator {symbol} is not allowed (use + - * / // % **)").format(symbol=_symbol(node.op))
        )
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        raise FormulaError(gettext("the operator ~ is not allowed"))
    if isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _ORDERINGS and type(op) not in _EQUALITIES:
                raise FormulaError(gettext("{symbol} is not allowed (use == != < <= > >=)").format(symbol=_symbol(op)))
    if not isinstance(
        node,
        ast.BinOp
        | ast.UnaryOp
        | ast.BoolOp
        | ast.Compare
        | ast.IfExp
        | ast.List
        | ast.Subscript
        | ast.operator
        | ast.unaryop
        | ast.boolop
        | ast.cmpop
        | ast.expr_context,
    ):
        raise FormulaError(gettext("this is not allowed in a formula; use {allowed}").format(allowed=gettext(ALLOWED)))
    for child in ast.iter_child_nodes(node):
        _check(child, scope, names, depth + 1)


def called(node: ast.Call) -> str:
    """The name of the function a call calls: a formula calls the library's functions by name only."""
    if not isinstance(node.func, ast.Name):
        raise FormulaError(gettext("only the library's functions may be called, by name"))
    return node.func.id


def _check_call(node: ast.Call, scope: _Scope, names: set[str], depth: int) -> None:
    function = called(node)
    if function not in LIBRARY:
        close = difflib.get_close_matches(function, LIBRARY, n=1)
        if close:
            raise FormulaError(
                gettext("unknown function {name}() (did you mean {close}?)").format(name=function, close=close[0])
            )
        raise FormulaError(gettext("unknown function {name}()").format(name=function))
    keywords: dict[str, ast.expr] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise FormulaError(gettext(_REFUSED[ast.Starred]))
        keywords[keyword.arg] = keyword.value
    try:
        SIGNATURES[function].bind(*node.args, **keywords)
    except TypeError as error:
        raise FormulaError(
            gettext("{function}(): {error}; it is {function}{signature}").format(
                function=function, error=error, signature=SIGNATURES[function]
            )
        ) from None
    for child in [*node.args, *(keyword.value for keyword in node.keywords)]:
        _check(child, scope, names, depth + 1)


def _unknown(name: str, known: frozenset[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        problem = gettext(
            "unknown name {name} (did you mean {close}?); "
            "a formula may use the parameters, the outputs defined before it and the library"
        )
    else:
        problem = gettext(
            "unknown name {name}; a formula may use the parameters, the outputs defined before it and the library"
        )
    return problem.format(name=name, close=close[0] if close else "")


def _symbol(op: ast.AST) -> str:
    return {
        ast.BitAnd: "&",
        ast.BitOr: "|",
        ast.BitXor: "^",
        ast.LShift: "<<",
        ast.RShift: ">>",
        ast.MatMult: "@",
        ast.In: "in",
        ast.NotIn: "not in",
        ast.Is: "is",
        ast.IsNot: "is not",
    }.get(type(op), type(op).__name__)


# Evaluation -----------------------------------------------------------------------------------


class Known(ast.expr):
    """A value already worked out, standing in the tree where its expression was (used by
    worked solutions); `label` is the name it is shown by, if any."""

    _fields = ()

    def __init__(self, value: Any, label: str = "") -> None:
        super().__init__()
        self.value = value
        self.label = label


class Evaluator:
    """Evaluates checked expressions over `names`, counting steps against one budget."""

    def __init__(self, names: dict[str, Any], budget: int = MAX_STEPS) -> None:
        self.names = names
        self.steps = 0
        self.budget = budget

    def evaluate(self, node: ast.AST) -> Any:
        self.charge(1)
        return _EVALUATE[type(node)](self, node)

    def charge(self, steps: int) -> None:
        self.steps += steps
        if self.steps > self.budget:
            raise FormulaError(
                gettext("too much work: the formulas take more than {limit} steps").format(
                    limit=localize_numbers(f"{self.budget:,}")
                )
            )

    def _known(self, node: Known) -> Any:
        return node.value

    def _constant(self, node: ast.Constant) -> Any:
        return node.value

    def _name(self, node: ast.Name) -> Any:
        return self.names[node.id]

    def _list(self, node: ast.List) -> list:
        items = [self.evaluate(item) for item in node.elts]
        self.charge(len(items))
        check_list(items)
        return items

    def _subscript(self, node: ast.Subscript) -> Any:
        return index(self.evaluate(node.value), self.evaluate(node.slice))

    def _unary(self, node: ast.UnaryOp) -> Any:
        value = self.evaluate(node.operand)
        if isinstance(node.op, ast.Not):
            return not _truth(value, "not")
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        return self.elementwise(lambda v: _scalar(sign, operator.neg if sign == "-" else operator.pos, v), value)

    def _binary(self, node: ast.BinOp) -> Any:
        return self.arithmetic(type(node.op), self.evaluate(node.left), self.evaluate(node.right))

    def arithmetic(self, op: type, left: Any, right: Any) -> Any:
        symbol, function = _ARITHMETIC[op]
        if not isinstance(left, list) and not isinstance(right, list):
            return _binary(symbol, function, left, right)
        if isinstance(left, list) and isinstance(right, list) and shape(left) != shape(right):
            raise FormulaError(
                gettext("{symbol} works element by element on lists of the same shape, not {left} and {right}").format(
                    symbol=symbol, left=_sized(left), right=_sized(right)
                )
            )
        self.charge(size(left) + size(right))
        return _pairwise(symbol, function, left, right)

    def elementwise(self, function: Callable[[Any], Any], value: Any) -> Any:
        if isinstance(value, list):
            self.charge(size(value))
            return [self.elementwise(function, item) for item in value]
        return function(value)

    def _compare(self, node: ast.Compare) -> bool:
        left = self.evaluate(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.evaluate(right_node)
            if not compare(type(op), left, right):
                return False
            left = right
        return True

    def _bool(self, node: ast.BoolOp) -> bool:
        word = "and" if isinstance(node.op, ast.And) else "or"
        for value_node in node.values:
            value = _truth(self.evaluate(value_node), word)
            if value is (word == "or"):
                return value
        return word == "and"

    def _if(self, node: ast.IfExp) -> Any:
        return self.evaluate(node.body if _truth(self.evaluate(node.test), "if") else node.orelse)

    def _call(self, node: ast.Call) -> Any:
        args = [self.evaluate(arg) for arg in node.args]
        keywords = {keyword.arg: self.evaluate(keyword.value) for keyword in node.keywords}
        return self.call(called(node), args, keywords)

    def call(self, function: str, args: list, keywords: dict) -> Any:
        self.charge(sum(size(value) for value in [*args, *keywords.values()]))
        result = LIBRARY[function](*args, **keywords)
        self.charge(size(result))
        return result


_EVALUATE: dict[type, Callable[[Evaluator, Any], Any]] = {
    Known: Evaluator._known,
    ast.Constant: Evaluator._constant,
    ast.Name: Evaluator._name,
    ast.List: Evaluator._list,
    ast.Subscript: Evaluator._subscript,
    ast.UnaryOp: Evaluator._unary,
    ast.BinOp: Evaluator._binary,
    ast.Compare: Evaluator._compare,
    ast.BoolOp: Evaluator._bool,
    ast.IfExp: Evaluator._if,
    ast.Call: Evaluator._call,
}


def _sized(value: Any) -> str:
    found = shape(value)
    if not found:
        return kind(value)
    if len(found) == 1:
        return kind(value)
    return gettext("a list of shape {shape}").format(shape="×".join(map(str, found)))


def _truth(value: Any, word: str) -> bool:
    if not isinstance(value, bool):
        raise FormulaError(
            gettext("{word} needs True or False (a comparison, say), not {kind}").format(word=word, kind=kind(value))
        )
    return value


def _pairwise(symbol: str, function: Callable, left: Any, right: Any) -> Any:
    if isinstance(left, list) and isinstance(right, list):
        return [_pairwise(symbol, function, a, b) for a, b in zip(left, right, strict=True)]
    if isinstance(left, list):
        return [_pairwise(symbol, function, a, right) for a in left]
    if isinstance(right, list):
        return [_pairwise(symbol, function, left, b) for b in right]
    return _binary(symbol, function, left, right)


def _scalar(symbol: str, function: Callable[[Any], Any], value: Any) -> Any:
    if not is_number(value):
        raise FormulaError(gettext("{symbol} works on numbers, not {kind}").format(symbol=symbol, kind=kind(value)))
    return function(value)


def _binary(symbol: str, function: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    if not is_number(left) or not is_number(right):
        raise FormulaError(
            gettext("{symbol} works on numbers (and lists of numbers), not {left} and {right}").format(
                symbol=symbol, left=kind(left), right=kind(right)
            )
        )
    if symbol == "**":
        _check_power(left, right)
    try:
        result = function(left, right)
    except ZeroDivisionError:
        raise FormulaError(
            gettext("division by zero in {left} {symbol} {right}").format(
                left=_plain(left), symbol=symbol, right=_plain(right)
            )
        ) from None
    except OverflowError:
        raise FormulaError(
            gettext("{left} {symbol} {right} is too large").format(
                left=_plain(left), symbol=symbol, right=_plain(right)
            )
        ) from None
    if isinstance(result, complex):
        raise FormulaError(
            gettext("{base} ** {exponent} is not a real number").format(
                base=_plain(left, wrap=True), exponent=_plain(right)
            )
        )
    return check_number(result)


def _check_power(base: int | float, exponent: int | float) -> None:
    """Refuse a power whose result would pass the limits, before computing it."""
    if base in (0, 1, -1) or exponent <= 0:
        return
    if exponent * math.log2(abs(base)) > math.log2(MAX_INTEGER) + 1:
        raise FormulaError(
            gettext("{base} ** {exponent} is too large (the limit is {limit:.0e})").format(
                base=_plain(base), exponent=_plain(exponent), limit=MAX_INTEGER
            )
        )


def _plain(value: Any, wrap: bool = False) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"({text})" if wrap and value < 0 else text


def compare(op: type, left: Any, right: Any) -> bool:
    """== and != compare whole values (lists included); orderings compare numbers."""
    if op in _EQUALITIES:
        equal = _equal(left, right)
        return equal if op is ast.Eq else not equal
    symbol, function = _ORDERINGS[op]
    if not is_number(left) or not is_number(right):
        raise FormulaError(
            gettext("{symbol} compares numbers, not {left} and {right}").format(
                symbol=symbol, left=kind(left), right=kind(right)
            )
        )
    return function(left, right)


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, list) or isinstance(right, list):
        return (
            isinstance(left, list)
            and isinstance(right, list)
            and len(left) == len(right)
            and all(_equal(a, b) for a, b in zip(left, right, strict=True))
        )
    if isinstance(left, bool) or isinstance(right, bool):
        # True is not 1 here, as a teacher would expect.
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return left == right


def index(value: Any, position: Any) -> Any:
    """One item of a list; negative positions count from the end, as in Python."""
    if not isinstance(value, list):
        raise FormulaError(gettext("only lists can be indexed, not {kind}").format(kind=kind(value)))
    if isinstance(position, float) and position.is_integer():
        position = int(position)
    if isinstance(position, bool) or not isinstance(position, int):
        raise FormulaError(gettext("an index must be a whole number, not {kind}").format(kind=kind(position)))
    if not -len(value) <= position < len(value):
        raise FormulaError(
            ngettext(
                "index {position} is out of range for a list of {count} value (0 to {last})",
                "index {position} is out of range for a list of {count} values (0 to {last})",
                len(value),
            ).format(position=position, count=len(value), last=len(value) - 1)
        )
    return value[position]
