"""Every page below a home says where it is: breadcrumbs whose every item but the current one is a link the
reader may open. The school dashboard reaches each grade and class; the student list each class."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from afterschool.demo import demo_build
from afterschool.register import services
from afterschool.register.models import Grade, Guardianship, Homeroom, School, Student, User

pytestmark = pytest.mark.django_db


class _Crumbs(HTMLParser):
    """The items of each ``<ol class="breadcrumb">``: (text, href or None, is the current page)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.trails, self._item = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "ol" and "breadcrumb" in (a.get("class") or "").split():
            self.trails.append([])
        elif tag == "li" and self.trails and "breadcrumb-item" in (a.get("class") or ""):
            current = "active" in a["class"].split() and a.get("aria-current") == "page"
            self._item = {"text": "", "href": None, "current": current}
            self.trails[-1].append(self._item)
        elif tag == "a" and self._item is not None:
            self._item["href"] = a.get("href")

    def handle_data(self, data):
        if self._item is not None:
            self._item["text"] += data.strip()

    def handle_endtag(self, tag):
        if tag == "li":
            self._item = None


def crumbs(html: str) -> list[dict]:
    """The page's one breadcrumb trail ([] when it has none)."""
    parser = _Crumbs()
    parser.feed(html)
    assert len(parser.trails) <= 1, f"{len(parser.trails)} breadcrumb trails"
    return parser.trails[0] if parser.trails else []


@pytest.fixture
def demo():
    demo_build(size="small", password="afterschool-demo")
    school = School.objects.get(code="demo-primary")
    homeroom = Homeroom.objects.get(head_teacher__username="demo-teacher", school=school)
    student = Student.objects.filter(homeroom=homeroom).first()
    services.invitation_code_issue(students=[student], by=None)
    guardianship = Guardianship.objects.filter(student=student).first()
    term = school.terms.first()
    return {
        "school": school.pk,
        "homeroom": homeroom.pk,
        "student": student.pk,
        "guardianship": guardianship.pk,
        "term": term.pk,
    }


SCHOOL_PAGES = [
    ("home:school-dashboard", {"school_pk": "school"}, ""),
    ("school:student-list", {"school_pk": "school"}, ""),
    ("school:student-list", {"school_pk": "school"}, "?grade=3"),
    ("school:student-list", {"school_pk": "school"}, "?homeroom=HOMEROOM"),
    ("school:staff-list", {"school_pk": "school"}, ""),
    ("school:term-list", {"school_pk": "school"}, ""),
    ("school:term-create", {"school_pk": "school"}, ""),
    ("school:term-update", {"school_pk": "school", "pk": "term"}, ""),
    ("school:audit-list", {"school_pk": "school"}, ""),
    ("school:roster-import", {"school_pk": "school"}, ""),
    ("school:homeroom-detail", {"pk": "homeroom"}, ""),
    ("school:homeroom-letters-print", {"pk": "homeroom"}, ""),
    ("school:student-detail", {"pk": "student"}, ""),
    ("school:student-edit", {"pk": "student"}, ""),
    ("school:guardianship-create", {"student_pk": "student"}, ""),
    ("school:guardianship-update", {"student_pk": "student", "pk": "guardianship"}, ""),
]
READERS = {
    "demo-admin": None,  # every school page
    "demo-bureau": {
        "home:school-dashboard",
        "school:student-list",
        "school:staff-list",
        "school:term-list",
        "school:audit-list",
        "school:homeroom-detail",
        "school:student-detail",
    },
    "demo-teacher": {
        "school:homeroom-detail",
        "school:homeroom-letters-print",
        "school:student-detail",
    },
}


def _pages(ids, username):
    allowed = READERS.get(username, set())
    for name, kwargs, query in SCHOOL_PAGES:
        if allowed is None or name in allowed:
            url = reverse(name, kwargs={k: ids[v] for k, v in kwargs.items()})
            yield url + query.replace("HOMEROOM", str(ids["homeroom"]))
    if username == "demo-parent":
        child = Student.objects.filter(guardianships__guardian__user__username=username).first()
        yield reverse("home:family-child", kwargs={"pk": child.pk})


