"""Normalising what people type into school spreadsheets and forms: digits, brackets, class names, phones.

Each ``normalize_*`` function returns the clean value, or ``None`` when the input cannot be read without
guessing. Callers turn ``None`` into a Chinese message naming the field.
"""

import datetime
import re
import unicodedata

CN_NUMERALS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
_CN_DIGIT = {c: i for i, c in enumerate(CN_NUMERALS)} | {"〇": 0, "两": 2}

# Compiled once: these run several times on every row of a 50,000-row roster.
_CJK_NAME = re.compile(r"[\u3400-\u9fff·\s]+")
_MOBILE_NOISE = re.compile(r"[\s\-()]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_STUDENT_NO = re.compile(r"[A-Z0-9]{4,30}")


def clean_text(value) -> str:
    """Full-width to half-width (NFKC), no leading/trailing or doubled spaces, ``None`` to ``""``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", "").replace("\ufeff", "")
    text = " ".join(text.split())  # runs of whitespace to one space, none at the ends
    # A leading apostrophe is Excel's "this is text" marker (and how exports neutralise formulas); it
    # leaks into CSV files as a character but is never part of a name, number or class.
    return text[1:].lstrip() if text.startswith("'") else text


def excerpt(value, limit: int = 20) -> str:
    """A value as a message may show it back: cleaned, at most ``limit`` characters, then "…".

    Never the whole of what someone typed or uploaded: a cell may hold megabytes.
    """
    text = value if isinstance(value, str) else str(value)
    text = clean_text(text[: limit * 4 + 8])  # cut before cleaning, which walks the whole text
    return text if len(text) <= limit else text[:limit] + "…"


def clean_name(value) -> str:
    """A person's name: Chinese names carry no spaces; Latin names keep single spaces."""
    text = clean_text(value)
    if _CJK_NAME.fullmatch(text):
        text = text.replace(" ", "")
    return text


def cn_number(text: str) -> int | None:
    """``"3"``, ``"三"``, ``"十二"`` → int; anything else → None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGIT for c in text):
        return None
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGIT[text[1]] if len(text) == 2 else None
    if len(text) == 1:
        return _CN_DIGIT[text]
    if len(text) == 2 and text[1] == "十":
        return _CN_DIGIT[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return _CN_DIGIT[text[0]] * 10 + _CN_DIGIT[text[2]]
    return None


_GRADE_WORDS = {"初一": 7, "初二": 8, "初三": 9, "七年级": 7, "八年级": 8, "九年级": 9}


def normalize_grade(value) -> int | None:
    """``3``, ``"3"``, ``"三年级"``, ``"初一"``, ``"7年级"`` → 1..9."""
    text = clean_text(value).replace(" ", "")
    if text in _GRADE_WORDS:
        return _GRADE_WORDS[text]
    text = text.removesuffix("年级").removesuffix("年")
    n = cn_number(text)
    return n if n is not None and 1 <= n <= 9 else None


_ROOM = r"(?P<room>[0-9]{1,2}|[一二三四五六七八九十]{1,3})"
_CLASS_PATTERNS = [
    # 三年级(2)班, 3年级2班, 3年2班, 初一(3)班, 三年级二班
    re.compile(r"^(?P<grade>初[一二三]|[1-9一二三四五六七八九]年级?)\(?" + _ROOM + r"\)?班?$"),
    # 三(2)班, 3(2): a grade digit followed by the class in brackets
    re.compile(r"^(?P<grade>[1-9一二三四五六七八九])\(" + _ROOM + r"\)班?$"),
    # 3.2, 3-2, 3/2, 3_2
    re.compile(r"^(?P<grade>[1-9])[.\-/_](?P<room>[0-9]{1,2})$"),
    # (2)班, 2班, 二班, 2
    re.compile(r"^\(?" + _ROOM + r"\)?班?$"),
]


def split_homeroom(value) -> tuple[int | None, int] | None:
    """Read a class name into ``(grade or None, class number)``; the grade is None when the text names none.

    Accepts "三年级(2)班", "3年级2班", "三(2)班", "3.2", "3-2", "(2)班", "2班" and a bare "2". Excel cells
    arrive as numbers or dates: 3.2 typed into a number cell is the float 3.2, and "3-2" or "3/2" typed in
    a Chinese-locale Excel becomes the date 3月2日, read here as grade 3, class 2.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0, 0):
            return None
        value = value.date()
    if isinstance(value, datetime.date):
        return (value.month, value.day) if 1 <= value.month <= 9 else None
    if isinstance(value, float) and not value.is_integer():
        # "3.10" typed into a number cell is stored as 3.1: a float ending in .1 cannot tell class 1
        # from class 10, so it is refused rather than guessed.
        if round(value, 1) != value or f"{value:.1f}".endswith(".1"):
            return None
        value = f"{value:.1f}"
    text = clean_text(value).replace(" ", "")
    for pattern in _CLASS_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        room = cn_number(m.group("room"))
        if room is None or not 1 <= room <= 99:
            return None
        if "grade" not in m.groupdict():
            return None, room
        found = normalize_grade(m.group("grade"))
        return (found, room) if found is not None else None
    return None


