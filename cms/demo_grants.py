"""Load the demo grant programme: places for Afghan students at Kazakh universities, paid in tenge and
co-funded by the European Union, which reports in euros. Three intakes of eight grantees each at six
universities, with awards in every status of the state machine, a demo programme officer (the senior
officer, who made every move of the history), months of stipends paid and split between the funders
at the day's rate (one held), semester reports (some under the thresholds), papers, milestones,
consents, and alumni outcomes from the follow-up surveys.

The people are fictional. Their history is dated from the day the demo is loaded: the three intakes
are the three academic years before the current one, and what makes an award at risk (a low GPA or
attendance, a missing report, a held payment, a visa expiring within 60 days) is true on that day
whenever it is. The history is written through the grants services (award_transition,
disbursements_generate, disbursements_mark_paid, disbursement_hold, progress_report_record,
consent_record), in the order it happened, so statuses, payments and their funders' shares agree
the way they do for real work; the moments the services stamp are then set to the days the history
says.

Idempotent like the rest of the demo: the programme (`afg-edu`, made by cms/demo.py) is filled in only
while it has no cohort, so once filled, nothing of it is created or changed again and an officer's
work survives every later load. The demo officer is created only when missing. Loading gives them no
password, so that a load (in tests, or with --no-admin) writes nothing to var/; `demo_officer_ensure`,
which the command calls when it shows the logins, gives them a random one kept in var/ like the
administrator's."""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cms import demo_content
from cms.demo_content.joint_programme import PARTNER_ROLES
from cms.demo_logins import demo_login_ensure
from outreach.campaigns.models import Partner
from outreach.core.roles import PROGRAM_OFFICER
from outreach.grants.models import (
    Award,
    AwardTransition,
    BudgetLine,
    Cohort,
    Consent,
    Disbursement,
    ExchangeRate,
    Funder,
    Grantee,
    Institution,
    Milestone,
    OutcomeRecord,
    Programme,
    ProgrammeOfficer,
    ProgressReport,
    ResidenceDocument,
)
from outreach.grants.reminders import WAVES, follow_up_base
from outreach.grants.services import (
    award_transition,
    consent_record,
    disbursement_hold,
    disbursements_generate,
    disbursements_mark_paid,
    progress_report_record,
)

# What demo_grants_load() counts, in the order the load_demo command reports it.
COUNTED = (
    "grant_programmes",
    "programme_officers",
    "funders",
    "budget_lines",
    "exchange_rates",
    "institutions",
    "cohorts",
    "grantees",
    "residence_documents",
    "consents",
    "awards",
    "award_transitions",
    "progress_reports",
    "milestones",
    "disbursements",
    "alumni_outcomes",
)

PROGRAMME_CODE = "afg-edu"
OFFICER_USERNAME = "grants-officer"
OFFICER_LOGIN_FILE = "officer-password.txt"
# The funder's partner organisation, whose partner users (the demo's eu-partner) read the figures.
EU_PARTNER_NAME = PARTNER_ROLES[0][0]

Status = Award.Status
Degree = Award.DegreeLevel

# The programme's risk thresholds: GPA on the 4.0 scale of Kazakh universities (2.33 is a C+),
# attendance, the visa warning and the days a semester report may take.
THRESHOLDS = {
    "gpa_threshold": Decimal("2.33"),
    "attendance_threshold": Decimal("80"),
    "visa_warning_days": 60,
    "report_grace_days": 30,
}

# Name, share of every payment, reporting currency, and whether the EU Delegation partner stands behind it.
FUNDERS = [
    ("Ministry of Science and Higher Education of the Republic of Kazakhstan", "70", "KZT", False),
    ("European Union", "30", "EUR", True),
]

# Budget in tenge per category, for this year and the last.
BUDGET = {
    "this_year": {"stipend": "20400000", "tuition": "31000000", "housing": "3000000", "other": "3600000"},
    "last_year": {"stipend": "22800000", "tuition": "33500000", "housing": "3100000", "other": "3400000"},
}

# Tenge for one euro on the payment days, oldest first (National Bank of Kazakhstan).
EUR_RATES = [
    "598.41", "603.12", "596.87", "601.95", "607.33", "611.08", "605.62",
    "609.47", "614.20", "612.73", "618.05", "615.39", "620.84",
]  # fmt: skip
RATE_SOURCE = "National Bank of Kazakhstan"

# key: (name, city, monthly housing allowance for bachelors and the preparatory year).
INSTITUTIONS = {
    "kaznu": ("Al-Farabi Kazakh National University", "Almaty", "35000"),
    "enu": ("L.N. Gumilyov Eurasian National University", "Astana", "38000"),
    "satbayev": ("Satbayev University", "Almaty", "35000"),
    "kimep": ("KIMEP University", "Almaty", "35000"),
    "buketov": ("Karaganda Buketov University", "Karaganda", "25000"),
    "kaznaru": ("Kazakh National Agrarian Research University", "Almaty", "35000"),
}

# Tuition per year in tenge: (institution, degree level).
TUITION = {
    ("kaznu", Degree.BACHELOR): "1950000",
    ("kaznu", Degree.MASTER): "2100000",
    ("kaznu", Degree.FOUNDATION): "1100000",
    ("enu", Degree.BACHELOR): "1800000",
    ("enu", Degree.MASTER): "1900000",
    ("satbayev", Degree.BACHELOR): "2100000",
    ("satbayev", Degree.MASTER): "2300000",
    ("satbayev", Degree.DOCTORATE): "2600000",
    ("kimep", Degree.BACHELOR): "3600000",
    ("kimep", Degree.MASTER): "3900000",
    ("buketov", Degree.BACHELOR): "1250000",
    ("buketov", Degree.MASTER): "1400000",
    ("kaznaru", Degree.BACHELOR): "1200000",
    ("kaznaru", Degree.MASTER): "1450000",
}
STIPEND = {
    Degree.FOUNDATION: "85000",
    Degree.BACHELOR: "95000",
    Degree.MASTER: "125000",
    Degree.DOCTORATE: "170000",
}
YEARS = {Degree.BACHELOR: 4, Degree.MASTER: 2, Degree.DOCTORATE: 3}

