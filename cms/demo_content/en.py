"""English text of the demo site (translated from the Kazakh source)."""

from cms.demo_content.blocks import (
    bullets,
    document,
    heading,
    help_callout,
    image,
    paragraph,
    prose,
    quote,
    scripture,
)

HOME_INTRO = prose(
    """Honest answers to questions about religious extremism: explanations by scholars, accounts from
    people who came back, advice for parents and teachers. If you need help, you can write to us in
    confidence."""
)
HOME_BODY = [
    help_callout(
        "Worried about yourself or someone close?",
        "Write to us in confidence. You do not need to give your name.",
    ),
]

TOPICS = {
    "online-recruitment": (
        "Recruitment online",
        "How extremist groups find young people through social networks, chats and videos, and how to "
        "recognise it.",
    ),
    "religion-and-violence": (
        "Religion and violence",
        "What Islamic scholars answer to the verses and slogans that extremists quote to justify violence.",
    ),
    "family-and-prevention": (
        "Family and prevention",
        "What parents, relatives and teachers can notice, say and do before it is too late.",
    ),
    "coming-home": (
        "Coming back home",
        "The way back for those who left for a war zone, and for the families who wait for them.",
    ),
}

AUDIENCES = {
    "youth": ("Young people", "For readers aged 14 to 30."),
    "parents": ("Parents", "For mothers, fathers and relatives who are raising a child."),
    "teachers": ("Teachers", "For school and college teachers, psychologists and youth workers."),
    "religious-leaders": ("Religious leaders", "For imams, teachers of religion and their students."),
    "returnees-families": (
        "Returnees' families",
        "For the families of people who have come back from conflict zones.",
    ),
}

HELP_CALLOUT = help_callout(
    "Worried about someone?",
    "You can write to us in confidence, without giving your name.",
)

