from django.urls import path, re_path

from . import views
from .views import (
    about,
    compare,
    exports,
    lists,
    open_data,
    province_map,
    reports,
    themes,
    timeline,
)

EXPORT_FORMAT = r"\.(?P<fmt>csv|json|atom)$"

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    re_path(r"^search" + EXPORT_FORMAT, exports.search_export, name="search_export"),
    *(
        re_path(
            rf"^{kind}" + EXPORT_FORMAT,
            exports.list_export,
            {"kind": kind},
            name=f"{kind}_export",
        )
        for kind in exports.LISTS
    ),
    path("companies/", lists.CompanyListView.as_view(), name="company_list"),
    path("cases/", lists.CaseListView.as_view(), name="case_list"),
    path("sectors/", lists.sector_list, name="sector_list"),
    path("regions/", lists.region_list, name="region_list"),
    path("policies/", lists.PolicyListView.as_view(), name="policy_list"),
    path("people/", lists.PersonListView.as_view(), name="person_list"),
    path("themes/", themes.theme_list, name="theme_list"),
    path("compare/", compare.compare, name="compare"),
    path("timeline/", timeline.timeline_page, name="timeline"),
    path("map/", province_map.map_page, name="map"),
    path("data/", open_data.data_page, name="data"),
    path("about/", about.about, name="about"),
    path("report/", reports.report_form, name="report"),
    path("report/thanks/", reports.report_thanks, name="report_thanks"),
    path("companies/<slug:slug>/", views.company_detail, name="company_detail"),
    path("cases/<slug:slug>/", views.case_detail, name="case_detail"),
    path("sectors/<slug:slug>/", views.sector_detail, name="sector_detail"),
    path("regions/<slug:slug>/", views.region_detail, name="region_detail"),
    path("policies/<slug:slug>/", views.policy_detail, name="policy_detail"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("themes/<slug:slug>/", themes.theme_detail, name="theme_detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path(
        "sources/<slug:slug>/passages/<str:ref>/",
        views.citation_redirect,
        name="citation_redirect",
    ),
]
