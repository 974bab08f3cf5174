"""Legal outreach: immigration advice surgeries at community venues and workers' rights clinics."""

from spec import svc

# --- outreach surgeries -------------------------------------------------------------

KIAP_S1 = ("An accredited adviser from the Kingsmereshire Immigration Advice Project gives free, confidential advice on asylum, family reunion, visas and status problems.",
           "يقدّم مستشار معتمد من مشروع كينغزميرشاير للاستشارات في الهجرة استشارات مجانية وسرية حول اللجوء ولمّ شمل الأسرة والتأشيرات ومشكلات الإقامة.",
           "یک مشاور مجاز از پروژه مشوره مهاجرت کینگزمیرشایر درباره پناهندگی، پیوستن خانواده، ویزه و مشکلات اقامت مشوره رایگان و محرمانه می‌دهد.",
           "Акредитований радник Kingsmereshire Immigration Advice Project безкоштовно й конфіденційно консультує щодо притулку, возз'єднання сімей, віз і проблем зі статусом.",
           "Un conseiller agréé du Kingsmereshire Immigration Advice Project donne des conseils gratuits et confidentiels sur l'asile, le regroupement familial, les visas et les problèmes de statut.",
           "Un asesor acreditado del Kingsmereshire Immigration Advice Project da asesoría gratuita y confidencial sobre asilo, reagrupación familiar, visados y problemas de residencia.")
KIAP_S2 = ("Advisers are regulated by the Immigration Advice Authority, so you can trust what they tell you.",
           "يخضع المستشارون لرقابة هيئة الاستشارات في الهجرة، لذا يمكنك الوثوق بما يقولونه لك.",
           "مشاوران زیر نظارت اداره مشوره مهاجرت (Immigration Advice Authority) هستند، پس می‌توانید به حرف‌شان اعتماد کنید.",
           "Радники підпорядковуються Immigration Advice Authority, тож їхнім порадам можна довіряти.",
           "Les conseillers sont contrôlés par l'Immigration Advice Authority : vous pouvez vous fier à ce qu'ils vous disent.",
           "Los asesores están regulados por la Immigration Advice Authority, así que puedes fiarte de lo que te dicen.")

