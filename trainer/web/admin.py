"""Admin pages: the user list, creating and importing users (with the import's progress page),
role, status and password changes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from ..extensions import db
from ..models import ROLES, User, UserImport
from ..services import import_jobs
from ..services import users as service
from ..services.user_csv import ImportRejected
from ..services.users import UserError
from .admin_forms import NO_MANAGER, ImportForm, PasswordForm, RoleForm, UserForm
from .forms import EmptyForm
from .guards import role_required
from .paging import page_number

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")


def _actor() -> User:
    return current_user._get_current_object()


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "!", "?", ")")) else message + "."


def _show_problems(form: FlaskForm, exc: UserError) -> None:
    """Each problem beside its field; one about no field in particular as a message."""
    for field, message in exc.problems.items():
        if field in form:
            form[field].errors = [*form[field].errors, _sentence(message)]
        else:
            flash(_sentence(message), "error")


@bp.get("/")
@role_required("admin")
def index():
    return redirect(url_for(".users"))


@bp.get("/users")
@role_required("admin")
def users():
    """A page of users (``?page=``), found by name or email (``?q=``), by ``?role=`` and by
    ``?status=`` (active or deactivated); the page links keep the search and the filters."""
    filters = {arg: request.args.get(arg, "").strip() for arg in ("q", "role", "status")}
    page = service.users_page(page_number(), filters["q"], filters["role"], filters["status"])
    return render_template("admin/users.html", page=page, roles=ROLES, statuses=service.STATUSES,
                           filters=filters, kept={arg: v for arg, v in filters.items() if v},
                           action_form=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    form = UserForm()
    form.manager_email.choices = [NO_MANAGER] + [
        SelectChoice(m.email, f"{m.name} ({m.email})") for m in service.possible_managers()]
    if form.validate_on_submit():
        try:
            user = service.create_user(
                form.email.data, form.name.data, form.role.data, form.department.data,
                manager_email=form.manager_email.data, password=form.password.data or None,
                start_date=form.start_date.data, actor=_actor(), ip=request.remote_addr)
        except UserError as exc:
            _show_problems(form, exc)
        else:
            note = "" if user.password_hash else " They cannot log in until a password is set."
            flash(f"Created {user.name} ({user.email}).{note}", "success")
            return redirect(url_for(".users"))
    return render_template("admin/new_user.html", form=form,
                           departments=service.department_names())


@bp.route("/users/import", methods=["GET", "POST"])
@role_required("admin")
def import_users():
    """Check the whole file now; import it in a job, whose progress page comes next."""
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            job = import_jobs.start_import(upload.stream, _actor(), source=upload.filename or "",
                                           ip=request.remote_addr)
        except ImportRejected as exc:
            problems = exc.problems
        else:
            return redirect(url_for(".user_import", import_id=job.id))
    return render_template("admin/import.html", form=form, problems=problems,
                           imports=import_jobs.recent_imports()), (422 if problems else 200)


def _admin_or_404(view: Callable) -> Callable:
    """An import's page exists only for admins: anyone else finds nothing there."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/imports/<int:import_id>")
@_admin_or_404
def user_import(import_id: int):
    job = import_jobs.refresh(db.get_or_404(UserImport, import_id))
    return render_template("admin/import_progress.html", job=job)


@bp.get("/imports/<int:import_id>/status")
@_admin_or_404
def user_import_status(import_id: int):
    """The progress partial alone: htmx polls it until the import has finished."""
    job = import_jobs.refresh(db.get_or_404(UserImport, import_id))
    return render_template("admin/_import_progress.html", job=job)


@bp.post("/users/<int:user_id>/deactivate")
@role_required("admin")
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@role_required("admin")
def reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.set_active(user, active, actor=_actor(), ip=request.remote_addr)
    except UserError as exc:
        flash(_sentence(str(exc)), "error")
    else:
        flash(f"{user.name} is {'active again' if active else 'deactivated'}.", "success")
    return _back_to_list()


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.change_role(user, form.role.data, actor=_actor(), ip=request.remote_addr)
    except UserError as exc:
        flash(_sentence(str(exc)), "error")
    else:
        flash(f"{user.name} is now {user.role}.", "success")
    return _back_to_list()


def _back_to_list():
    """Back to the page of the users list the action was taken on (its page, search and
    filters travel in ``?next=``); anywhere else, or nothing, is the list's first page."""
    back, users_list = request.args.get("next", ""), url_for(".users")
    return redirect(back if back.startswith(users_list + "?") else users_list)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required("admin")
def set_password(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:  # one's own: the current password is required, on this page
        return redirect(url_for("auth.change_password"))
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            service.set_password(user, form.password.data, actor=_actor(), ip=request.remote_addr)
        except UserError as exc:
            _show_problems(form, exc)
        else:
            flash(f"New password set for {user.name}.", "success")
            return redirect(url_for(".users"))
    return render_template("admin/password.html", form=form, user=user)
