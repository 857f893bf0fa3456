"""factory_boy factories for the register. Other apps add theirs under tests/<app>/factories.py."""

import datetime
import itertools

import factory
from django.utils import timezone

from afterschool.register.models import (
    District,
    Grade,
    Guardian,
    Guardianship,
    Homeroom,
    InvitationCode,
    Role,
    School,
    Student,
    Term,
    User,
)

_mobiles = itertools.count(13900000000)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "pass-1234-word")
        if create:
            obj.save(update_fields=["password"])


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"第{n}区")
    code = factory.Sequence(lambda n: f"d{n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"第{n}小学")
    code = factory.Sequence(lambda n: f"s{n}")


def _year(school, day=None):
    from afterschool.register.services import school_year_ensure

    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return school_year_ensure(school=school, day=day or timezone.localdate())


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.LazyAttribute(lambda o: _year(o.school, o.start_date))
    name = factory.Sequence(lambda n: f"学期{n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grade
        django_get_or_create = ("school", "number")

    school = factory.SubFactory(SchoolFactory)
    number = 3


class HomeroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Homeroom

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.LazyAttribute(lambda o: _year(o.school))
    grade = factory.LazyAttribute(lambda o: GradeFactory(school=o.school))
    number = factory.Sequence(lambda n: n + 1)


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    homeroom = factory.LazyAttribute(lambda o: HomeroomFactory(school=o.school))
    student_no = factory.Sequence(lambda n: f"G{n:018d}")
    name = factory.Sequence(lambda n: f"学生{n}")
    gender = Student.Gender.FEMALE


class GuardianFactory(factory.django.DjangoModelFactory):
    """A guardian record of one district: pass ``district`` (or ``for_student``) to link children there."""

    class Meta:
        model = Guardian

    class Params:
        for_student = None

    district = factory.LazyAttribute(
        lambda o: o.for_student.school.district if o.for_student else DistrictFactory()
    )
    name = factory.Sequence(lambda n: f"家长{n}")
    mobile = factory.LazyFunction(lambda: str(next(_mobiles)))


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    student = factory.SubFactory(StudentFactory)
    guardian = factory.LazyAttribute(lambda o: GuardianFactory(for_student=o.student))
    relation = Guardianship.Relation.MOTHER
    may_pick_up = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        guardian, student = kwargs["guardian"], kwargs["student"]
        if guardian.district_id != student.school.district_id:
            # The services never link across districts; a test that does so tests nothing real.
            raise ValueError("a guardian is linked only to children of its own district")
        return super()._create(model_class, *args, **kwargs)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = Role.Kind.TEACHER
    school = factory.SubFactory(SchoolFactory)


class InvitationCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvitationCode

    student = factory.SubFactory(StudentFactory)
    code = factory.Sequence(lambda n: f"TEST{n:04d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


def school_admin(school, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Role.objects.create(user=user, kind=Role.Kind.SCHOOL_ADMIN, school=school)
    return user


def teacher(school, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Role.objects.create(user=user, kind=Role.Kind.TEACHER, school=school)
    return user


def bureau_staff(district, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Role.objects.create(user=user, kind=Role.Kind.BUREAU_STAFF, district=district)
    return user


def parent_of(student, **kwargs) -> User:
    """An account bound to a guardian record of the child's district (the guardian's mobile is the account's)."""
    user = UserFactory(**kwargs)
    extra = {"mobile": user.mobile} if user.mobile else {}
    guardian = GuardianFactory(user=user, name=user.full_name, for_student=student, **extra)
    GuardianshipFactory(guardian=guardian, student=student)
    return user
