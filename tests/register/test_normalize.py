import datetime

import pytest

from afterschool.register.normalize import (
    clean_name,
    clean_text,
    cn_number,
    normalize_bool,
    normalize_gender,
    normalize_grade,
    normalize_homeroom,
    normalize_mobile,
    normalize_priorities,
    normalize_relation,
    normalize_student_no,
    split_homeroom,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (None, ""),
        ("  张  三 ", "张 三"),
        ("１２３（２）", "123(2)"),
        (3.0, "3"),
        ("\ufeff学籍号\u200b", "学籍号"),
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'13800138000", "13800138000"),
    ],
)
def test_clean_text_folds_width_spaces_and_excel_text_marker(raw, clean):
    assert clean_text(raw) == clean


def test_clean_name_drops_spaces_inside_chinese_names_only():
    assert clean_name(" 张  三 ") == "张三"
    assert clean_name("Anna  Lee") == "Anna Lee"


@pytest.mark.parametrize(
    ("raw", "n"), [("3", 3), ("三", 3), ("十", 10), ("十二", 12), ("二十", 20)]
)
def test_cn_number(raw, n):
    assert cn_number(raw) == n


@pytest.mark.parametrize(
    ("raw", "grade"),
    [(3, 3), (3.0, 3), ("3", 3), ("三年级", 3), ("初一", 7), ("七年级", 7), ("９年级", 9)],
)
def test_normalize_grade_reads_numbers_and_words(raw, grade):
    assert normalize_grade(raw) == grade


@pytest.mark.parametrize("raw", ["", "十年级", "0", "高一", None])
def test_normalize_grade_refuses_the_unreadable(raw):
    assert normalize_grade(raw) is None


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("三年级(2)班", (3, 2)),
        ("三年级（2）班", (3, 2)),
        ("３年级２班", (3, 2)),
        ("3年级2班", (3, 2)),
        ("3年2班", (3, 2)),
        ("三(2)班", (3, 2)),
        ("初一(3)班", (7, 3)),
        ("七年级3班", (7, 3)),
        ("三年级十二班", (3, 12)),
        ("3.2", (3, 2)),
        ("3-2", (3, 2)),
        ("3.10", (3, 10)),
        (3.2, (3, 2)),
        ("(2)班", (None, 2)),
        ("2班", (None, 2)),
        ("2", (None, 2)),
        ("32", (None, 32)),  # a bare number is a class number, never grade 3 class 2
        (2, (None, 2)),
        (2.0, (None, 2)),
        (datetime.datetime(2024, 3, 2), (3, 2)),  # noqa: DTZ001
        (datetime.date(2024, 3, 2), (3, 2)),
    ],
)
def test_split_homeroom_reads_the_ways_schools_write_a_class(raw, parsed):
    assert split_homeroom(raw) == parsed


@pytest.mark.parametrize(
    "raw",
    [
        3.1,  # 3.1 or 3.10? a number cell cannot tell
        3.25,
        "三年级",
        "abc",
        "",
        None,
        True,
        datetime.datetime(2024, 3, 2, 8, 30),  # noqa: DTZ001
        datetime.date(2024, 11, 2),
        "3.0",
        "十年级1班",
    ],
)
def test_split_homeroom_refuses_what_it_would_have_to_guess(raw):
    assert split_homeroom(raw) is None


def test_normalize_homeroom_needs_the_grade_for_a_bare_class_and_checks_agreement():
    assert normalize_homeroom("2") is None
    assert normalize_homeroom("2", grade=3) == (3, 2)
    assert normalize_homeroom("三年级(2)班", grade=3) == (3, 2)
    assert normalize_homeroom("三年级(2)班", grade=4) is None


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "(+86)13800138000",
        "0086 13800138000",
        "8613800138000",
        "138-0013-8000",
        "１３８００１３８０００",
        13800138000,
        13800138000.0,
        "'13800138000",
    ],
)
def test_normalize_mobile_accepts_decorated_numbers(raw):
    assert normalize_mobile(raw) == "13800138000"


@pytest.mark.parametrize(
    "raw", ["", "1380013800", "23800138000", "010-12345678", "138001380001", None]
)
def test_normalize_mobile_refuses_non_mobiles(raw):
    assert normalize_mobile(raw) is None


@pytest.mark.parametrize(
    ("raw", "gender"),
    [("男", "M"), ("女", "F"), ("M", "M"), ("f", "F"), (1, "M"), (2.0, "F"), ("男性", "M")],
)
def test_normalize_gender(raw, gender):
    assert normalize_gender(raw) == gender


@pytest.mark.parametrize("raw", ["", "?", True, "男女"])
def test_normalize_gender_refuses_unknown(raw):
    assert normalize_gender(raw) is None


def test_normalize_bool_reads_yes_no_and_defaults_empty():
    assert normalize_bool("是") is True
    assert normalize_bool("否") is False
    assert normalize_bool(True) is True
    assert normalize_bool(0) is False
    assert normalize_bool("√") is True
    assert normalize_bool("", default=True) is True
    assert normalize_bool("也许") is None


def test_normalize_relation():
    assert normalize_relation("妈妈") == "mother"
    assert normalize_relation("外婆") == "maternal_grandmother"
    assert normalize_relation("舅舅") == "other"
    assert normalize_relation("") == "other"
    assert normalize_relation("邻居") is None


def test_normalize_priorities_splits_on_chinese_and_latin_separators():
    assert normalize_priorities("留守、随迁") == {"is_left_behind", "is_migrant_family"}
    assert normalize_priorities("残疾,低保") == {"is_disabled", "is_financial_difficulty"}
    assert normalize_priorities("无") == set()
    assert normalize_priorities(None) == set()
    assert normalize_priorities("留守、学霸") is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("G110101201601010011", "G110101201601010011"),
        ("g1101 0120", "G11010120"),
        (12345678.0, "12345678"),
        (12345678, "12345678"),
        ("'0012345", "0012345"),
    ],
)
def test_normalize_student_no(raw, clean):
    assert normalize_student_no(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        1.10101200001011e17,  # Excel has dropped the last digits
        12.5,
        "G1",
        "G-123-456",
        datetime.date(2024, 1, 1),
        True,
        "",
    ],
)
def test_normalize_student_no_refuses_damaged_numbers(raw):
    assert normalize_student_no(raw) is None
