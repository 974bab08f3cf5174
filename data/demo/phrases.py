"""Shared phrase tables for the demo generator.

Every translatable phrase is a 6-tuple in the order of LANGS: English first, then
Arabic, Dari, Ukrainian, French and Spanish.  Descriptions are built sentence by
sentence, so each translated description matches its English one sentence for sentence.
"""

from __future__ import annotations

LANGS = ("en", "ar", "prs", "uk", "fr", "es")
TRANSLATED = LANGS[1:]

# ISO 639 code -> (English name, Arabic, Dari, Ukrainian "in X" form, French, Spanish)
LANGUAGE_NAMES = {
    "en": ("English", "الإنجليزية", "انگلیسی", "англійською", "anglais", "inglés"),
    "ar": ("Arabic", "العربية", "عربی", "арабською", "arabe", "árabe"),
    "prs": ("Dari", "الدارية", "دری", "дарі", "dari", "darí"),
    "ps": ("Pashto", "البشتو", "پشتو", "пушту", "pachto", "pastún"),
    "fa": ("Farsi", "الفارسية", "فارسی", "фарсі", "persan", "persa"),
    "uk": ("Ukrainian", "الأوكرانية", "اوکراینی", "українською", "ukrainien", "ucraniano"),
    "ru": ("Russian", "الروسية", "روسی", "російською", "russe", "ruso"),
    "ti": ("Tigrinya", "التغرينية", "تیگرینیا", "тигринья", "tigrinya", "tigriña"),
    "am": ("Amharic", "الأمهرية", "امهری", "амхарською", "amharique", "amhárico"),
    "so": ("Somali", "الصومالية", "سومالیایی", "сомалійською", "somali", "somalí"),
    "fr": ("French", "الفرنسية", "فرانسوی", "французькою", "français", "francés"),
    "es": ("Spanish", "الإسبانية", "هسپانوی", "іспанською", "espagnol", "español"),
    "pt": ("Portuguese", "البرتغالية", "پرتگالی", "португальською", "portugais", "portugués"),
    "ur": ("Urdu", "الأردية", "اردو", "урду", "ourdou", "urdu"),
    "pl": ("Polish", "البولندية", "پولندی", "польською", "polonais", "polaco"),
    "ro": ("Romanian", "الرومانية", "رومانیایی", "румунською", "roumain", "rumano"),
    "ku": ("Kurdish", "الكردية", "کردی", "курдською", "kurde", "kurdo"),
    "ln": ("Lingala", "اللينغالا", "لینگالا", "лінгала", "lingala", "lingala"),
    "sw": ("Swahili", "السواحيلية", "سواحلی", "суахілі", "swahili", "suajili"),
    "sq": ("Albanian", "الألبانية", "البانیایی", "албанською", "albanais", "albanés"),
    "tr": ("Turkish", "التركية", "ترکی", "турецькою", "turc", "turco"),
    "yue": ("Cantonese", "الكانتونية", "کانتونی", "кантонською", "cantonais", "cantonés"),
    "vi": ("Vietnamese", "الفيتنامية", "ویتنامی", "в'єтнамською", "vietnamien", "vietnamita"),
    "bn": ("Bengali", "البنغالية", "بنگالی", "бенгальською", "bengali", "bengalí"),
    "pa": ("Punjabi", "البنجابية", "پنجابی", "панджабі", "pendjabi", "panyabí"),
}


def join_list(lang: str, items: list[str]) -> str:
    """'A, B and C' in the given language."""
    if len(items) == 1:
        return items[0]
    head, last = items[:-1], items[-1]
    if lang == "ar":
        return " و".join(items)
    if lang == "prs":
        return "، ".join(head) + " و " + last
    if lang == "uk":
        return ", ".join(head) + " та " + last
    if lang == "fr":
        return ", ".join(head) + " et " + last
    if lang == "es":
        conj = "e" if last.lower().startswith(("i", "hi")) and not last.lower().startswith("hie") else "y"
        return ", ".join(head) + f" {conj} " + last
    return ", ".join(head) + " and " + last


