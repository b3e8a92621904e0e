"""The role groups and what each holds: one source for the migrations that create them, the CMS code
that grants page permissions, and the tests that prove each boundary (docs/decisions/0008-roles.md).

Plain data only: no model is imported here, so migrations can read it."""

from outreach.core.groups import ADMIN_ACCESS, PermissionSpec

EDITOR = "Editor"
THEOLOGICAL_REVIEWER = "Theological reviewer"
PUBLISHER = "Publisher"
HELPLINE = "Helpline"
OUTREACH_MANAGER = "Outreach manager"
PROGRAM_OFFICER = "Program officer"
CAMPAIGN_MANAGER = "Campaign manager"
PARTNER = "Partner"
ADMINISTRATOR = "Administrator"

# One translator group per content language that has its own page tree. Kazakh in Latin script
# (kk-latn) has none: it is respelled from the Kazakh pages, so the Kazakh translator covers it.
TRANSLATOR_GROUPS = {
    "kk": "Translator (Kazakh)",
    "ru": "Translator (Russian)",
    "en": "Translator (English)",
    "ky": "Translator (Kyrgyz)",
    "uz": "Translator (Uzbek)",
    "tg": "Translator (Tajik)",
    "fa-af": "Translator (Dari)",
    "ps": "Translator (Pashto)",
    "ar": "Translator (Arabic)",
}

# Holding it makes a second factor (TOTP) compulsory for the group's members once
# WAGTAIL_2FA_REQUIRED is on (wagtail_2fa.middleware.VerifyUserPermissionsMiddleware); the name is
# the one wagtail_2fa's own migration gives it.
ENABLE_TWO_FACTOR: PermissionSpec = ("wagtailadmin", "admin", "enable_2fa", "Enable 2FA")

# Wagtail page permissions (GroupPagePermission codenames, wagtail.models.PAGE_PERMISSION_TYPES).
# Editors and publishers hold theirs on the tree root, so they cover every language; a translator's
# are on their language's home page only (cms.roles.roles_page_permissions_ensure). The theological
# reviewer holds none: Wagtail's group approval task opens the editor to the task's group while a
# page waits on it, which is exactly the reach reviewing needs. The administrator may only release
# locks, which also lets them browse the tree and read its history without editing a word.
PAGE_PERMISSIONS_ON_ROOT = {
    EDITOR: ("add_page", "change_page", "lock_page"),
    PUBLISHER: ("change_page", "publish_page", "lock_page", "unlock_page"),
    ADMINISTRATOR: ("unlock_page",),
}
TRANSLATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page")

# Image and document permissions are per collection (GroupCollectionPermission on the root
# collection), as Wagtail checks them; codenames by app.
COLLECTION_PERMISSIONS = {
    EDITOR: (
        ("wagtailimages", "image", "add_image", "Can add image"),
        ("wagtailimages", "image", "choose_image", "Can choose image"),
        ("wagtaildocs", "document", "add_document", "Can add document"),
        ("wagtaildocs", "document", "choose_document", "Can choose document"),
    ),
    THEOLOGICAL_REVIEWER: (
        ("wagtailimages", "image", "choose_image", "Can choose image"),
        ("wagtaildocs", "document", "choose_document", "Can choose document"),
    ),
    PUBLISHER: (
        ("wagtailimages", "image", "choose_image", "Can choose image"),
        ("wagtaildocs", "document", "choose_document", "Can choose document"),
    ),
    # Evidence for results is uploaded as a document.
    CAMPAIGN_MANAGER: (
        ("wagtaildocs", "document", "add_document", "Can add document"),
        ("wagtaildocs", "document", "choose_document", "Can choose document"),
    ),
}
TRANSLATOR_COLLECTION_PERMISSIONS = COLLECTION_PERMISSIONS[EDITOR]

SUBMIT_TRANSLATION: PermissionSpec = (
    "wagtail_localize",
    "translation",
    "submit_translation",
    "Can submit translations",
)


def model_permissions(app_label: str, model: str, verbose_name: str, actions: tuple[str, ...]):
    """Django's default model permissions `actions` of one model, as PermissionSpec tuples."""
    return [(app_label, model, f"{action}_{model}", f"Can {action} {verbose_name}") for action in actions]


ALL = ("add", "change", "delete", "view")

# The parts of a joint programme a campaign manager keeps up in full: (model, verbose name).
CAMPAIGN_PARTS = (
    ("partnercontact", "partner contact"),
    ("partnermembership", "partner user"),
    ("programmepartner", "programme partner"),
    ("reportingperiod", "reporting period"),
    ("periodnarrative", "period narrative"),
    ("resultstatement", "outcome or output"),
    ("indicator", "indicator"),
    ("indicatortarget", "indicator target"),
    ("result", "result"),
    ("campaign", "campaign"),
)

# The parts of a grant programme a programme officer keeps up: (model, verbose name).
GRANT_PARTS = (
    ("programmeofficer", "programme officer"),
    ("funder", "funder"),
    ("budgetline", "budget line"),
    ("exchangerate", "exchange rate"),
    ("institution", "institution"),
    ("cohort", "cohort"),
    ("grantee", "grantee"),
    ("residencedocument", "residence document"),
    ("consent", "consent"),
    ("award", "award"),
    ("awardtransition", "award status change"),
    ("disbursement", "disbursement"),
    ("disbursementshare", "funder's share"),
    ("progressreport", "progress report"),
    ("milestone", "milestone"),
    ("granteedocument", "grantee document"),
    ("outcomerecord", "alumni outcome"),
)

