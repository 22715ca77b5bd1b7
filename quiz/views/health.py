"""A health check for load balancers and uptime probes."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" while the process serves requests.

    It reads neither the database nor the session, so a slow database does not take
    every worker out of rotation at once, and probes cost next to nothing.
    """
    return HttpResponse("ok", content_type="text/plain")
