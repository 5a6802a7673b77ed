"""Admin pages: the user list, creating and importing users (with the import's progress page),
role, status and password changes. Editing a user and moving reports: web/admin_users.py."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from ..csv_out import write_csv
from ..extensions import db
from ..models import ROLES, User, UserImport
from ..services import import_jobs, password_sheets
from ..services import users as service
from ..services.user_csv import ImportRejected
from ..services.user_edit import report_count, report_counts
from ..services.users import UserError
from .acting import actor, sentence
from .admin_forms import NO_MANAGER, ImportForm, PasswordForm, RoleForm, UserForm
from .converters import MAX_ID
from .forms import EmptyForm
from .guards import role_required
from .paging import page_number

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")
# In the admin's (signed) session: import id -> the key to that import's one-time passwords,
# whose masked other half is in the database (services/password_sheets.py).
SHEET_KEYS = "import_password_keys"


def show_problems(form: FlaskForm, exc: UserError) -> None:
    """Each problem beside its field; one about no field in particular as a message."""
    for field, message in exc.problems.items():
        if field in form:
            form[field].errors = [*form[field].errors, sentence(message)]
        else:
            flash(sentence(message), "error")


@bp.get("/")
@role_required("admin")
def index():
    return redirect(url_for(".users"))


@bp.get("/users")
@role_required("admin")
def users():
    """A page of users (``?page=``), found by name or email (``?q=``), by ``?role=``, by
    ``?status=`` (active or deactivated) and by ``?manager=`` (an id: who reports to them); the
    page links keep the search and the filters. Each row says how many report to that person."""
    filters = {arg: request.args.get(arg, "").strip() for arg in ("q", "role", "status",
                                                                  "manager")}
    manager = _user_by_id(filters["manager"])
    page = service.users_page(page_number(), filters["q"], filters["role"], filters["status"],
                              manager=manager)
    return render_template("admin/users.html", page=page, roles=ROLES, statuses=service.STATUSES,
                           filters=filters, kept={arg: v for arg, v in filters.items() if v},
                           manager=manager, action_form=EmptyForm(),
                           report_counts=report_counts([user.id for user in page]))


def _user_by_id(raw: str) -> User | None:
    """The user an id in a query string names; nothing for anything else (too big an id would
    overflow the query on PostgreSQL, as web/converters.py says)."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_ID)) or int(raw) > MAX_ID:
        return None
    return db.session.get(User, int(raw))


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
                start_date=form.start_date.data, actor=actor(), ip=request.remote_addr)
        except UserError as exc:
            show_problems(form, exc)
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
        upload, source = form.file.data, form.file.data.filename or ""
        try:
            if form.generate_passwords.data:
                job, key = import_jobs.start_import_generating_passwords(
                    upload.stream, actor(), source=source, ip=request.remote_addr)
                if key:
                    session[SHEET_KEYS] = {**session.get(SHEET_KEYS, {}), str(job.id): key}
            else:
                job = import_jobs.start_import(upload.stream, actor(), source=source,
                                               ip=request.remote_addr)
        except ImportRejected as exc:
            problems = exc.problems
        else:
            return redirect(url_for(".user_import", import_id=job.id))
    return render_template("admin/import.html", form=form, problems=problems,
                           imports=import_jobs.recent_imports()), (422 if problems else 200)


@bp.get("/imports/<int:import_id>")
@role_required("admin")
def user_import(import_id: int):
    job = import_jobs.refresh(db.get_or_404(UserImport, import_id))
    return render_template("admin/import_progress.html", job=job, sheet=_sheet_state(job),
                           action_form=EmptyForm())


@bp.get("/imports/<int:import_id>/status")
@role_required("admin")
def user_import_status(import_id: int):
    """The progress partial alone: htmx polls it until the import has finished."""
    job = import_jobs.refresh(db.get_or_404(UserImport, import_id))
    return render_template("admin/_import_progress.html", job=job, sheet=_sheet_state(job),
                           action_form=EmptyForm())


def _sheet_state(job: UserImport) -> str:
    """The import's one-time passwords as this admin may see them: "ready" to download, "later"
    (once the import has finished), "lost" (generated in a session of theirs that has ended),
    or "" (none for them)."""
    if not password_sheets.is_waiting(job, actor()):
        return ""
    if str(job.id) not in session.get(SHEET_KEYS, {}):
        return "lost"
    return "ready" if job.is_finished else "later"


@bp.post("/imports/<int:import_id>/passwords")
@role_required("admin")
def import_passwords(import_id: int):
    """The one download of the import's one-time passwords (email,password), for the admin who
    ran it; then the server's half is deleted and the session's half forgotten."""
    job = import_jobs.refresh(db.get_or_404(UserImport, import_id))
    if not EmptyForm().validate_on_submit():
        abort(400)
    keys = session.get(SHEET_KEYS, {})
    try:
        rows = password_sheets.take(job, actor(), keys.get(str(job.id)),
                                    ip=request.remote_addr)
    except password_sheets.SheetGone as exc:
        flash(str(exc), "error")
        return redirect(url_for(".user_import", import_id=job.id))
    session[SHEET_KEYS] = {k: v for k, v in keys.items() if k != str(job.id)}
    response = Response(write_csv(rows, password_sheets.CSV_COLUMNS), mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f"attachment; filename=import-{job.id}-passwords.csv"
    response.headers["Cache-Control"] = "no-store"
    return response


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
        service.set_active(user, active, actor=actor(), ip=request.remote_addr)
    except UserError as exc:
        flash(sentence(str(exc)), "error")
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
        service.change_role(user, form.role.data, actor=actor(), ip=request.remote_addr)
    except UserError as exc:
        flash(sentence(str(exc)), "error")
    else:
        reports = report_count(user) if not user.is_manager else 0
        if reports:  # demoted with a team: their page offers to move it to someone else
            flash(f"{user.name} is now {user.role}, and {reports} "
                  f"{'person still reports' if reports == 1 else 'people still report'} to "
                  "them: move them to another manager below.", "info")
            return redirect(url_for("admin_users.edit_user", user_id=user.id,
                                    _anchor="reports"))
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
            service.set_password(user, form.password.data, actor=actor(), ip=request.remote_addr)
        except UserError as exc:
            show_problems(form, exc)
        else:
            flash(f"New password set for {user.name}.", "success")
            return redirect(url_for(".users"))
    return render_template("admin/password.html", form=form, user=user)
