"""Logo and cover uploads: judged by content, size and pixel count; a WebP rendition for the
site; a placeholder when there is no image."""

import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from PIL import Image

from catalog import images, models
from tests import factories as f
from tests.test_admin import admin_url, form_data, png_bytes
from tests.test_production_settings import ROOT


def png_claiming(width, height):
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def encoded(size, fmt, mode="RGB"):
    output = io.BytesIO()
    Image.new(mode, size, "teal").save(output, format=fmt)
    return output.getvalue()


def upload_logo(client, company, content, name="logo.png"):
    url = admin_url(models.Company, "change", company.pk)
    data = form_data(client.get(url))
    data.update(
        logo=SimpleUploadedFile(name, content),
        logo_alt_zh="東方鍋爐標誌",
        logo_alt_en="Dongfang Boiler logo",
        logo_credit="Dongfang Boiler, used with permission",
    )
    return client.post(url, data)


def upload_cover(client, case, content, name="cover.png"):
    url = admin_url(models.Case, "change", case.pk)
    data = form_data(client.get(url))
    data.update(
        cover=SimpleUploadedFile(name, content),
        cover_alt_zh="工廠車間",
        cover_alt_en="The factory floor",
        cover_credit="Photo: the company, CC BY 4.0",
    )
    return client.post(url, data)


def assert_refused(response, company, message):
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["logo"]
    assert any(message in error for error in errors), errors
    assert 'class="errornote"' in response.content.decode()
    company.refresh_from_db()
    assert not company.logo
    assert not company.logo_rendition


# --- Refusals through the admin form -------------------------------------------------------


@pytest.mark.django_db
def test_text_file_named_png_is_refused(admin_client):
    company = f.CompanyFactory()
    response = upload_logo(admin_client, company, b"Not an image at all.\n" * 20)
    assert_refused(response, company, "This file is not an image")


@pytest.mark.django_db
def test_png_claiming_fifty_thousand_pixels_square_is_refused_without_decoding(admin_client):
    company = f.CompanyFactory()
    content = png_claiming(50_000, 50_000)
    assert len(content) < 200
    response = upload_logo(admin_client, company, content)
    assert_refused(response, company, "at most 40 megapixels")


@pytest.mark.django_db
def test_image_just_over_forty_megapixels_is_refused(admin_client):
    company = f.CompanyFactory()
    response = upload_logo(admin_client, company, png_claiming(8000, 5001))
    assert_refused(response, company, "at most 40 megapixels")


@pytest.mark.django_db
def test_file_over_five_megabytes_is_refused(admin_client):
    company = f.CompanyFactory()
    content = png_bytes() + b"\x00" * (6 * 1024 * 1024)
    response = upload_logo(admin_client, company, content)
    assert_refused(response, company, "The file is 6.1 MB; the limit is 5 MB")


@pytest.mark.django_db
def test_gif_is_refused_by_name_of_its_format(admin_client):
    company = f.CompanyFactory()
    response = upload_logo(admin_client, company, encoded((10, 10), "GIF", "P"), name="logo.png")
    assert_refused(response, company, "GIF images are not accepted")


