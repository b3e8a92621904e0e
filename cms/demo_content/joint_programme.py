"""The demo joint programme with the EU Delegation: its partners, periods, results framework, the
results of its first half-year, a narrative in English and Russian, and three campaigns, two of which
send readers to the demo's campaign landing pages."""

PROGRAMME = {
    "code": "eu-voices-of-reason",
    "name": "Voices of Reason: preventing violent extremism among young people in Central Asia",
    "objectives": (
        "Young people in Kazakhstan and their families meet credible, local answers to extremist "
        "recruitment in their own language, and know where to turn when someone close to them is drawn "
        "in. The programme publishes counter-narrative material written with religious scholars and "
        "former recruits, trains teachers and imams to talk about it, and runs campaigns that lead "
        "readers to the confidential helpline."
    ),
    "starts_on": "2026-01-01",
    "ends_on": "2027-12-31",
    "currency": "EUR",
    "budget": "1500000.00",
}

# (partner name as in structure.PARTNERS, role, funding share in per cent)
PARTNER_ROLES = [
    ("Delegation of the European Union to Kazakhstan", "lead", "90.00"),
    ("Spiritual Administration of Muslims of Kazakhstan", "implementing", "10.00"),
]

PERIODS = [
    ("2026 H1", "2026-01-01", "2026-06-30"),
    ("2026 H2", "2026-07-01", "2026-12-31"),
    ("2027 H1", "2027-01-01", "2027-06-30"),
    ("2027 H2", "2027-07-01", "2027-12-31"),
]

# (code, level, parent code, statement)
STATEMENTS = [
    (
        "OC1",
        "outcome",
        "",
        "Young people and parents question extremist narratives and know where to turn for help.",
    ),
    (
        "OP1.1",
        "output",
        "OC1",
        "Counter-narrative material reviewed by scholars is published in the languages young people read.",
    ),
    (
        "OP1.2",
        "output",
        "OC1",
        "Teachers and religious leaders are able to answer young people's questions about extremist claims.",
    ),
]

# Indicators with their targets per period (in PERIODS order).
INDICATORS = [
    {
        "code": "OC1.1",
        "statement": "OC1",
        "name": "Reads of the campaigns' counter-narrative material",
        "unit": "count",
        "baseline": "0",
        "means_of_verification": "The platform's anonymous daily reading figures for the campaigns' pages.",
        "disaggregation": ["language"],
        "partner_code": "EU-PVE-OC-1",
        "source": "page_views",
        "targets": ["20000", "45000", "70000", "100000"],
    },
    {
        "code": "OC1.2",
        "statement": "OC1",
        "name": "Requests for help sent from the campaigns' landing pages",
        "unit": "count",
        "baseline": "0",
        "means_of_verification": "Help requests that arrive from a campaign landing page, counted without "
        "reading them.",
        "disaggregation": [],
        "partner_code": "EU-PVE-OC-2",
        "source": "help_requests",
        "targets": ["40", "90", "140", "200"],
    },
    {
        "code": "OC1.3",
        "statement": "OC1",
        "name": "Share of surveyed teachers who feel able to respond when a pupil repeats extremist claims",
        "unit": "percent",
        "baseline": "31",
        "means_of_verification": "Survey of teachers in partner schools at the end of each half-year.",
        "disaggregation": [],
        "partner_code": "EU-PVE-OC-3",
        "source": "manual",
        "targets": ["40", "50", "60", "70"],
    },
    {
        "code": "OP1.1",
        "statement": "OP1.1",
        "name": "Counter-narrative materials published after theological review",
        "unit": "count",
        "baseline": "12",
        "means_of_verification": "The site's publishing history.",
        "disaggregation": ["language"],
        "partner_code": "EU-PVE-OP-1",
        "source": "manual",
        "targets": ["30", "50", "70", "90"],
    },
    {
        "code": "OP1.2",
        "statement": "OP1.2",
        "name": "Teachers and imams who completed the two-day workshop",
        "unit": "people",
        "baseline": "0",
        "means_of_verification": "Signed attendance lists of each workshop.",
        "disaggregation": ["sex", "region"],
        "partner_code": "EU-PVE-OP-2",
        "source": "manual",
        "targets": ["300", "700", "1100", "1500"],
    },
]

