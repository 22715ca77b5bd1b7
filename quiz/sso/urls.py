from django.urls import path

from quiz.sso import views

urlpatterns = [
    path("login/", views.start, name="sso_login"),
    path("callback/", views.callback, name="sso_callback"),
]
