"""Options shared by the commands that work on one question's numbers."""

from django.core.management.base import CommandError

from quiz.preview import PreviewError, Variant, find_question, make_variant, parse_params


def add_variant_arguments(parser) -> None:
    parser.add_argument("question", help="The question's key, e.g. q2.")
    parser.add_argument("--quiz", default="cnn-fundamentals", help="The quiz's key (default: cnn-fundamentals).")
    numbers = parser.add_mutually_exclusive_group()
    numbers.add_argument("--seed", type=int, help="Draw random numbers with this seed.")
    numbers.add_argument("--params", help="Numbers as a JSON object; missing ones keep the question's own.")


def variant_from_options(options: dict) -> Variant:
    try:
        question = find_question(options["quiz"], options["question"])
        params = parse_params(options["params"]) if options["params"] is not None else None
        return make_variant(question, seed=options["seed"], params=params)
    except PreviewError as error:
        raise CommandError(str(error)) from error