# The academic calendar: the autumn semester runs 1 September to 27 December, the spring one
# 19 January to 13 June; a report comes in within a week or so of the end.
AUTUMN_START, AUTUMN_END = (9, 1), (12, 27)
SPRING_START, SPRING_END = (1, 19), (6, 13)
# A semester's reports are in this many days after its end (the rules allow report_grace_days).
REPORTS_IN_AFTER = 14
# The demo's missing report: a semester that ended at least this long ago.
OVERDUE_AFTER = THRESHOLDS["report_grace_days"] + 1
# The demo's expiring visa, days from the day of loading (within the 60-day warning).
VISA_EXPIRING_IN = 38

# --- The people -------------------------------------------------------------------------------------
#
# Paths through the state machine: "alumni", "graduated", "active", "probation", "suspended",
# "withdrawn", "selected", "enrolled" and "missing_report" (active, with last semester's report
# still not in).


@dataclass(frozen=True)
class Person:
    code: str
    name_original: str
    name_latin: str
    gender: str
    age: int  # at intake
    birthday: tuple[int, int]
    province: str
    language: str
    intake: int  # 0 for the oldest of the three intakes, 2 for the newest
    institution: str
    degree: str
    field_of_study: str
    path: str
    gpa: str = "3.30"
    gpa_trend: str = "0"
    attendance: str = "93"
    quarterly: bool = False
    cannot_return_safely: bool = False
    # Why the latest month's stipend is held, for the one whose payment is.
    held: str = ""
    visa_expiring: bool = False
    shares_with_funders: bool = True
    story: bool = False
    story_withdrawn: bool = False
    # (years after intake, month, day) of a withdrawal.
    withdrawn_on: tuple[int, int, int] | None = None
    # Reasons for the moves that are the person's own: to_status → text ({term} and {next_term}
    # stand for the semester concerned).
    reasons: dict[str, str] = field(default_factory=dict)
    # The latest semester's report, where it tells the story: gpa, attendance, comment.
    last_report: dict[str, str] = field(default_factory=dict)
    # Alumni survey answers per wave; None for a wave surveyed but not answered.
    outcomes: dict[str, dict[str, Any] | None] = field(default_factory=dict)


