"""collectstatic collects what pages serve: Swagger UI for the API's documentation page, not
the ReDoc bundle drf-spectacular-sidecar also ships (5 MB no page uses, compressed twice)."""

from django.apps import apps
from django.contrib.staticfiles.finders import get_finders


def collected():
    patterns = apps.get_app_config("staticfiles").ignore_patterns
    return {path for finder in get_finders() for path, _storage in finder.list(patterns)}


def test_collectstatic_leaves_out_redoc_and_keeps_swagger_ui():
    paths = collected()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in paths
    assert not [path for path in paths if path.startswith("drf_spectacular_sidecar/redoc/")]
    assert "css/site.css" in paths


def test_the_api_documentation_page_names_only_collected_files(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "redoc" not in html.lower()
