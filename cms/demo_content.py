"""Demo material for the embedded site: real articles written for the platform's readers.

Each entry is one article with a version per language; the Kazakh version is the source and the
others are its translations (same translation key)."""

HOME_INTROS = {
    "kk": (
        "Діни экстремизм туралы сұрақтарға адал жауаптар: ғалымдардың түсіндірмелері, оралғандардың "
        "естеліктері, ата-аналар мен мұғалімдерге кеңестер. Көмек керек болса, құпия түрде жаза аласыз."
    ),
    "ru": (
        "Честные ответы на вопросы о религиозном экстремизме: разъяснения богословов, рассказы "
        "вернувшихся, советы родителям и учителям. Если нужна помощь, можно написать конфиденциально."
    ),
    "en": (
        "Honest answers to questions about religious extremism: explanations by scholars, accounts from "
        "people who came back, advice for parents and teachers. If you need help, you can write to us in "
        "confidence."
    ),
}

ARTICLES = [
    {
        "slug": "recruiters-promises",
        "kk": {
            "title": "Жалдаушылар не уәде етеді және не жасырады",
            "summary": "Интернеттегі үгітшілер мақсат, бауырластық және ақиқат уәде етеді. "
            "Шын мәнінде адамды отбасынан, елінен және өз ақылынан айырады.",
            "body": [
                (
                    "paragraph",
                    "<p>Жалдаушы алдымен дос болып көрінеді. Ол сіздің ашуыңызды, жалғыздығыңызды "
                    "немесе әділетсіздікке деген наразылығыңызды тыңдайды және оған дайын жауап ұсынады.</p>",
                ),
                ("heading", "Уәде: бауырластық"),
                (
                    "paragraph",
                    "<p>Шын мәнінде топ адамды бірте-бірте жақындарынан оқшаулайды: ата-анаңа "
                    "айтпа, молдаға сенбе, тек бізді тыңда. Оқшауланған адамды басқару оңай.</p>",
                ),
                (
                    "quote",
                    "Маған бәрін түсінетін жаңа отбасы табылды деп ойладым. Кейін ол жерде сұрақ "
                    "қоюға болмайтынын түсіндім.|Ақтөбеден оралған жігіт, 24 жаста",
                ),
                ("heading", "Не істеуге болады"),
                (
                    "paragraph",
                    "<p>Біреу сізге құпия сақтауды, жақындарыңыздан алыстауды немесе шетелге "
                    "кетуді ұсынса, тоқтаңыз. Сенімді адаммен сөйлесіңіз немесе бізге құпия хат жазыңыз.</p>",
                ),
            ],
        },
        "ru": {
            "title": "Что обещают вербовщики и о чём молчат",
            "summary": "Пропагандисты в сети обещают смысл, братство и истину. На деле они отнимают у "
            "человека семью, родину и право думать самому.",
            "body": [
                (
                    "paragraph",
                    "<p>Вербовщик сначала выглядит как друг. Он слушает вашу злость, одиночество "
                    "или обиду на несправедливость и предлагает на всё готовый ответ.</p>",
                ),
                ("heading", "Обещание: братство"),
                (
                    "paragraph",
                    "<p>На деле группа шаг за шагом отрезает человека от близких: не говори "
                    "родителям, не верь имаму, слушай только нас. Изолированным человеком легко управлять.</p>",
                ),
                (
                    "quote",
                    "Я думал, что нашёл новую семью, которая меня понимает. Потом понял, что там "
                    "нельзя задавать вопросы.|Вернувшийся из Актобе, 24 года",
                ),
                ("heading", "Что можно сделать"),
                (
                    "paragraph",
                    "<p>Если кто-то требует от вас тайны, отдаления от близких или отъезда за "
                    "границу, остановитесь. Поговорите с человеком, которому доверяете, или напишите нам "
                    "конфиденциально.</p>",
                ),
            ],
        },
        "en": {
            "title": "What recruiters promise, and what they hide",
            "summary": "Online propagandists promise purpose, brotherhood and truth. In practice they take "
            "away a person's family, homeland and right to think for themselves.",
            "body": [
                (
                    "paragraph",
                    "<p>A recruiter first looks like a friend. He listens to your anger, your "
                    "loneliness or your sense of injustice, and offers a ready-made answer to all of it.</p>",
                ),
                ("heading", "The promise: brotherhood"),
                (
                    "paragraph",
                    "<p>In practice the group cuts a person off from those close to them, step by "
                    "step: don't tell your parents, don't trust the imam, listen only to us. An isolated "
                    "person is easy to control.</p>",
                ),
                (
                    "quote",
                    "I thought I had found a new family that understood me. Later I understood that "
                    "there you were not allowed to ask questions.|A young man who returned to Aktobe, aged 24",
                ),
                ("heading", "What you can do"),
                (
                    "paragraph",
                    "<p>If someone asks you to keep secrets, to pull away from your family or to "
                    "travel abroad, stop. Talk to someone you trust, or write to us in confidence.</p>",
                ),
            ],
        },
    },
    {
        "slug": "talking-with-your-teenager",
        "kk": {
            "title": "Баламен экстремистік видеолар туралы қалай сөйлесуге болады",
            "summary": "Балаңыздың телефонында қатыгез видео көрдіңіз бе? Айғайламаңыз: ашық әңгіме "
            "тыйымнан гөрі көбірек қорғайды.",
            "body": [
                (
                    "paragraph",
                    "<p>Жасөспірімдер мұндай видеоларға көбіне қызығушылықтан немесе "
                    "достарының әсерімен тап болады. Бұл әлі радикалдану емес, бірақ сөйлесуге себеп.</p>",
                ),
                ("heading", "Әңгімені қалай бастау керек"),
                (
                    "paragraph",
                    "<ul><li>Сұрақ қойыңыз, сот болмаңыз: «Бұл видеода саған не әсер етті?»</li>"
                    "<li>Оның ашуын немесе сұрақтарын елемеңіз; олар шынайы болуы мүмкін.</li>"
                    "<li>Бірге сенімді ғалымның түсіндірмесін оқыңыз.</li></ul>",
                ),
                ("heading", "Қашан көмек сұрау керек"),
                (
                    "paragraph",
                    "<p>Бала отбасынан оқшауланса, жаңа таныстарын жасырса немесе шетелге "
                    "кету туралы айтса, мамандарға құпия түрде хабарласыңыз.</p>",
                ),
            ],
        },
        "ru": {
            "title": "Как говорить с подростком об экстремистских видео",
            "summary": "Увидели жестокое видео в телефоне сына или дочери? Не кричите: открытый разговор "
            "защищает лучше запрета.",
            "body": [
                (
                    "paragraph",
                    "<p>Подростки чаще всего натыкаются на такие видео из любопытства или под "
                    "влиянием друзей. Это ещё не радикализация, но это повод поговорить.</p>",
                ),
                ("heading", "Как начать разговор"),
                (
                    "paragraph",
                    "<ul><li>Спрашивайте, а не судите: «Что тебя зацепило в этом видео?»</li>"
                    "<li>Не отмахивайтесь от его злости или вопросов: они могут быть настоящими.</li>"
                    "<li>Прочитайте вместе разъяснение богослова, которому вы доверяете.</li></ul>",
                ),
                ("heading", "Когда просить помощи"),
                (
                    "paragraph",
                    "<p>Если подросток отдаляется от семьи, скрывает новых знакомых или говорит "
                    "об отъезде за границу, обратитесь к специалистам конфиденциально.</p>",
                ),
            ],
        },
        "en": {
            "title": "How to talk with your teenager about extremist videos",
            "summary": "Found a violent video on your child's phone? Don't shout: an open conversation "
            "protects better than a ban.",
            "body": [
                (
                    "paragraph",
                    "<p>Teenagers usually come across such videos out of curiosity or through "
                    "friends. That is not yet radicalisation, but it is a reason to talk.</p>",
                ),
                ("heading", "How to start the conversation"),
                (
                    "paragraph",
                    '<ul><li>Ask, don\'t judge: "What caught you in this video?"</li>'
                    "<li>Don't brush off their anger or their questions: they may be real.</li>"
                    "<li>Read a scholar's explanation you trust together.</li></ul>",
                ),
                ("heading", "When to ask for help"),
                (
                    "paragraph",
                    "<p>If your child pulls away from the family, hides new acquaintances or talks "
                    "about going abroad, contact specialists in confidence.</p>",
                ),
            ],
        },
    },
    {
        "slug": "hijra-to-a-war-zone",
        "kk": {
            "title": "Соғыс аймағына «хижра» парыз ба? Ғалымдардың жауабы",
            "summary": "Үгітшілер соғыс аймағына көшуді әр мұсылманның міндеті деп көрсетеді. "
            "Ислам ғалымдары бұл пікірді негізсіз деп санайды.",
            "body": [
                (
                    "paragraph",
                    "<p>Хижра — Пайғамбардың (оған Алланың игілігі мен сәлемі болсын) Меккеден "
                    "Мединеге көшуі, қуғын-сүргіннен қорғану және бейбіт қоғам құру үшін жасалған.</p>",
                ),
                ("heading", "Ғалымдар не дейді"),
                (
                    "paragraph",
                    "<p>Дін ұстануға еркіндік бар елден соғыс аймағына көшу міндет емес. Отбасын "
                    "тастап кету, ата-ананың рұқсатынсыз соғысқа бару — шариғатқа қайшы.</p>",
                ),
                (
                    "quote",
                    "Ата-анаңның ризашылығы — жәннаттың кілті. Оларды жылатып кеткен жол хижра "
                    "емес.|Қазақстан мұсылмандары діни басқармасының ғалымы",
                ),
            ],
        },
        "ru": {
            "title": "Обязательна ли «хиджра» в зону войны? Ответ богословов",
            "summary": "Пропагандисты выдают переезд в зону войны за долг каждого мусульманина. "
            "Исламские богословы считают это утверждение необоснованным.",
            "body": [
                (
                    "paragraph",
                    "<p>Хиджра — переселение Пророка (мир ему и благословение Аллаха) из Мекки в "
                    "Медину ради защиты от преследований и построения мирной общины.</p>",
                ),
                ("heading", "Что говорят богословы"),
                (
                    "paragraph",
                    "<p>Из страны, где есть свобода исповедовать веру, переселяться в зону войны "
                    "не обязательно. Бросить семью и уйти воевать без согласия родителей противоречит "
                    "шариату.</p>",
                ),
                (
                    "quote",
                    "Довольство родителей — ключ к раю. Путь, на котором ты оставил их в слезах, — "
                    "не хиджра.|Богослов Духовного управления мусульман Казахстана",
                ),
            ],
        },
        "en": {
            "title": 'Is "hijra" to a war zone a duty? The scholars\' answer',
            "summary": "Propagandists present moving to a war zone as every Muslim's duty. Islamic "
            "scholars consider this claim groundless.",
            "body": [
                (
                    "paragraph",
                    "<p>The hijra was the Prophet's (peace and blessings be upon him) migration "
                    "from Mecca to Medina, to escape persecution and to build a peaceful community.</p>",
                ),
                ("heading", "What the scholars say"),
                (
                    "paragraph",
                    "<p>There is no duty to leave a country where one may practise the faith "
                    "freely for a war zone. Abandoning one's family and going to fight without one's parents' "
                    "consent is contrary to the sharia.</p>",
                ),
                (
                    "quote",
                    "Your parents' contentment is the key to paradise. A road on which you left them "
                    "in tears is not hijra.|A scholar of the Spiritual Administration of Muslims of Kazakhstan",
                ),
            ],
        },
    },
]

PROGRAMMES = [
    {
        "code": "afg-edu",
        "name": "Education for Afghan students in Kazakhstan",
        "description": "Bachelor's and master's places at Kazakh universities for young people from "
        "Afghanistan, with stipends, housing and follow-up after they return home.",
        "currency": "KZT",
        "starts_on": "2010-09-01",
    },
]

PARTNERS = [
    {
        "name": "Delegation of the European Union to Kazakhstan",
        "short_name": "EU Delegation",
        "kind": "international",
        "country": "KZ",
    },
    {
        "name": "Spiritual Administration of Muslims of Kazakhstan",
        "short_name": "SAMK",
        "kind": "ngo",
        "country": "KZ",
    },
]