PEOPLE = [
    # The oldest intake: five master's graduates now alumni, three bachelors in their final year.
    Person(
        "AFG-EDU-0401", "عبدالرحیم نوری", "Abdul Rahim Noori", "male", 29, (3, 12), "Balkh", "fa-af", 0,
        "kaznaru", Degree.MASTER, "Agronomy", "alumni", gpa="3.52", story=True,
        reasons={
            Status.GRADUATED: "Defended the master's thesis on drought-tolerant wheat varieties for northern "
            "Afghanistan (grade A-); diploma issued by the university.",
            Status.ALUMNI: "Exit interview done; flew home to Mazar-i-Sharif. Contact details for the alumni "
            "survey confirmed and his consent to be re-contacted renewed.",
        },
        outcomes={
            "6m": {
                "residence": "returned", "country": "Afghanistan", "employer_sector": "private",
                "position": "Agronomist at a seed cooperative in Balkh province", "is_leadership": False,
                "verification": "self_reported",
            },
            "1y": {
                "residence": "returned", "country": "Afghanistan", "employer_sector": "private",
                "position": "Director of a seed cooperative serving about 400 farms in Balkh province",
                "is_leadership": True, "verification": "officer",
            },
        },
    ),
    Person(
        "AFG-EDU-0402", "نیلوفر رحیمی", "Nilofar Rahimi", "female", 26, (8, 2), "Herat", "en", 0,
        "satbayev", Degree.MASTER, "Computer Science", "alumni", gpa="3.85",
        reasons={
            Status.GRADUATED: "Defended the thesis on speech recognition for Dari with small data sets "
            "(grade A); diploma with distinction.",
            Status.ALUMNI: "Accepted for a doctoral position in Germany and left Kazakhstan on a German study "
            "visa. Alumni contact by email only, at her request.",
        },
        outcomes={
            "6m": {
                "residence": "third_country", "country": "Germany", "employer_sector": "further_study",
                "position": "Doctoral candidate in computer science", "is_leadership": False,
                "verification": "self_reported",
            },
            "1y": {
                "residence": "third_country", "country": "Germany", "employer_sector": "further_study",
                "position": "Doctoral candidate in computer science, teaching a first-year programming course",
                "is_leadership": False, "verification": "public_record",
            },
        },
    ),
    Person(
        "AFG-EDU-0403", "سمیع‌الله ځدراڼ", "Samiullah Zadran", "male", 28, (11, 20), "Paktia", "ps", 0,
        "enu", Degree.MASTER, "International Relations", "alumni", gpa="3.05",
        reasons={
            Status.GRADUATED: "Defended the thesis on Central Asian transit corridors and Afghanistan's trade "
            "(grade B+); diploma issued.",
            Status.ALUMNI: "Staying in Astana while he looks for work. Exit interview done; he asked us to pass "
            "his CV to employers we know, which we did with his consent.",
        },
        outcomes={
            "6m": {
                "residence": "stayed", "country": "Kazakhstan", "employer_sector": "not_working",
                "position": "", "is_leadership": False, "verification": "self_reported",
            },
            "1y": None,
        },
    ),
    Person(
        "AFG-EDU-0404", "فرزانه حکیمی", "Farzana Hakimi", "female", 27, (5, 17), "Kabul", "fa-af", 0,
        "kaznu", Degree.MASTER, "Public Health", "alumni", gpa="3.61", story=True, story_withdrawn=True,
        reasons={
            Status.GRADUATED: "Defended the thesis on maternal health services for migrant women in Almaty "
            "(grade A-); diploma issued.",
            Status.ALUMNI: "Offered a contract by an international organisation's regional office in Almaty, "
            "which sponsors her work permit. Exit interview done.",
        },
        outcomes={
            "6m": {
                "residence": "stayed", "country": "Kazakhstan", "employer_sector": "international",
                "position": "Health programme assistant at an international organisation in Almaty",
                "is_leadership": False, "verification": "employer",
            },
            "1y": {
                "residence": "stayed", "country": "Kazakhstan", "employer_sector": "international",
                "position": "Health programme officer at an international organisation in Almaty",
                "is_leadership": False, "verification": "employer",
            },
        },
    ),
    Person(
        "AFG-EDU-0405", "محمد نبي اڅکزی", "Mohammad Nabi Achakzai", "male", 30, (1, 9), "Kandahar", "ps", 0,
        "kaznu", Degree.MASTER, "Religious Studies", "alumni", gpa="3.74", story=True,
        reasons={
            Status.GRADUATED: "Defended the thesis on classical Hanafi teaching on the protection of "
            "non-combatants (grade A); diploma issued.",
            Status.ALUMNI: "Exit interview done; returned to Kandahar to teach. Agreed to a call with the "
            "programme every six months as well as the survey.",
        },
        outcomes={
            "6m": {
                "residence": "returned", "country": "Afghanistan", "employer_sector": "religious",
                "position": "Teacher of Islamic studies at a religious secondary school in Kandahar",
                "is_leadership": False, "verification": "officer",
            },
            "1y": {
                "residence": "returned", "country": "Afghanistan", "employer_sector": "religious",
                "position": "Head teacher of a religious secondary school in Kandahar, 350 pupils",
                "is_leadership": True, "verification": "employer",
            },
        },
    ),
    Person(
        "AFG-EDU-0406", "احمد جاوید سلطانی", "Ahmad Jawid Sultani", "male", 19, (6, 25), "Baghlan", "fa-af", 0,
        "satbayev", Degree.BACHELOR, "Petroleum Engineering", "active", gpa="3.42", attendance="95",
    ),
    Person(
        "AFG-EDU-0407", "مرسل عزیزی", "Mursal Azizi", "female", 19, (2, 14), "Kunduz", "fa-af", 0,
        "kimep", Degree.BACHELOR, "Economics", "probation", gpa="2.78", gpa_trend="-0.08", attendance="90",
        reasons={
            Status.PROBATION: "GPA 1.90 in {term}, under the programme's 2.33, with econometrics and corporate "
            "finance failed; both are to be retaken. Agreed a plan with her and her adviser: weekly "
            "tutoring, no weekend work during the semester, and a check-in after the midterms. The "
            "stipend continues.",
        },
        last_report={
            "gpa": "1.90",
            "attendance": "84",
            "comment": "Two courses failed (econometrics, corporate finance). She says the third-year courses "
            "taught in English became much harder and she was also working weekends at a shop. "
            "Probation follows; see the status history.",
        },
    ),
    Person(
        "AFG-EDU-0408", "فرید احمد امیری", "Farid Ahmad Amiri", "male", 20, (9, 30), "Jawzjan", "fa-af", 0,
        "buketov", Degree.BACHELOR, "Civil Engineering", "withdrawn", gpa="2.88", withdrawn_on=(1, 11, 12),
        shares_with_funders=True,
        reasons={
            Status.WITHDRAWN: "Withdrew at his own request after his father's death: as the eldest son he has "
            "gone home to Sheberghan to support the family. Told him the programme can consider him "
            "again for a later intake if he writes to us.",
        },
    ),
    # The middle intake: two master's graduates, a doctoral candidate and five bachelors.
    Person(
        "AFG-EDU-0409", "شبنم صدیقی", "Shabnam Siddiqi", "female", 26, (10, 4), "Parwan", "fa-af", 1,
        "kimep", Degree.MASTER, "Finance", "graduated", gpa="3.67", story=True,
        reasons={
            Status.GRADUATED: "Defended the thesis on microfinance for women-led businesses in Central Asia "
            "(grade A-); diploma issued. Exit interview booked.",
        },
    ),
    Person(
        "AFG-EDU-0410", "حمیدالله منګل", "Hamidullah Mangal", "male", 28, (7, 21), "Khost", "ps", 1,
        "kaznaru", Degree.MASTER, "Water Resources Management", "graduated", gpa="3.21",
        reasons={
            Status.GRADUATED: "Defended the thesis on irrigation scheduling in the Amu Darya basin (grade B+); "
            "diploma issued. He is waiting for the legalised copy before he travels.",
        },
    ),
    Person(
        "AFG-EDU-0411", "بصیر احمد فیضی", "Basir Ahmad Faizi", "male", 33, (12, 3), "Badakhshan", "fa-af", 1,
        "satbayev", Degree.DOCTORATE, "Environmental Engineering", "active", gpa="3.80", attendance="97",
        quarterly=True,
    ),
    Person(
        "AFG-EDU-0412", "زهرا حسینی", "Zahra Hussaini", "female", 19, (4, 11), "Ghazni", "fa-af", 1,
        "enu", Degree.BACHELOR, "Translation Studies (English and Russian)", "active", gpa="3.71",
        attendance="98", cannot_return_safely=True, shares_with_funders=False,
    ),
    Person(
        "AFG-EDU-0413", "عزیزالله صافي", "Azizullah Safi", "male", 20, (1, 28), "Laghman", "ps", 1,
        "buketov", Degree.BACHELOR, "Computer Science", "suspended", gpa="3.12",
        reasons={
            Status.SUSPENDED: "The university granted academic leave for the {next_term} semester so that he "
            "can have knee surgery and recover (medical board decision on file). The stipend stops "
            "while he is on leave; the dormitory keeps his place. Expected back the semester after.",
        },
        last_report={
            "comment": "A good semester despite the knee pain; surgery is planned once exams are over.",
        },
    ),
    Person(
        "AFG-EDU-0414", "عبدالولي وردګ", "Abdul Wali Wardak", "male", 19, (9, 15), "Wardak", "ps", 1,
        "buketov", Degree.BACHELOR, "Mathematics", "active", gpa="3.55", attendance="94",
    ),
    Person(
        "AFG-EDU-0415", "محمد داوود حبیبی", "Mohammad Dawood Habibi", "male", 20, (12, 6), "Takhar", "fa-af", 1,
        "kaznu", Degree.BACHELOR, "Chemistry", "missing_report", gpa="2.94", attendance="86",
        last_report={
            "comment": "Transcript not received. The registrar confirms he sat the exams, but he has not sent "
            "his transcript and has not answered two messages and a phone call. Asked the dormitory "
            "supervisor to pass on a note asking him to come and see us.",
        },
    ),
    Person(
        "AFG-EDU-0416", "سودابه نظری", "Sodaba Nazari", "female", 19, (6, 19), "Samangan", "fa-af", 1,
        "buketov", Degree.BACHELOR, "Civil Engineering", "probation", gpa="2.85", attendance="91",
        reasons={
            Status.PROBATION: "Attendance 68.5% in {term}, under the programme's 80%. She has been working night "
            "shifts at a café to send money home. Agreed that she stops the night work; we will look "
            "at her housing costs with her. Check-in with her group curator every two weeks.",
        },
        last_report={
            "gpa": "2.61",
            "attendance": "68.5",
            "comment": "Marks are fine but attendance fell to 68.5%. The curator confirms she missed most Monday "
            "and Tuesday classes; she is working night shifts.",
        },
    ),
    # The newest intake: a replacement from the reserve list, a late start in the preparatory year,
    # five studying (one payment held, one visa to renew) and one who has left.
    Person(
        "AFG-EDU-0417", "پروانه جلالی", "Parwana Jalali", "female", 25, (3, 8), "Faryab", "fa-af", 2,
        "kaznaru", Degree.MASTER, "Agricultural Economics", "selected",
    ),
    Person(
        "AFG-EDU-0418", "زرغونه پوپلزۍ", "Zarghuna Popalzai", "female", 19, (2, 22), "Kandahar", "ps", 2,
        "kaznu", Degree.FOUNDATION, "Preparatory year: Russian language and sciences", "enrolled",
        reasons={
            Status.ENROLLED: "Passport issued at last after a nine-month wait. The preparatory faculty confirmed "
            "her place in its next group and sent the visa support letter; arrival to be booked once "
            "the visa is stamped.",
        },
    ),
    Person(
        "AFG-EDU-0419", "مریم حیدری", "Maryam Haidari", "female", 26, (7, 30), "Bamyan", "fa-af", 2,
        "kaznu", Degree.MASTER, "Psychology", "active", gpa="3.48", attendance="96", story=True,
    ),
    Person(
        "AFG-EDU-0420", "هدیه عثمانی", "Hadia Osmani", "female", 19, (11, 3), "Herat", "fa-af", 2,
        "kimep", Degree.BACHELOR, "Accounting and Audit", "active", gpa="3.10", attendance="92",
        held="Her bank card was stolen on the way home from classes and the bank has blocked the account; the "
        "new card is issued only in person at the branch in Almaty. Pay once she has it.",
    ),
    Person(
        "AFG-EDU-0421", "عبدالرحمن رحماني", "Abdul Rahman Rahmani", "male", 27, (4, 16), "Nangarhar", "ps", 2,
        "satbayev", Degree.MASTER, "Electrical Power Engineering", "active", gpa="3.33", attendance="94",
        visa_expiring=True,
    ),
    Person(
        "AFG-EDU-0422", "احمدشاه توخي", "Ahmad Shah Tokhi", "male", 19, (8, 1), "Zabul", "ps", 2,
        "kaznaru", Degree.BACHELOR, "Agronomy", "active", gpa="2.95", attendance="90",
    ),
    Person(
        "AFG-EDU-0423", "سیما محمدی", "Sima Mohammadi", "female", 19, (5, 5), "Daykundi", "fa-af", 2,
        "enu", Degree.BACHELOR, "Information Systems", "withdrawn", gpa="3.26", withdrawn_on=(1, 1, 26),
        reasons={
            Status.WITHDRAWN: "Left Kazakhstan with her family, who were accepted for resettlement in Canada. She "
            "wrote to thank the programme and the university; her autumn transcript was sent to her "
            "so that she can apply there. The stipend stops from February.",
        },
    ),
    Person(
        "AFG-EDU-0424", "لیلا سادات", "Laila Sadat", "female", 28, (10, 27), "Panjshir", "en", 2,
        "buketov", Degree.MASTER, "Teaching English as a Foreign Language", "active", gpa="3.62",
        attendance="97",
    ),
]  # fmt: skip

