from django.urls import path

from quiz.views import home

urlpatterns = [
    path("", home.home, name="home"),
]
