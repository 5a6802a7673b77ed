"""Admin pages about one person: edit their name, department, manager and start date, move all
of a manager's reports to someone else, and email an invitation to set a password; and an import
whose new users are invited by email. Only admins find these pages; anyone else gets 404."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from ..extensions import db
from ..models import User
from ..services import import_jobs, password_reset, user_edit
from ..services import users as service
from ..services.user_csv import ImportRejected
from ..services.users import UserError
from .acting import actor
from .admin import show_problems
from .admin_forms import NO_MANAGER, EditUserForm, ImportForm, MoveReportsForm
from .forms import EmptyForm
from .guards import role_required

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
                           departments=service.department_names(),
                           invitation=password_reset.last_invitation(person)), status


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    person = db.get_or_404(User, user_id)
    form = _edit_form(person)
    if form.validate_on_submit():
        edit = user_edit.Edit(form.name.data, form.department.data, form.manager_email.data,
                              form.start_date.data)
        try:
            changes = user_edit.edit_user(person, edit, actor=actor(),
                                          ip=request.remote_addr)
        except UserError as exc:
            show_problems(form, exc)
        else:
            flash(f"Saved {person.name}: {', '.join(changes).replace('_', ' ')} changed."
                  if changes else "Nothing changed.", "success" if changes else "info")
            return redirect(url_for(".edit_user", user_id=person.id))
    return _page(person, form, status=422 if form.errors else 200)


@bp.post("/<int:user_id>/reports")
@role_required("admin")
def move_reports(user_id: int):
    """Move every direct report of this person to the chosen manager, at once."""
    person = db.get_or_404(User, user_id)
    move_form = _move_form(person, user_edit.report_count(person))
    if move_form.validate_on_submit():
        expected = move_form.expected.data
        try:
            moved = user_edit.move_reports(
                person, move_form.to_email.data, int(expected) if expected.isdigit() else None,
                actor=actor(), ip=request.remote_addr)
        except UserError as exc:
            show_problems(move_form, exc)
        else:
            target = service.find_user(move_form.to_email.data)
            flash(f"Moved {moved} {'person' if moved == 1 else 'people'} from {person.name} to "
                  f"{target.name}.", "success")
            return redirect(url_for(".edit_user", user_id=person.id, _anchor="reports"))
    return _page(person, _edit_form(person), move_form, status=422)


@bp.post("/<int:user_id>/invite")
@role_required("admin")
def invite(user_id: int):
    """Email this person a link to choose their password (they have none yet)."""
    person = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        sent = password_reset.invite(person, actor(),
                                     ip=request.remote_addr)
    except password_reset.InviteRefused as exc:
        flash(f"No invitation sent: {exc}", "error")
    else:
        flash(f"Invitation sent to {person.email}." if sent else
              f"The mail server did not take the invitation to {person.email}; try again "
              "later (the server log says why).", "success" if sent else "error")
    return redirect(url_for(".edit_user", user_id=person.id, _anchor="invite"))


@bp.post("/import/invite")
@role_required("admin")
def import_and_invite():
    """The import page's other button: import the file, and email each new user without a
    password an invitation to choose one (instead of generating passwords)."""
    form = ImportForm()
    if not password_reset.is_available():
        flash("Email is not set up, so no invitation can be sent.", "error")
        return redirect(url_for("admin.import_users"))
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            job = import_jobs.start_import(upload.stream, actor(),
                                           source=upload.filename or "",
                                           ip=request.remote_addr, invite=True)
        except ImportRejected as exc:
            problems = exc.problems
        else:
            return redirect(url_for("admin.user_import", import_id=job.id))
    return render_template("admin/import.html", form=form, problems=problems,
                           imports=import_jobs.recent_imports()), 422


@bp.app_template_global()
def import_invitations(import_id: int) -> password_reset.InviteCount:
    """For the import progress page: the invitations its users were sent."""
    return password_reset.import_invitations(import_id)