# Why routine moves were made; {institution}, {city}, {his}/{he}/{him} are filled in.
ENROLMENT_REASONS = [
    "Admission order received from {institution}. Student visa issued; arrival in {city} booked for the "
    "last week of August.",
    "{institution} confirmed the place and sent the admission order. The visa is stamped in {his} passport "
    "and the flight is booked.",
    "Place confirmed by {institution}; the visa support letter was accepted and the visa issued. Induction "
    "week booked.",
]
ACTIVATION_REASONS = [
    "Arrived in {city}, registered with the migration service within three working days and attended the "
    "first week of classes.",
    "Met at the airport by the international office; dormitory place taken, migration registration done, "
    "classes started on 2 September.",
    "Induction week completed: bank card, health insurance and migration registration. Attending classes "
    "from the first day.",
]
FIRST_SEMESTER_COMMENTS = [
    "First transcript received from the registrar. {He} found the credit system confusing at first; the "
    "adviser went through {his} study plan with {him}.",
    "Settled in well. {His} marks are lowest in the courses with the most reading in Russian, as expected; "
    "{he} attends the university's evening language classes.",
    "A good first semester. The international office says {he} helps newer students with their migration "
    "registration.",
]
STRONG_COMMENTS = [
    "Strong semester; no concerns from the dean's office. {He} asked about a summer internship and we passed "
    "on two contacts.",
    "Excellent results in the core courses. {He} tutors two first-year students of the programme.",
    "Transcript received on time. {His} adviser says {he} now takes part in seminars without hesitation.",
]
STEADY_COMMENTS = [
    "Transcript received from the registrar. A steady semester; no concerns from the dean's office.",
    "Results in line with the previous semester. Reminded {him} to renew the health insurance before it "
    "lapses.",
    "Attendance steady and all courses passed. We talked about a study group for the harder courses; {he} "
    "will try one.",
]
# Small semester-to-semester differences, so that no two transcripts read alike.
GPA_WIGGLE = ["0", "0.07", "-0.04", "0.11", "0.03", "-0.06", "0.09", "0.02"]
ATTENDANCE_WIGGLE = ["0", "-1.5", "1", "-0.5", "1.5", "-2", "0.5", "-1"]

# Milestones per degree: (title, years after intake, month, day).
MILESTONES = {
    Degree.BACHELOR: [
        ("Russian or Kazakh language certificate at level B1", 1, 6, 15),
        ("Industrial internship completed and its report accepted", 3, 8, 31),
        ("Diploma project defended", 4, 6, 10),
    ],
    Degree.MASTER: [
        ("Research proposal approved by the department", 0, 12, 15),
        ("Research internship completed", 1, 8, 31),
        ("Master's thesis defended", 2, 6, 14),
    ],
    Degree.DOCTORATE: [
        ("Dissertation topic and supervisors approved by the academic council", 0, 11, 30),
        ("First article accepted by a peer-reviewed journal", 2, 3, 31),
        ("Dissertation defended", 3, 6, 15),
    ],
}
# A milestone left overdue: the student who has gone quiet never sent the certificate.
MILESTONE_OVERDUE = ("AFG-EDU-0415", "Russian or Kazakh language certificate at level B1")
VISA_RENEWAL = "Visa renewal filed with the migration service"

