from django.urls import path

from quiz.views import health, home, reports, student, teacher

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("quizzes/", student.dashboard, name="student_dashboard"),
    path("quizzes/<slug:quiz_key>/", student.quiz_start, name="quiz_start"),
    path("attempts/", student.attempt_history, name="attempt_history"),
    path("attempts/<int:attempt_id>/", student.attempt, name="attempt"),
    path("attempts/<int:attempt_id>/save/", student.attempt_save, name="attempt_save"),
    path("attempts/<int:attempt_id>/answers/", student.attempt_answers, name="attempt_answers"),
    path("attempts/<int:attempt_id>/save-all/", student.attempt_save_all, name="attempt_save_all"),
    path("attempts/<int:attempt_id>/submit/", student.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", student.attempt_result, name="attempt_result"),
    path("teach/", teacher.home, name="teacher_home"),
    path("teach/quizzes/<int:quiz_id>/gradebook/", teacher.gradebook, name="teacher_gradebook"),
    path("teach/quizzes/<int:quiz_id>/review/", teacher.review_queue, name="teacher_review_queue"),
    path("teach/quizzes/<int:quiz_id>/access/", teacher.quiz_access, name="teacher_quiz_access"),
    path("teach/quizzes/<int:quiz_id>/access/groups/", teacher.save_audience, name="teacher_save_audience"),
    path(
        "teach/quizzes/<int:quiz_id>/access/accommodations/",
        teacher.grant_accommodation,
        name="teacher_grant_accommodation",
    ),
    path("teach/parts/<int:part_id>/review/", teacher.review_next, name="teacher_review_next"),
    path("teach/parts/<int:part_id>/groups/", teacher.review_groups, name="teacher_review_groups"),
    path("teach/parts/<int:part_id>/groups/score/", teacher.review_group, name="teacher_review_group"),
    path("teach/responses/<int:response_id>/review/", teacher.review, name="teacher_review"),
    path("teach/responses/<int:response_id>/review/save/", teacher.save_review, name="teacher_save_review"),
    path("teach/responses/<int:response_id>/override/", teacher.override, name="teacher_override"),
    path("teach/attempts/<int:attempt_id>/", teacher.attempt_detail, name="teacher_attempt"),
    path("teach/attempts/<int:attempt_id>/reopen/", teacher.reopen, name="teacher_reopen"),
    path("teach/students/", teacher.roster, name="teacher_roster"),
    path("teach/students/import/", teacher.roster_preview, name="teacher_roster_preview"),
    path("teach/students/import/confirm/", teacher.roster_import, name="teacher_roster_import"),
    path("teach/students/<int:user_id>/unlock/", teacher.unlock_student, name="teacher_unlock_student"),
    path("teach/students/<int:user_id>/password/", teacher.student_password, name="teacher_student_password"),
    path("teach/students/<int:user_id>/password/set/", teacher.set_student_password, name="teacher_set_password"),
    path("teach/quizzes/<int:quiz_id>/statistics/", reports.statistics, name="teacher_statistics"),
    path("teach/quizzes/<int:quiz_id>/regrade/", reports.regrade, name="teacher_regrade"),
    path("teach/quizzes/<int:quiz_id>/export/gradebook.csv", reports.export_gradebook, name="teacher_export_gradebook"),
    path("teach/quizzes/<int:quiz_id>/export/responses.csv", reports.export_responses, name="teacher_export_responses"),
    path(
        "teach/quizzes/<int:quiz_id>/export/statistics.csv", reports.export_statistics, name="teacher_export_statistics"
    ),
]
