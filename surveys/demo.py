"""Demo surveys: the expert survey (German, by invitation) and the resident survey (five
languages, public, anonymised), with a few hundred generated responses for the aggregation.

Idempotent: each survey is found by its German title; responses are generated only for a
survey that has none. Fast: answers are validated in memory and written with bulk_create.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .models import Answer, Invitation, Response, Survey
from .services import definition as defs
from .services import invitations as inv_services
from .services import responses as resp_services
from .structure import get as get_structure

EXPERT_TITLE = "Befragung der Fachkräfte zur Integration im Kreis Gütersloh"
RESIDENT_TITLE = "Zusammenleben im Kreis Gütersloh – Ihre Meinung zählt"
LANGS = ("de", "en", "uk", "ar", "tr")


def t(de: str, en: str = "", uk: str = "", ar: str = "", tr: str = "") -> dict:
    return {k: v for k, v in zip(LANGS, (de, en, uk, ar, tr), strict=True) if v}


def ch(code: str, *labels: str, target_group: str | None = None) -> dict:
    item = {"code": code, "label": t(*labels)}
    if target_group:
        item["target_group"] = target_group
    return item


AGREE5 = {
    "scale_min": 1,
    "scale_max": 5,
    "allow_dont_know": True,
}
SATISFACTION = [
    ch(
        "very_good", "sehr zufrieden", "very satisfied", "дуже задоволений", "راضٍ جدًا", "çok memnun"
    ),
    ch(
        "good",
        "eher zufrieden",
        "rather satisfied",
        "скоріше задоволений",
        "راضٍ إلى حد ما",
        "kısmen memnun",
    ),
    ch(
        "poor",
        "eher unzufrieden",
        "rather dissatisfied",
        "скоріше незадоволений",
        "غير راضٍ إلى حد ما",
        "pek memnun değil",
    ),
    ch(
        "very_poor",
        "sehr unzufrieden",
        "very dissatisfied",
        "дуже незадоволений",
        "غير راضٍ أبدًا",
        "hiç memnun değil",
    ),
]
MUNICIPALITIES = [
    "Borgholzhausen",
    "Gütersloh",
    "Halle (Westf.)",
    "Harsewinkel",
    "Herzebrock-Clarholz",
    "Langenberg",
    "Rheda-Wiedenbrück",
    "Rietberg",
    "Schloß Holte-Stukenbrock",
    "Steinhagen",
    "Verl",
    "Versmold",
    "Werther (Westf.)",
]


def resident_definition() -> dict:
    return {
        "title": t(
            RESIDENT_TITLE,
            "Living together in the district of Gütersloh – your opinion counts",
            "Спільне життя в районі Гютерсло – ваша думка важлива",
            "العيش معًا في مقاطعة غوترسلوه – رأيك مهم",
            "Gütersloh ilçesinde birlikte yaşam – fikriniz önemli",
        ),
        "description": t(
            "Der Kreis Gütersloh schreibt sein Integrationskonzept fort. Die Befragung dauert "
            "etwa 10 Minuten. Sie können jederzeit unterbrechen und später weitermachen.",
            "The district is updating its integration concept. The survey takes about 10 "
            "minutes. You can stop at any time and continue later.",
            "Район оновлює свою концепцію інтеграції. Опитування триває близько 10 хвилин. "
            "Ви можете будь-коли перерватися і продовжити пізніше.",
            "تقوم المقاطعة بتحديث مفهوم الاندماج. يستغرق الاستطلاع حوالي 10 دقائق. "
            "يمكنك التوقف في أي وقت والمتابعة لاحقًا.",
            "İlçe uyum konseptini güncelliyor. Anket yaklaşık 10 dakika sürer. "
            "İstediğiniz zaman ara verip daha sonra devam edebilirsiniz.",
        ),
        "privacy_notice": t(
            "Die Befragung ist anonym. Wir speichern keine Namen und keine IP-Adressen zu den "
            "Antworten. Ergebnisse werden nur zusammengefasst und erst ab 5 Antworten je Gruppe "
            "veröffentlicht. Verantwortlich: Kreis Gütersloh, Kommunales Integrationszentrum.",
            "The survey is anonymous. We store no names and no IP addresses with the answers. "
            "Results are only published in summary form and for groups of at least 5.",
            "Опитування анонімне. Ми не зберігаємо імен та IP-адрес разом із відповідями. "
            "Результати публікуються лише узагальнено і для груп від 5 осіб.",
            "الاستطلاع مجهول الهوية. لا نحفظ أسماء ولا عناوين IP مع الإجابات. "
            "تُنشر النتائج بشكل إجمالي فقط ولمجموعات من 5 أشخاص على الأقل.",
            "Anket anonimdir. Cevaplarla birlikte isim veya IP adresi kaydetmiyoruz. "
            "Sonuçlar yalnızca toplu olarak ve en az 5 kişilik gruplar için yayımlanır.",
        ),
        "thank_you": t(
            "Vielen Dank! Ihre Antworten fließen in das Integrationskonzept ein.",
            "Thank you! Your answers will inform the integration concept.",
            "Дякуємо! Ваші відповіді будуть враховані в концепції інтеграції.",
            "شكرًا لك! ستُؤخذ إجاباتك في الاعتبار في مفهوم الاندماج.",
            "Teşekkürler! Cevaplarınız uyum konseptine katkı sağlayacak.",
        ),
        "languages": list(LANGS),
        "default_language": "de",
        "access_mode": Survey.AccessMode.PUBLIC,
        "anonymised": True,
        "sections": [
            {
                "code": "person",
                "title": t("Über Sie", "About you", "Про вас", "عنك", "Hakkınızda"),
                "questions": [
                    {
                        "code": "age_group",
                        "type": "single",
                        "required": True,
                        "text": t(
                            "Wie alt sind Sie?",
                            "How old are you?",
                            "Скільки вам років?",
                            "كم عمرك؟",
                            "Kaç yaşındasınız?",
                        ),
                        "choices": [
                            ch("u18", "unter 18", "under 18", "до 18", "أقل من 18", "18 altı"),
                            ch("18_29", "18–29", "18–29", "18–29", "18–29", "18–29"),
                            ch("30_49", "30–49", "30–49", "30–49", "30–49", "30–49"),
                            ch("50_64", "50–64", "50–64", "50–64", "50–64", "50–64"),
                            ch(
                                "65p",
                                "65 und älter",
                                "65 and older",
                                "65 і більше",
                                "65 فأكثر",
                                "65 ve üzeri",
                            ),
                        ],
                    },
                    {
                        "code": "gender",
                        "type": "single",
                        "text": t(
                            "Ihr Geschlecht", "Your gender", "Ваша стать", "جنسك", "Cinsiyetiniz"
                        ),
                        "choices": [
                            ch("f", "weiblich", "female", "жіноча", "أنثى", "kadın"),
                            ch("m", "männlich", "male", "чоловіча", "ذكر", "erkek"),
                            ch("d", "divers", "diverse", "інша", "متنوع", "diğer"),
                            ch(
                                "na",
                                "keine Angabe",
                                "prefer not to say",
                                "не вказувати",
                                "أفضل عدم الإجابة",
                                "belirtmek istemiyorum",
                            ),
                        ],
                    },
                    {
                        "code": "born_abroad",
                        "type": "yes_no",
                        "required": True,
                        "text": t(
                            "Sind Sie außerhalb Deutschlands geboren?",
                            "Were you born outside Germany?",
                            "Ви народилися за межами Німеччини?",
                            "هل ولدت خارج ألمانيا؟",
                            "Almanya dışında mı doğdunuz?",
                        ),
                    },
                    {
                        "code": "arrival_year",
                        "type": "integer",
                        "required": True,
                        "relevant": "${born_abroad} = 'yes'",
                        "min_value": 1940,
                        "max_value": 2026,
                        "text": t(
                            "In welchem Jahr sind Sie nach Deutschland gekommen?",
                            "In which year did you come to Germany?",
                            "У якому році ви приїхали до Німеччини?",
                            "في أي عام أتيت إلى ألمانيا؟",
                            "Almanya'ya hangi yıl geldiniz?",
                        ),
                    },
                    {
                        "code": "origin",
                        "type": "single",
                        "required": True,
                        "is_target_group_question": True,
                        "text": t(
                            "Was beschreibt Sie am besten?",
                            "Which describes you best?",
                            "Що найкраще описує вас?",
                            "ما الذي يصفك بشكل أفضل؟",
                            "Sizi en iyi hangisi tanımlar?",
                        ),
                        "choices": [
                            ch(
                                "native",
                                "Ich und meine Eltern sind in Deutschland geboren",
                                "Both I and my parents were born in Germany",
                                "І я, і мої батьки народилися в Німеччині",
                                "أنا ووالداي ولدنا في ألمانيا",
                                "Ben ve ebeveynlerim Almanya'da doğduk",
                            ),
                            ch(
                                "immigrant",
                                "Ich oder meine Eltern sind eingewandert",
                                "I or my parents immigrated",
                                "Я або мої батьки іммігрували",
                                "أنا أو والداي هاجرنا",
                                "Ben veya ebeveynlerim göç ettik",
                                target_group="immigrants",
                            ),
                            ch(
                                "cse",
                                "Ich bin aus Mittel- oder Südosteuropa zugewandert",
                                "I came from Central or South-Eastern Europe",
                                "Я приїхав(-ла) з Центральної або Південно-Східної Європи",
                                "أتيت من وسط أو جنوب شرق أوروبا",
                                "Orta veya Güneydoğu Avrupa'dan geldim",
                                target_group="cse-europe",
                            ),
                            ch(
                                "refugee",
                                "Ich bin seit 2015 als Schutzsuchende/r gekommen",
                                "I came as a protection seeker since 2015",
                                "Я приїхав(-ла) як особа, що шукає захисту, після 2015 року",
                                "أتيت طالبًا للحماية منذ 2015",
                                "2015'ten beri koruma arayan olarak geldim",
                                target_group="protection-2015",
                            ),
                            ch(
                                "ukraine",
                                "Ich bin aus der Ukraine geflüchtet",
                                "I fled from Ukraine",
                                "Я втік(-ла) з України",
                                "فررت من أوكرانيا",
                                "Ukrayna'dan kaçtım",
                                target_group="ukraine",
                            ),
                        ],
                    },
                    {
                        "code": "household_size",
                        "type": "integer",
                        "min_value": 1,
                        "max_value": 20,
                        "text": t(
                            "Wie viele Personen leben in Ihrem Haushalt?",
                            "How many people live in your household?",
                            "Скільки людей живе у вашому домогосподарстві?",
                            "كم شخصًا يعيش في منزلك؟",
                            "Hanenizde kaç kişi yaşıyor?",
                        ),
                    },
                    {
                        "code": "children",
                        "type": "yes_no",
                        "text": t(
                            "Leben Kinder unter 18 Jahren in Ihrem Haushalt?",
                            "Do children under 18 live in your household?",
                            "Чи живуть у вашому домогосподарстві діти до 18 років?",
                            "هل يعيش أطفال دون 18 عامًا في منزلك؟",
                            "Hanenizde 18 yaş altı çocuk yaşıyor mu?",
                        ),
                    },
                    {
                        "code": "children_school",
                        "type": "multiple",
                        "relevant": "${children} = 'yes'",
                        "text": t(
                            "Welche Einrichtungen besuchen die Kinder?",
                            "Which institutions do the children attend?",
                            "Які заклади відвідують діти?",
                            "ما المؤسسات التي يرتادها الأطفال؟",
                            "Çocuklar hangi kurumlara gidiyor?",
                        ),
                        "choices": [
                            ch("kita", "Kita", "Day care", "Дитячий садок", "حضانة", "Kreş"),
                            ch(
                                "primary",
                                "Grundschule",
                                "Primary school",
                                "Початкова школа",
                                "مدرسة ابتدائية",
                                "İlkokul",
                            ),
                            ch(
                                "secondary",
                                "Weiterführende Schule",
                                "Secondary school",
                                "Середня школа",
                                "مدرسة ثانوية",
                                "Ortaokul/Lise",
                            ),
                            ch(
                                "training",
                                "Ausbildung",
                                "Vocational training",
                                "Профнавчання",
                                "تدريب مهني",
                                "Meslek eğitimi",
                            ),
                        ],
                    },
                ],
            },
            {
                "code": "language",
                "title": t("Sprache", "Language", "Мова", "اللغة", "Dil"),
                "questions": [
                    {
                        "code": "german_level",
                        "type": "rating",
                        "required": True,
                        **AGREE5,
                        "scale_min_label": t(
                            "keine Kenntnisse", "none", "жодних знань", "لا معرفة", "hiç"
                        ),
                        "scale_max_label": t(
                            "sehr gut", "very good", "дуже добре", "جيد جدًا", "çok iyi"
                        ),
                        "text": t(
                            "Wie gut sprechen Sie Deutsch?",
                            "How well do you speak German?",
                            "Наскільки добре ви говорите німецькою?",
                            "ما مدى إجادتك للغة الألمانية؟",
                            "Ne kadar iyi Almanca konuşuyorsunuz?",
                        ),
                    },
                    {
                        "code": "languages_home",
                        "type": "multiple",
                        "allow_other": True,
                        "text": t(
                            "Welche Sprachen sprechen Sie zu Hause?",
                            "Which languages do you speak at home?",
                            "Якими мовами ви розмовляєте вдома?",
                            "ما اللغات التي تتحدثها في المنزل؟",
                            "Evde hangi dilleri konuşuyorsunuz?",
                        ),
                        "choices": [
                            ch("de", "Deutsch", "German", "Німецька", "الألمانية", "Almanca"),
                            ch(
                                "uk",
                                "Ukrainisch",
                                "Ukrainian",
                                "Українська",
                                "الأوكرانية",
                                "Ukraynaca",
                            ),
                            ch("ru", "Russisch", "Russian", "Російська", "الروسية", "Rusça"),
                            ch("ar", "Arabisch", "Arabic", "Арабська", "العربية", "Arapça"),
                            ch("tr", "Türkisch", "Turkish", "Турецька", "التركية", "Türkçe"),
                            ch("pl", "Polnisch", "Polish", "Польська", "البولندية", "Lehçe"),
                            ch("ro", "Rumänisch", "Romanian", "Румунська", "الرومانية", "Romence"),
                        ],
                    },
                    {
                        "code": "course_attended",
                        "type": "yes_no",
                        "relevant": "${german_level} <= 3",
                        "text": t(
                            "Haben Sie einen Deutschkurs besucht?",
                            "Have you attended a German course?",
                            "Чи відвідували ви курс німецької мови?",
                            "هل حضرت دورة لغة ألمانية؟",
                            "Almanca kursuna katıldınız mı?",
                        ),
                    },
                    {
                        "code": "course_barriers",
                        "type": "multiple",
                        "allow_other": True,
                        "relevant": "${course_attended} = 'no'",
                        "text": t(
                            "Was hat Sie daran gehindert?",
                            "What prevented you?",
                            "Що вам завадило?",
                            "ما الذي منعك؟",
                            "Sizi ne engelledi?",
                        ),
                        "choices": [
                            ch(
                                "places",
                                "keine freien Plätze",
                                "no places available",
                                "немає вільних місць",
                                "لا توجد أماكن",
                                "boş yer yok",
                            ),
                            ch(
                                "childcare",
                                "keine Kinderbetreuung",
                                "no childcare",
                                "немає догляду за дітьми",
                                "لا توجد رعاية أطفال",
                                "çocuk bakımı yok",
                            ),
                            ch(
                                "worktime",
                                "Arbeitszeiten",
                                "working hours",
                                "робочий час",
                                "ساعات العمل",
                                "çalışma saatleri",
                            ),
                            ch("costs", "Kosten", "costs", "вартість", "التكاليف", "maliyet"),
                        ],
                    },
                ],
            },
            {
                "code": "work",
                "title": t(
                    "Arbeit und Bildung",
                    "Work and education",
                    "Робота та освіта",
                    "العمل والتعليم",
                    "Çalışma ve eğitim",
                ),
                "questions": [
                    {
                        "code": "work_status",
                        "type": "single",
                        "widget": "dropdown",
                        "text": t(
                            "Was machen Sie zurzeit hauptsächlich?",
                            "What do you mainly do at present?",
                            "Чим ви переважно займаєтеся зараз?",
                            "ما الذي تفعله حاليًا بشكل رئيسي؟",
                            "Şu anda esas olarak ne yapıyorsunuz?",
                        ),
                        "choices": [
                            ch(
                                "employed",
                                "angestellt",
                                "employed",
                                "найманий працівник",
                                "موظف",
                                "çalışan",
                            ),
                            ch(
                                "self_employed",
                                "selbstständig",
                                "self-employed",
                                "самозайнятий",
                                "عمل حر",
                                "serbest meslek",
                            ),
                            ch(
                                "training",
                                "in Ausbildung",
                                "in training",
                                "на навчанні",
                                "في التدريب",
                                "eğitimde",
                            ),
                            ch(
                                "school",
                                "Schule oder Studium",
                                "school or university",
                                "школа або університет",
                                "مدرسة أو جامعة",
                                "okul veya üniversite",
                            ),
                            ch(
                                "unemployed",
                                "arbeitsuchend",
                                "looking for work",
                                "шукаю роботу",
                                "أبحث عن عمل",
                                "iş arıyor",
                            ),
                            ch(
                                "family",
                                "Familienarbeit, Elternzeit",
                                "family work, parental leave",
                                "сімейні обов'язки",
                                "رعاية الأسرة",
                                "aile işleri",
                            ),
                            ch(
                                "retired",
                                "im Ruhestand",
                                "retired",
                                "на пенсії",
                                "متقاعد",
                                "emekli",
                            ),
                        ],
                    },
                    {
                        "code": "qualification_recognised",
                        "type": "single",
                        "relevant": "${born_abroad} = 'yes'",
                        "text": t(
                            "Wurde Ihr ausländischer Berufsabschluss anerkannt?",
                            "Was your foreign qualification recognised?",
                            "Чи визнали вашу іноземну кваліфікацію?",
                            "هل تم الاعتراف بمؤهلك الأجنبي؟",
                            "Yurt dışı mesleki yeterliliğiniz tanındı mı?",
                        ),
                        "choices": [
                            ch("yes", "ja", "yes", "так", "نعم", "evet"),
                            ch(
                                "pending",
                                "Verfahren läuft",
                                "in progress",
                                "у процесі",
                                "قيد الإجراء",
                                "süreç devam ediyor",
                            ),
                            ch("no", "nein", "no", "ні", "لا", "hayır"),
                            ch(
                                "none",
                                "kein Abschluss / nicht beantragt",
                                "no qualification / not applied",
                                "немає / не подавав(-ла)",
                                "لا يوجد مؤهل / لم أتقدم",
                                "yeterlilik yok / başvurmadım",
                            ),
                        ],
                    },
                    {
                        "code": "job_satisfaction",
                        "type": "rating",
                        "relevant": (
                            "${work_status} = 'employed' or ${work_status} = 'self_employed'"
                        ),
                        **AGREE5,
                        "scale_min_label": t(
                            "gar nicht zufrieden",
                            "not at all satisfied",
                            "зовсім не задоволений",
                            "غير راضٍ إطلاقًا",
                            "hiç memnun değil",
                        ),
                        "scale_max_label": t(
                            "sehr zufrieden",
                            "very satisfied",
                            "дуже задоволений",
                            "راضٍ جدًا",
                            "çok memnun",
                        ),
                        "text": t(
                            "Wie zufrieden sind Sie mit Ihrer Arbeit?",
                            "How satisfied are you with your work?",
                            "Наскільки ви задоволені своєю роботою?",
                            "ما مدى رضاك عن عملك؟",
                            "İşinizden ne kadar memnunsunuz?",
                        ),
                    },
                    {
                        "code": "support_needed",
                        "type": "ranking",
                        "randomize_choices": True,
                        "text": t(
                            "Welche Unterstützung ist Ihnen am wichtigsten?",
                            "Which support matters most to you?",
                            "Яка підтримка для вас найважливіша?",
                            "ما الدعم الأهم بالنسبة لك؟",
                            "Sizin için en önemli destek hangisi?",
                        ),
                        "choices": [
                            ch(
                                "language",
                                "Sprachkurse",
                                "language courses",
                                "мовні курси",
                                "دورات اللغة",
                                "dil kursları",
                            ),
                            ch(
                                "jobs",
                                "Arbeitssuche",
                                "job search",
                                "пошук роботи",
                                "البحث عن عمل",
                                "iş arama",
                            ),
                            ch(
                                "childcare",
                                "Kinderbetreuung",
                                "childcare",
                                "догляд за дітьми",
                                "رعاية الأطفال",
                                "çocuk bakımı",
                            ),
                            ch(
                                "housing",
                                "Wohnungssuche",
                                "finding a flat",
                                "пошук житла",
                                "البحث عن سكن",
                                "ev arama",
                            ),
                        ],
                    },
                ],
            },
            {
                "code": "living",
                "title": t(
                    "Wohnen und Zusammenleben",
                    "Housing and living together",
                    "Житло та спільне життя",
                    "السكن والعيش المشترك",
                    "Konut ve birlikte yaşam",
                ),
                "questions": [
                    {
                        "code": "municipality",
                        "type": "single",
                        "widget": "dropdown",
                        "required": True,
                        "text": t(
                            "In welcher Stadt oder Gemeinde wohnen Sie?",
                            "In which town do you live?",
                            "У якому місті чи громаді ви живете?",
                            "في أي مدينة أو بلدة تعيش؟",
                            "Hangi şehir veya belediyede yaşıyorsunuz?",
                        ),
                        "choices": [
                            {"code": f"m{i:02d}", "label": {"de": name}}
                            for i, name in enumerate(MUNICIPALITIES, start=1)
                        ],
                    },
                    {
                        "code": "housing_satisfaction",
                        "type": "rating",
                        **AGREE5,
                        "scale_min_label": t(
                            "sehr unzufrieden",
                            "very dissatisfied",
                            "дуже незадоволений",
                            "غير راضٍ أبدًا",
                            "hiç memnun değil",
                        ),
                        "scale_max_label": t(
                            "sehr zufrieden",
                            "very satisfied",
                            "дуже задоволений",
                            "راضٍ جدًا",
                            "çok memnun",
                        ),
                        "text": t(
                            "Wie zufrieden sind Sie mit Ihrer Wohnsituation?",
                            "How satisfied are you with your housing?",
                            "Наскільки ви задоволені своїм житлом?",
                            "ما مدى رضاك عن سكنك؟",
                            "Konut durumunuzdan ne kadar memnunsunuz?",
                        ),
                    },
                    {
                        "code": "services",
                        "type": "matrix",
                        "allow_dont_know": True,
                        "text": t(
                            "Wie zufrieden sind Sie mit …",
                            "How satisfied are you with …",
                            "Наскільки ви задоволені …",
                            "ما مدى رضاك عن …",
                            "Şunlardan ne kadar memnunsunuz …",
                        ),
                        "rows": [
                            ch(
                                "authorities",
                                "Behörden und Ämtern",
                                "authorities",
                                "органами влади",
                                "الدوائر الحكومية",
                                "resmi daireler",
                            ),
                            ch(
                                "schools",
                                "Kitas und Schulen",
                                "day care and schools",
                                "дитсадками та школами",
                                "الحضانات والمدارس",
                                "kreş ve okullar",
                            ),
                            ch(
                                "doctors",
                                "Ärztinnen und Ärzten",
                                "doctors",
                                "лікарями",
                                "الأطباء",
                                "doktorlar",
                            ),
                            ch(
                                "transport",
                                "Bus und Bahn",
                                "public transport",
                                "громадським транспортом",
                                "المواصلات العامة",
                                "toplu taşıma",
                            ),
                        ],
                        "choices": SATISFACTION,
                    },
                    {
                        "code": "discrimination",
                        "type": "yes_no",
                        "text": t(
                            "Haben Sie im letzten Jahr Diskriminierung erlebt?",
                            "Have you experienced discrimination in the past year?",
                            "Чи стикалися ви з дискримінацією за останній рік?",
                            "هل تعرضت للتمييز خلال العام الماضي؟",
                            "Geçen yıl ayrımcılığa uğradınız mı?",
                        ),
                    },
                    {
                        "code": "discrimination_where",
                        "type": "multiple",
                        "allow_other": True,
                        "relevant": "${discrimination} = 'yes'",
                        "text": t(
                            "Wo war das?",
                            "Where was that?",
                            "Де це було?",
                            "أين حدث ذلك؟",
                            "Nerede oldu?",
                        ),
                        "choices": [
                            ch(
                                "authorities",
                                "bei Behörden",
                                "at authorities",
                                "в установах",
                                "في الدوائر الحكومية",
                                "resmi dairelerde",
                            ),
                            ch(
                                "work", "bei der Arbeit", "at work", "на роботі", "في العمل", "işte"
                            ),
                            ch(
                                "housing",
                                "bei der Wohnungssuche",
                                "looking for a flat",
                                "під час пошуку житла",
                                "عند البحث عن سكن",
                                "ev ararken",
                            ),
                            ch(
                                "public",
                                "im öffentlichen Raum",
                                "in public",
                                "у публічному місці",
                                "في الأماكن العامة",
                                "kamusal alanda",
                            ),
                        ],
                    },
                    {
                        "code": "belonging",
                        "type": "rating",
                        **AGREE5,
                        "scale_min_label": t(
                            "gar nicht", "not at all", "зовсім ні", "إطلاقًا", "hiç"
                        ),
                        "scale_max_label": t("sehr", "very much", "дуже", "كثيرًا", "çok"),
                        "text": t(
                            "Wie sehr fühlen Sie sich im Kreis Gütersloh zu Hause?",
                            "How much do you feel at home in the district?",
                            "Наскільки ви почуваєтеся вдома в районі?",
                            "إلى أي مدى تشعر بأنك في بيتك في المقاطعة؟",
                            "İlçede kendinizi ne kadar evinizde hissediyorsunuz?",
                        ),
                    },
                    {
                        "code": "contact",
                        "type": "single",
                        "text": t(
                            "Wie oft haben Sie Kontakt zu Menschen anderer Herkunft?",
                            "How often are you in contact with people of other origins?",
                            "Як часто ви контактуєте з людьми іншого походження?",
                            "كم مرة تتواصل مع أشخاص من أصول أخرى؟",
                            "Farklı kökenden insanlarla ne sıklıkla görüşüyorsunuz?",
                        ),
                        "choices": [
                            ch("daily", "täglich", "daily", "щодня", "يوميًا", "her gün"),
                            ch(
                                "weekly", "wöchentlich", "weekly", "щотижня", "أسبوعيًا", "her hafta"
                            ),
                            ch("monthly", "monatlich", "monthly", "щомісяця", "شهريًا", "her ay"),
                            ch(
                                "rarely",
                                "selten oder nie",
                                "rarely or never",
                                "рідко або ніколи",
                                "نادرًا أو أبدًا",
                                "nadiren veya hiç",
                            ),
                        ],
                    },
                    {
                        "code": "volunteering",
                        "type": "yes_no",
                        "text": t(
                            "Engagieren Sie sich ehrenamtlich?",
                            "Do you volunteer?",
                            "Чи займаєтеся ви волонтерством?",
                            "هل تتطوع؟",
                            "Gönüllü çalışıyor musunuz?",
                        ),
                    },
                ],
            },
            {
                "code": "future",
                "title": t(
                    "Ausblick", "Looking ahead", "Погляд у майбутнє", "نظرة مستقبلية", "Gelecek"
                ),
                "questions": [
                    {
                        "code": "future_note",
                        "type": "display",
                        "text": t(
                            "Fast geschafft! Zum Schluss interessiert uns Ihr Blick nach vorn.",
                            "Almost done! Finally, we would like to hear your outlook.",
                            "Майже готово! Наостанок нас цікавить ваш погляд у майбутнє.",
                            "أوشكت على الانتهاء! أخيرًا نود معرفة نظرتك للمستقبل.",
                            "Neredeyse bitti! Son olarak geleceğe bakışınızı merak ediyoruz.",
                        ),
                    },
                    {
                        "code": "stay",
                        "type": "single",
                        "allow_dont_know": True,
                        "text": t(
                            "Möchten Sie im Kreis Gütersloh bleiben?",
                            "Would you like to stay in the district?",
                            "Чи хотіли б ви залишитися в районі?",
                            "هل ترغب في البقاء في المقاطعة؟",
                            "İlçede kalmak ister misiniz?",
                        ),
                        "choices": [
                            ch("yes", "ja", "yes", "так", "نعم", "evet"),
                            ch("maybe", "vielleicht", "maybe", "можливо", "ربما", "belki"),
                            ch("no", "nein", "no", "ні", "لا", "hayır"),
                        ],
                    },
                    {
                        "code": "priority_fields",
                        "type": "multiple",
                        "text": t(
                            "Wo sollte der Kreis am meisten tun?",
                            "Where should the district do most?",
                            "Де район має зробити найбільше?",
                            "أين يجب أن تبذل المقاطعة أكبر جهد؟",
                            "İlçe en çok nerede çaba göstermeli?",
                        ),
                        "choices": [
                            ch("language", "Sprache", "language", "мова", "اللغة", "dil"),
                            ch("education", "Bildung", "education", "освіта", "التعليم", "eğitim"),
                            ch("work", "Arbeit", "work", "робота", "العمل", "iş"),
                            ch("housing", "Wohnen", "housing", "житло", "السكن", "konut"),
                            ch("health", "Gesundheit", "health", "здоров'я", "الصحة", "sağlık"),
                            ch(
                                "participation",
                                "Teilhabe",
                                "participation",
                                "участь",
                                "المشاركة",
                                "katılım",
                            ),
                        ],
                    },
                    {
                        "code": "wishes",
                        "type": "long_text",
                        "max_length": 2000,
                        "text": t(
                            "Was wünschen Sie sich für das Zusammenleben?",
                            "What do you wish for living together?",
                            "Чого ви бажаєте для спільного життя?",
                            "ماذا تتمنى للعيش المشترك؟",
                            "Birlikte yaşam için ne diliyorsunuz?",
                        ),
                    },
                    {
                        "code": "postcode",
                        "type": "text",
                        "pattern": "[0-9]{5}",
                        "validation_message": t(
                            "Bitte fünf Ziffern, z. B. 33330.",
                            "Five digits please, e.g. 33330.",
                            "П'ять цифр, напр. 33330.",
                            "خمسة أرقام من فضلك، مثل 33330.",
                            "Lütfen beş rakam, ör. 33330.",
                        ),
                        "text": t(
                            "Ihre Postleitzahl (freiwillig)",
                            "Your postcode (optional)",
                            "Ваш поштовий індекс (необов'язково)",
                            "الرمز البريدي (اختياري)",
                            "Posta kodunuz (isteğe bağlı)",
                        ),
                    },
                    {
                        "code": "moved_in",
                        "type": "date",
                        "text": t(
                            "Seit wann wohnen Sie im Kreis (ungefähr)?",
                            "Since when have you lived in the district (roughly)?",
                            "Відколи ви живете в районі (приблизно)?",
                            "منذ متى تعيش في المقاطعة (تقريبًا)؟",
                            "Ne zamandan beri ilçede yaşıyorsunuz (yaklaşık)?",
                        ),
                    },
                ],
            },
        ],
    }


FIELDS = [
    ("language", "Sprache"),
    ("education", "Bildung"),
    ("work", "Ausbildung und Arbeit"),
    ("housing", "Wohnen"),
    ("health", "Gesundheit"),
    ("participation", "Gesellschaftliche Teilhabe"),
    ("administration", "Interkulturelle Öffnung der Verwaltung"),
]
QUALITY = [
    {"code": "very_good", "label": {"de": "sehr gut"}},
    {"code": "good", "label": {"de": "eher gut"}},
    {"code": "poor", "label": {"de": "eher schlecht"}},
    {"code": "very_poor", "label": {"de": "sehr schlecht"}},
]


def q(code, type_, text, **extra) -> dict:
    return {"code": code, "type": type_, "text": {"de": text}, **extra}


def opts(*pairs) -> list[dict]:
    return [{"code": code, "label": {"de": label}} for code, label in pairs]


def expert_definition() -> dict:
    groups = opts(
        ("immigrants", "Eingewanderte und ihre Nachkommen"),
        ("cse", "Eingewanderte aus Mittel- und Südosteuropa"),
        ("refugees", "Schutzsuchende seit 2015"),
        ("ukraine", "Schutzsuchende aus der Ukraine"),
    )
    return {
        "title": {"de": EXPERT_TITLE},
        "description": {
            "de": "Sie erhalten diese Befragung als Fachkraft. Ihre Einschätzungen fließen in "
            "die IST-Analyse des Integrationskonzepts ein. Dauer: etwa 15 Minuten."
        },
        "privacy_notice": {
            "de": "Ihre Antworten werden dem Projektteam mit Ihrer Organisation zugeordnet, "
            "aber nur zusammengefasst veröffentlicht. Zitate erscheinen nur pseudonymisiert."
        },
        "thank_you": {"de": "Vielen Dank für Ihre Einschätzung!"},
        "languages": ["de"],
        "default_language": "de",
        "access_mode": Survey.AccessMode.INVITATION,
        "anonymised": False,
        "sections": [
            {
                "code": "org",
                "title": {"de": "Ihre Organisation"},
                "questions": [
                    q(
                        "intro",
                        "display",
                        "Bitte beantworten Sie die Fragen aus Sicht Ihrer Organisation.",
                    ),
                    q(
                        "org_kind",
                        "single",
                        "In welchem Bereich arbeiten Sie?",
                        required=True,
                        choices=opts(
                            ("administration", "Verwaltung"),
                            ("school", "Schule/Kita"),
                            ("job_centre", "Jobcenter/Arbeitsagentur"),
                            ("welfare", "Wohlfahrtsverband"),
                            ("migrant", "Migrantenorganisation"),
                            ("employer", "Wirtschaft/Kammer"),
                            ("civil", "Ehrenamt/Zivilgesellschaft"),
                        ),
                        allow_other=True,
                    ),
                    q("role", "text", "Ihre Funktion", max_length=200),
                    q(
                        "years",
                        "integer",
                        "Wie viele Jahre arbeiten Sie in diesem Feld?",
                        min_value=0,
                        max_value=50,
                    ),
                    q(
                        "groups_served",
                        "multiple",
                        "Mit welchen Zielgruppen arbeiten Sie?",
                        choices=groups,
                        required=True,
                    ),
                    q(
                        "clients",
                        "integer",
                        "Wie viele Personen beraten Sie etwa pro Monat?",
                        min_value=0,
                        max_value=10000,
                    ),
                ],
            },
            {
                "code": "situation",
                "title": {"de": "Lage in den Handlungsfeldern"},
                "questions": [
                    q(
                        "fields",
                        "matrix",
                        "Wie schätzen Sie die Lage ein?",
                        required=True,
                        allow_dont_know=True,
                        rows=opts(*FIELDS),
                        choices=QUALITY,
                    ),
                    q(
                        "challenge",
                        "long_text",
                        "Was ist aus Ihrer Sicht die größte Herausforderung?",
                    ),
                    q("language_offer", "yes_no", "Reicht das Angebot an Sprachkursen aus?"),
                    q(
                        "language_gaps",
                        "multiple",
                        "Was fehlt?",
                        allow_other=True,
                        relevant="${language_offer} = 'no'",
                        choices=opts(
                            ("places", "Plätze"),
                            ("childcare", "Kinderbetreuung"),
                            ("job", "berufsbezogene Kurse"),
                            ("rural", "Angebote im ländlichen Raum"),
                        ),
                    ),
                    q(
                        "cooperation",
                        "rating",
                        "Wie gut funktioniert die Zusammenarbeit der Akteure?",
                        scale_min=1,
                        scale_max=5,
                        scale_min_label={"de": "sehr schlecht"},
                        scale_max_label={"de": "sehr gut"},
                        allow_dont_know=True,
                    ),
                    q(
                        "partners",
                        "multiple",
                        "Mit wem arbeiten Sie regelmäßig zusammen?",
                        choices=opts(
                            ("ki", "Kommunales Integrationszentrum"),
                            ("jobcenter", "Jobcenter"),
                            ("schools", "Schulen"),
                            ("welfare", "Wohlfahrtsverbände"),
                            ("msos", "Migrantenorganisationen"),
                        ),
                    ),
                    q("network", "yes_no", "Sind Sie Mitglied in einem Netzwerk?"),
                    q("network_name", "text", "In welchem?", relevant="${network} = 'yes'"),
                ],
            },
            {
                "code": "ukraine",
                "title": {"de": "Schutzsuchende aus der Ukraine"},
                "questions": [
                    q(
                        "ukr_work",
                        "yes_no",
                        "Arbeiten Sie mit Geflüchteten aus der Ukraine?",
                        required=True,
                    ),
                    q(
                        "ukr_needs",
                        "ranking",
                        "Was brauchen sie am dringendsten?",
                        relevant="${ukr_work} = 'yes'",
                        choices=opts(
                            ("housing", "Wohnraum"),
                            ("language", "Sprachkurse"),
                            ("childcare", "Kinderbetreuung"),
                            ("recognition", "Anerkennung von Abschlüssen"),
                            ("psych", "psychosoziale Hilfe"),
                        ),
                    ),
                    q("ukr_comment", "long_text", "Ergänzungen", relevant="${ukr_work} = 'yes'"),
                ],
            },
            {
                "code": "measures",
                "title": {"de": "Maßnahmen"},
                "questions": [
                    q(
                        "priorities",
                        "ranking",
                        "Ordnen Sie die Handlungsfelder nach Dringlichkeit.",
                        choices=opts(*FIELDS[:5]),
                    ),
                    q("idea", "long_text", "Welche Maßnahme schlagen Sie vor?"),
                    q(
                        "digital",
                        "rating",
                        "Wie wichtig sind digitale Angebote?",
                        scale_min=1,
                        scale_max=5,
                        scale_min_label={"de": "unwichtig"},
                        scale_max_label={"de": "sehr wichtig"},
                    ),
                    q(
                        "training",
                        "yes_no",
                        "Gibt es in Ihrer Organisation interkulturelle Fortbildungen?",
                    ),
                    q(
                        "training_share",
                        "decimal",
                        "Welcher Anteil der Mitarbeitenden wurde geschult (in %)?",
                        min_value=0,
                        max_value=100,
                        relevant="${training} = 'yes'",
                    ),
                    q(
                        "interpreting",
                        "single",
                        "Gibt es ein Budget für Sprachmittlung?",
                        choices=opts(
                            ("enough", "ja, ausreichend"),
                            ("too_little", "ja, zu klein"),
                            ("no", "nein"),
                        ),
                    ),
                    q(
                        "last_training",
                        "date",
                        "Wann war die letzte Fortbildung?",
                        relevant="${training} = 'yes'",
                    ),
                ],
            },
            {
                "code": "end",
                "title": {"de": "Abschluss"},
                "questions": [
                    q("workshop", "yes_no", "Möchten Sie an einem Workshop teilnehmen?"),
                    q("remarks", "long_text", "Weitere Anmerkungen"),
                ],
            },
        ],
    }


# --- generated responses ------------------------------------------------------------------

COMMENTS = [
    "Mehr Sprachkurse am Abend.",
    "Bezahlbarer Wohnraum fehlt.",
    "Mehr Begegnungsorte in den Stadtteilen.",
    "Schnellere Termine bei der Ausländerbehörde.",
    "Kinderbetreuung während der Kurse.",
    "Mehr Informationen in einfacher Sprache.",
    "Unterstützung bei der Anerkennung von Abschlüssen.",
]


def _random_answer(rng: random.Random, qdef) -> object:
    t_ = qdef.type
    codes = [c.code for c in qdef.choices]
    if t_ == "single":
        return rng.choice(codes + (["dont_know"] if qdef.allow_dont_know else []))
    if t_ == "multiple":
        return rng.sample(codes, rng.randint(1, min(3, len(codes))))
    if t_ == "yes_no":
        return rng.choice(["yes", "no"])
    if t_ == "rating":
        if qdef.allow_dont_know and rng.random() < 0.07:
            return "dont_know"
        return rng.choice(qdef.scale)
    if t_ == "matrix":
        return {row: rng.choice(codes) for row in qdef.row_codes}
    if t_ == "ranking":
        return rng.sample(codes, len(codes))
    if t_ == "integer":
        low = int(qdef.min_value or 0)
        high = int(qdef.max_value if qdef.max_value is not None else 100)
        if qdef.code == "arrival_year":
            low = 1970
        if qdef.code == "household_size":
            high = 7
        return rng.randint(low, min(high, low + 60))
    if t_ == "decimal":
        return round(rng.uniform(qdef.min_value or 0, qdef.max_value or 100), 1)
    if t_ == "text":
        if qdef.pattern:
            return rng.choice(["33330", "33332", "33378", "33428", "33790"])
        return rng.choice(["Beratung", "Leitung", "Sozialarbeit", "Koordination"])
    if t_ == "long_text":
        return rng.choice(COMMENTS) if rng.random() < 0.4 else ""
    if t_ == "date":
        return (timezone.localdate() - timedelta(days=rng.randint(200, 4000))).isoformat()
    return None


def _generate(
    survey: Survey,
    count: int,
    rng: random.Random,
    *,
    invitations=None,
    languages=("de",),
    start: datetime,
) -> None:
    structure = get_structure(survey.current_version)
    responses = []
    answer_sets = []
    for index in range(count):
        language = rng.choice(languages)
        answers = {}
        for qdef in structure.questions.values():
            if qdef.type == "display" or (not qdef.required and rng.random() < 0.12):
                continue
            answers[qdef.code] = _random_answer(rng, qdef)
            if qdef.allow_other and isinstance(answers[qdef.code], list) and rng.random() < 0.1:
                answers[qdef.code].append("other")
                answers[f"{qdef.code}_other"] = "Sonstiges"
        complete = rng.random() > 0.1
        cleaned, errors, _state = resp_services.validate_answers(
            structure, answers, language=language, require=complete
        )
        if errors:  # a generated value broke a rule: keep only the valid ones, in progress
            complete = False
        started = start + timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        invitation = invitations[index] if invitations else None
        response = Response(
            survey=survey,
            version=survey.current_version,
            client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            language=language,
            status=Response.Status.COMPLETE if complete else Response.Status.IN_PROGRESS,
            anonymised=survey.anonymised,
            invitation=invitation,
            target_group_id=invitation.target_group_id if invitation else None,
            attributes={"organisation": invitation.organisation} if invitation else {},
            started_at=started,
            updated_at=started + timedelta(minutes=12),
            completed_at=started + timedelta(minutes=12) if complete else None,
            consent_at=started,
        )
        responses.append(response)
        answer_sets.append(cleaned)
    Response.objects.bulk_create(responses, batch_size=500)
    if not all(r.pk for r in responses):  # databases without RETURNING ids
        by_client = dict(Response.objects.filter(survey=survey).values_list("client_id", "pk"))
        for response in responses:
            response.pk = by_client[response.client_id]
    rows: list[Answer] = []
    for response, cleaned in zip(responses, answer_sets, strict=True):
        rows.extend(resp_services.answer_rows(response.pk, structure, cleaned))
    Answer.objects.bulk_create(rows, batch_size=2000)
    if invitations:
        for response, invitation in zip(responses, invitations, strict=False):
            invitation.started_at = response.started_at
            invitation.opened_at = response.started_at
            invitation.completed_at = response.completed_at
        Invitation.objects.bulk_update(
            invitations[: len(responses)], ["started_at", "opened_at", "completed_at"]
        )


def _tz(year, month, day) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 8, 0))


@transaction.atomic
def seed(ctx) -> None:
    rng = random.Random(2025)
    process = ctx.process
    staff = ctx.users.get("staff")

    resident = Survey.objects.filter(process=process, title__de=RESIDENT_TITLE).first()
    if resident is None:
        resident = defs.survey_create_from_definition(
            user=staff,
            process=process,
            definition=resident_definition(),
            phase=ctx.phases.get("survey-residents"),
            status=Survey.Status.OPEN,
        )
    if not resident.responses.exists():
        _generate(
            resident,
            320,
            rng,
            languages=("de", "de", "de", "en", "uk", "uk", "ar", "ar", "tr"),
            start=_tz(2025, 5, 2),
        )

    expert = Survey.objects.filter(process=process, title__de=EXPERT_TITLE).first()
    if expert is None:
        expert = defs.survey_create_from_definition(
            user=staff,
            process=process,
            definition=expert_definition(),
            phase=ctx.phases.get("survey-experts"),
            status=Survey.Status.OPEN,
        )
    if not expert.invitations.exists():
        inv_services.invitations_from_people(survey=expert, user=None, people=ctx.people)
        rows = [
            {
                "email": "expert@example.org",
                "name": "Eva Expertin",
                "organisation": "Caritasverband für den Kreis Gütersloh",
            }
        ]
        kinds = [
            "Jobcenter",
            "Schule",
            "Wohlfahrtsverband",
            "Migrantenorganisation",
            "Kita",
            "Verwaltung",
        ]
        groups = ["immigrants", "cse-europe", "protection-2015", "ukraine", ""]
        for i in range(1, 61):
            rows.append(
                {
                    "email": f"fachkraft{i:02d}@example.org",
                    "name": f"Fachkraft {i:02d}",
                    "organisation": f"{kinds[i % len(kinds)]} {1 + i % 7}",
                    "target_group": groups[i % len(groups)],
                    "sector": kinds[i % len(kinds)],
                }
            )
        inv_services.invitations_import(survey=expert, user=None, rows=rows)
        Invitation.objects.filter(survey=expert).update(sent_at=_tz(2025, 4, 2))
    if not expert.responses.exists():
        invited = list(
            Invitation.objects.filter(survey=expert, email__startswith="fachkraft").order_by("pk")
        )
        _generate(expert, 45, rng, invitations=invited[:45], start=_tz(2025, 4, 3))

    # Count the generated responses into the stored result rows.
    from .results.demo import seed as seed_results

    seed_results(ctx)