def normalize_homeroom(value, grade: int | None = None) -> tuple[int, int] | None:
    """Read a class name into ``(grade, class number)``.

    Accepts what ``split_homeroom`` accepts; a bare "2" or "(2)班" needs ``grade``. When the text names a
    grade and ``grade`` is given too, they must agree; otherwise None.
    """
    parsed = split_homeroom(value)
    if parsed is None:
        return None
    found, room = parsed
    if found is not None and grade is not None and found != grade:
        return None
    final = found if found is not None else grade
    return None if final is None else (final, room)


def normalize_mobile(value) -> str | None:
    """A mainland mobile number: 11 digits starting with 1, after removing +86, spaces, dashes, brackets."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    text = _MOBILE_NOISE.sub("", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text if _MOBILE.fullmatch(text) else None


_MALE = {"男", "M", "m", "male", "Male", "MALE", "1", "男生", "男性"}
_FEMALE = {"女", "F", "f", "female", "Female", "FEMALE", "2", "女生", "女性"}


def normalize_gender(value) -> str | None:
    """男/女, M/F, 1/2 (the student register's codes) → "M" or "F"."""
    if isinstance(value, bool):
        return None
    text = clean_text(value)
    if text in _MALE:
        return "M"
    if text in _FEMALE:
        return "F"
    return None


_YES = {
    "是",
    "可",
    "允许",
    "可以",
    "能",
    "Y",
    "y",
    "yes",
    "Yes",
    "YES",
    "1",
    "TRUE",
    "True",
    "true",
    "√",
    "✓",
}
_NO = {
    "否",
    "不可",
    "不允许",
    "不可以",
    "不能",
    "N",
    "n",
    "no",
    "No",
    "NO",
    "0",
    "FALSE",
    "False",
    "false",
    "×",
    "x",
    "X",
}


def normalize_bool(value, default: bool | None = None) -> bool | None:
    """是/否, Y/N, 1/0, √/×, TRUE/FALSE cells → bool; empty → ``default``; anything else → None."""
    if isinstance(value, bool):
        return value
    text = clean_text(value)
    if not text:
        return default
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


RELATIONS = {
    "父亲": "father",
    "父": "father",
    "爸爸": "father",
    "母亲": "mother",
    "母": "mother",
    "妈妈": "mother",
    "祖父": "grandfather",
    "爷爷": "grandfather",
    "祖母": "grandmother",
    "奶奶": "grandmother",
    "外祖父": "maternal_grandfather",
    "外公": "maternal_grandfather",
    "姥爷": "maternal_grandfather",
    "外祖母": "maternal_grandmother",
    "外婆": "maternal_grandmother",
    "姥姥": "maternal_grandmother",
    "其他": "other",
    "其它": "other",
    "亲属": "other",
    "监护人": "other",
    "叔叔": "other",
    "伯伯": "other",
    "姑姑": "other",
    "舅舅": "other",
    "阿姨": "other",
    "姨妈": "other",
    "哥哥": "other",
    "姐姐": "other",
}


def normalize_relation(value) -> str | None:
    """父亲/爸爸/父, 外婆/姥姥 … → a ``Guardianship.Relation`` value; empty → "other"; unknown → None."""
    text = clean_text(value).replace(" ", "")
    if not text:
        return "other"
    return RELATIONS.get(text)


PRIORITY_WORDS = {
    "残疾": "is_disabled",
    "残疾儿童": "is_disabled",
    "残障": "is_disabled",
    "留守": "is_left_behind",
    "留守儿童": "is_left_behind",
    "随迁": "is_migrant_family",
    "随迁子女": "is_migrant_family",
    "进城务工": "is_migrant_family",
    "进城务工人员随迁子女": "is_migrant_family",
    "务工随迁": "is_migrant_family",
    "困难": "is_financial_difficulty",
    "经济困难": "is_financial_difficulty",
    "家庭经济困难": "is_financial_difficulty",
    "建档立卡": "is_financial_difficulty",
    "低保": "is_financial_difficulty",
}


def normalize_priorities(value) -> set[str] | None:
    """ "留守、随迁" → {"is_left_behind", "is_migrant_family"}; an unknown word → None; empty → set()."""
    text = clean_text(value)
    if not text or text in {"无", "-", "/"}:
        return set()
    found = set()
    for word in re.split(r"[,，、;；/\s]+", text):
        if not word:
            continue
        if word not in PRIORITY_WORDS:
            return None
        found.add(PRIORITY_WORDS[word])
    return found


def normalize_student_no(value) -> str | None:
    """学籍号: letters and digits only (G + 18-digit ID, or a local number); Excel may hand us a float."""
    if isinstance(value, bool | datetime.date | datetime.time):
        return None
    if isinstance(value, float):
        # Excel keeps 15 significant digits: a longer number typed into a number cell has already lost
        # its last digits (110101200001011234 comes back as 110101200001011232), so it is refused.
        if not value.is_integer() or abs(value) >= 1e15:
            return None
        value = int(value)
    text = clean_text(value).replace(" ", "").upper()
    return text if _STUDENT_NO.fullmatch(text) else None
