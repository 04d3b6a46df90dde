"""The site's own records (not the catalogue's): the admin login limit's counts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginAttempts(models.Model):
    """Admin login attempts from one address (and, for the user scope, with one username) in the
    current window, counted atomically in the database (site_config/login_throttle.py)."""

    class Scope(models.TextChoices):
        USER = "user", _("address and username")
        ADDRESS = "address", _("address")

    scope = models.CharField(_("counted per"), max_length=10, choices=Scope.choices)
    address = models.CharField(_("client address"), max_length=64)
    username = models.CharField(_("username"), max_length=150, blank=True)
    count = models.PositiveIntegerField(_("attempts"), default=0)
    window_started = models.DateTimeField(_("window started"))
    last_attempt = models.DateTimeField(_("last attempt"), db_index=True)

    class Meta:
        verbose_name = _("login attempts")
        verbose_name_plural = _("login attempts")
        ordering = ["-last_attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "address", "username"], name="login_attempts_one_row_per_key"
            ),
        ]

    def __str__(self):
        who = f"{self.username} from {self.address}" if self.username else self.address
        return f"{who}: {self.count}"
