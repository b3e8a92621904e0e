"""Import of grantees and their awards from a CSV or XLSX file: one row per award, keyed on the
grantee's code, so importing the same file again updates and never duplicates.

Three steps: import_parse reads the file into rows of text, import_validate checks every row and
says what would be created or updated (or lists every error with its row and column), and
import_commit checks again and writes everything in one transaction or nothing at all. Writes are
bulk operations in batches of BATCH rows, so the number of queries grows with the batches and never
with the rows.

Between the preview and the commit the file waits in a private folder, encrypted under
GRANTS_ENCRYPTION_KEYS (it holds names and contacts) and named by a signed token bound to the user;
it is deleted after the commit. Nothing of a row's content reaches a log or an audit entry: errors
name the row, the column and the grantee's pseudonymous code at most."""

import csv
import io
import re
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from wagtail.log_actions import log

from outreach.core.encryption import keyring_for
from outreach.core.exceptions import ApplicationError

from .models import Award, Cohort, Grantee, GranteeEncryptedField, Institution, Programme
from .permissions import rules_for

# Audit log action; its label is registered in import_hooks.py.
LOG_IMPORT = "grants.import"
# Rows per lookup and per bulk write.
BATCH = 1000
MAX_ROWS = 20_000
MAX_FILE_BYTES = 10 * 1024 * 1024
# How long an uploaded file waits for its commit.
TOKEN_MAX_AGE = 60 * 60
TOKEN_SALT = "outreach.grants.imports"  # noqa: S105 - a signing namespace, not a secret


@dataclass(frozen=True)
class _Choices:
    """Choices shaped like a model's TextChoices, for a list of (value, label) pairs."""

    choices: tuple[tuple[str, Any], ...]


# A grantee's language for mails and the survey: a site language by its code ("fa-af") or name.
LANGUAGES = _Choices(choices=tuple(settings.LANGUAGES))


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    required: bool = False


COLUMNS = (
    Column("code", gettext_lazy("Code"), required=True),
    Column("name_original", gettext_lazy("Name (original script)")),
    Column("name_latin", gettext_lazy("Name (Latin)")),
    Column("date_of_birth", gettext_lazy("Date of birth")),
    Column("gender", gettext_lazy("Gender")),
    Column("nationality", gettext_lazy("Nationality")),
    Column("province_of_origin", gettext_lazy("Province")),
    Column("email", gettext_lazy("Email")),
    Column("phone", gettext_lazy("Phone")),
    Column("language", gettext_lazy("Language")),
    Column("programme", gettext_lazy("Programme"), required=True),
    Column("cohort", gettext_lazy("Cohort"), required=True),
    Column("institution", gettext_lazy("Institution"), required=True),
    Column("institution_city", gettext_lazy("Institution city")),
    Column("degree_level", gettext_lazy("Degree level"), required=True),
    Column("field_of_study", gettext_lazy("Field of study"), required=True),
    Column("starts_on", gettext_lazy("Starts on"), required=True),
    Column("expected_end_on", gettext_lazy("Expected end"), required=True),
    Column("stipend_amount", gettext_lazy("Stipend"), required=True),
    Column("stipend_frequency", gettext_lazy("Stipend frequency")),
    Column("tuition_amount", gettext_lazy("Tuition")),
    Column("housing_amount", gettext_lazy("Housing")),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
GRANTEE_FIELDS = (
    "name_original",
    "name_latin",
    "date_of_birth",
    "gender",
    "nationality",
    "province_of_origin",
    "email",
    "phone",
    "language",
)
AWARD_FIELDS = (
    "degree_level",
    "field_of_study",
    "starts_on",
    "expected_end_on",
    "stipend_amount",
    "stipend_frequency",
    "tuition_amount",
    "housing_amount",
)
# Where a model field's validation error is shown.
FIELD_COLUMNS = {"institution_id": "institution", "cohort_id": "cohort", "programme_id": "programme"}


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportIssue:
    """One thing wrong with the file: its row (1 is the header), the column as the file names it, and why."""

    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]


@dataclass
class ParsedImport:
    """A file read into rows of raw cell values by column key; `headers` keeps each column's
    heading as the file writes it, for the error messages."""

    filename: str
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)


