from django.contrib import admin
from django.urls import include, path

handler400 = "quiz.views.errors.bad_request"
handler403 = "quiz.views.errors.permission_denied"
handler404 = "quiz.views.errors.page_not_found"
handler500 = "quiz.views.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("quiz.urls_accounts")),
    path("", include("quiz.urls")),
]

# LMS (LTI 1.3) and single sign-on (OpenID Connect).
urlpatterns += [
    path("", include("quiz.lti.urls")),
    path("sso/", include("quiz.sso.urls")),
]