CONSENT_NOTES = {
    "fa-af": "Signed the programme's consent form at the induction week; the Dari version was read through "
    "with {him} and {his} questions answered.",
    "ps": "Signed the programme's consent form at the induction week; the Pashto version was read through "
    "with {him} and {his} questions answered.",
    "en": "Signed the programme's consent form (English version) at the induction week after reading it "
    "through with the officer.",
}


# --- Users -----------------------------------------------------------------------------------------


def _officer_ensure() -> tuple[Any, bool]:
    """The demo officer, created without a password when missing (the history names them as the one
    who made every move); whether they were created now."""
    user = get_user_model().objects.filter(username=OFFICER_USERNAME).first()
    if user is not None:
        return user, False
    user = get_user_model().objects.create_user(
        OFFICER_USERNAME, f"{OFFICER_USERNAME}@localhost", None, first_name="Aigerim", last_name="Sadykova"
    )
    user.groups.add(Group.objects.get(name=PROGRAM_OFFICER))
    return user, True


def demo_officer_ensure() -> tuple[str, str | None]:
    """The demo programme officer's login: the senior officer of the demo programme, created when
    missing, with a random password kept in var/ like the administrator's."""
    _user, password = demo_login_ensure(
        username=OFFICER_USERNAME,
        login_file=OFFICER_LOGIN_FILE,
        create=lambda: _officer_ensure()[0],
    )
    return OFFICER_USERNAME, password


# --- Loading ---------------------------------------------------------------------------------------


@transaction.atomic
def demo_grants_load(*, today: datetime.date | None = None) -> dict[str, int]:
    """Fill in the demo grant programme as of `today` (the local date unless given) when it has no
    cohort yet, and make sure the demo officer exists and is its senior officer; how many of each kind
    were created."""
    today = today or timezone.localdate()
    created: Counter[str] = Counter()
    officer, officer_created = _officer_ensure()
    programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
    if programme is None:
        row = next(row for row in demo_content.PROGRAMMES if row["code"] == PROGRAMME_CODE)
        programme = Programme(**{**row, "starts_on": datetime.date.fromisoformat(row["starts_on"])})
        programme.full_clean()
        programme.save()
    elif programme.cohorts.exists():
        if officer_created:
            _officer_assign(programme, officer, created)
        return {kind: created[kind] for kind in COUNTED}
    _officer_assign(programme, officer, created)
    # A fresh copy: permissions and programme scope are cached on a user object once read.
    officer = get_user_model().objects.get(pk=officer.pk)
    _ProgrammeLoader(programme=programme, officer=officer, today=today, created=created).load()
    return {kind: created[kind] for kind in COUNTED}


def _officer_assign(programme: Programme, officer: Any, created: Counter[str]) -> None:
    _assignment, was_created = ProgrammeOfficer.objects.get_or_create(
        programme=programme, user=officer, defaults={"is_senior": True}
    )
    created["programme_officers"] += was_created