@pytest.mark.parametrize("username", [*READERS, "demo-parent"])
def test_every_page_has_breadcrumbs_that_link_all_but_the_current_item(client, demo, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    home = client.get(reverse("home:index"), follow=True).redirect_chain[-1][0]
    checked = 0
    for url in _pages(demo, username):
        response = client.get(url)
        assert response.status_code == 200, url
        trail = crumbs(response.content.decode())
        if url == home:
            assert trail == [], "a home has nothing above it"
            continue
        assert trail, f"no breadcrumbs on {url}"
        *above, here = trail
        assert here["current"] and here["href"] is None and here["text"], (url, here)
        for item in above:
            assert item["href"] and not item["current"], (url, item)
            # a link the reader may follow
            assert client.get(item["href"]).status_code == 200, (url, item)
        checked += 1
    assert checked


def test_school_pages_start_from_the_readers_own_home(client, demo):
    url = reverse("school:homeroom-detail", kwargs={"pk": demo["homeroom"]})
    first = {}
    for username in ("demo-admin", "demo-bureau", "demo-teacher"):
        client.force_login(User.objects.get(username=username))
        first[username] = crumbs(client.get(url).content.decode())[0]["href"]
    assert first == {
        "demo-admin": reverse("home:school-dashboard", kwargs={"school_pk": demo["school"]}),
        "demo-bureau": reverse("home:bureau-overview"),
        "demo-teacher": reverse("home:teacher-today"),
    }


def test_the_dashboard_links_each_grade_and_each_class(client, demo):
    client.force_login(User.objects.get(username="demo-admin"))
    school = School.objects.get(pk=demo["school"])
    html = client.get(
        reverse("home:school-dashboard", kwargs={"school_pk": school.pk})
    ).content.decode()
    students = reverse("school:student-list", kwargs={"school_pk": school.pk})
    for grade in Grade.objects.filter(school=school):
        assert f'href="{students}?grade={grade.number}"' in html, grade
    for homeroom in Homeroom.objects.filter(school=school):
        assert f'href="{reverse("school:homeroom-detail", kwargs={"pk": homeroom.pk})}"' in html


def test_the_student_list_links_each_class_to_its_page(client, demo):
    client.force_login(User.objects.get(username="demo-admin"))
    html = client.get(
        reverse("school:student-list", kwargs={"school_pk": demo["school"]})
    ).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)[1:]
    assert rows
    for row in rows:
        assert re.search(r'href="/school/homerooms/\d+/"', row), row


def test_the_student_list_filters_by_grade(client, demo):
    client.force_login(User.objects.get(username="demo-admin"))
    url = reverse("school:student-list", kwargs={"school_pk": demo["school"]})
    response = client.get(url, {"grade": 3})
    grades = {s.homeroom.grade.number for s in response.context["page"]}
    assert grades == {3}
    assert '<option value="3" selected>' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"grade": "abc"},
        {"grade": "99"},
        {"grade": "3.5"},
        {"homeroom": "abc"},
        {"homeroom": "999999"},
        {"homeroom": "OTHER_SCHOOL"},
        {"page": "abc"},
        {"grade": "-1", "homeroom": "1e9"},
        {"grade": "99999999999999999999", "homeroom": "99999999999999999999"},
        {"q": "王" * 51},
    ],
)
def test_a_bad_filter_is_refused_plainly_not_with_a_500(client, demo, query):
    client.force_login(User.objects.get(username="demo-admin"))
    other = Homeroom.objects.exclude(school_id=demo["school"]).first()
    query = {k: str(other.pk) if v == "OTHER_SCHOOL" else v for k, v in query.items()}
    url = reverse("school:student-list", kwargs={"school_pk": demo["school"]})
    response = client.get(url, query)
    assert response.status_code == 200
    html = response.content.decode()
    if "page" not in query:
        assert "筛选条件无效" in html
    # every student of the school is listed instead
    assert (
        response.context["page"].paginator.count
        == Student.objects.filter(school_id=demo["school"]).count()
    )


def test_a_class_of_another_grade_gives_way_to_the_chosen_grade(client, demo):
    # The grade menu was just changed while the class menu still held a class of the old grade.
    client.force_login(User.objects.get(username="demo-admin"))
    other = Homeroom.objects.get(pk=demo["homeroom"])  # a class of grade 3
    url = reverse("school:student-list", kwargs={"school_pk": demo["school"]})
    response = client.get(url, {"grade": 4, "homeroom": other.pk})
    assert {s.homeroom.grade.number for s in response.context["page"]} == {4}
    assert "筛选条件无效" not in response.content.decode()


def test_the_next_page_keeps_the_filters(client, demo):
    client.force_login(User.objects.get(username="demo-admin"))
    url = reverse("school:student-list", kwargs={"school_pk": demo["school"]})
    html = client.get(url, {"q": "G", "grade": ""}).content.decode()
    assert "?q=G&amp;grade=&amp;page=2" in html
