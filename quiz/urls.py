from django.urls import include, path

from quiz.views import health, home, reports, student, teacher

student_urls = [
    path("quizzes/", student.dashboard, name="dashboard"),
    path("quizzes/<slug:quiz_key>/", student.quiz_start, name="quiz_start"),
    path("attempts/", student.attempt_history, name="attempt_history"),
    path("attempts/<int:attempt_id>/", student.attempt, name="attempt"),
    path("attempts/<int:attempt_id>/save/", student.attempt_save, name="attempt_save"),
    path("attempts/<int:attempt_id>/check/", student.attempt_check, name="attempt_check"),
    path("attempts/<int:attempt_id>/hint/", student.attempt_hint, name="attempt_hint"),
    path(
        "attempts/<int:attempt_id>/questions/<slug:question_key>/variant/",
        student.attempt_variant,
        name="attempt_variant",
    ),
    path("attempts/<int:attempt_id>/answers/", student.attempt_answers, name="attempt_answers"),
    path("attempts/<int:attempt_id>/save-all/", student.attempt_save_all, name="attempt_save_all"),
    path("attempts/<int:attempt_id>/submit/", student.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", student.attempt_result, name="attempt_result"),
]

teacher_urls = [
    path("teach/", teacher.home, name="home"),
    path("teach/quizzes/<int:quiz_id>/gradebook/", teacher.gradebook, name="gradebook"),
    path("teach/quizzes/<int:quiz_id>/grades/", teacher.gradebook_students, name="gradebook_students"),
    path("teach/quizzes/<int:quiz_id>/review/", teacher.review_queue, name="review_queue"),
    path("teach/quizzes/<int:quiz_id>/access/", teacher.quiz_access, name="quiz_access"),
    path("teach/quizzes/<int:quiz_id>/access/groups/", teacher.save_audience, name="save_audience"),
    path("teach/quizzes/<int:quiz_id>/access/accommodations/", teacher.grant_accommodation, name="grant_accommodation"),
    path("teach/parts/<int:part_id>/review/", teacher.review_next, name="review_next"),
    path("teach/parts/<int:part_id>/groups/", teacher.review_groups, name="review_groups"),
    path("teach/parts/<int:part_id>/groups/score/", teacher.review_group, name="review_group"),
    path("teach/responses/<int:response_id>/review/", teacher.review, name="review"),
    path("teach/responses/<int:response_id>/review/save/", teacher.save_review, name="save_review"),
    path("teach/responses/<int:response_id>/override/", teacher.override, name="override"),
    path("teach/attempts/<int:attempt_id>/", teacher.attempt_detail, name="attempt"),
    path("teach/attempts/<int:attempt_id>/reopen/", teacher.reopen, name="reopen"),
    path("teach/students/", teacher.roster, name="roster"),
    path("teach/students/import/", teacher.roster_preview, name="roster_preview"),
    path("teach/students/import/confirm/", teacher.roster_import, name="roster_import"),
    path("teach/students/<int:user_id>/unlock/", teacher.unlock_student, name="unlock_student"),
    path(
        "teach/students/<int:user_id>/accommodation/", teacher.standing_accommodation, name="standing_accommodation"
    ),
    path("teach/students/<int:user_id>/password/", teacher.student_password, name="student_password"),
    path("teach/students/<int:user_id>/password/set/", teacher.set_student_password, name="set_password"),
    path("teach/quizzes/<int:quiz_id>/statistics/", reports.statistics, name="statistics"),
    path("teach/quizzes/<int:quiz_id>/regrade/", reports.regrade, name="regrade"),
    path("teach/parts/<int:part_id>/regrade/", reports.regrade_part, name="regrade_part"),
    path("teach/quizzes/<int:quiz_id>/export/gradebook.csv", reports.export_gradebook, name="export_gradebook"),
    path("teach/quizzes/<int:quiz_id>/export/grades.csv", reports.export_student_grades, name="export_grades"),
    path("teach/quizzes/<int:quiz_id>/export/responses.csv", reports.export_responses, name="export_responses"),
    path("teach/quizzes/<int:quiz_id>/export/statistics.csv", reports.export_statistics, name="export_statistics"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("", include((student_urls, "student"))),
    path("", include((teacher_urls, "teacher"))),
]
