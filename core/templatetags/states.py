"""Templates ask a record which actions the user may take: `{% for a in s|allowed_actions:user %}`."""
from django import template

register = template.Library()


@register.filter
def allowed_actions(record, user):
    return record.allowed_actions(user)
