"""The sample rosters in fixtures/ behave as fixtures/README.md says."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from afterschool.demo import demo_build
from afterschool.register.models import Guardian, Student

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def demo():
    return demo_build(size="small", password="afterschool-demo")


def test_the_messy_sample_imports_cleanly_and_only_once(demo, capsys):
    students, guardians = Student.objects.count(), Guardian.objects.count()
    call_command("import_roster", str(FIXTURES / "roster_sample.csv"), school="demo-primary")
    assert Student.objects.count() == students + 4
    assert Guardian.objects.count() == guardians + 7
    zhou = Student.objects.get(student_no="G110101201503150012")
    assert zhou.name == "周子涵" and zhou.homeroom.grade.number == 6 and zhou.homeroom.number == 5
    assert sorted(zhou.guardianships.values_list("guardian__mobile", flat=True)) == [
        "13711000001",
        "13711000002",
    ]
    call_command("import_roster", str(FIXTURES / "roster_sample.csv"), school="demo-primary")
    assert Student.objects.count() == students + 4


def test_the_error_sample_imports_nothing_and_names_every_row(demo, capsys):
    students = Student.objects.count()
    with pytest.raises(CommandError, match="没有导入任何数据"):  # the shell sees exit status 1
        call_command(
            "import_roster", str(FIXTURES / "roster_with_errors.csv"), school="demo-primary"
        )
    out = capsys.readouterr()
    text = out.out + out.err
    for expected in ("第 2 行", "第 3 行", "第 4 行", "性别", "监护人手机", "可接送", "优先类别"):
        assert expected in text, expected
    assert Student.objects.count() == students
