"""The admin login limit's counts (site_config/login_throttle.py): who is locked out, and a way
to lift a lockout (delete the row, or the action)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from site_config.login_throttle import is_locked
from site_config.models import LoginAttempts


@admin.register(LoginAttempts)
class LoginAttemptsAdmin(admin.ModelAdmin):
    list_display = ("address", "username", "scope", "count", "locked", "last_attempt")
    list_filter = ("scope",)
    search_fields = ("address", "username")
    readonly_fields = ("scope", "address", "username", "count", "window_started", "last_attempt")
    actions = ("lift_lockouts",)

    @admin.display(boolean=True, description=_("locked out"))
    def locked(self, row):
        return is_locked(row)

    @admin.action(description=_("Lift the lockout of the selected rows"), permissions=["delete"])
    def lift_lockouts(self, request, queryset):
        lifted, _by_model = queryset.delete()
        self.message_user(
            request,
            ngettext("Lifted %(count)d lockout.", "Lifted %(count)d lockouts.", lifted)
            % {"count": lifted},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
