from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

handler400 = "quiz.views.errors.bad_request"
handler403 = "quiz.views.errors.permission_denied"
handler404 = "quiz.views.errors.page_not_found"
handler500 = "quiz.views.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switcher posts here; the scripts' strings come from the app, never a CDN.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/catalog.js", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("accounts/", include("quiz.urls_accounts")),
    path("", include("quiz.urls")),
]

# LMS (LTI 1.3) and single sign-on (OpenID Connect).
urlpatterns += [
    path("", include("quiz.lti.urls")),
    path("sso/", include("quiz.sso.urls")),
]
