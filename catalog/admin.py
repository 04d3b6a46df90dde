from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Case,
    CaseCompany,
    Citation,
    Company,
    FundingRound,
    Investment,
    Metric,
    Person,
    Policy,
    Quote,
    Region,
    Sector,
    Source,
)

for model in (
    Case,
    CaseCompany,
    Citation,
    Company,
    FundingRound,
    Investment,
    Metric,
    Person,
    Policy,
    Quote,
    Region,
    Sector,
    Source,
):
    admin.site.register(model, SimpleHistoryAdmin)