@dataclass
class RowPlan:
    """What the commit does with one valid row."""

    number: int
    code: str
    action: str
    programme: Programme
    cohort: Cohort
    institution_name: str
    institution_city: str
    grantee: Grantee
    award: Award
    # The fields the row changes on an existing grantee and award (empty for new rows).
    grantee_changed: tuple[str, ...]
    award_changed: tuple[str, ...]


@dataclass
class ImportPreview:
    """Every error with its row and column, or what each row would do."""

    errors: list[ImportIssue]
    rows: list[RowPlan]
    new_institutions: list[str]

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count(Action.CREATE)

    @property
    def updated(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    institutions_created: int


# --- Who may import ---------------------------------------------------------------------------------


def can_import_grantees(user: Any, programme: Any = None) -> bool:
    """Add and change grantees and awards (within `programme` when given): the rules of permissions.py."""
    grantee, award = rules_for("grantee"), rules_for("award")
    return all(
        rule(user, programme) for rule in (grantee["add"], grantee["change"], award["add"], award["change"])
    )


# --- Reading the file -------------------------------------------------------------------------------


def _normalise(heading: Any) -> str:
    text = str(heading or "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s_\-]+", " ", text)


def _heading_keys() -> dict[str, str]:
    """Every accepted heading (the key, the English label, the label in the active language) → key."""
    keys: dict[str, str] = {}
    for column in COLUMNS:
        keys[_normalise(column.key)] = column.key
        keys[_normalise(str(column.label))] = column.key
        with override("en"):
            keys[_normalise(str(column.label))] = column.key
    keys[_normalise("province of origin")] = "province_of_origin"
    keys[_normalise("expected end on")] = "expected_end_on"
    return keys


def _csv_rows(file_bytes: bytes) -> list[list[str]]:
    text = file_bytes.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(file_bytes: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(file_bytes), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def import_parse(*, file_bytes: bytes, filename: str) -> ParsedImport:
    """Read a CSV (UTF-8 with or without BOM, comma or semicolon) or XLSX file into rows; what cannot
    be read at all (a wrong kind of file, a missing or unknown column) is in `errors`, on row 1."""
    parsed = ParsedImport(filename=Path(filename).name)
    extension = Path(filename).suffix.lower()
    if len(file_bytes) > MAX_FILE_BYTES:
        parsed.errors.append(ImportIssue(1, "", _("The file is larger than 10 MB.")))
        return parsed
    try:
        if extension == ".csv":
            table: list[list[Any]] = _csv_rows(file_bytes)
        elif extension == ".xlsx":
            table = _xlsx_rows(file_bytes)
        else:
            parsed.errors.append(ImportIssue(1, "", _("Upload a CSV or XLSX file.")))
            return parsed
    except UnicodeDecodeError:
        parsed.errors.append(ImportIssue(1, "", _("The CSV file is not in UTF-8; save it as CSV UTF-8.")))
        return parsed
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or disguised file
        parsed.errors.append(ImportIssue(1, "", _("The file could not be read as an Excel workbook (XLSX).")))
        return parsed
    if not table:
        parsed.errors.append(ImportIssue(1, "", _("The file is empty.")))
        return parsed

    accepted = _heading_keys()
    positions: dict[int, str] = {}
    for index, heading in enumerate(table[0]):
        if heading is None or not str(heading).strip():
            continue
        key = accepted.get(_normalise(heading))
        shown = str(heading).replace("\ufeff", "").strip()
        if key is None:
            parsed.errors.append(ImportIssue(1, shown, _("This column is not one the import knows.")))
        elif key in parsed.headers:
            parsed.errors.append(ImportIssue(1, shown, _("This column appears twice.")))
        else:
            positions[index] = key
            parsed.headers[key] = shown
    for column in COLUMNS:
        if column.required and column.key not in parsed.headers:
            parsed.errors.append(ImportIssue(1, str(column.label), _("This column is missing.")))

    for number, cells in enumerate(table[1:], start=2):
        values = {key: cells[index] if index < len(cells) else None for index, key in positions.items()}
        if all(value is None or not str(value).strip() for value in values.values()):
            continue
        parsed.rows.append(ParsedRow(number=number, values=values))
    if len(parsed.rows) > MAX_ROWS:
        parsed.errors.append(
            ImportIssue(1, "", _("The file has more than %(limit)d rows; split it.") % {"limit": MAX_ROWS})
        )
        parsed.rows = []
    elif not parsed.rows and not parsed.errors:
        parsed.errors.append(ImportIssue(1, "", _("The file has a header but no rows.")))
    return parsed


# --- Cleaning one cell ------------------------------------------------------------------------------


class CellError(Exception):
    """One cell's value cannot be read; its message says why, for the row and column it came from."""


def _text(value: Any, *, max_length: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > max_length:
        raise CellError(_("At most %(limit)d characters.") % {"limit": max_length})
    return text


DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), (3, 2, 1)),
)


