from django.urls import path

from quiz.views import health, home, student

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("quizzes/", student.dashboard, name="student_dashboard"),
    path("quizzes/<slug:quiz_key>/", student.quiz_start, name="quiz_start"),
    path("attempts/", student.attempt_history, name="attempt_history"),
    path("attempts/<int:attempt_id>/", student.attempt, name="attempt"),
    path("attempts/<int:attempt_id>/save/", student.attempt_save, name="attempt_save"),
    path("attempts/<int:attempt_id>/save-all/", student.attempt_save_all, name="attempt_save_all"),
    path("attempts/<int:attempt_id>/submit/", student.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", student.attempt_result, name="attempt_result"),
]