SURGERIES = [
    ("syrian", "syrian-hall", ("1MO,3MO", "10:00", "13:00"), ["ar", "en"],
     ("Immigration advice surgery for Arabic speakers", "عيادة استشارات الهجرة للناطقين بالعربية", "جلسه مشوره مهاجرت برای عربی‌زبانان",
      "Імміграційні консультації для тих, хто говорить арабською", "Permanence immigration pour les arabophones", "Asesoría de inmigración para hablantes de árabe"),
     ("The adviser speaks Arabic, and Syrian Community volunteers make tea and look after children during appointments.",
      "يتحدث المستشار العربية، ويعدّ متطوعو الجالية السورية الشاي ويعتنون بالأطفال أثناء المواعيد.",
      "مشاور به عربی صحبت می‌کند و داوطلبان جامعه سوری در زمان ملاقات‌ها چای درست می‌کنند و از اطفال مراقبت می‌کنند.",
      "Радник говорить арабською, а волонтери Сирійської громади готують чай і доглядають за дітьми під час консультацій.",
      "Le conseiller parle arabe, et des bénévoles de la communauté syrienne préparent le thé et gardent les enfants pendant les rendez-vous.",
      "El asesor habla árabe, y voluntarios de la comunidad siria preparan té y cuidan a los niños durante las citas.")),
    ("afghan", "afghan-house", ("WE", "14:00", "17:00"), ["prs", "ps", "en"],
     ("Immigration advice surgery in Dari and Pashto", "عيادة استشارات الهجرة بالدارية والبشتو", "جلسه مشوره مهاجرت به دری و پشتو",
      "Імміграційні консультації мовами дарі та пушту", "Permanence immigration en dari et en pachto", "Asesoría de inmigración en darí y pastún"),
     ("Many people come about the Afghan resettlement schemes and bringing family members to the UK.",
      "يأتي كثيرون بخصوص برامج إعادة توطين الأفغان واستقدام أفراد العائلة إلى المملكة المتحدة.",
      "بسیاری درباره برنامه‌های اسکان مجدد افغان‌ها و آوردن اعضای خانواده به بریتانیا می‌آیند.",
      "Багато хто приходить із питаннями про програми переселення афганців і про те, як привезти рідних до Великої Британії.",
      "Beaucoup viennent pour les programmes de réinstallation afghans et pour faire venir des proches au Royaume-Uni.",
      "Muchas personas vienen por los programas de reasentamiento afganos y para traer a familiares al Reino Unido.")),
    ("eritrean", "eritrean-centre", ("2SA", "10:00", "13:00"), ["ti", "en"],
     ("Immigration advice surgery in Tigrinya", "عيادة استشارات الهجرة بالتغرينية", "جلسه مشوره مهاجرت به تیگرینیا",
      "Імміграційні консультації мовою тигринья", "Permanence immigration en tigrinya", "Asesoría de inmigración en tigriña"),
     ("A Tigrinya interpreter from the community association is present at every appointment.",
      "يحضر مترجم تغريني من الجمعية المجتمعية في كل موعد.",
      "یک ترجمان تیگرینیا از انجمن جامعه در هر ملاقات حضور دارد.",
      "На кожній консультації присутній перекладач з тигринья від громадського об'єднання.",
      "Un interprète en tigrinya de l'association est présent à chaque rendez-vous.",
      "En cada cita hay un intérprete de tigriña de la asociación comunitaria.")),
    ("sudanese", "sudanese-rooms", ("TH", "17:00", "19:30"), ["ar", "en"],
     ("Evening immigration advice for Sudanese families", "استشارات مسائية في الهجرة للعائلات السودانية", "مشوره شبانه مهاجرت برای خانواده‌های سودانی",
      "Вечірні імміграційні консультації для суданських родин", "Conseils en immigration en soirée pour les familles soudanaises", "Asesoría de inmigración por la tarde para familias sudanesas"),
     ("Evening appointments suit students and people who work, and family reunion questions are a priority.",
      "تناسب المواعيد المسائية الطلاب ومن يعملون، وتحظى أسئلة لمّ شمل الأسرة بالأولوية.",
      "وقت‌های شبانه برای دانشجویان و کسانی که کار می‌کنند مناسب است و سؤال‌های پیوستن خانواده در اولویت هستند.",
      "Вечірній час зручний для студентів і тих, хто працює, а питання возз'єднання сімей розглядають першочергово.",
      "Les rendez-vous du soir conviennent aux étudiants et aux personnes qui travaillent, et les questions de regroupement familial sont prioritaires.",
      "Las citas por la tarde van bien a estudiantes y a quien trabaja, y las consultas de reagrupación familiar tienen prioridad.")),
    ("latin", "casa-latina", ("SA", "11:00", "14:00"), ["es", "pt", "en"],
     ("Immigration advice in Spanish and Portuguese", "استشارات الهجرة بالإسبانية والبرتغالية", "مشوره مهاجرت به هسپانوی و پرتگالی",
      "Імміграційні консультації іспанською та португальською", "Conseils en immigration en espagnol et en portugais", "Asesoría de inmigración en español y portugués"),
     ("Common questions include work visas, overstaying and regularising your status, and nobody is judged.",
      "من الأسئلة الشائعة تأشيرات العمل وتجاوز مدة الإقامة وتسوية الوضع القانوني، ولا يُحكم على أحد.",
      "سؤال‌های رایج شامل ویزه کار، ماندن بیش از مدت مجاز و قانونی کردن وضعیت است و هیچ کس قضاوت نمی‌شود.",
      "Найчастіше питають про робочі візи, перевищення строку перебування і врегулювання статусу, і нікого не засуджують.",
      "Les questions courantes portent sur les visas de travail, le dépassement de séjour et la régularisation, sans jugement.",
      "Las preguntas habituales son sobre visados de trabajo, estancias vencidas y cómo regularizar tu situación, y nadie te juzga.")),
]

