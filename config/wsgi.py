"""WSGI entry point, used by gunicorn and runserver: Django behind the request body limit."""

import os

from django.core.wsgi import get_wsgi_application

from quiz.middleware import limit_request_body

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = limit_request_body(get_wsgi_application())