def _date(value: Any) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern, (year, month, day) in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match.group(year)), int(match.group(month)), int(match.group(day)))
            except ValueError:
                break
    raise CellError(_("Write the date as YYYY-MM-DD or DD.MM.YYYY."))


def _money(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("Write an amount, e.g. 150000 or 150000.50."))
    if isinstance(value, int | float):
        amount = Decimal(str(value))
    else:
        text = re.sub(r"[\s\u00a0']", "", str(value))
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise CellError(_("Write an amount, e.g. 150000 or 150000.50.")) from None
    if not amount.is_finite():
        raise CellError(_("Write an amount, e.g. 150000 or 150000.50."))
    if amount < 0:
        raise CellError(_("An amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("At most two decimal places."))
    if amount >= Decimal("1000000000000"):
        raise CellError(_("The amount is too large."))
    return amount.quantize(Decimal("0.01"))


def _choice_lookup(choices: Any) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
        with override("en"):
            lookup[str(label).lower()] = value
    return lookup


def _choice(value: Any, lookup: dict[str, str], choices: Any) -> str | None:
    text = _text(value, max_length=200).lower()
    if not text:
        return None
    if text not in lookup:
        offered = ", ".join(f"{value} ({label})" for value, label in choices.choices)
        raise CellError(_("Choose one of: %(choices)s.") % {"choices": offered})
    return lookup[text]


def _email(value: Any) -> str:
    text = _text(value, max_length=254)
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(_("This is not an email address.")) from None
    return text


def _phone(value: Any) -> str:
    text = _text(value, max_length=50)
    if text and not re.fullmatch(r"[+0-9 ()\-.]{5,50}", text):
        raise CellError(_("Write the phone number in digits, e.g. +7 700 000 00 00."))
    return text


# --- Validating ---------------------------------------------------------------------------------------


def _chunks(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _model_errors(instance: Any, *, exclude: list[str]) -> dict[str, list[str]]:
    """The model's own field checks, without its queries (uniqueness and foreign keys are looked up
    in bulk by the caller)."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


def _field_values(instance: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def _changed(before: dict[str, Any] | None, instance: Any) -> tuple[str, ...]:
    if before is None:
        return ()
    return tuple(
        name.removesuffix("_id") for name, value in before.items() if getattr(instance, name) != value
    )


def import_validate(*, parsed: ParsedImport, user: Any) -> ImportPreview:
    """Check every row of a parsed file for `user`: types, choices (by value or label), dates,
    amounts, the programme (one the user may add to), its cohort, duplicate codes; returns every
    error with its row and column, or what each row would create or update. A constant number of
    queries per BATCH rows."""
    errors: list[ImportIssue] = list(parsed.errors)
    if not can_import_grantees(user):
        raise ApplicationError(_("You may not import grantees."))

    def heading(key: str) -> str:
        return parsed.headers.get(key) or str(COLUMNS_BY_KEY[key].label)

    order = {key: position for position, key in enumerate(COLUMNS_BY_KEY)}
    found: list[tuple[int, int, ImportIssue]] = []

    def fail(row: ParsedRow, key: str, message: str) -> None:
        found.append((row.number, order[key], ImportIssue(row.number, heading(key), message)))

    genders = _choice_lookup(Grantee.Gender)
    degrees = _choice_lookup(Award.DegreeLevel)
    frequencies = _choice_lookup(Award.Frequency)
    languages = _choice_lookup(LANGUAGES)
    cleaners = {
        "code": lambda value: _text(value, max_length=40),
        "name_original": lambda value: _text(value, max_length=200),
        "name_latin": lambda value: _text(value, max_length=200),
        "date_of_birth": _date,
        "gender": lambda value: _choice(value, genders, Grantee.Gender),
        "nationality": lambda value: _text(value, max_length=100),
        "province_of_origin": lambda value: _text(value, max_length=100),
        "email": _email,
        "phone": _phone,
        "language": lambda value: _choice(value, languages, LANGUAGES),
        "programme": lambda value: _text(value, max_length=40),
        "cohort": lambda value: _text(value, max_length=100),
        "institution": lambda value: _text(value, max_length=200),
        "institution_city": lambda value: _text(value, max_length=100),
        "degree_level": lambda value: _choice(value, degrees, Award.DegreeLevel),
        "field_of_study": lambda value: _text(value, max_length=200),
        "starts_on": _date,
        "expected_end_on": _date,
        "stipend_amount": _money,
        "stipend_frequency": lambda value: _choice(value, frequencies, Award.Frequency),
        "tuition_amount": _money,
        "housing_amount": _money,
    }

    # 1. Each cell on its own.
    cleaned: list[tuple[ParsedRow, dict[str, Any]]] = []
    for row in parsed.rows:
        values: dict[str, Any] = {}
        row_ok = True
        for key, cleaner in cleaners.items():
            try:
                values[key] = cleaner(row.values.get(key))
            except CellError as error:
                fail(row, key, str(error))
                row_ok = False
                continue
            # A missing column is one error on row 1, not one on every row.
            if COLUMNS_BY_KEY[key].required and key in parsed.headers and values[key] in (None, ""):
                fail(row, key, _("This cell is required."))
                row_ok = False
        starts_on, ends_on = values.get("starts_on"), values.get("expected_end_on")
        if starts_on and ends_on and ends_on < starts_on:
            fail(row, "expected_end_on", _("The award cannot end before it starts."))
            row_ok = False
        if values.get("date_of_birth") and values["date_of_birth"] >= timezone.localdate():
            fail(row, "date_of_birth", _("The date of birth must be in the past."))
            row_ok = False
        if "code" in values and not (values.get("name_original") or values.get("name_latin")):
            fail(row, "name_latin", _("Give the name in the original script or in Latin letters."))
            row_ok = False
        cleaned.append((row, values if row_ok else {**values, "_invalid": True}))

    # 2. Codes twice in the file.
    first_row_of: dict[str, int] = {}
    for row, values in cleaned:
        code = values.get("code")
        if not code:
            continue
        if code in first_row_of:
            fail(row, "code", _("This code is also on row %(row)d.") % {"row": first_row_of[code]})
            values["_invalid"] = True
        else:
            first_row_of[code] = row.number

    # 3. Everything the rows refer to, looked up in bulk.
    programme_codes = {values["programme"] for _row, values in cleaned if values.get("programme")}
    programmes = {
        programme.code: programme for programme in Programme.objects.filter(code__in=programme_codes)
    }
    cohorts = {
        (cohort.programme_id, cohort.name): cohort
        for cohort in Cohort.objects.filter(programme__in=list(programmes.values()))
    }
    institution_names = sorted(
        {values["institution"] for _row, values in cleaned if values.get("institution")}
    )
    institutions: dict[str, Institution] = {}
    for chunk in _chunks(institution_names):
        institutions.update({item.name: item for item in Institution.objects.filter(name__in=chunk)})
    codes = list(first_row_of)
    grantees: dict[str, Grantee] = {}
    for chunk in _chunks(codes):
        grantees.update({item.code: item for item in Grantee.objects.filter(code__in=chunk)})
    awards: dict[tuple[int, int], Award] = {}
    grantee_ids = [grantee.pk for grantee in grantees.values()]
    for chunk in _chunks(grantee_ids):
        for award in Award.objects.filter(grantee_id__in=chunk).order_by("pk"):
            awards.setdefault((award.grantee_id, award.cohort_id), award)

    # 4. Each row against the database.
    plans: list[RowPlan] = []
    new_institutions: dict[str, str] = {}
    allowed_programmes: dict[int, bool] = {}
    for row, values in cleaned:
        programme = programmes.get(values.get("programme") or "")
        if values.get("programme") and programme is not None:
            if programme.pk not in allowed_programmes:
                allowed_programmes[programme.pk] = can_import_grantees(user, programme)
            if not allowed_programmes[programme.pk]:
                programme = None
        if values.get("programme") and programme is None:
            # The same words whether the programme does not exist or is not the user's.
            fail(row, "programme", _("No programme with this code that you may import into."))
            continue
        if programme is None:
            continue
        cohort = cohorts.get((programme.pk, values.get("cohort") or ""))
        if values.get("cohort") and cohort is None:
            fail(row, "cohort", _("The programme has no cohort of this name; add the cohort first."))
            continue
        institution_name = values.get("institution") or ""
        institution = institutions.get(institution_name)
        city = values.get("institution_city") or ""
        if institution_name and institution is None:
            if not city:
                fail(row, "institution_city", _("A new institution needs its city."))
                continue
            new_institutions.setdefault(institution_name, city)

        existing = grantees.get(values.get("code") or "")
        if existing is not None:
            if existing.programme_id != programme.pk:
                fail(row, "code", _("This code belongs to a grantee of another programme."))
                continue
            if existing.erased_at is not None:
                fail(row, "code", _("This grantee's personal data was erased; it cannot be imported again."))
                continue
            if not rules_for("grantee")["change"](user, existing):
                fail(row, "code", _("You may not change this grantee."))
                continue
        if values.get("_invalid") or cohort is None:
            continue

        grantee = Grantee(programme=programme, code=values["code"]) if existing is None else existing
        before = None if existing is None else _field_values(existing, GRANTEE_FIELDS)
        for name in GRANTEE_FIELDS:
            value = values.get(name)
            if name == "gender" and value is None:
                value = Grantee.Gender.UNSTATED if existing is None else existing.gender
            if name == "language" and value is None and existing is not None:
                value = existing.language
            setattr(grantee, name, "" if value is None and name != "date_of_birth" else value)
        award_existing = awards.get((existing.pk, cohort.pk)) if existing is not None else None
        award = (
            Award(cohort=cohort, status=Award.Status.SELECTED) if award_existing is None else award_existing
        )
        award_before = (
            None
            if award_existing is None
            else _field_values(award_existing, (*AWARD_FIELDS, "institution_id"))
        )
        defaults = {
            "stipend_frequency": Award.Frequency.MONTHLY,
            "tuition_amount": Decimal("0.00"),
            "housing_amount": Decimal("0.00"),
        }
        for name in AWARD_FIELDS:
            value = values.get(name)
            setattr(award, name, defaults[name] if value is None and name in defaults else value)
        if institution is not None:
            award.institution = institution
        else:
            award.institution_id = None

        problems = _model_errors(grantee, exclude=["programme", "locked_by"])
        problems.update(_model_errors(award, exclude=["grantee", "cohort", "institution"]))
        if problems:
            for name, messages in problems.items():
                key = FIELD_COLUMNS.get(name, name)
                fail(row, key if key in COLUMNS_BY_KEY else "code", " ".join(messages))
            continue

        grantee_changed = _changed(before, grantee)
        award_changed = _changed(award_before, award)
        if existing is None or award_existing is None:
            action = Action.CREATE
        elif grantee_changed or award_changed:
            action = Action.UPDATE
        else:
            action = Action.UNCHANGED
        plans.append(
            RowPlan(
                number=row.number,
                code=values["code"],
                action=action,
                programme=programme,
                cohort=cohort,
                institution_name=institution_name,
                institution_city=city,
                grantee=grantee,
                award=award,
                grantee_changed=grantee_changed,
                award_changed=award_changed,
            )
        )
    errors += [issue for _row, _position, issue in sorted(found, key=lambda item: item[:2])]
    return ImportPreview(
        errors=errors,
        rows=[] if errors else plans,
        new_institutions=sorted(new_institutions) if not errors else [],
    )


# --- Writing ------------------------------------------------------------------------------------------


@transaction.atomic
def import_commit(*, parsed: ParsedImport, user: Any) -> ImportResult:
    """Check the file again and write it all in one transaction: new institutions, grantees and
    awards created, changed ones updated, unchanged ones left alone; recorded in the audit log as
    grants.import per programme (counts only). ApplicationError, and nothing written, if any row
    is wrong."""
    preview = import_validate(parsed=parsed, user=user)
    if preview.errors or not preview.rows:
        raise ApplicationError(
            _("The file has %(count)d errors; nothing was imported.") % {"count": len(preview.errors)},
            extra={"errors": len(preview.errors)},
        )
    now = timezone.now()
    plans = preview.rows
    cities = {plan.institution_name: plan.institution_city for plan in plans}
    created_institutions = Institution.objects.bulk_create(
        [Institution(name=name, city=cities[name]) for name in preview.new_institutions], batch_size=BATCH
    )
    institutions = {item.name: item for item in created_institutions}
    for plan in plans:
        if plan.award.institution_id is None:
            plan.award.institution = institutions[plan.institution_name]

    new_grantees = [plan.grantee for plan in plans if plan.grantee.pk is None]
    changed_grantees = [plan.grantee for plan in plans if plan.grantee_changed]
    # Only the columns that changed somewhere: a CASE over every column of 1,000 rows is slow.
    grantee_fields = sorted({name for plan in plans for name in plan.grantee_changed})
    award_fields = sorted(
        {name for plan in plans if plan.award.pk is not None for name in plan.award_changed}
    )
    try:
        Grantee.objects.bulk_create(new_grantees, batch_size=BATCH)
        for grantee in changed_grantees:
            grantee.updated_at = now
        if changed_grantees:
            Grantee.objects.bulk_update(changed_grantees, [*grantee_fields, "updated_at"], batch_size=BATCH)
        for plan in plans:
            plan.award.grantee = plan.grantee
        new_awards = [plan.award for plan in plans if plan.award.pk is None]
        changed_awards = [plan.award for plan in plans if plan.award.pk is not None and plan.award_changed]
        for award in changed_awards:
            award.updated_at = now
        Award.objects.bulk_create(new_awards, batch_size=BATCH)
        if changed_awards:
            Award.objects.bulk_update(changed_awards, [*award_fields, "updated_at"], batch_size=BATCH)
    except IntegrityError:
        # Another import or an officer wrote the same codes since the check: nothing is kept.
        raise ApplicationError(
            _("The data changed while the file was imported; nothing was imported. Try again.")
        ) from None

    per_programme: dict[Programme, Counter] = defaultdict(Counter)
    for plan in plans:
        per_programme[plan.programme][plan.action] += 1
    for programme, counts in sorted(per_programme.items(), key=lambda item: item[0].pk):
        log(
            instance=programme,
            action=LOG_IMPORT,
            user=user,
            data={
                "rows": sum(counts.values()),
                "created": counts[Action.CREATE],
                "updated": counts[Action.UPDATE],
                "unchanged": counts[Action.UNCHANGED],
            },
        )
    return ImportResult(
        created=preview.created,
        updated=preview.updated,
        unchanged=preview.unchanged,
        institutions_created=len(created_institutions),
    )


# --- The file between the preview and the commit ---------------------------------------------------


def _upload_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "private" / "grants-imports"


def import_file_store(*, file_bytes: bytes, filename: str, user: Any) -> str:
    """Keep an uploaded file, encrypted, until its commit; returns a signed token naming it, valid
    for TOKEN_MAX_AGE seconds and for `user` only. Files left behind for a day are removed."""
    folder = _upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 24 * 60 * 60
    for stale in folder.glob("*.bin"):
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
        except FileNotFoundError:
            continue
    name = f"{secrets.token_urlsafe(24)}.bin"
    (folder / name).write_bytes(keyring_for(GranteeEncryptedField.keys_setting).encrypt(file_bytes))
    return signing.dumps({"file": name, "user": user.pk, "name": Path(filename).name}, salt=TOKEN_SALT)


def _token_data(token: str, user: Any) -> dict[str, Any]:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise ApplicationError(_("The uploaded file has expired; upload it again.")) from None
    if data.get("user") != user.pk or not re.fullmatch(r"[\w\-]+\.bin", str(data.get("file", ""))):
        raise ApplicationError(_("The uploaded file has expired; upload it again."))
    return data


def import_file_load(*, token: str, user: Any) -> tuple[bytes, str]:
    """The bytes and the name of a file kept by import_file_store for `user`; ApplicationError when
    the token is forged, someone else's, expired or its file is gone."""
    data = _token_data(token, user)
    try:
        encrypted = (_upload_folder() / data["file"]).read_bytes()
    except FileNotFoundError:
        raise ApplicationError(_("The uploaded file has expired; upload it again.")) from None
    return keyring_for(GranteeEncryptedField.keys_setting).decrypt(encrypted), data["name"]


def import_file_discard(*, token: str, user: Any) -> None:
    """Delete the kept file of `token`, if it is still there."""
    data = _token_data(token, user)
    (_upload_folder() / data["file"]).unlink(missing_ok=True)