# Results entered for the first half-year: (indicator code, dimension, category, value, evidence note)
RESULTS_2026_H1 = [
    (
        "OC1.3",
        "",
        "",
        "38",
        "Survey of 412 teachers in 36 schools of Almaty, Shymkent and Turkistan, June 2026.",
    ),
    ("OP1.1", "", "", "34", "Publishing history of the site, 1 January to 30 June 2026."),
    ("OP1.1", "language", "kk", "14", ""),
    ("OP1.1", "language", "ru", "12", ""),
    ("OP1.1", "language", "fa-af", "8", ""),
    ("OP1.2", "", "", "326", "Attendance lists of 14 workshops, scanned and kept by the programme office."),
    ("OP1.2", "sex", "female", "171", ""),
    ("OP1.2", "sex", "male", "155", ""),
    ("OP1.2", "region", "Almaty", "118", ""),
    ("OP1.2", "region", "Shymkent", "104", ""),
    ("OP1.2", "region", "Turkistan region", "104", ""),
]

NARRATIVES_2026_H1 = {
    "en": {
        "summary": (
            "In its first half-year the programme published 34 reviewed materials in Kazakh, Russian and "
            "Dari, ran the youth campaign “Asking is not a sin” and trained 326 teachers and imams."
        ),
        "achievements": (
            "The share of teachers who feel able to respond to extremist claims rose from 31% to 38%. "
            "Workshops reached three regions, with slightly more women than men taking part."
        ),
        "challenges": (
            "Scholarly review of Dari material took longer than planned, because few reviewers read Dari; "
            "two workshops in Turkistan region were moved to September because of the exam period."
        ),
        "next_steps": (
            "Launch the parents' campaign “Talk before they do” in September, add a second Dari reviewer "
            "and run the postponed workshops."
        ),
    },
    "ru": {
        "summary": (
            "За первое полугодие программа опубликовала 34 материала на казахском, русском и дари, "
            "прошедших богословскую проверку, провела молодёжную кампанию «Спросить — не грех» и обучила "
            "326 учителей и имамов."
        ),
        "achievements": (
            "Доля учителей, готовых ответить на экстремистские утверждения, выросла с 31% до 38%. "
            "Семинары прошли в трёх регионах; женщин среди участников немного больше, чем мужчин."
        ),
        "challenges": (
            "Богословская проверка материалов на дари заняла больше времени, чем планировалось: "
            "рецензентов, читающих на дари, мало. Два семинара в Туркестанской области перенесены на "
            "сентябрь из-за экзаменов."
        ),
        "next_steps": (
            "В сентябре запустить кампанию для родителей «Поговорите раньше них», привлечь второго "
            "рецензента для дари и провести перенесённые семинары."
        ),
    },
}

# Campaigns; `landing_page` is the slug of the demo campaign landing page that belongs to it.
CAMPAIGNS = [
    {
        "name": "Asking is not a sin",
        "objective": (
            "Young people who meet extremist claims online ask a scholar or the helpline before they "
            "believe them."
        ),
        "audiences": ["youth"],
        "languages": ["kk", "ru", "en"],
        "channels": ["website", "social"],
        "starts_on": "2026-02-01",
        "ends_on": "2026-06-30",
        "budget": "60000.00",
        "spend": "54300.00",
        "status": "completed",
        "landing_page": "asking-is-not-a-sin",
    },
    {
        "name": "Talk before they do",
        "objective": (
            "Parents recognise the first signs of online recruitment and talk with their children before "
            "recruiters do."
        ),
        "audiences": ["parents"],
        "languages": ["kk", "ru", "fa-af"],
        "channels": ["website", "email", "events"],
        "starts_on": "2026-09-01",
        "ends_on": "2027-02-28",
        "budget": "85000.00",
        "spend": "31200.00",
        "status": "active",
        "landing_page": "talk-before-they-do",
    },
    {
        "name": "Teachers' year",
        "objective": (
            "Teachers in partner schools hold one class conversation each term on how recruiters work, "
            "with the guide for teachers."
        ),
        "audiences": ["teachers"],
        "languages": ["kk", "ru"],
        "channels": ["events", "email"],
        "starts_on": "2027-01-15",
        "ends_on": "2027-06-30",
        "budget": "120000.00",
        "spend": "0.00",
        "status": "planned",
        "landing_page": "",
    },
]
