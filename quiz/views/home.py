from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from quiz.roles import is_student, is_teacher


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own home page."""
    user = request.user
    if is_teacher(user):
        return redirect("teacher:home")
    if is_student(user):
        return redirect("student:dashboard")
    return render(request, "quiz/no_role.html", status=403)
