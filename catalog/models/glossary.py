from django.db import models
from django.utils.translation import gettext_lazy as _

from .common import CatalogueHistory, Timestamped


class GlossaryManager(models.Manager):
    natural_key_fields = ("source",)

    def get_by_natural_key(self, source):
        return self.get(source=source)


class GlossaryEntry(Timestamped):
    """A correction to the phrase conversion that shows the stored Chinese text in mainland
    wording (catalog/chinese.py): where ``source`` occurs in a stored text, the simplified page
    shows ``simplified`` and the traditional page ``traditional``.

    The stored text is traditional characters with Taiwan vocabulary, machine-converted from a
    mainland original; OpenCC's phrase conversion brings most of it back, and these entries mend
    what it gets wrong (腦機介面 is 脑机接口, not 脑机界面) or keep what it should not change
    (勞動資料 is a genuine 劳动资料). An entry whose source is a whole text overrides that text's
    rendering. Search reads the same entries, so both wordings find the same rows.
    """

    source = models.CharField(
        _("stored wording"),
        max_length=500,
        unique=True,
        help_text=_("As it occurs in the stored text (traditional characters)."),
    )
    simplified = models.CharField(
        _("simplified rendering"),
        max_length=500,
        help_text=_("Mainland simplified Chinese, as the simplified pages show it."),
    )
    traditional = models.CharField(
        _("traditional rendering"),
        max_length=500,
        blank=True,
        help_text=_(
            "Traditional characters with mainland vocabulary, as the traditional pages show it. "
            "Empty: the simplified rendering in traditional characters."
        ),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Why the entry is needed."))

    history = CatalogueHistory()
    objects = GlossaryManager()

    class Meta:
        ordering = ["source"]
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="") & ~models.Q(simplified=""),
                name="glossary_entry_not_empty",
                violation_error_message=_("An entry needs its stored wording and its rendering."),
            ),
        ]

    def __str__(self):
        return f"{self.source} → {self.simplified}"

    def natural_key(self):
        return (self.source,)
