from django.contrib import admin

from meetings.models import AgendaItem, Attendee, Meeting


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["measures", "proposals", "presenter_body"]


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0
    raw_id_fields = ["member_body"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "held_on", "status"]
    list_filter = ["plan__platform", "status"]
    inlines = [AgendaItemInline, AttendeeInline]
    list_select_related = ["plan"]
