"""What the register lets parents and teachers do today (see ``afterschool.features``)."""

from django.utils.translation import gettext_lazy as _

from afterschool.features import PARENT, TEACHER, Feature, feature_declare

feature_declare(
    Feature("register.children", PARENT, _("查看孩子的学校、班级和班主任"), order=10),
    Feature("register.pickup", PARENT, _("查看哪些家人登记为可以接送孩子"), order=20),
    Feature("register.more-children", PARENT, _("用邀请码绑定另一个孩子"), order=30),
    Feature("register.homerooms", TEACHER, _("查看所带或任课班级的学生和监护人"), order=10),
    Feature("register.class-pickup", TEACHER, _("查看每个孩子可以由谁接送"), order=20),
    Feature(
        "register.invitations",
        TEACHER,
        _("班主任为本班家长生成邀请码，打印《致家长的一封信》"),
        order=30,
    ),
)
