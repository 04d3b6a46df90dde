"""Addresses of the open data and discovery files (catalog/views/open_data.py).

``urlpatterns`` (namespace ``open_data``) are the same in every language: the bulk download's
files, the sitemap, robots.txt and the favicon. ``localized_urlpatterns`` (namespace ``cite``)
take the language prefix, like the pages: "Cite this" downloads, whose addresses point at the
page in that language, the OpenSearch description and the app manifest.
"""

from django.urls import path, re_path

from .views import open_data

app_name = "open_data"

urlpatterns = [
    path("data/<str:name>", open_data.data_file, name="data_file"),
    path("sitemap.xml", open_data.sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", open_data.sitemap_section, name="sitemap_section"),
    path("robots.txt", open_data.robots_txt, name="robots"),
    path("favicon.ico", open_data.favicon, name="favicon"),
]

localized_urlpatterns = [
    re_path(
        r"^cite/(?P<kind>[a-z]+)/(?P<slug>[-\w]+)\.(?P<fmt>bib|ris|csl\.json)$",
        open_data.cite,
        name="cite",
    ),
    path("opensearch.xml", open_data.opensearch, name="opensearch"),
    path("manifest.webmanifest", open_data.manifest, name="manifest"),
]
