"""Deep linking: the quiz an instructor picks goes back to the LMS as a link with its own line item.

The link opens the launch URL with the custom parameter quiz=<key>; its line item's
maximum is the points of an attempt at the quiz (of a pool, the questions it draws), so
the LMS's grade column matches what ConvQuiz sends.
The reply is a JWT signed by the tool's key (PyLTI1p3's DeepLink), posted by the browser.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from lti_tool.models import LtiRegistration
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from quiz import pools
from quiz.lti.platforms import origin
from quiz.lti.tool import LaunchRefused, Refusal, signing_key
from quiz.models import Question, Quiz

LINE_ITEM_TAG = "convquiz"


@dataclass(frozen=True)
class QuizChoice:
    quiz: Quiz
    points: Decimal


def quiz_choices() -> list[QuizChoice]:
    """Every quiz with questions, with the points of an attempt at it (a pool counts the questions it draws)."""
    questions = defaultdict(list)
    worth = Question.objects.annotate(points=Coalesce(Sum("parts__points"), Decimal(0))).only("quiz_id", "key", "pool")
    for question in worth.order_by():
        questions[question.quiz_id].append(question)
    choices = [
        QuizChoice(quiz, pools.most_points(questions[quiz.pk], quiz.pools)) for quiz in Quiz.objects.order_by("title")
    ]
    return [choice for choice in choices if choice.points > 0]


@dataclass(frozen=True)
class Reply:
    url: str
    jwt: str

    @property
    def origin(self) -> str:
        return origin(self.url)


def reply(request, pending: dict, choice: QuizChoice) -> Reply:
    """The signed answer to a deep-linking request (`pending`, as the launch stored it) for one quiz."""
    registration = LtiRegistration.objects.active().filter(pk=pending["registration"]).first()
    if registration is None:
        raise LaunchRefused(Refusal.UNKNOWN_PLATFORM, "The platform's registration was removed during deep linking.")
    signing_key()
    quiz = choice.quiz
    line_item = (
        LineItem().set_score_maximum(float(choice.points)).set_label(quiz.title).set_resource_id(quiz.key)
        .set_tag(LINE_ITEM_TAG)
    )
    resource = (
        DeepLinkResource()
        .set_url(request.build_absolute_uri(reverse("lti_launch")))
        .set_title(quiz.title)
        .set_custom_params({"quiz": quiz.key})
        .set_lineitem(line_item)
    )
    settings = pending["settings"]
    deep_link = DeepLink(registration.to_registration(), pending["deployment_id"], settings)
    return Reply(url=settings["deep_link_return_url"], jwt=deep_link.get_response_jwt([resource]))
