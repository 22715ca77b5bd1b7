from django.urls import path

from quiz.lti import views

urlpatterns = [
    path("lti/login/", views.login_initiation, name="lti_login"),
    path("lti/launch/", views.launch, name="lti_launch"),
    path("lti/deep-linking/", views.launch, name="lti_deep_linking"),
    path("lti/deep-linking/choose/", views.choose_quiz, name="lti_choose_quiz"),
    path("lti/jwks.json", views.jwks, name="lti_jwks"),
    path("teach/quizzes/<int:quiz_id>/lms/", views.quiz_links, name="lti_quiz_links"),
    path("teach/quizzes/<int:quiz_id>/lms/members/", views.pull_members, name="lti_pull_members"),
]