@pytest.mark.django_db
def test_damaged_image_is_refused(admin_client):
    company = f.CompanyFactory()
    content = encoded((400, 300), "PNG")
    response = upload_logo(admin_client, company, content[: len(content) // 2])
    assert_refused(response, company, "could not be read")


# --- Accepted uploads and their renditions ---------------------------------------------------


@pytest.mark.django_db
def test_valid_png_gets_a_webp_rendition(admin_client):
    company = f.CompanyFactory()
    response = upload_logo(admin_client, company, encoded((1200, 600), "PNG"))
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.logo.name == f"logos/{company.slug}/logo.png"
    assert company.logo_rendition.name.endswith(".webp")
    with Image.open(company.logo_rendition.path) as rendition:
        assert rendition.format == "WEBP"
        assert rendition.size == (480, 240)
    preview = admin_client.get(admin_url(models.Company, "change", company.pk)).content.decode()
    assert company.logo_rendition.url in preview


@pytest.mark.django_db
@pytest.mark.parametrize(("fmt", "mode"), [("JPEG", "RGB"), ("WEBP", "RGBA"), ("PNG", "P")])
def test_jpeg_webp_and_palette_png_are_accepted(admin_client, fmt, mode):
    case = f.CaseFactory()
    response = upload_cover(admin_client, case, encoded((2000, 1000), fmt, mode))
    assert response.status_code == 302
    case.refresh_from_db()
    with Image.open(case.cover_rendition.path) as rendition:
        assert rendition.format == "WEBP"
        assert max(rendition.size) <= max(images.COVER_SIZE)


@pytest.mark.django_db
def test_file_name_is_corrected_to_match_the_content(admin_client):
    company = f.CompanyFactory()
    response = upload_logo(admin_client, company, encoded((50, 50), "PNG"), name="logo.jpg")
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.logo.name.endswith("/logo.png")


@pytest.mark.django_db
def test_clearing_the_logo_clears_the_rendition_and_keeps_the_files(admin_client):
    company = f.CompanyFactory()
    upload_logo(admin_client, company, encoded((50, 50), "PNG"))
    company.refresh_from_db()
    rendition_path = company.logo_rendition.path
    url = admin_url(models.Company, "change", company.pk)
    data = form_data(admin_client.get(url))
    data["logo-clear"] = "on"
    assert admin_client.post(url, data).status_code == 302
    company.refresh_from_db()
    assert not company.logo
    assert not company.logo_rendition
    # Earlier versions in the history still point to the files.
    assert Image.open(rendition_path).format == "WEBP"


@pytest.mark.django_db
def test_editing_other_fields_keeps_the_image(admin_client):
    company = f.CompanyFactory()
    upload_logo(admin_client, company, encoded((50, 50), "PNG"))
    company.refresh_from_db()
    rendition = company.logo_rendition.name
    url = admin_url(models.Company, "change", company.pk)
    data = form_data(admin_client.get(url))
    data["name_en"] = "Renamed"
    assert admin_client.post(url, data).status_code == 302
    company.refresh_from_db()
    assert (company.name_en, company.logo_rendition.name) == ("Renamed", rendition)


# --- The checks on their own ------------------------------------------------------------------


def test_read_header_reports_format_and_size():
    header = images.read_header(io.BytesIO(encoded((30, 20), "JPEG")))
    assert (header.format, header.width, header.height, header.extension) == ("JPEG", 30, 20, "jpg")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7 not an image", "not_an_image"),
        (png_claiming(50_000, 50_000), "too_many_pixels"),
        (encoded((4, 4), "BMP"), "format_not_accepted"),
        (b"\x00" * (images.MAX_BYTES + 1), "file_too_large"),
    ],
    ids=["pdf", "bomb", "bmp", "too-long"],
)
def test_read_header_refusals(content, code):
    with pytest.raises(ValidationError) as excinfo:
        images.read_header(io.BytesIO(content))
    assert excinfo.value.code == code


def test_pillow_refuses_to_decode_more_than_the_limit():
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS


# --- The partial the public pages include ----------------------------------------------------


@pytest.mark.django_db
def test_partial_shows_the_rendition_with_alt_text_and_credit(admin_client):
    company = f.CompanyFactory()
    upload_logo(admin_client, company, encoded((50, 50), "PNG"))
    company.refresh_from_db()
    html = render_to_string(
        "partials/record_image.html",
        {
            "image": company.logo_rendition,
            "alt": company.logo_alt_en,
            "credit": company.logo_credit,
            "label": company.name_zh,
            "size": "logo",
        },
    )
    assert f'src="{company.logo_rendition.url}"' in html
    assert 'alt="Dongfang Boiler logo"' in html
    assert '<figcaption class="record-image__credit">' in html
    assert "used with permission" in html
    assert "record-image__placeholder" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["logo", "cover"])
def test_partial_without_an_image_shows_a_labelled_placeholder_not_a_broken_image(size):
    company = f.CompanyFactory(name_zh="智冉醫療")
    html = render_to_string(
        "partials/record_image.html",
        {
            "image": company.logo_rendition,
            "alt": "",
            "credit": "",
            "label": company.name_zh,
            "size": size,
        },
    )
    assert "<img" not in html
    assert f"record-image--{size}" in html
    assert 'role="img" aria-label="No image for 智冉醫療"' in html
    assert '<span aria-hidden="true">智</span>' in html


@pytest.mark.django_db
def test_partial_falls_back_to_the_original_until_a_rendition_exists():
    company = f.CompanyFactory(logo="logos/x/logo.png", logo_alt_zh="標誌", logo_alt_en="Logo")
    html = render_to_string(
        "partials/record_image.html",
        {"image": company.logo_rendition, "original": company.logo, "alt": "Logo", "label": "x"},
    )
    assert 'src="/media/logos/x/logo.png"' in html


# --- Alt text in the language of the page ------------------------------------------------------


@pytest.mark.django_db
def test_logo_and_cover_alt_text_follow_the_active_language():
    from django.utils import translation

    company = f.CompanyFactory.build(logo_alt_zh="百度標誌", logo_alt_en="Baidu logo")
    case = f.CaseFactory.build(cover_alt_zh="封面", cover_alt_en="Cover")
    assert (company.logo_alt, case.cover_alt) == ("Baidu logo", "Cover")
    with translation.override("zh-hans"):
        assert (company.logo_alt, case.cover_alt) == ("百度標誌", "封面")
        # One language missing: the other is better than no alt text at all.
        company.logo_alt_zh = ""
        assert company.logo_alt == "Baidu logo"


