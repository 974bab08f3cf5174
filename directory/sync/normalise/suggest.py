"""A suggested Harbour term for a feed's term that maps to nothing: staff accept it or not.

The feed's label is compared, once normalised as search does it (case, accents, Arabic
letter forms and article: bundle/normalise.py), with words that say a term in the
languages feeds are published in, then with the Harbour terms' own names in every
language of the taxonomy. A keyword says more than a look-alike name, and a longer
keyword more than a shorter one ("salud mental" over "salud"). Nothing here is ever
applied to a record: a suggestion waits for staff (`harbour terms`, the feed's page).
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

from directory.bundle.normalise import normalise
from directory.sync.normalise.categories import CategoryMapper, Term

# How alike a label and a Harbour name must be (rapidfuzz, 0-100) to be suggested.
NAME_SIMILARITY = 85

# Words that say a Harbour term, any language; matched at the start of a word, so a stem
# ("aliment") matches its forms ("alimentos", "alimentaire").
KEYWORDS: dict[str, tuple[str, ...]] = {
    "health": ("health", "medical", "clinic", "salud", "médic", "santé", "صحة", "طبي", "здоров", "медич"),
    "health-primary-care": ("primary care", "doctor", "médico de cabecera", "médecin", "طبيب", "лікар"),
    "health-sexual-reproductive": (
        "family planning", "sexual health", "reproductive", "planificación familiar", "santé sexuelle",
        "salud sexual", "الصحة الجنسية",
    ),
    "health-dental": ("dental", "dentist", "dentista", "dentaire", "dentiste", "أسنان", "стоматолог"),
    "health-vaccinations": ("vaccin", "immuni", "vacuna", "screening", "dépistage", "لقاح", "щеплен", "вакцин"),
    "psychosocial": ("psychosocial", "psicosocial", "نفسي", "психосоціальн"),
    "psychosocial-counselling": (
        "mental health", "counsel", "therap", "salud mental", "santé mentale", "psycholog", "psicolog",
        "terapia", "thérapie", "الصحة النفسية", "علاج نفسي", "психолог",
    ),
    "psychosocial-trauma": ("trauma", "traumatisme", "صدمة", "травм"),
    "psychosocial-crisis": ("crisis", "hotline", "crise", "línea de ayuda", "ligne d'écoute", "أزمة", "криз"),
    "legal": ("legal", "lawyer", "law", "abogad", "jurídic", "juridique", "avocat", "droit", "قانون", "محامي", "юрид"),
    "legal-immigration": (
        "immigration", "asylum", "naturali", "visa", "inmigración", "asilo", "asile", "extranjería",
        "لجوء", "هجرة", "притулок", "імміграц",
    ),
    "legal-labour-rights": ("labour rights", "labor rights", "workers rights", "derechos laborales", "droit du travail"),
    "legal-exploitation": ("trafficking", "exploitation", "trata de personas", "explotación", "traite", "اتجار", "торгівл"),
    "legal-general": ("benefit", "debt", "deuda", "dette", "prestacion", "prestation", "ديون", "борг"),
    "employment": ("employment", "empleo", "emploi", "travail", "trabajo", "عمل", "توظيف", "працевлашт", "робот"),
    "employment-job-search": ("job search", "job placement", "búsqueda de empleo", "recherche d'emploi", "البحث عن عمل"),
    "employment-training": ("vocational", "apprentice", "formación profesional", "formation professionnelle", "تدريب مهني"),
    "housing": ("housing", "vivienda", "logement", "سكن", "житл"),
    "housing-emergency": (
        "shelter", "homeless", "albergue", "refugio", "hébergement d'urgence", "sans abri", "مأوى", "притулок для",
    ),
    "housing-essentials": ("furniture", "household goods", "clothing", "muebles", "ropa", "meubles", "vêtements", "أثاث", "ملابس"),
    "food": ("food", "comida", "alimenta", "nourriture", "غذاء", "طعام", "їж", "харчуван"),
    "food-banks": ("food bank", "food parcel", "banco de alimentos", "banque alimentaire", "banques alimentaires",
        "colis alimentaire", "بنك الطعام", "продуктов"),
    "food-meals": ("meal", "soup kitchen", "comedor", "repas", "وجبات", "обід"),
    "food-pantries": ("pantry", "pantries", "despensa", "épicerie solidaire"),
    "education": (
        "education", "school", "educación", "escuela", "éducation", "école", "cours de français", "clases de español",
        "تعليم", "освіт",
    ),
    "education-english": (
        "english", "esol", "esl", "inglés", "anglais", "language class", "clases de idioma", "cours de langue",
        "اللغة الإنجليزية", "دروس اللغة", "англійськ",
    ),
    "education-digital": ("digital", "computer", "informática", "numérique", "حاسوب", "رقمي", "цифров"),
    "education-higher": ("university", "college", "universidad", "université", "جامعة", "університет"),
    "documents": ("documents", "documentos", "papiers", "وثائق", "документ"),
    "documents-civil": ("birth", "marriage", "registro civil", "état civil", "naissance", "تسجيل المواليد"),
    "documents-banking": ("bank account", "cuenta bancaria", "compte bancaire", "حساب مصرفي"),
    "family": ("family", "familia", "famille", "أسرة", "عائلة", "сім"),
    "family-early-years": ("babies", "toddler", "early years", "bebé", "bébé", "رضع", "немовл"),
    "family-youth": ("youth", "young people", "jóvenes", "jeunes", "شباب", "молод"),
    "family-safety": (
        "domestic violence", "domestic abuse", "violencia doméstica", "violencia de género", "violence conjugale",
        "violences conjugales", "عنف أسري", "العنف الأسري", "домашн",
    ),
    "community": ("community", "comunidad", "communauté", "مجتمع", "громад"),
    "community-peer": ("support group", "peer", "grupo de apoyo", "groupe de parole", "entraide", "دعم الأقران"),
    "community-volunteering": ("volunteer", "voluntari", "bénévol", "تطوع", "волонт"),
    "community-sport-culture": ("sport", "arts", "culture", "deporte", "cultura", "رياضة", "ثقافة", "спорт"),
    "interpreters": ("interpret", "translat", "intérprete", "traduc", "interprète", "ترجمة", "مترجم", "перекла"),
    "women-only": ("women", "mujeres", "femmes", "نساء", "жінок"),
    "lgbtq-friendly": ("lgbt", "queer", "gay", "lesbian", "transgender", "مثلي", "ЛГБТ"),
    "children-welcome": ("children", "niños", "enfants", "أطفال", "діт"),
    "for-migrants": ("migrant", "immigrants", "refugee", "refugiad", "réfugié", "emigrant", "مهاجر", "لاجئ", "мігрант", "біжен"),
}


class Suggester:
    """Built once from the directory's terms; `suggest` is pure and cached per label."""

    def __init__(self, mapper: CategoryMapper):
        by_code = {term.code: term for term in mapper.terms()}
        self._keywords = sorted(
            ((normalise(word), by_code[code]) for code, words in KEYWORDS.items() if code in by_code for word in words),
            key=lambda pair: -len(pair[0]),  # the longest, most specific, first
        )
        self._names = [(normalise(name), term) for name, term in mapper.named_terms()]
        self.suggest = lru_cache(maxsize=4096)(self._suggest)

    def _suggest(self, label: str) -> Term | None:
        text = normalise(label)
        if not text:
            return None
        padded = f" {text}"
        for word, term in self._keywords:
            if word and f" {word}" in padded:
                return term
        best, score = None, 0.0
        for name, term in self._names:
            similarity = fuzz.ratio(text, name)
            if similarity > score:
                best, score = term, similarity
        return best if score >= NAME_SIMILARITY else None


def suggest_term(mapper: CategoryMapper, label: str) -> Term | None:
    """One-off: the Harbour term suggested for `label` (see Suggester for many)."""
    return Suggester(mapper).suggest(label)