def languages_sentence(codes: list[str]) -> tuple[str, ...]:
    """'Staff speak Arabic, Dari and English.' in every language."""
    names = [LANGUAGE_NAMES[c] for c in codes]
    lists = [join_list(lang, [n[i] for n in names]) for i, lang in enumerate(LANGS)]
    return (
        f"Staff speak {lists[0]}.",
        f"يتحدث الفريق {lists[1]}.",
        f"کارمندان به {lists[2]} صحبت می‌کنند.",
        f"Працівники говорять {lists[3]}.",
        f"Langues parlées par l'équipe : {lists[4]}.",
        f"El equipo habla {lists[5]}.",
    )


# Sentences that say what a safety or access attribute means, in a few phrasings each.
ATTRIBUTE_SENTENCES = {
    "no-status-check": [
        ("Nobody will ask about your immigration status.",
         "لن يسألك أحد عن وضع إقامتك.",
         "هیچ کس در مورد وضعیت اقامت شما نمی‌پرسد.",
         "Ніхто не питатиме про ваш імміграційний статус.",
         "Personne ne vous demandera votre statut migratoire.",
         "Nadie te preguntará por tu situación migratoria."),
        ("Staff do not check immigration status and do not share your details with the Home Office.",
         "لا يتحقق الموظفون من وضع الإقامة ولا يشاركون بياناتك مع وزارة الداخلية.",
         "کارمندان وضعیت اقامت را بررسی نمی‌کنند و معلومات شما را با وزارت داخله (Home Office) شریک نمی‌سازند.",
         "Працівники не перевіряють імміграційний статус і не передають ваші дані до Home Office.",
         "L'équipe ne vérifie pas le statut migratoire et ne transmet pas vos informations au Home Office.",
         "El personal no comprueba la situación migratoria ni comparte tus datos con el Home Office."),
        ("Everyone is welcome, whatever their immigration status.",
         "الجميع مرحَّب بهم أياً كان وضع إقامتهم.",
         "همه خوش‌آمدید، وضعیت اقامت‌شان هر چه باشد.",
         "Тут раді всім, незалежно від імміграційного статусу.",
         "Tout le monde est bienvenu, quel que soit son statut migratoire.",
         "Todo el mundo es bienvenido, sea cual sea su situación migratoria."),
    ],
    "no-id-needed": [
        ("You do not need ID or proof of address.",
         "لا تحتاج إلى بطاقة هوية أو إثبات عنوان.",
         "به کارت هویت یا سند آدرس نیاز ندارید.",
         "Документ, що посвідчує особу, чи підтвердження адреси не потрібні.",
         "Aucune pièce d'identité ni justificatif de domicile n'est demandé.",
         "No necesitas documento de identidad ni comprobante de domicilio."),
        ("There is no need to bring any documents.",
         "لا داعي لإحضار أي وثائق.",
         "لازم نیست هیچ سندی با خود بیاورید.",
         "Не потрібно приносити жодних документів.",
         "Inutile d'apporter des papiers.",
         "No hace falta traer ningún documento."),
    ],
    "interpreters": [
        ("Interpreters are available; tell us your language when you get in touch.",
         "يتوفر مترجمون؛ أخبرنا بلغتك عندما تتواصل معنا.",
         "ترجمان موجود است؛ وقتی با ما تماس می‌گیرید زبان خود را بگویید.",
         "Є перекладачі: коли звертаєтеся, назвіть свою мову.",
         "Des interprètes sont disponibles : indiquez votre langue quand vous nous contactez.",
         "Hay intérpretes: dinos tu idioma cuando te pongas en contacto."),
        ("A telephone interpreter can join in any language, free of charge.",
         "يمكن أن ينضم مترجم عبر الهاتف بأي لغة، مجاناً.",
         "یک ترجمان تلفونی به هر زبانی می‌تواند به صورت رایگان همراه شود.",
         "До розмови безкоштовно може долучитися телефонний перекладач будь-якою мовою.",
         "Un interprète par téléphone peut intervenir dans n'importe quelle langue, gratuitement.",
         "Un intérprete telefónico puede participar en cualquier idioma, sin coste."),
    ],
    "walk-in": [
        ("No appointment is needed: just come along.",
         "لا حاجة إلى موعد: تعال فقط.",
         "به وقت قبلی نیاز نیست: فقط بیایید.",
         "Записуватися не потрібно: просто приходьте.",
         "Pas besoin de rendez-vous : venez simplement.",
         "No hace falta cita: solo tienes que venir."),
        ("Drop in at any time during the session.",
         "يمكنك الحضور في أي وقت خلال الجلسة.",
         "در هر زمانی در جریان جلسه می‌توانید بیایید.",
         "Можна прийти в будь-який час під час зустрічі.",
         "Passez quand vous voulez pendant la permanence.",
         "Puedes pasar en cualquier momento durante la sesión."),
    ],
    "appointment-needed": [
        ("Please book an appointment before you come.",
         "يرجى حجز موعد قبل الحضور.",
         "لطفاً پیش از آمدن وقت بگیرید.",
         "Будь ласка, запишіться, перш ніж прийти.",
         "Merci de prendre rendez-vous avant de venir.",
         "Pide cita antes de venir, por favor."),
    ],
    "children-welcome": [
        ("Children are welcome and there is a play corner.",
         "الأطفال مرحَّب بهم ويوجد ركن للعب.",
         "اطفال خوش‌آمدید و یک گوشه بازی هم وجود دارد.",
         "Можна приходити з дітьми, є ігровий куточок.",
         "Les enfants sont les bienvenus et il y a un coin jeux.",
         "Los niños son bienvenidos y hay un rincón de juegos."),
        ("You are welcome to bring your children.",
         "يمكنك إحضار أطفالك معك.",
         "می‌توانید اطفال خود را همراه بیاورید.",
         "Можна приходити разом із дітьми.",
         "Vous pouvez venir avec vos enfants.",
         "Puedes venir con tus hijos."),
    ],
    "women-only": [
        ("This is a women-only space with female staff.",
         "هذه مساحة للنساء فقط وكل العاملات فيها نساء.",
         "این فضا فقط برای خانم‌هاست و کارمندان آن نیز خانم هستند.",
         "Це простір лише для жінок, і працюють тут жінки.",
         "C'est un espace réservé aux femmes, avec une équipe féminine.",
         "Es un espacio solo para mujeres, atendido por mujeres."),
    ],
    "confidential": [
        ("Everything you share is kept confidential.",
         "كل ما تشاركه يبقى سرياً.",
         "هر آنچه شریک می‌سازید محرمانه نگه داشته می‌شود.",
         "Усе, чим ви поділитеся, залишається конфіденційним.",
         "Tout ce que vous confiez reste confidentiel.",
         "Todo lo que cuentes se mantiene confidencial."),
    ],
    "wheelchair-access": [
        ("The building has step-free access and an accessible toilet.",
         "المبنى مجهز بمدخل دون درجات ومرحاض مهيأ لذوي الإعاقة.",
         "ساختمان ورودی بدون زینه و تشناب مناسب برای افراد دارای معلولیت دارد.",
         "У будівлі є вхід без сходинок і доступний туалет.",
         "Le bâtiment est accessible de plain-pied et dispose de toilettes adaptées.",
         "El edificio tiene acceso sin escalones y un aseo adaptado."),
    ],
    "peer-led": [
        ("It is run by volunteers who came to Kingsmere as refugees and migrants themselves.",
         "يتولى تنظيمه متطوعون جاؤوا بأنفسهم إلى كينغزمير لاجئين ومهاجرين.",
         "برگزارکنندگان، داوطلبانی هستند که خودشان به عنوان پناهجو و مهاجر به کینگزمیر آمده‌اند.",
         "Усе організовують волонтери, які самі приїхали до Кінгсміра як біженці та мігранти.",
         "Tout est organisé par des bénévoles eux-mêmes arrivés à Kingsmere comme réfugiés ou migrants.",
         "Lo organizan personas voluntarias que llegaron a Kingsmere como refugiadas y migrantes."),
    ],
    "lgbtq-friendly": [
        ("LGBTQ+ people are welcome and safe here.",
         "أفراد مجتمع الميم مرحَّب بهم وفي أمان هنا.",
         "افراد LGBTQ+ در اینجا خوش‌آمدید و در امان هستند.",
         "ЛГБТК+ людям тут раді, і тут безпечно.",
         "Les personnes LGBTQ+ sont les bienvenues et en sécurité ici.",
         "Las personas LGBTQ+ son bienvenidas y están seguras aquí."),
    ],
    "free": [
        ("It is completely free.",
         "الخدمة مجانية تماماً.",
         "این خدمت کاملاً رایگان است.",
         "Це повністю безкоштовно.",
         "C'est entièrement gratuit.",
         "Es totalmente gratis."),
    ],
    "remote": [
        ("You can also get help by phone or video call.",
         "يمكنك أيضاً الحصول على المساعدة عبر الهاتف أو مكالمة الفيديو.",
         "همچنین می‌توانید از طریق تلفون یا تماس ویدیویی کمک بگیرید.",
         "Також можна отримати допомогу телефоном або відеозв'язком.",
         "Vous pouvez aussi être aidé par téléphone ou en visio.",
         "También puedes recibir ayuda por teléfono o videollamada."),
    ],
}