PAGES = {
    "topics": {"title": "Topics"},
    "help": {
        "title": "Confidential help",
        "intro": prose(
            """If you are worried about yourself, your child, a friend or a pupil, you can write to us.
            You do not need to give your name, and no one will judge you."""
        ),
        "body": [
            heading("What happens when you write"),
            paragraph(
                """The form on this page is the way to reach our helpline. Describe what worries you in
                your own words, in any language of this site. If you would like an answer, leave a way to
                reach you: an email address, or a phone number or messenger name of your choice. If you
                leave nothing, we cannot reply, but your message will still be read."""
            ),
            paragraph(
                """A member of the helpline team reads your message and answers, on working days and as
                soon as they can, in the language you wrote in. If your question is about faith, a
                religious scholar who works with us helps to prepare the answer."""
            ),
            heading("Who reads your message"),
            paragraph(
                """Only the trained members of the helpline team. Messages are stored encrypted, and every
                time someone opens one, it is recorded. We do not publish messages and do not pass them
                to your family, school or employer."""
            ),
            paragraph(
                """There is one limit, and we want you to know it in advance: if a message shows that
                someone's life is in immediate danger, the team may have to act to protect that life. Even
                then, we will be honest with you about what we do."""
            ),
            heading("You do not need to give your real name"),
            paragraph(
                """Sign with any name you like, or with none. Do not write details that identify other
                people unless they are needed to understand what is happening. If you share your phone or
                computer, the button at the top of this page takes you straight to another site."""
            ),
            image(
                "lamp",
                alt_text="A small oil lamp burning on a ledge in the dark.",
            ),
            heading("If someone is in danger right now"),
            paragraph(
                """This form is not for emergencies. If someone's life is in danger right now, call 112,
                the emergency number in Kazakhstan, or the emergency services of the country you are
                in."""
            ),
        ],
    },
    "recruiters-promises": {
        "title": "What recruiters promise, and what they hide",
        "summary": "Online propagandists promise purpose, brotherhood and truth. In practice they take "
        "away a person's family, homeland and right to think for themselves.",
        "body": [
            paragraph(
                """A recruiter first looks like a friend. He listens to your anger, your
                loneliness or your sense of injustice, and offers a ready-made answer to all of it."""
            ),
            heading("The promise: brotherhood"),
            paragraph(
                """In practice the group cuts a person off from those close to them, step by
                step: don't tell your parents, don't trust the imam, listen only to us. An isolated
                person is easy to control."""
            ),
            quote(
                """I thought I had found a new family that understood me. Later I understood that
                there you were not allowed to ask questions.""",
                "A young man who returned to Aktobe, aged 24",
            ),
            heading("What you can do"),
            paragraph(
                """If someone asks you to keep secrets, to pull away from your family or to
                travel abroad, stop. Talk to someone you trust, or write to us in confidence."""
            ),
            HELP_CALLOUT,
        ],
    },
    "talking-with-your-teenager": {
        "title": "How to talk with your teenager about extremist videos",
        "summary": "Found a violent video on your child's phone? Don't shout: an open conversation "
        "protects better than a ban.",
        "body": [
            paragraph(
                """Teenagers usually come across such videos out of curiosity or through
                friends. That is not yet radicalisation, but it is a reason to talk."""
            ),
            heading("How to start the conversation"),
            bullets(
                'Ask, don\'t judge: "What caught you in this video?"',
                "Don't brush off their anger or their questions: they may be real.",
                "Read a scholar's explanation you trust together.",
            ),
            heading("When to ask for help"),
            paragraph(
                """If your child pulls away from the family, hides new acquaintances or talks
                about going abroad, contact specialists in confidence."""
            ),
            HELP_CALLOUT,
        ],
    },
    "hijra-to-a-war-zone": {
        "title": 'Is "hijra" to a war zone a duty? The scholars\' answer',
        "summary": "Propagandists present moving to a war zone as every Muslim's duty. Islamic "
        "scholars consider this claim groundless.",
        "body": [
            paragraph(
                """The hijra was the Prophet's (peace and blessings be upon him) migration
                from Mecca to Medina, to escape persecution and to build a peaceful community."""
            ),
            heading("What the scholars say"),
            paragraph(
                """There is no duty to leave a country where one may practise the faith
                freely for a war zone. Abandoning one's family and going to fight without one's parents'
                consent is contrary to the sharia."""
            ),
            quote(
                """Your parents' contentment is the key to paradise. A road on which you left them
                in tears is not hijra.""",
                "A scholar of the Spiritual Administration of Muslims of Kazakhstan",
            ),
        ],
    },
    "the-way-back": {
        "title": "“I went looking for brotherhood and found fear”",
        "speaker_name": "Yerlan",
        "speaker_description": "went to Syria at 22 and came back to Kazakhstan three years later",
        "summary": "At twenty-two he left for a war he had only seen in videos. He tells what he found "
        "there, and what it took to come home.",
        "body": [
            paragraph(
                """I was twenty-two and washed cars in a town in the west of the country. My father had
                died, I had quarrelled with my brothers, and in the evenings I sat alone with my phone.
                That is where I found the videos: short, well made, in Russian, with music. They talked
                about injustice, and I felt they were talking about me."""
            ),
            paragraph(
                """Then the messages began. A man who called himself my brother wrote to me every day. He
                asked how I was, remembered my troubles, topped up my phone. A few months later he was
                telling me that my mother prayed the wrong way, that the imam of our mosque was a traitor,
                and that a real man goes where the fight is."""
            ),
            heading("What I found there"),
            paragraph(
                """There was no brotherhood. They took our passports on the first day. People informed on
                each other for a little food or a better room. Those who gave the orders lived differently
                from those who were sent to die. When I asked a question, I was told that questions come
                from the devil."""
            ),
            quote(
                """In the videos everything was clean. There I saw hungry, frightened children, and the
                people who frightened them were us.""",
                "Yerlan",
            ),
            heading("Coming home"),
            paragraph(
                """I came back with the help of people I used to call enemies. At home I answered for what
                I had done before an investigator and a court, and I do not complain about that. What
                helped me most was my mother, who did not close the door on me, and a theologian who
                answered my questions for hours without ever raising his voice."""
            ),
            image(
                "steppe-evening",
                alt_text="Rolling steppe at evening, with a low sun on the horizon.",
                caption="“On my first evening home I looked at the steppe for a long time.”",
            ),
            paragraph(
                """If you are reading this and someone is writing to you the way that man wrote to me,
                tell a person you trust. People who really care about you will never ask you to hide them
                from your family."""
            ),
            paragraph(
                """<p><i>The speaker's name and some details have been changed to protect him and his
                family.</i></p>"""
            ),
            HELP_CALLOUT,
        ],
    },
    "a-mothers-story": {
        "title": "“I stopped shouting and started asking”",
        "speaker_name": "Gulnar",
        "speaker_description": "a mother of three from the south of Kazakhstan",
        "summary": "When her son began to change, her first reaction was anger. What brought him back "
        "was patience, questions, and help she asked for in time.",
        "body": [
            paragraph(
                """My son was sixteen. He had always been cheerful and talkative, and then, in a single
                winter, he went quiet. He locked his phone, stopped eating with us when the television was
                on, and once told his little sister that her school was a place of sin."""
            ),
            paragraph(
                """I was frightened, and at first I did everything wrong. I shouted, took his phone away,
                threatened to tell his father. He only withdrew further. One night I heard him whisper
                into the phone: "She doesn't understand anything." I realised that someone at the other
                end was glad I was shouting."""
            ),
            heading("What changed"),
            paragraph(
                """A neighbour gave me the address of this site. I wrote at night, without giving my name,
                and the next day someone answered. They did not tell me my son was a criminal. They told
                me to keep talking to him, to ask what he was reading and why it mattered to him, and to
                find someone he respected who knew the religion well."""
            ),
            paragraph(
                """I asked the imam of our mosque, who had known my son since he was small, to talk to him.
                They met many times. The imam did not argue; he opened the books and showed him what the
                verses he had been sent really say, and what comes before and after them."""
            ),
            quote(
                """I understood that my son was not my enemy. Someone was taking him from me, and I had to
                fight for him with patience, not with shouting.""",
                "Gulnar",
            ),
            heading("What I would tell other mothers"),
            bullets(
                "Don't wait until you are sure. Talk to someone or write as soon as you are worried.",
                "Keep the door open: eat together, go for walks, talk about ordinary things.",
                "Ask questions instead of giving lectures, and listen to the answers, even when they hurt.",
                "You are not alone, and there is no shame in asking for help.",
            ),
            paragraph(
                """<p><i>The speaker's name and some details have been changed to protect her
                family.</i></p>"""
            ),
            HELP_CALLOUT,
        ],
    },
    "killing-innocents": {
        "title": "Can killing civilians ever be jihad?",
        "question": prose(
            """In a video I was sent, a preacher says that attacks on ordinary people are a lawful jihad,
            because the whole society is guilty. Is that true?"""
        ),
        "scholar_name": "A theologian",
        "scholar_credentials": "teacher of Islamic law (fiqh) for twenty years; his name is withheld "
        "for his safety",
        "summary": "No. Islamic law forbids harming those who do not fight, and no person or group may "
        "decide on their own to take a life.",
        "body": [
            paragraph(
                """The short answer is no. What the preacher in that video calls jihad is what Muslim
                scholars have for centuries called a grave sin and a crime: killing people who are not
                fighting anyone."""
            ),
            heading("What the Qur'an says about a single life"),
            scripture(
                original="""مَن قَتَلَ نَفْسًا بِغَيْرِ نَفْسٍ أَوْ فَسَادٍ فِي الْأَرْضِ فَكَأَنَّمَا قَتَلَ النَّاسَ
                جَمِيعًا وَمَنْ أَحْيَاهَا فَكَأَنَّمَا أَحْيَا النَّاسَ جَمِيعًا""",
                translation="""Whoever kills a soul, unless for a soul or for corruption in the land, it is
                as if he had killed all of humanity; and whoever saves one, it is as if he had saved all
                of humanity.""",
                source="Qur'an, Surat al-Ma'ida 5:32 (part of the verse)",
            ),
            paragraph(
                """Extremists quote the words "unless for a soul or for corruption in the land" and say
                that they allow them to kill. But judging a crime belongs to a lawful court that hears
                evidence, not to a man with a weapon who decides alone. No one receives the right to take
                a life from a video or a chat."""
            ),
            heading("Even in war there are limits"),
            paragraph(
                """The Prophet (peace be upon him) forbade the killing of women and children, as the
                collections of al-Bukhari and Muslim report, and classical scholars extended this
                protection to the old, the sick, farmers in their fields and monks at prayer. The idea
                that "the whole society is guilty" has no basis: the Qur'an repeats that no soul carries
                the burden of another."""
            ),
            scripture(
                original="""وَلَا يَجْرِمَنَّكُمْ شَنَآنُ قَوْمٍ عَلَىٰ أَلَّا تَعْدِلُوا اعْدِلُوا هُوَ أَقْرَبُ
                لِلتَّقْوَىٰ""",
                translation="""Do not let hatred of a people lead you to be unjust. Be just: that is
                nearer to God-consciousness.""",
                source="Qur'an, Surat al-Ma'ida 5:8 (part of the verse)",
            ),
            paragraph(
                """Anger at injustice is understandable. But the Qur'an asks a believer to be just even to
                those he hates. Whoever tells you to answer injustice by killing innocent people is asking
                you to disobey God, not to serve Him."""
            ),
            HELP_CALLOUT,
        ],
    },
    "no-compulsion-in-religion": {
        "title": "May I force my family to practise the faith?",
        "question": prose(
            """The brothers in my group say that relatives who do not pray are unbelievers, and that it
            is my duty to make them pray, even with threats. My parents are good people. What should I
            do?"""
        ),
        "scholar_name": "A theologian",
        "scholar_credentials": "teacher of Qur'anic commentary (tafsir) at a madrasa for women; her "
        "name is withheld for her safety",
        "summary": "No. Faith cannot be forced, calling a Muslim an unbeliever is a grave matter the "
        "Prophet warned against, and kindness to parents is among the first duties of a believer.",
        "body": [
            paragraph(
                """Your question shows that you care about your parents, and that is already the right
                beginning. The answer is no: you have neither the right nor the duty to force them."""
            ),
            heading("Faith is chosen, not imposed"),
            scripture(
                original="لَا إِكْرَاهَ فِي الدِّينِ قَد تَّبَيَّنَ الرُّشْدُ مِنَ الْغَيِّ",
                translation="""There is no compulsion in religion. The right way has become clearly
                distinct from error.""",
                source="Qur'an, Surat al-Baqara 2:256 (beginning of the verse)",
            ),
            paragraph(
                """Faith that comes from fear is not faith. The Qur'an tells the Prophet himself that his
                task is to remind, not to compel; no follower of his has more authority over other people's
                hearts than he had."""
            ),
            heading("Do not call Muslims unbelievers"),
            paragraph(
                """Declaring a Muslim an unbeliever (takfir) is one of the gravest things a person can do.
                The Prophet (peace be upon him) warned that when someone calls his brother an unbeliever,
                the word returns to one of the two. Groups that call everyone outside them unbelievers use
                the word to cut you off from your family."""
            ),
            heading("How to invite"),
            scripture(
                original="ادْعُ إِلَىٰ سَبِيلِ رَبِّكَ بِالْحِكْمَةِ وَالْمَوْعِظَةِ الْحَسَنَةِ",
                translation="Invite to the way of your Lord with wisdom and good counsel.",
                source="Qur'an, Surat al-Nahl 16:125 (beginning of the verse)",
            ),
            paragraph(
                """If you want your parents to pray, pray yourself, and be the most patient and respectful
                person in your home. The Qur'an places kindness to parents right after the worship of God.
                A group that teaches you to threaten your mother and father has already shown you what it
                is."""
            ),
            HELP_CALLOUT,
        ],
    },
    "how-recruiters-work": {
        "title": "How an online recruiter works, step by step",
        "summary": "A psychologist who works with young people and their families explains the five "
        "stages of online recruitment, and how to step out at any of them.",
        "transcript": "".join(
            f"<p>{prose(text)}</p>"
            for text in (
                """Hello. I am a psychologist, and for several years I have worked with young people who
                were drawn into extremist groups, and with their families. Today I want to show you how
                recruitment online usually happens. It almost always goes through the same five stages,
                and at every one of them a person can stop.""",
                """Stage one: the search. Recruiters do not look for the religious or the strong. They look
                for the lonely, the offended and the angry: people who write that nobody understands them,
                that they have been treated unfairly, that life has no meaning. They read comments and
                public groups, and they choose.""",
                """Stage two: friendship. Someone writes to you, kindly and attentively. He remembers your
                problems, praises you, sometimes sends money for your phone. For the first time in a long
                while you feel that someone needs you. That feeling is the hook.""",
                """Stage three: isolation. The conversation moves to a closed chat. You hear: don't tell
                your parents, they won't understand; don't trust the imam at your mosque, he serves the
                authorities; your old friends are beneath you. Little by little, the only voices left are
                theirs.""",
                """Stage four: a new identity. The world is now divided into "us" and "them". You are shown
                videos of suffering and told that it is your fault if you do nothing. Questions are called
                weakness, doubts are called sin.""",
                """Stage five: the test. You are asked to prove yourself: to share a video, to send money,
                to keep a secret, to travel somewhere. After the first step the second is easier, and it
                becomes harder to turn back.""",
                """Now the most important thing. You can step out at any stage. If you recognise yourself
                or someone close to you in this, talk to a person you trust, or write to us through the
                confidential form on this site. You do not have to give your name. Asking for help is not
                a betrayal, and it is never too late.""",
            )
        ),
        "body": [
            heading("About this video"),
            paragraph(
                """The psychologist in this video asked us not to give her name. The stages she describes
                come from the accounts of young people who went through them, and from the families who
                brought them back."""
            ),
            HELP_CALLOUT,
        ],
    },
    "warning-signs-for-parents": {
        "title": "Changes to notice in your child, and how to respond",
        "summary": "A short guide for parents: which changes are ordinary for a teenager, which deserve "
        "attention, and what to say and do. With a checklist to print.",
        "body": [
            paragraph(
                """Most teenagers who argue, keep secrets or take up religion are simply growing up. Faith
                itself is not a warning sign. What deserves attention is a combination of changes that cut
                a child off from the family and from ordinary life."""
            ),
            heading("Signs that deserve attention"),
            bullets(
                """Suddenly pulls away from the family and old friends, and spends hours in closed chats
                with people you do not know.""",
                "Calls relatives, teachers or imams unbelievers or traitors.",
                "Watches violent videos and speaks about them with admiration.",
                "Has money, gifts or a second phone and will not say where they came from.",
                "Talks about going abroad, asks for their passport or sells their belongings.",
                "Divides the world into “us” and “them” and says that “they” deserve to suffer.",
            ),
            heading("How to respond"),
            bullets(
                "Stay calm. Shouting and bans push a child towards those who “understand” them.",
                "Ask and listen. Find out what your child reads and watches, and why it matters to them.",
                """Do not mock their faith. Find a knowledgeable person they respect, such as the imam of
                your mosque, who can answer their questions.""",
                "Keep ordinary family life going: meals together, walks, shared plans.",
                "If you see several of these signs at once, write to us in confidence.",
            ),
            document(
                "guide-for-parents",
                title="Checklist for parents",
                description="The signs and the steps above on one page, to print or keep on your phone.",
            ),
            HELP_CALLOUT,
        ],
    },
    "classroom-conversations": {
        "title": "Talking about extremism in class: a guide for teachers",
        "summary": "How to hold a calm, honest lesson about extremist propaganda with pupils aged 14 to "
        "18, and what to do if a pupil worries you.",
        "body": [
            paragraph(
                """Pupils meet extremist material online whether we talk about it or not. A lesson in which
                they may ask anything protects them better than silence."""
            ),
            heading("Before the lesson"),
            bullets(
                "Agree on rules with the class: we listen to each other, we do not name classmates.",
                """Do not show propaganda videos in class, even to criticise them. Describe how they are
                made instead.""",
                "Prepare two or three materials from this site: a testimony, a scholar's answer, the video.",
            ),
            heading("During the lesson"),
            bullets(
                """Start with manipulation in general: advertising, fake news, pressure in groups. Then
                move to extremist recruitment.""",
                "Go through the five stages of online recruitment with the class, using the video.",
                """Let pupils ask about religion. Where you can, invite a religious scholar to answer; do
                not answer for him if you are unsure.""",
                "Never mock anyone's faith: that is exactly what recruiters tell young people to expect.",
            ),
            heading("If a pupil worries you"),
            paragraph(
                """Talk to the pupil privately, without accusations. Tell the school psychologist as your
                school's rules require. Do not discuss your concerns in class or in parents' chats. You can
                also write to us in confidence for advice."""
            ),
            document(
                "guide-for-teachers",
                title="Lesson outline for teachers",
                description="A 45-minute lesson with questions for discussion.",
            ),
            HELP_CALLOUT,
        ],
    },
    "asking-is-not-a-sin": {
        "title": "Asking is not a sin",
        "summary": "A campaign for young people: a group that forbids questions has something to hide. Ask "
        "us about faith, about the videos you have seen, about what worries you.",
        "call_to_action": "Ask your question in confidence",
        "body": [
            image(
                "path-to-horizon",
                alt_text="A path across green steppe leading to a bright horizon.",
            ),
            paragraph(
                """Extremist groups begin with answers and end with a ban on questions. They tell you that
                doubt is weakness and that asking is disloyalty. Yet Muslim scholars have always asked,
                argued and written whole books of questions and answers."""
            ),
            heading("Three things you can do this week"),
            bullets(
                """When a video makes you angry, ask who made it, who paid for it and what it wants you to
                do.""",
                "Put your question to someone who knows: a teacher, an imam you trust, or us.",
                """Do not forward a video that calls for violence. Report it to the platform where you
                saw it.""",
                ordered=True,
            ),
            paragraph(
                """The campaign is run with international partners and religious scholars. Every question
                sent through it is read by our helpline team and answered in confidence."""
            ),
        ],
    },
    "before-you-share": {
        "title": "Five questions to ask before you share a video",
        "summary": "A journalist who studies online propaganda shows, in under four minutes, how to recognise "
        "a video made to manipulate you.",
        "transcript": "".join(
            f"<p>{prose(text)}</p>"
            for text in (
                """Hello. I am a journalist, and part of my work is studying how propaganda videos are made.
                Professionals make them, and they make them to be shared. Before you press "forward", ask
                five questions.""",
                """First: who made it? A serious video says who is speaking and where the pictures come from.
                Propaganda hides its authors, or uses an invented name and a logo that looks official.""",
                """Second: what does it make me feel? Music, slow motion, crying children, a hero's voice. If
                a video makes you furious or ashamed within thirty seconds, it was built to switch off your
                thinking.""",
                """Third: what is missing? Dates, places, the other side of the story. Pictures from one war
                are often passed off as another, and old footage as new.""",
                """Fourth: what does it want me to do? Share it now, trust only us, join, send money, keep it
                secret. The more urgent the call, the more careful you should be.""",
                """Fifth: who gains if I share it? Every share carries the video to someone younger or lonelier
                than you. If the answer is "the people who made it", do not share it: report it on the
                platform, and talk about it with someone you trust.""",
                """And if a video has already upset you, you are not alone. You can write to us in confidence
                through this site.""",
            )
        ),
        "body": [
            heading("About this video"),
            paragraph(
                """The journalist in this video asked us not to give her name. The video shows no propaganda
                footage: the examples are described, not replayed."""
            ),
            HELP_CALLOUT,
        ],
    },
    "talk-before-they-do": {
        "title": "Talk to your children before the recruiters do",
        "summary": "A campaign for parents: one honest conversation a week does more than any ban. Start with "
        "the guide, and ask us if something worries you.",
        "call_to_action": "Read the guide for parents",
        "body": [
            paragraph(
                """Recruiters spend hours every day talking to young people: listening, flattering, answering
                every question. Most parents manage a few minutes. This campaign asks you to take that time
                back."""
            ),
            heading("This week"),
            bullets(
                "Choose one evening and one place without screens: a meal, a walk, a drive.",
                """Ask what your child has been watching and reading lately, and what caught them. Listen to
                the end.""",
                """Talk about faith without mocking or lecturing. If you do not know an answer, look for it
                together with someone knowledgeable.""",
                "Do it again next week. Trust grows from regular conversations, not from one big talk.",
                ordered=True,
            ),
            paragraph(
                """The campaign is run with schools, religious scholars and international partners. If
                something in your child's life worries you, you can write to us in confidence."""
            ),
        ],
    },
}

