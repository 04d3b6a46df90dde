from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from catalog import open_data_urls
from site_config.media import media_urlpatterns

# /healthz is answered by site_config.health.HealthCheckMiddleware, before any URL is resolved.
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("catalog.api.urls")),
    path("", include(open_data_urls)),
    *media_urlpatterns(),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("catalog.urls")),
    path("", include((open_data_urls.localized_urlpatterns, "cite"))),
    prefix_default_language=False,
)

# The server-error page falls back to plain HTML if even 500.html cannot be rendered.
handler500 = "site_config.errors.server_error"