def _day(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


def _moment(day: datetime.date) -> datetime.datetime:
    """Late morning in the office on `day`."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 0)))


def _pronouns(gender: str) -> dict[str, str]:
    if gender == Grantee.Gender.FEMALE:
        return {"he": "she", "He": "She", "his": "her", "His": "Her", "him": "her"}
    return {"he": "he", "He": "He", "his": "his", "His": "His", "him": "him"}


@dataclass(frozen=True)
class Semester:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date


def semesters_between(start: datetime.date, until: datetime.date) -> list[Semester]:
    """The semesters that start on or after `start` and end on or before `until`, oldest first."""
    found = []
    for year in range(start.year - 1, until.year + 1):
        for semester in (
            Semester(f"{year}-spring", _day(year, *SPRING_START), _day(year, *SPRING_END)),
            Semester(f"{year}-autumn", _day(year, *AUTUMN_START), _day(year, *AUTUMN_END)),
        ):
            if semester.starts_on >= start and semester.ends_on <= until:
                found.append(semester)
    return found


def semester_after(semester: Semester) -> Semester:
    year = semester.ends_on.year
    if semester.name.endswith("spring"):
        return Semester(f"{year}-autumn", _day(year, *AUTUMN_START), _day(year, *AUTUMN_END))
    return Semester(f"{year + 1}-spring", _day(year + 1, *SPRING_START), _day(year + 1, *SPRING_END))


def _payday(month: datetime.date) -> datetime.date:
    """Stipends go out on the 5th, or the Monday after when it falls on a weekend."""
    day = month.replace(day=5)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _next_monday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


# Same-day order of what happened: a month's payments are generated first, tuition invoiced with
# them, reports come in, statuses move, a payment is held, and the rest are paid.
FIRST_GENERATE, THEN_INVOICE, THEN_REPORT, THEN_MOVE, THEN_HOLD, THEN_PAY = range(6)


class _ProgrammeLoader:
    def __init__(self, *, programme: Programme, officer: Any, today: datetime.date, created: Counter[str]):
        self.programme = programme
        self.officer = officer
        self.today = today
        self.created = created
        # The academic year under way (it starts on 1 September); the three intakes are the years before it.
        self.academic_year = today.year if today.month >= 9 else today.year - 1
        self.intake_years = [self.academic_year - 3, self.academic_year - 2, self.academic_year - 1]
        # The latest semester whose reports are all in, and the latest one whose report is overdue.
        recent = today - relativedelta(years=1)
        self.last_semester = semesters_between(recent, today - datetime.timedelta(days=REPORTS_IN_AFTER))[-1]
        self.overdue_semester = semesters_between(recent, today - datetime.timedelta(days=OVERDUE_AFTER))[-1]
        # Payments of this calendar year, and of at least the six months before this one.
        this_month = today.replace(day=1)
        first = min(_day(today.year, 1, 1), this_month - relativedelta(months=6))
        self.months = []
        while first <= this_month:
            self.months.append(first)
            first += relativedelta(months=1)
        self.institutions: dict[str, Institution] = {}
        self.cohorts: list[Cohort] = []
        self.grantees: dict[str, Grantee] = {}
        self.awards: dict[str, Award] = {}
        self.ended: dict[str, datetime.date] = {}
        self.events: list[tuple[datetime.date, int, int, Callable[[], None]]] = []

    def load(self) -> None:
        for name, value in THRESHOLDS.items():
            setattr(self.programme, name, value)
        self.programme.full_clean()
        self.programme.save(update_fields=[*THRESHOLDS, "updated_at"])
        self.created["grant_programmes"] += 1
        self._funders_and_budget()
        self._institutions()
        self._cohorts()
        for index, person in enumerate(PEOPLE):
            self._grantee_add(index, person)
        for index, person in enumerate(PEOPLE):
            self._story_plan(index, person)
        self._payments_plan()
        for *_when, action in sorted(self.events, key=lambda event: event[:3]):
            action()
        for index, person in enumerate(PEOPLE):
            self._papers_add(index, person)
            self._milestones_add(index, person)
            self._consents_add(person)
            self._outcomes_add(person)

    def _on(self, when: datetime.date, rank: int, action: Callable[[], None]) -> None:
        if when > self.today:
            raise ValueError(f"The demo's history cannot happen after {self.today}: {when}.")
        self.events.append((when, rank, len(self.events), action))

    # --- Money and places --------------------------------------------------------------------------

    def _funders_and_budget(self) -> None:
        partner = Partner.objects.filter(name=EU_PARTNER_NAME).first()
        for name, share, currency, is_eu in FUNDERS:
            funder = Funder(
                programme=self.programme,
                name=name,
                share_percent=Decimal(share),
                reporting_currency=currency,
                partner=partner if is_eu else None,
            )
            funder.full_clean()
            funder.save()
            self.created["funders"] += 1
        for year, key in ((self.today.year, "this_year"), (self.today.year - 1, "last_year")):
            for category, amount in BUDGET[key].items():
                line = BudgetLine(
                    programme=self.programme, year=year, category=category, amount=Decimal(amount)
                )
                line.full_clean()
                line.save()
                self.created["budget_lines"] += 1

    def _institutions(self) -> None:
        for key, (name, city, _housing) in INSTITUTIONS.items():
            institution, was_created = Institution.objects.get_or_create(
                name=name, defaults={"city": city, "country": "Kazakhstan"}
            )
            self.institutions[key] = institution
            self.created["institutions"] += was_created

    def _cohorts(self) -> None:
        for year in self.intake_years:
            cohort = Cohort(
                programme=self.programme, name=f"{year} intake", intake_year=year, starts_on=_day(year, 9, 1)
            )
            cohort.full_clean()
            cohort.save()
            self.cohorts.append(cohort)
            self.created["cohorts"] += 1

    # --- People and their awards ---------------------------------------------------------------------

    def _grantee_add(self, index: int, person: Person) -> None:
        year = self.intake_years[person.intake]
        in_kazakhstan = person.path not in ("alumni", "selected", "enrolled", "withdrawn")
        grantee = Grantee(
            programme=self.programme,
            code=person.code,
            name_original=person.name_original,
            name_latin=person.name_latin,
            date_of_birth=_day(year - person.age, *person.birthday),
            gender=person.gender,
            nationality="Afghan",
            province_of_origin=person.province,
            email=person.name_latin.lower().replace(" ", ".") + "@example.org",
            phone=f"+7 700 000 {index // 10 + 10} {index % 10 + 40}" if in_kazakhstan else "",
            messenger="WhatsApp on the same number" if in_kazakhstan and index % 3 == 0 else "",
            cannot_return_safely=person.cannot_return_safely,
            language=person.language,
        )
        grantee.full_clean()
        grantee.save()
        self.grantees[person.code] = grantee
        self.created["grantees"] += 1
        starts_on, expected_end_on = self._award_dates(person)
        institution = INSTITUTIONS[person.institution]
        housing = (
            Decimal(institution[2]) if person.degree in (Degree.BACHELOR, Degree.FOUNDATION) else Decimal("0")
        )
        award = Award(
            grantee=grantee,
            cohort=self.cohorts[person.intake],
            institution=self.institutions[person.institution],
            degree_level=person.degree,
            field_of_study=person.field_of_study,
            starts_on=starts_on,
            expected_end_on=expected_end_on,
            stipend_amount=Decimal(STIPEND[person.degree]),
            stipend_frequency=Award.Frequency.QUARTERLY if person.quarterly else Award.Frequency.MONTHLY,
            tuition_amount=Decimal(TUITION[(person.institution, person.degree)]),
            housing_amount=housing,
            status=Status.SELECTED,
        )
        award.full_clean()
        award.save()
        self.awards[person.code] = award
        self.created["awards"] += 1

    def _award_dates(self, person: Person) -> tuple[datetime.date, datetime.date]:
        year = self.intake_years[person.intake]
        if person.path == "selected":
            # From the reserve list, in the place of the grantee who left: starts with the next semester.
            start = min(
                first_day
                for first_day in (
                    _day(self.today.year + ahead, *semester_start)
                    for ahead in (0, 1)
                    for semester_start in (SPRING_START, AUTUMN_START)
                )
                if first_day >= self.today + datetime.timedelta(days=30)
            )
            return start, _day(start.year + 2, 6, 30)
        if person.path == "enrolled":
            # The preparatory faculty takes a new group every few weeks.
            start = _next_monday(self.today + datetime.timedelta(days=21))
            return start, start + datetime.timedelta(days=280)
        return _day(year, 9, 1), _day(year + YEARS[person.degree], 6, 30)

    def _move(self, code: str, day: datetime.date, to_status: str, reason: str) -> None:
        def action() -> None:
            award = self.awards[code]
            award_transition(award=award, to_status=to_status, reason=reason, actor=self.officer, today=day)
            # The service stamps the moment it runs; the history happened on its day.
            moment = _moment(day)
            AwardTransition.objects.filter(pk=award.transitions.order_by("-pk").values("pk")[:1]).update(
                at=moment
            )
            Award.objects.filter(pk=award.pk).update(status_changed_at=moment)
            self.created["award_transitions"] += 1

        self._on(day, THEN_MOVE, action)

    def _story_plan(self, index: int, person: Person) -> None:
        """The moves of the person's award and their semester reports, each on its day."""
        year = self.intake_years[person.intake]
        award = self.awards[person.code]
        institution, city, _housing = INSTITUTIONS[person.institution]
        words = {"institution": institution, "city": city, **_pronouns(person.gender)}
        if person.path == "selected":
            return
        if person.path == "enrolled":
            self._move(
                person.code,
                self.today - datetime.timedelta(days=9),
                Status.ENROLLED,
                person.reasons[Status.ENROLLED],
            )
            return
        self._move(
            person.code, _day(year, 8, 20), Status.ENROLLED, ENROLMENT_REASONS[index % 3].format(**words)
        )
        self._move(
            person.code, _day(year, 9, 2), Status.ACTIVE, ACTIVATION_REASONS[index % 3].format(**words)
        )
        until = self.today - datetime.timedelta(days=REPORTS_IN_AFTER)
        if person.path in ("alumni", "graduated"):
            until = award.expected_end_on
        elif person.path == "missing_report":
            until = self.overdue_semester.ends_on
        elif person.withdrawn_on is not None:
            left = person.withdrawn_on
            until = _day(year + left[0], left[1], left[2])
        semesters = semesters_between(award.starts_on, until)
        for number, semester in enumerate(semesters):
            last = number == len(semesters) - 1
            self._report_plan(index, person, number, semester, last=last)
        term = semesters[-1].name
        next_term = semester_after(semesters[-1]).name
        if person.path in ("alumni", "graduated"):
            graduated_on = _day(award.expected_end_on.year, 6, 24)
            self._move(person.code, graduated_on, Status.GRADUATED, person.reasons[Status.GRADUATED])
            self.ended[person.code] = graduated_on
            if person.path == "alumni":
                self._move(
                    person.code, _day(graduated_on.year, 7, 15), Status.ALUMNI, person.reasons[Status.ALUMNI]
                )
        elif person.path == "probation":
            day = semesters[-1].ends_on + datetime.timedelta(
                days=self._report_lag(index, len(semesters) - 1) + 3
            )
            self._move(person.code, day, Status.PROBATION, person.reasons[Status.PROBATION].format(term=term))
        elif person.path == "suspended":
            day = semesters[-1].ends_on + datetime.timedelta(days=10)
            reason = person.reasons[Status.SUSPENDED].format(next_term=next_term)
            self._move(person.code, day, Status.SUSPENDED, reason)
        elif person.withdrawn_on is not None:
            self._move(person.code, until, Status.WITHDRAWN, person.reasons[Status.WITHDRAWN])
            self.ended[person.code] = until

    @staticmethod
    def _report_lag(index: int, number: int) -> int:
        """Days after a semester's end its report came in: four to eight."""
        return 4 + (index + number) % 5

    def _report_plan(
        self, index: int, person: Person, number: int, semester: Semester, *, last: bool
    ) -> None:
        wiggle = (index + number) % len(GPA_WIGGLE)
        gpa = min(
            Decimal(person.gpa) + Decimal(person.gpa_trend) * number + Decimal(GPA_WIGGLE[wiggle]),
            Decimal("4.00"),
        )
        attendance = min(Decimal(person.attendance) + Decimal(ATTENDANCE_WIGGLE[wiggle]), Decimal("100"))
        if number == 0:
            comment = FIRST_SEMESTER_COMMENTS[index % len(FIRST_SEMESTER_COMMENTS)]
        elif gpa >= Decimal("3.40"):
            comment = STRONG_COMMENTS[(index + number) % len(STRONG_COMMENTS)]
        else:
            comment = STEADY_COMMENTS[(index + number) % len(STEADY_COMMENTS)]
        if last and person.last_report:
            gpa = Decimal(person.last_report.get("gpa", gpa))
            attendance = Decimal(person.last_report.get("attendance", attendance))
            comment = person.last_report["comment"]
        if gpa < Decimal("2.00"):
            academic_status = ProgressReport.AcademicStatus.PROBATION
        elif gpa < THRESHOLDS["gpa_threshold"] or attendance < THRESHOLDS["attendance_threshold"]:
            academic_status = ProgressReport.AcademicStatus.WARNING
        else:
            academic_status = ProgressReport.AcademicStatus.GOOD
        submitted_on = semester.ends_on + datetime.timedelta(days=self._report_lag(index, number))
        report: dict[str, Any] = {
            "gpa": gpa,
            "credits": 20 if person.degree == Degree.DOCTORATE else 30,
            "attendance_percent": attendance,
            "academic_status": academic_status,
            "officer_comment": comment.format(**_pronouns(person.gender)),
            "submitted_on": submitted_on,
        }
        day = submitted_on
        if last and person.path == "missing_report":
            # The semester's report, opened for the transcript that never came.
            report |= {"gpa": None, "credits": None, "attendance_percent": None, "submitted_on": None}
            report["academic_status"] = ProgressReport.AcademicStatus.GOOD
            day = semester.ends_on + datetime.timedelta(days=OVERDUE_AFTER - 1)

        def action() -> None:
            progress_report_record(
                award=self.awards[person.code],
                term=semester.name,
                ends_on=semester.ends_on,
                actor=self.officer,
                **report,
            )
            self.created["progress_reports"] += 1

        self._on(day, THEN_REPORT, action)

    # --- Payments ----------------------------------------------------------------------------------

    def _payments_plan(self) -> None:
        held = next(person for person in PEOPLE if person.held)
        paid_months = [month for month in self.months if _payday(month) <= self.today]
        for position, month in enumerate(self.months):
            self._on(month, FIRST_GENERATE, lambda month=month: self._generate(month))
            if month.month in (2, 9):
                self._on(month, THEN_INVOICE, lambda month=month: self._tuition(month))
            if month not in paid_months:
                continue
            payday = _payday(month)
            rate = ExchangeRate(
                base="EUR", currency="KZT", on=payday, rate=Decimal(EUR_RATES[position]), source=RATE_SOURCE
            )
            if not ExchangeRate.objects.filter(base="EUR", currency="KZT", on=payday).exists():
                rate.full_clean()
                rate.save()
                self.created["exchange_rates"] += 1
            if month == paid_months[-1]:
                self._on(
                    payday - datetime.timedelta(days=2),
                    THEN_HOLD,
                    lambda month=month: self._hold(held, month),
                )
            self._on(payday, THEN_PAY, lambda month=month, payday=payday: self._pay(month, payday))

    def _generate(self, month: datetime.date) -> None:
        self.created["disbursements"] += disbursements_generate(
            programme=self.programme, month=month, actor=self.officer
        )

    def _tuition(self, month: datetime.date) -> None:
        """Half a year's tuition for each award studying this semester, invoiced by the university."""
        rows = [
            Disbursement(
                award=award, month=month, kind=Disbursement.Kind.TUITION, amount=award.tuition_amount / 2
            )
            for award in Award.objects.filter(
                cohort__programme=self.programme,
                status__in=(Status.ACTIVE, Status.PROBATION),
                tuition_amount__gt=0,
                starts_on__lte=month,
            ).order_by("pk")
        ]
        for row in rows:
            row.full_clean()
        Disbursement.objects.bulk_create(rows)
        self.created["disbursements"] += len(rows)

    def _hold(self, person: Person, month: datetime.date) -> None:
        payment = Disbursement.objects.get(
            award=self.awards[person.code], month=month, kind=Disbursement.Kind.STIPEND
        )
        disbursement_hold(disbursement=payment, reason=person.held, actor=self.officer)

    def _pay(self, month: datetime.date, payday: datetime.date) -> None:
        due = Disbursement.objects.filter(
            award__cohort__programme=self.programme, month=month, status=Disbursement.Status.DUE
        )
        disbursements_mark_paid(disbursements=list(due), paid_on=payday, actor=self.officer)

    # --- Papers, milestones, consents, outcomes --------------------------------------------------------

    def _papers_add(self, index: int, person: Person) -> None:
        year = self.intake_years[person.intake]
        grantee = self.grantees[person.code]
        passport_issued = _day(year, 9, 1) - datetime.timedelta(days=150 + index * 11)
        papers = [
            ResidenceDocument(
                grantee=grantee,
                kind=ResidenceDocument.Kind.PASSPORT,
                number=f"P{(int(person.code[-4:]) * 7919) % 10**8:08d}",
                issued_on=passport_issued,
                expires_on=passport_issued + relativedelta(years=10, days=-1),
            )
        ]
        if person.path in ("active", "probation", "suspended", "missing_report"):
            # A student visa is valid for a year and renewed with the migration service before it ends.
            days = VISA_EXPIRING_IN if person.visa_expiring else 90 + (index * 37) % 200
            expires_on = self.today + datetime.timedelta(days=days)
            papers.append(
                ResidenceDocument(
                    grantee=grantee,
                    kind=ResidenceDocument.Kind.VISA,
                    number=f"{(int(person.code[-4:]) * 104729) % 10**9:09d}",
                    issued_on=expires_on - relativedelta(years=1, days=-1),
                    expires_on=expires_on,
                )
            )
            # Health insurance for the academic year under way.
            papers.append(
                ResidenceDocument(
                    grantee=grantee,
                    kind=ResidenceDocument.Kind.INSURANCE,
                    number=f"MED-{self.academic_year}-{person.code[-4:]}",
                    issued_on=_day(self.academic_year, 9, 1),
                    expires_on=_day(self.academic_year + 1, 8, 31),
                )
            )
        for paper in papers:
            paper.full_clean()
            paper.save()
            self.created["residence_documents"] += 1

    def _milestones_add(self, index: int, person: Person) -> None:
        award = self.awards[person.code]
        year = self.intake_years[person.intake]
        ended = self.ended.get(person.code)
        if person.degree == Degree.FOUNDATION:
            plan = [
                (
                    "Russian language at level B1 by the end of the preparatory year",
                    award.starts_on + datetime.timedelta(days=250),
                )
            ]
        else:
            plan = [
                (title, _day(year + after, month, day))
                for title, after, month, day in MILESTONES[person.degree]
            ]
        if person.path == "selected":
            return
        if person.visa_expiring:
            plan.append((VISA_RENEWAL, self.today + datetime.timedelta(days=VISA_EXPIRING_IN - 30)))
        for number, (title, due_on) in enumerate(plan):
            if person.path == "withdrawn" and ended is not None and due_on > ended:
                continue
            done = due_on <= self.today and (person.code, title) != MILESTONE_OVERDUE
            if person.path == "suspended" and due_on > self.last_semester.ends_on:
                done = False
            completed_on = (
                due_on - datetime.timedelta(days=2 + (index * 3 + number * 5) % 20) if done else None
            )
            milestone = Milestone(award=award, title=title, due_on=due_on, completed_on=completed_on)
            milestone.full_clean()
            milestone.save()
            self.created["milestones"] += 1

    def _consent(self, grantee: Grantee, purpose: str, is_given: bool, note: str, day: datetime.date) -> None:
        consent = consent_record(
            grantee=grantee, purpose=purpose, is_given=is_given, note=note, actor=self.officer
        )
        Consent.objects.filter(pk=consent.pk).update(at=_moment(day))
        self.created["consents"] += 1

    def _consents_add(self, person: Person) -> None:
        grantee = self.grantees[person.code]
        words = _pronouns(person.gender)
        year = self.intake_years[person.intake]
        if person.path == "selected":
            day = self.today - datetime.timedelta(days=30)
            note = (
                "Signed the consent form at the selection interview, held by video call; read through with "
                "{him} in Dari."
            )
        elif person.path == "enrolled":
            day = self.today - datetime.timedelta(days=9)
            note = (
                "Signed the consent form with the admission papers; the Pashto version was read through with "
                "{him} by phone."
            )
        else:
            day = _day(year, 9, 3)
            note = CONSENT_NOTES[person.language]
        note = note.format(**words)
        self._consent(grantee, Consent.Purpose.RECONTACT, True, note, day)
        if person.shares_with_funders:
            self._consent(grantee, Consent.Purpose.FUNDER_SHARING, True, note, day)
        else:
            self._consent(
                grantee,
                Consent.Purpose.FUNDER_SHARING,
                False,
                "Declined: agrees that funders see anonymous figures only, never {his} name or university.".format(
                    **words
                ),
                day,
            )
        if person.story:
            self._consent(
                grantee,
                Consent.Purpose.STORY,
                True,
                "Agreed to a written story under {his} first name only, with no photograph; {he} reads the text "
                "before it is published.".format(**words),
                _day(year + 1, 3, 10),
            )
        if person.story_withdrawn:
            self._consent(
                grantee,
                Consent.Purpose.STORY,
                False,
                "Withdrew by email; the draft story was not published and has been deleted.",
                _day(year + 1, 4, 2),
            )

    def _outcomes_add(self, person: Person) -> None:
        if person.path not in ("alumni", "graduated"):
            return
        award = Award.objects.get(pk=self.awards[person.code].pk)
        base = follow_up_base(award)
        for wave, after in WAVES:
            due_on = base + after
            if due_on > self.today:
                continue
            surveyed_on = due_on + datetime.timedelta(days=3)
            answers = person.outcomes.get(wave)
            outcome = OutcomeRecord(
                award=award,
                wave=wave,
                due_on=due_on,
                surveyed_on=surveyed_on if surveyed_on <= self.today else None,
            )
            if answers is not None and surveyed_on <= self.today:
                for name, value in answers.items():
                    setattr(outcome, name, value)
                outcome.responded_on = min(surveyed_on + datetime.timedelta(days=6), self.today)
            outcome.full_clean()
            outcome.save()
            self.created["alumni_outcomes"] += 1