# Model permissions (group.permissions) of each role.
GROUP_PERMISSIONS: dict[str, list[PermissionSpec]] = {
    EDITOR: [
        ADMIN_ACCESS,
        SUBMIT_TRANSLATION,
        *model_permissions("cms", "topic", "topic", ("add", "change", "view")),
        *model_permissions("cms", "audience", "audience", ("add", "change", "view")),
    ],
    THEOLOGICAL_REVIEWER: [ADMIN_ACCESS],
    PUBLISHER: [ADMIN_ACCESS],
    # Within the programmes they are assigned to only (outreach/grants/permissions.py): grantees with
    # their names, papers and contacts, awards, payments, reports and alumni outcomes. Deleting a
    # grantee is erasure, the emergency lock is the administrators'.
    PROGRAM_OFFICER: [
        ADMIN_ACCESS,
        ENABLE_TWO_FACTOR,
        *model_permissions("grants", "programme", "programme", ("add", "change", "view")),
        *(
            permission
            for model, verbose_name in GRANT_PARTS
            for permission in model_permissions("grants", model, verbose_name, ("add", "change", "view"))
        ),
        ("grants", "programme", "view_grantee_personal_data", "Can see grantees' names, papers and contacts"),
    ],
    CAMPAIGN_MANAGER: [
        ADMIN_ACCESS,
        *model_permissions("campaigns", "partner", "partner organisation", ("add", "change", "view")),
        *model_permissions("campaigns", "jointprogramme", "joint programme", ("add", "change", "view")),
        *(
            permission
            for model, verbose_name in CAMPAIGN_PARTS
            for permission in model_permissions("campaigns", model, verbose_name, ALL)
        ),
    ],
    # Read-only, and only within their own organisation's programmes: the rules in
    # outreach/campaigns/permissions.py narrow what these permissions open to a partner user's scope.
    PARTNER: [
        ADMIN_ACCESS,
        *(
            model_permissions("campaigns", model, verbose_name, ("view",))[0]
            for model, verbose_name in (
                ("partner", "partner organisation"),
                ("jointprogramme", "joint programme"),
                *CAMPAIGN_PARTS,
            )
            if model not in ("partnercontact", "partnermembership")
        ),
        # The figures of the grant programmes a funder of which is their organisation, and nothing
        # else of grant programmes (outreach/grants/permissions.py).
        (
            "grants",
            "programme",
            "view_programme_aggregates",
            "Can see the figures of programmes their organisation funds",
        ),
    ],
    # Scheduled outreach: messages, audiences (their rules and counts, never who is in them),
    # broadcasts and digests, approving language variants and the emergency stop. Subscribers are
    # seen without their addresses or topics (audiences.view_subscriber_personal_data is not here).
    OUTREACH_MANAGER: [
        ADMIN_ACCESS,
        ("audiences", "subscriber", "view_subscriber", "Can view subscriber"),
        ("audiences", "consentrecord", "view_consentrecord", "Can view consent record"),
        *model_permissions("audiences", "audience", "audience", ALL),
        *model_permissions("broadcasts", "message", "message", ALL),
        *model_permissions("broadcasts", "broadcast", "broadcast", ALL),
        *model_permissions("broadcasts", "digest", "digest", ALL),
        *model_permissions("broadcasts", "channeltarget", "channel target", ALL),
        ("broadcasts", "message", "approve_message", "Can approve message variants"),
        ("broadcasts", "broadcast", "send_broadcast", "Can schedule, pause, resume and cancel broadcasts"),
        ("broadcasts", "outreachcontrol", "use_emergency_stop", "Can stop and resume all outreach"),
        *model_permissions("django_celery_beat", "crontabschedule", "crontab", ("add", "change", "view")),
    ],
    ADMINISTRATOR: [
        ADMIN_ACCESS,
        ENABLE_TWO_FACTOR,
        ("broadcasts", "outreachcontrol", "use_emergency_stop", "Can stop and resume all outreach"),
        # Every programme and grantee by code (not their names or papers), to put a record under the
        # emergency lock and lift it: the one role a locked record stays visible to.
        ("grants", "programme", "view_programme", "Can view programme"),
        ("grants", "programme", "view_all_programmes", "Can see every grant programme, assigned or not"),
        ("grants", "grantee", "view_grantee", "Can view grantee"),
        ("grants", "programme", "lock_grantee", "Can put a grantee's record under the emergency lock"),
        *model_permissions("auth", "user", "user", ALL),
        *model_permissions("auth", "group", "group", ALL),
        *model_permissions("wagtailcore", "site", "site", ALL),
        *model_permissions("wagtailcore", "locale", "locale", ALL),
        *model_permissions("wagtailcore", "workflow", "workflow", ALL),
        *model_permissions("wagtailcore", "task", "task", ALL),
        *model_permissions("wagtailcore", "collection", "collection", ("add", "change", "delete")),
        *model_permissions("wagtailredirects", "redirect", "redirect", ALL),
        *model_permissions("wagtailsearchpromotions", "searchpromotion", "search promotion", ALL),
    ],
}
# Every translator holds the same model permissions; what differs is where their page permissions
# apply.
TRANSLATOR_PERMISSIONS: list[PermissionSpec] = [ADMIN_ACCESS, SUBMIT_TRANSLATION]

# The Helpline group (helpline 0002) reads requests of people at risk: it must use a second factor.
HELPLINE_EXTRA_PERMISSIONS: list[PermissionSpec] = [ENABLE_TWO_FACTOR]
