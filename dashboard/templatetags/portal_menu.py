"""The menus of base.html, from the one declaration in dashboard/menu.py."""
from django import template

from dashboard import menu

register = template.Library()


def _current_view(context) -> str:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


@register.simple_tag(takes_context=True)
def main_menu(context):
    """`{% main_menu as links %}`: the main menu's links for the signed-in user and the year worked on."""
    plan = context.get("nav_plan")
    return menu.links(
        menu.MAIN_MENU, context["user"], fiscal_year=plan.fiscal_year if plan else None, current_view=_current_view(context)
    )


@register.simple_tag(takes_context=True)
def user_menu(context):
    return menu.links(menu.USER_MENU, context["user"], current_view=_current_view(context))
