from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as StaticFilesAppConfig


class SiteConfig(AppConfig):
    name = "site_config"
    verbose_name = "Site"
    default_auto_field = "django.db.models.BigAutoField"


class StaticFilesConfig(StaticFilesAppConfig):
    """collectstatic without what no page serves: drf-spectacular-sidecar ships ReDoc as well as
    Swagger UI, and the API's documentation page is Swagger UI (catalog/api/urls.py). ReDoc's
    bundle and its source map are 5 MB of the 9 MB the sidecar would collect, each compressed
    twice (gzip and Brotli) by every collectstatic."""

    ignore_patterns = [*StaticFilesAppConfig.ignore_patterns, "drf_spectacular_sidecar/redoc/*"]