DOCUMENTS = {
    "guide-for-parents": {
        "title": "Checklist for parents: changes to notice and how to respond (English)",
        "filename": "checklist-for-parents-en.txt",
        "text": """CHECKLIST FOR PARENTS
Changes to notice in your child, and how to respond

Most teenagers who argue, keep secrets or take up religion are simply growing up.
Faith itself is not a warning sign. Pay attention when several of these changes
come together and cut your child off from the family and from ordinary life.

SIGNS THAT DESERVE ATTENTION
[ ] Suddenly pulls away from the family and old friends
[ ] Spends hours in closed chats with people you do not know
[ ] Calls relatives, teachers or imams unbelievers or traitors
[ ] Watches violent videos and speaks about them with admiration
[ ] Has money, gifts or a second phone of unknown origin
[ ] Talks about going abroad, asks for a passport, sells belongings
[ ] Divides the world into "us" and "them"

HOW TO RESPOND
1. Stay calm. Shouting and bans push a child towards those who "understand" them.
2. Ask and listen: what does your child read and watch, and why does it matter?
3. Do not mock their faith. Find a knowledgeable person they respect.
4. Keep ordinary family life going: meals, walks, shared plans.
5. If you see several signs at once, ask for help early.

WHERE TO ASK FOR HELP
Use the confidential form on the "Confidential help" page of this site.
You do not need to give your name.
If someone's life is in danger right now, call 112.
""",
    },
    "guide-for-teachers": {
        "title": "Lesson outline for teachers: talking about extremist propaganda (English)",
        "filename": "lesson-outline-for-teachers-en.txt",
        "text": """LESSON OUTLINE FOR TEACHERS
Talking about extremist propaganda with pupils aged 14 to 18 (45 minutes)

AIM
Pupils can recognise the stages of online recruitment and know where to turn
if they or a friend are approached.

1. RULES (5 minutes)
   We listen to each other. We do not name classmates. Any question is allowed.

2. MANIPULATION IN GENERAL (10 minutes)
   Discuss an advertisement or a fake news story: who made it, what does it want
   from us, which feelings does it use?

3. THE FIVE STAGES OF RECRUITMENT (15 minutes)
   Watch the video "How an online recruiter works" on this site, or read its
   transcript aloud: the search, friendship, isolation, a new identity, the test.
   Questions for discussion:
   - Why do recruiters look for lonely and offended people?
   - What makes a closed chat dangerous?
   - At which stage is it easiest to step out, and how?

4. FAITH AND VIOLENCE (10 minutes)
   Read a scholar's answer from this site together. Where possible, invite a
   religious scholar to answer pupils' questions. Never mock anyone's faith.

5. WHERE TO TURN (5 minutes)
   A trusted adult, the school psychologist, the confidential form on this site.

IF A PUPIL WORRIES YOU
Talk to the pupil privately, without accusations. Follow your school's rules
and tell the school psychologist. Do not discuss your concerns in class or in
parents' chats.
""",
    },
}
