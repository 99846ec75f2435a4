"""The members screen (構成員名簿: bodies, departments, representatives) and the roles screen (役割分担).

Everyone who may read the plan may read both; the holders of manage_members (the lead secretariat)
edit them. Every object is fetched through the user's platform, so another platform's is a 404.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import locking
from core.access import may, requires_any
from core.audit import history_entries
from members import services
from members.forms import DepartmentForm, MemberBodyForm, RepresentativeForm, RoleForm, holder_formset
from members.models import FUNCTION_MEANINGS, MemberBody, Representative, Role

# The lists carry the council's names (役職・氏名) like the 名簿 of the meeting materials, so they are
# for those who read the meetings; municipal staff (view_plan only) do not.
READERS = ("manage_members", "view_meetings")
EDITORS = ("manage_members",)


@requires_any(*READERS)
def member_list(request):
    sections, ended = services.member_sections(request.platform)
    return render(request, "members/member_list.html", {
        "sections": sections, "ended": ended, "may_edit": may(request.user, "manage_members"),
    })


def _body(request, pk, **filters) -> MemberBody:
    return get_object_or_404(MemberBody.objects.filter(platform_id=request.platform_id, **filters).select_related("parent"), pk=pk)


def _save(request, form, template, context, *, done: str):
    """Save a versioned form; a stale page keeps its input and says why (status 409)."""
    if request.method == "POST" and form.is_valid():
        if not locking.saved(form):
            return render(request, template, {**context, "form": form}, status=409)
        messages.success(request, done.format(form.instance))
        return None
    return render(request, template, {**context, "form": form}, status=400 if request.method == "POST" else 200)


@requires_any(*EDITORS)
def body_new(request):
    form = MemberBodyForm(request.POST or None, platform=request.platform)
    page = _save(request, form, "members/body_form.html", {"body": None}, done="「{}」を登録しました。")
    return page or redirect("members:list")


@requires_any(*EDITORS)
def body_edit(request, pk):
    body = _body(request, pk)
    if body.parent_id:
        return redirect("members:department_edit", body.pk)
    form = MemberBodyForm(request.POST or None, instance=body, platform=request.platform)
    page = _save(request, form, "members/body_form.html", _with_history(body), done="「{}」を保存しました。")
    return page or redirect("members:list")


@requires_any(*EDITORS)
def department_new(request, pk):
    member = _body(request, pk, parent__isnull=True)
    form = DepartmentForm(request.POST or None, member=member)
    page = _save(request, form, "members/department_form.html", {"member": member, "body": None}, done="部局「{}」を登録しました。")
    return page or redirect("members:list")


@requires_any(*EDITORS)
def department_edit(request, pk):
    body = _body(request, pk, parent__isnull=False)
    form = DepartmentForm(request.POST or None, instance=body, member=body.parent)
    context = {"member": body.parent, **_with_history(body)}
    page = _save(request, form, "members/department_form.html", context, done="部局「{}」を保存しました。")
    return page or redirect("members:list")


@requires_any(*EDITORS)
def representative_new(request, pk):
    body = _body(request, pk)
    form = RepresentativeForm(request.POST or None, instance=Representative(member_body=body))
    page = _save(request, form, "members/representative_form.html", {"body": body, "person": None}, done="{}を登録しました。")
    return page or redirect("members:list")


def _representative(request, pk) -> Representative:
    people = Representative.objects.filter(member_body__platform_id=request.platform_id).select_related("member_body")
    return get_object_or_404(people, pk=pk)


@requires_any(*EDITORS)
def representative_edit(request, pk):
    person = _representative(request, pk)
    form = RepresentativeForm(request.POST or None, instance=person)
    context = {"body": person.member_body, "person": person, **_with_history(person)}
    page = _save(request, form, "members/representative_form.html", context, done="{}を保存しました。")
    return page or redirect("members:list")


@requires_any(*EDITORS)
@require_POST
def representative_delete(request, pk):
    person = _representative(request, pk)
    try:
        with transaction.atomic():
            locking.lock_unchanged(person, request.POST.get("version"))
            person.delete()
    except locking.StaleEdit as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{person.member_body}の{person.name}さんを代表者から外しました。")
    return redirect("members:list")


def _with_history(obj) -> dict:
    return {"body" if isinstance(obj, MemberBody) else "person": obj,
            "history": history_entries(obj.history.select_related("history_user")[:20])}


@requires_any(*READERS)
def role_list(request):
    return render(request, "members/role_list.html", {
        "roles": services.role_rows(request.platform), "functions": _functions(),
        "may_edit": may(request.user, "manage_members"),
    })


def _functions():
    return [(label, FUNCTION_MEANINGS[value]) for value, label in Role.Function.choices]


@requires_any(*EDITORS)
def role_new(request):
    return _role_form(request, Role(platform_id=request.platform_id))


@requires_any(*EDITORS)
def role_edit(request, pk):
    return _role_form(request, get_object_or_404(Role.objects.filter(platform_id=request.platform_id), pk=pk))


def _role_form(request, role):
    form = RoleForm(request.POST or None, instance=role, platform=request.platform)
    holders = holder_formset(role, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and holders.is_valid():
            try:
                services.save_role(form.save(commit=False), holders.holders(), form.cleaned_data.get("version"))
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 409 if isinstance(exc, locking.StaleEdit) else 400
            else:
                messages.success(request, f"役割「{role}」を保存しました。")
                return redirect("members:roles")
    context = {"form": form, "holders": holders, "role": role if role.pk else None, "functions": _functions()}
    if role.pk:
        context["history"] = history_entries(role.history.select_related("history_user")[:20])
    return render(request, "members/role_form.html", context, status=status)