for key, venue, hours, langs, name, extra in SURGERIES:
    svc(f"kiap-surgery-{key}", "kiap", ["legal-immigration"], ["free", "no-status-check", "no-id-needed", "confidential", "walk-in"],
        name=name, desc=[KIAP_S1, KIAP_S2, extra], at=[venue], hours=[hours], langs=langs, extra=0,
        elig="For anyone with an immigration question, whatever their status.",
        apply="Walk in. The adviser sees up to eight people a session; if you cannot be seen you will be booked in for the phone line.")

FAIR_S1 = ("Fair Work caseworkers help you check your pay, claim unpaid wages and holiday pay, and deal with unfair treatment at work.",
           "يساعدك مسؤولو الحالات في Fair Work على التحقق من أجرك، والمطالبة بالأجور وبدل الإجازة غير المدفوعة، والتعامل مع المعاملة غير العادلة في العمل.",
           "کارمندان پرونده Fair Work به شما کمک می‌کنند معاش خود را بررسی کنید، معاش و پول رخصتی پرداخت‌نشده را مطالبه کنید و با رفتار ناعادلانه در کار برخورد کنید.",
           "Працівники Fair Work допоможуть перевірити оплату, вимагати невиплачену зарплату й відпускні та дати раду несправедливому ставленню на роботі.",
           "Les intervenants de Fair Work vous aident à vérifier votre salaire, à réclamer les salaires et congés impayés et à faire face aux injustices au travail.",
           "El equipo de Fair Work te ayuda a revisar tu sueldo, reclamar salarios y vacaciones no pagados y hacer frente a un trato injusto en el trabajo.")
FAIR_S2 = ("You have the right to be paid for every hour you work, even without a contract.",
           "لديك الحق في أن تتقاضى أجراً عن كل ساعة تعملها، حتى من دون عقد.",
           "شما حق دارید برای هر ساعتی که کار می‌کنید معاش بگیرید، حتی بدون قرارداد.",
           "Ви маєте право на оплату кожної відпрацьованої години, навіть без договору.",
           "Vous avez le droit d'être payé pour chaque heure travaillée, même sans contrat.",
           "Tienes derecho a cobrar cada hora que trabajas, aunque no tengas contrato.")

WORKER_CLINICS = [
    ("casa-latina", "casa-latina", ("SU", "12:00", "15:00"), ["es", "pt", "en"],
     ("Workers' rights clinic for cleaners and care workers", "عيادة حقوق العمال لعمال النظافة والرعاية", "کلینیک حقوق کارگران برای کارگران نظافت و مراقبت",
      "Консультації з трудових прав для прибиральників і доглядальників", "Permanence droits des travailleurs pour le nettoyage et l'aide à domicile",
      "Asesoría de derechos laborales para limpieza y cuidados")),
    ("polish-centre", "polish-centre", ("TU", "18:00", "20:00"), ["pl", "ro", "en"],
     ("Warehouse and factory workers' rights clinic", "عيادة حقوق العمال في المستودعات والمصانع", "کلینیک حقوق کارگران انبار و فابریکه",
      "Консультації з трудових прав для працівників складів і фабрик", "Permanence droits des travailleurs des entrepôts et des usines",
      "Asesoría de derechos laborales para almacenes y fábricas")),
    ("eastbrook", "eastbrook-hub", ("TH", "17:30", "19:30"), ["en", "bn", "ur"],
     ("Workers' rights evening for restaurant and delivery workers", "أمسية حقوق العمال لعمال المطاعم والتوصيل", "شب حقوق کارگران رستورانت و تحویل غذا",
      "Вечір трудових прав для працівників ресторанів і кур'єрів", "Soirée droits des travailleurs de la restauration et de la livraison",
      "Tarde de derechos laborales para hostelería y repartidores")),
]

for key, venue, hours, langs, name in WORKER_CLINICS:
    svc(f"fair-work-clinic-{key}", "fair-work", ["legal-labour-rights"], ["free", "no-status-check", "no-id-needed", "confidential", "walk-in"],
        name=name, desc=[FAIR_S1, FAIR_S2], at=[venue], hours=[hours], langs=langs, extra=1,
        elig="For anyone who works, whatever their immigration status.")