@pytest.mark.django_db
def test_detail_pages_show_the_alt_text_of_the_page_language(admin_client, client):
    company = f.CompanyFactory(published=True)
    upload_logo(admin_client, company, encoded((50, 50), "PNG"))
    case = f.CaseFactory(published=True)
    upload_cover(admin_client, case, encoded((80, 40), "PNG"))
    # Addresses first: a request under /zh-hans/ leaves that language active in this thread.
    company_url, case_url = company.get_absolute_url(), case.get_absolute_url()

    english = client.get(company_url).content.decode()
    chinese = client.get("/zh-hans" + company_url).content.decode()
    assert 'alt="Dongfang Boiler logo"' in english
    assert 'alt="東方鍋爐標誌"' in chinese

    english = client.get(case_url).content.decode()
    chinese = client.get("/zh-hans" + case_url).content.decode()
    assert 'alt="The factory floor"' in english
    assert 'alt="工廠車間"' in chinese


# --- What is stored: the image re-encoded, never the uploaded bytes ---------------------------

PAYLOAD = b"<html><script>alert(document.cookie)</script></html>"


def jpeg_with_comment_and_exif(comment, orientation=6):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "Secret camera maker"  # Make
    output = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(
        output, format="JPEG", comment=comment, exif=exif.tobytes()
    )
    return output.getvalue()


@pytest.mark.django_db
def test_a_png_with_html_appended_is_stored_without_it(admin_client):
    company = f.CompanyFactory()
    response = upload_logo(admin_client, company, encoded((64, 32), "PNG") + PAYLOAD, "poly.html")
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.logo.name.endswith("/poly.png")
    stored = company.logo.read()
    assert b"<script" not in stored
    assert stored.endswith(b"IEND\xaeB`\x82")
    with Image.open(company.logo.path) as image:
        assert (image.format, image.size) == ("PNG", (64, 32))


@pytest.mark.django_db
def test_a_jpeg_keeps_its_pixels_and_orientation_but_no_comment_or_other_exif(admin_client):
    company = f.CompanyFactory()
    content = jpeg_with_comment_and_exif(PAYLOAD)
    assert PAYLOAD in content
    response = upload_logo(admin_client, company, content, "photo.jpg")
    assert response.status_code == 302
    company.refresh_from_db()
    stored = company.logo.read()
    assert b"<script" not in stored
    assert b"Secret camera maker" not in stored
    with Image.open(company.logo.path) as image:
        assert image.format == "JPEG"
        assert image.size == (40, 20)
        assert "comment" not in image.info
        assert dict(image.getexif()) == {0x0112: 6}
    with Image.open(company.logo_rendition.path) as rendition:
        assert rendition.size == (20, 40)  # turned as the orientation says


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "P"), ("PNG", "LA"), ("WEBP", "RGBA")])
def test_reencoding_keeps_format_size_and_transparency(fmt, mode):
    output = io.BytesIO()
    image = Image.new(mode, (30, 10))
    save_options = {"transparency": 0} if mode == "P" else {}
    image.save(output, format=fmt, **save_options)
    upload = SimpleUploadedFile(f"x.{fmt.lower()}", output.getvalue() + PAYLOAD)
    stored = images.ImageUploadField().to_python(upload)
    content = stored.read()
    assert PAYLOAD not in content
    with Image.open(io.BytesIO(content)) as again:
        assert (again.format, again.size, again.mode) == (fmt, (30, 10), mode)
        assert ("transparency" in again.info) == (mode == "P")


MEMORY = """
import io, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from catalog import images

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

output = io.BytesIO()
Image.new(sys.argv[1], (7720, 5142), "white").save(output, format="PNG")  # 39.7 megapixels
content = output.getvalue()
del output
open("/proc/self/clear_refs", "w").write("5")  # the peak starts again from here
before = status("VmRSS")
stored = images.ImageUploadField().to_python(SimpleUploadedFile("big.png", content))
images.make_rendition(stored, images.COVER_SIZE)
print(len(content), (status("VmHWM") - before) // 2**20)
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux's /proc needed")
@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_a_forty_megapixel_upload_takes_at_most_200_megabytes(mode):
    result = subprocess.run(
        [sys.executable, "-c", MEMORY, mode],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "site_config.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    file_bytes, peak_megabytes = map(int, result.stdout.split())
    assert file_bytes < 200_000  # a small file: the memory is the decoding's
    assert peak_megabytes <= 200, f"{mode}: {peak_megabytes} MB"
