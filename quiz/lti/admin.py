"""The admin's LMS pages: registrations with the values to paste into the LMS, the tool's keys, links, scores."""

from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lti_tool.admin import LtiDeploymentInline, LtiRegistrationAdmin
from lti_tool.models import Key, LtiRegistration

from quiz.lti import tool
from quiz.lti.models import OutgoingScore, QuizLink

admin.site.unregister(LtiRegistration)
# An address typed without a scheme is an LMS's HTTPS address (Django 6's default, chosen now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
ENDPOINT_NAMES = {
    "login_url": _("login (OIDC login initiation)"),
    "launch_url": _("launch (target link / redirect URI)"),
    "deep_linking_url": _("deep linking (content selection)"),
    "jwks_url": _("keyset (public JWK set)"),
}
"""The tool's URLs as docs/lti.md names them."""


class DeploymentInline(LtiDeploymentInline):
    formfield_overrides = HTTPS_URLS


@admin.register(LtiRegistration)
class RegistrationAdmin(LtiRegistrationAdmin):
    """django-lti's registration with its deployments, plus the tool's URLs to give the LMS."""

    readonly_fields = ["tool_endpoints"]
    formfield_overrides = HTTPS_URLS
    inlines = [DeploymentInline]
    # django-lti names its static keys' section with gettext when it is imported, before any request has a
    # language: the same section, named here lazily.
    fieldsets = [
        (None, {"fields": ["tool_endpoints"]}),
        LtiRegistrationAdmin.fieldsets[0],
        (
            _("Static keys"),
            {
                **LtiRegistrationAdmin.fieldsets[1][1],
                "description": _("For platforms not supporting JWK Set use by tools."),
            },
        ),
    ]

    @admin.display(description=_("ConvQuiz's URLs for this LMS"))
    def tool_endpoints(self, registration: LtiRegistration) -> str:
        paths = ((ENDPOINT_NAMES[name], path) for name, path in tool.endpoints().__dict__.items())
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd><code>{}</code></dd>", paths))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tool.signing_key()


@admin.register(Key)
class KeyAdmin(admin.ModelAdmin):
    """The tool's keys: the newest published one signs; rotating publishes a new one and keeps the old until removed."""

    list_display = ["kid", "is_active", "signs", "datetime_created"]
    list_filter = ["is_active"]
    fields = ["kid", "is_active", "datetime_created", "public_key"]
    readonly_fields = fields
    actions = ["rotate", "remove"]

    @admin.display(description=_("kid"))
    def kid(self, key: Key) -> str:
        return str(key)

    @admin.display(boolean=True, description=_("signs now"))
    def signs(self, key: Key) -> bool:
        return key.is_active and key == tool.signing_key()

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Rotate: make a new signing key (the selected and all others stay published)"))
    def rotate(self, request, queryset):
        key = tool.rotate_key()
        message = gettext("New signing key %(kid)s; the older keys stay published until you remove them.")
        self.message_user(request, message % {"kid": key})

    @admin.action(description=_("Remove: stop publishing the selected keys"))
    def remove(self, request, queryset):
        for key in queryset.filter(is_active=True):
            try:
                tool.remove_key(str(key))
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, gettext("Key %(kid)s is no longer published.") % {"kid": key})


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by launches and the outbox only, so that what the LMS was told stays as it was."""

    formfield_overrides = HTTPS_URLS  # Django builds the form it shows read-only; its URL fields take no scheme default

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QuizLink)
class QuizLinkAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "quiz", "lineitem_url", "created_at"]
    list_select_related = ["resource_link__context", "quiz"]


@admin.register(OutgoingScore)
class OutgoingScoreAdmin(ReadOnlyAdmin):
    list_display = ["target", "score_given", "score_maximum", "grading_progress", "status", "tries", "sent_at"]
    list_filter = ["status", "grading_progress"]
    list_select_related = ["target__student", "target__link__resource_link__context", "target__link__quiz"]