# The order in which attribute sentences are worth saying, most important first.
ATTRIBUTE_PRIORITY = [
    "no-status-check", "no-id-needed", "women-only", "lgbtq-friendly", "confidential",
    "interpreters", "peer-led", "children-welcome", "walk-in", "remote",
    "appointment-needed", "wheelchair-access", "free",
]

# English-only text pools (eligibility, how to apply, fees) for services that do not
# spell these out themselves.
ELIGIBILITY_OPEN = [
    "For anyone living in Kingsmere, whatever their immigration status.",
    "Open to everyone in Kingsmere, including people seeking asylum, refugees and people with no recourse to public funds.",
    "For anyone in Kingsmere who needs it, with or without papers.",
    "For adults in Kingsmere, whatever their immigration status or how long they have been here.",
]
ELIGIBILITY_GENERAL = [
    "For adults living in Kingsmere.",
    "For people who live or work in Kingsmere.",
    "For residents of Kingsmere and the surrounding villages.",
    "For people aged 18 and over living in Kingsmere.",
]
APPLY_WALK_IN = [
    "Just come along during opening hours; people are seen in the order they arrive.",
    "Come along during the session. If it is busy you may be given a time to come back the same day.",
    "Drop in; there is no form to fill in.",
    "Walk in and ask at the front desk.",
]
APPLY_APPOINTMENT = [
    "Phone or email to book an appointment. A support worker can also book for you.",
    "Book by phone. If English is difficult, say the name of your language and we will call back with an interpreter.",
    "Ask at reception or phone to book; appointments are usually available within two weeks.",
    "Email or phone with your name and a number we can call you on, and we will arrange a time.",
]
APPLY_REMOTE = [
    "Call the number below. If the line is busy, leave a message and you will be called back within one working day.",
    "Phone, or use the web chat on the website.",
]
APPLY_DEFAULT = [
    "Phone, email or call in to find out more.",
    "Get in touch by phone or email, or ask any support worker to refer you.",
]
FEES_FREE = [
    "Free.",
    "Free of charge.",
    "There is no charge.",
    "Free. Nobody will ask you to pay.",
]
INTERPRETING = [
    "Telephone interpreters in any language at no cost to you.",
    "Face-to-face interpreters can be booked in advance; telephone interpreting is available straight away.",
    "Free interpreting by phone or video in over 200 languages.",
]
