"""`{% lms_score_status attempt %}`: where the student's grade for the quiz stands in each LMS course."""

from django import template

from quiz.lti.models import OutgoingScore

register = template.Library()


@register.inclusion_tag("lti/_score_status.html")
def lms_score_status(attempt) -> dict:
    """The newest grade of each LMS link of the attempt's student and quiz: sent, waiting, or failed and retrying."""
    rows = (
        OutgoingScore.objects.filter(target__student_id=attempt.student_id, target__link__quiz_id=attempt.quiz_id)
        .exclude(status=OutgoingScore.Status.SUPERSEDED)
        .select_related("target__link__resource_link__context")
        .order_by("target_id", "-id")
    )
    newest = {}
    for row in rows:
        newest.setdefault(row.target_id, row)
    return {"rows": list(newest.values())}
