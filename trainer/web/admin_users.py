"""Admin pages about one person: edit their name, department, manager and start date, and move
all of a manager's reports to someone else. Only admins find these pages; anyone else gets 404."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..extensions import db
from ..models import User
from ..services import user_edit
from ..services import users as service
from ..services.users import UserError
from .admin import admin_or_404, show_problems
from .admin_forms import NO_MANAGER, EditUserForm, MoveReportsForm

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


def _choice(person: User, note: str = "") -> SelectChoice:
    return SelectChoice(person.email, f"{person.name} ({person.email}){note}")


def _edit_form(person: User) -> EditUserForm:
    """The form filled from the person (on GET) or from what was sent; the manager choices keep
    the current manager even if no longer eligible, and what was sent even if refused."""
    form = EditUserForm(name=person.name, start_date=person.start_date,
                        department=person.department.name if person.department else "",
                        manager_email=person.manager.email if person.manager else "")
    offered = user_edit.manager_choices(person)
    choices = [NO_MANAGER] + [_choice(m) for m in offered]
    emails = {m.email for m in offered}
    current = person.manager
    if current is not None and current.email not in emails:
        choices.append(_choice(current, " (current; no longer an active manager)"))
        emails.add(current.email)
    sent = (form.manager_email.data or "").strip().lower()
    if sent and sent not in emails and (other := service.find_user(sent)) is not None:
        choices.append(_choice(other))
    form.manager_email.choices = choices
    return form


def _move_form(person: User, reports: int) -> MoveReportsForm:
    form = MoveReportsForm(expected=str(reports))
    form.to_email.choices = [SelectChoice("", "Choose a manager")] + [
        _choice(m) for m in user_edit.manager_choices(person)]
    return form


def _page(person: User, form: EditUserForm, move_form: MoveReportsForm | None = None,
          status: int = 200):
    reports = user_edit.report_count(person)
    return render_template("admin/edit_user.html", person=person, form=form,
                           move_form=move_form or _move_form(person, reports), reports=reports,
                           departments=service.department_names()), status


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@admin_or_404
def edit_user(user_id: int):
    person = db.get_or_404(User, user_id)
    form = _edit_form(person)
    if form.validate_on_submit():
        edit = user_edit.Edit(form.name.data, form.department.data, form.manager_email.data,
                              form.start_date.data)
        try:
            changes = user_edit.edit_user(person, edit, actor=current_user._get_current_object(),
                                          ip=request.remote_addr)
        except UserError as exc:
            show_problems(form, exc)
        else:
            flash(f"Saved {person.name}: {', '.join(changes).replace('_', ' ')} changed."
                  if changes else "Nothing changed.", "success" if changes else "info")
            return redirect(url_for(".edit_user", user_id=person.id))
    return _page(person, form, status=422 if form.errors else 200)


@bp.post("/<int:user_id>/reports")
@admin_or_404
def move_reports(user_id: int):
    """Move every direct report of this person to the chosen manager, at once."""
    person = db.get_or_404(User, user_id)
    move_form = _move_form(person, user_edit.report_count(person))
    if move_form.validate_on_submit():
        expected = move_form.expected.data
        try:
            moved = user_edit.move_reports(
                person, move_form.to_email.data, int(expected) if expected.isdigit() else None,
                actor=current_user._get_current_object(), ip=request.remote_addr)
        except UserError as exc:
            show_problems(move_form, exc)
        else:
            target = service.find_user(move_form.to_email.data)
            flash(f"Moved {moved} {'person' if moved == 1 else 'people'} from {person.name} to "
                  f"{target.name}.", "success")
            return redirect(url_for(".edit_user", user_id=person.id, _anchor="reports"))
    return _page(person, _edit_form(person), move_form, status=422)
