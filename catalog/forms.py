"""Admin forms: image uploads with renditions, references made for the editor, other names.

The admin gives each form its model and fields. The models' own ``clean()`` methods and
constraints hold every rule; these forms add what only a form can do (read an upload, fill in a
reference the editor left empty, list names one a line) and the rules that concern editors
rather than data (an image needs a credit line).
"""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import images

REF_HELP = _("Leave empty to have one made from the record's English text.")


class GeneratedRefMixin:
    """Makes the ``ref`` field optional: an empty one becomes ``<model>-<words>-<random>``."""

    ref_source_field = None  # a field whose English text makes the reference readable

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "ref" in self.fields:
            self.fields["ref"].required = False
            self.fields["ref"].help_text = REF_HELP

    def clean_ref(self):
        ref = self.cleaned_data.get("ref")
        if ref:
            return ref
        if self.instance.pk and self.instance.ref:
            return self.instance.ref
        return self.generate_ref()

    def generate_ref(self):
        model = self._meta.model
        words = ""
        if self.ref_source_field:
            words = slugify(self.data.get(self.add_prefix(self.ref_source_field), ""))[:50]
        stem = "-".join(part for part in (model._meta.model_name, words) if part)
        while True:
            ref = f"{stem}-{secrets.token_hex(3)}"
            if not model._default_manager.filter(ref=ref).exists():
                return ref


class RefForm(GeneratedRefMixin, forms.ModelForm):
    """A model form for rows with a ``ref``."""


class MetricForm(RefForm):
    ref_source_field = "label_en"


class CitationForm(RefForm):
    ref_source_field = "quote_en"


class FundingRoundForm(RefForm):
    ref_source_field = "stage"


class QuoteForm(RefForm):
    ref_source_field = "text_en"


class ImageRenditionMixin:
    """Keeps a WebP rendition beside each uploaded image and asks for a credit line.

    ``image_fields`` maps an image field to (rendition field, credit field, box).
    """

    image_fields: dict = {}

    def clean(self):
        cleaned = super().clean()
        self._renditions = {}
        for name, (rendition, credit, box) in self.image_fields.items():
            upload = cleaned.get(name)
            has_image = (
                bool(upload) if name in self.changed_data else bool(self.instance_file(name))
            )
            if has_image and not (cleaned.get(credit) or "").strip() and credit in self.fields:
                self.add_error(
                    credit, _("Say who made the image and under which licence it may be used.")
                )
            if name in self.changed_data and hasattr(upload, "image_header"):
                try:
                    self._renditions[rendition] = (images.make_rendition(upload, box), upload.name)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def instance_file(self, name):
        return getattr(self.instance, name, None) if self.instance.pk else None

    def _save_renditions(self):
        for name, (rendition, _credit, _box) in self.image_fields.items():
            if name not in self.changed_data:
                continue
            if rendition in self._renditions:
                content, original = self._renditions[rendition]
                # Old files stay in storage: earlier versions in the history still point to them.
                getattr(self.instance, rendition).save(
                    images.rendition_name(original), content, save=False
                )
            elif not self.cleaned_data.get(name):
                setattr(self.instance, rendition, "")

    def save(self, commit=True):
        self._save_renditions()
        return super().save(commit=commit)


class LinesField(forms.CharField):
    """A list of strings edited as text, one a line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class CompanyForm(ImageRenditionMixin, forms.ModelForm):
    image_fields = {"logo": ("logo_rendition", "logo_credit", images.LOGO_SIZE)}

    aliases = LinesField(
        label=_("other names"),
        required=False,
        help_text=_("Other names and spellings, one a line."),
    )

    class Meta:  # the admin supplies the model and the fields
        field_classes = {"logo": images.ImageUploadField}


class CaseForm(ImageRenditionMixin, forms.ModelForm):
    image_fields = {"cover": ("cover_rendition", "cover_credit", images.COVER_SIZE)}

    class Meta:  # the admin supplies the model and the fields
        field_classes = {"cover": images.ImageUploadField}
