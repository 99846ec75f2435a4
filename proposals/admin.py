from django.contrib import admin

from core.admin_forms import PlatformColumnAdmin
from proposals.models import PolicyProposal


@admin.register(PolicyProposal)
class PolicyProposalAdmin(PlatformColumnAdmin, admin.ModelAdmin):
    list_display = ["title", "member_body", "status", "for_agenda", "submitted_at", "platform"]
    list_filter = ["platform", "status", "for_agenda"]
    search_fields = ["title", "content"]
    list_select_related = ["member_body", "platform__prefecture"]
    raw_id_fields = ["related_measure", "submitted_by", "responded_by"]
