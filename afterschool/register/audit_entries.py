"""The register's audit actions and how each entry reads (a Chinese sentence naming people and things).

Entries keep names as they were (a child renamed later still reads under the old name in old entries);
parents' mobiles are kept masked, since the bureau reads the trail too.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from afterschool.register.audit import audit_action, names_text


def _yes_no(value) -> str:
    return _("是") if value else _("否")


def _pickup(value) -> str:
    return _("可接送") if value else _("不可接送")


def _changes_text(changes: dict) -> str:
    """``{"班级": ["三年级（1）班", "三年级（2）班"]}`` → ``班级由“三年级（1）班”改为“三年级（2）班”``."""
    return "；".join(
        _("%(field)s由“%(before)s”改为“%(after)s”")
        % {"field": field, "before": before, "after": after}
        for field, (before, after) in changes.items()
    )


def _invitation_issue(e) -> str:
    d = e.details
    if d.get("reset_for"):
        return _("为 %(student)s 的监护人 %(guardian)s 生成重设密码码") % {
            "student": e.target_label or names_text(d["students"]),
            "guardian": d["reset_for"],
        }
    if d["count"] == 1:
        return _("为 %(student)s 生成家长邀请码") % {"student": d["students"][0]}
    if d.get("homeroom"):
        return _("为 %(homeroom)s 的 %(n)d 名学生生成家长邀请码：%(names)s") % {
            "homeroom": d["homeroom"],
            "n": d["count"],
            "names": names_text(d["students"], d["count"]),
        }
    return _("为 %(n)d 名学生生成家长邀请码：%(names)s") % {
        "n": d["count"],
        "names": names_text(d["students"], d["count"]),
    }


def _invitation_redeem(e) -> str:
    d = e.details
    if d.get("reset"):
        return _("%(guardian)s 用学校发放的重设密码码重设了密码") % {"guardian": d["guardian"]}
    return _("%(guardian)s 用邀请码开通家长账号，关联学生 %(student)s") % {
        "guardian": d["guardian"],
        "student": e.target_label,
    }


def _term_save(e) -> str:
    d = e.details
    text = _("新建学期“%(term)s”") if d.get("created") else _("修改学期“%(term)s”")
    text = text % {"term": e.target_label}
    return _("%(what)s：%(start)s 至 %(end)s，服务日 %(weekdays)s") % {
        "what": text,
        "start": d["start"],
        "end": d["end"],
        "weekdays": d["weekdays"],
    }


def _term_day(added: bool):
    def render(e) -> str:
        d = e.details
        what = (
            _("学期“%(term)s”增加校历调整：%(date)s %(kind)s")
            if added
            else _("学期“%(term)s”删除校历调整：%(date)s %(kind)s")
        ) % {"term": e.target_label, "date": d["date"], "kind": d["kind"]}
        if d.get("follows"):
            what += _("（按%(weekday)s课表）") % {"weekday": d["follows"]}
        if d.get("note"):
            what += _("，说明：%(note)s") % {"note": d["note"]}
        return what

    return render


def _staff_add(e) -> str:
    return _("为 %(name)s 添加角色：%(roles)s") % {
        "name": e.target_label,
        "roles": "、".join(e.details["roles"]),
    }


def _role_remove(e) -> str:
    return _("取消了 %(name)s 的“%(role)s”角色") % {
        "name": e.target_label,
        "role": e.details["role"],
    }


def _head_teacher_set(e) -> str:
    teacher = e.details.get("teacher")
    if not teacher:
        return _("取消了 %(homeroom)s 的班主任") % {"homeroom": e.target_label}
    return _("将 %(homeroom)s 的班主任设为 %(teacher)s") % {
        "homeroom": e.target_label,
        "teacher": teacher,
    }


def _student_update(e) -> str:
    return _("修改学生 %(student)s 的信息：%(changes)s") % {
        "student": e.target_label,
        "changes": _changes_text(e.details["changes"]),
    }


def _guardian_save(e) -> str:
    d = e.details
    if d.get("changes"):
        return _("修改学生 %(student)s 的监护人 %(guardian)s：%(changes)s") % {
            "student": e.target_label,
            "guardian": d["guardian"],
            "changes": _changes_text(d["changes"]),
        }
    return _("为学生 %(student)s 添加监护人 %(guardian)s（%(relation)s，%(pickup)s）") % {
        "student": e.target_label,
        "guardian": d["guardian"],
        "relation": d["relation"],
        "pickup": _pickup(d["may_pick_up"]),
    }


def _guardian_remove(e) -> str:
    return _("移除学生 %(student)s 的监护人 %(guardian)s（%(relation)s）") % {
        "student": e.target_label,
        "guardian": e.details["guardian"],
        "relation": e.details["relation"],
    }


def _roster_import(e) -> str:
    return _("导入名册“%(file)s”：%(summary)s") % {
        "file": e.target_label,
        "summary": e.details["summary"],
    }


def _pickup_change(granted: bool):
    def render(e) -> str:
        d = e.details
        text = (
            _("允许 %(guardian)s（%(relation)s）接送 %(student)s")
            if granted
            else _("取消 %(guardian)s（%(relation)s）接送 %(student)s 的权限")
        ) % {"guardian": d["guardian"], "relation": d["relation"], "student": e.target_label}
        if d.get("source"):
            text += _("（%(source)s）") % {"source": d["source"]}
        return text

    return render


def _email_set(e) -> str:
    d = e.details
    if not d.get("new"):
        return _("%(name)s 清除了找回密码邮箱") % {"name": e.target_label}
    return _("%(name)s 将找回密码邮箱设为 %(email)s") % {"name": e.target_label, "email": d["new"]}


INVITATION_ISSUE = audit_action(
    "register.invitation_issue", gettext_lazy("生成邀请码"), _invitation_issue
)
INVITATION_REVOKE = audit_action(
    "register.invitation_revoke",
    gettext_lazy("作废邀请码"),
    lambda e: (
        _("作废了 %(student)s 的邀请码 %(code)s")
        % {"student": e.target_label, "code": e.details["code"]}
    ),
)
INVITATION_REDEEM = audit_action(
    "register.invitation_redeem", gettext_lazy("家长使用邀请码"), _invitation_redeem
)
TERM_SAVE = audit_action("register.term_save", gettext_lazy("保存学期"), _term_save)
TERM_DAY_ADD = audit_action(
    "register.term_day_add", gettext_lazy("增加校历调整"), _term_day(added=True)
)
TERM_DAY_REMOVE = audit_action(
    "register.term_day_remove", gettext_lazy("删除校历调整"), _term_day(added=False)
)
STAFF_ADD = audit_action("register.staff_add", gettext_lazy("添加教职工角色"), _staff_add)
STAFF_INVITE = audit_action(
    "register.staff_invite",
    gettext_lazy("邀请教职工"),
    lambda e: (
        _("邀请 %(name)s（%(mobile)s）加入本校，角色：%(roles)s")
        % {
            "name": e.target_label,
            "mobile": e.details["mobile"],
            "roles": "、".join(e.details["roles"]),
        }
    ),
)
STAFF_INVITE_REVOKE = audit_action(
    "register.staff_invite_revoke",
    gettext_lazy("作废教职工邀请"),
    lambda e: (
        _("作废了发给 %(name)s（%(mobile)s）的教职工邀请")
        % {"name": e.target_label, "mobile": e.details["mobile"]}
    ),
)
STAFF_INVITE_ACCEPT = audit_action(
    "register.staff_invite_accept",
    gettext_lazy("接受教职工邀请"),
    lambda e: (
        _("%(name)s 接受邀请加入本校，角色：%(roles)s")
        % {"name": e.target_label, "roles": "、".join(e.details["roles"]) or _("（已有）")}
    ),
)
ROLE_GRANT = audit_action(
    "register.role_grant",
    gettext_lazy("授予角色"),
    lambda e: (
        _("为 %(name)s 授予角色：%(roles)s")
        % {"name": e.target_label, "roles": "、".join(e.details["roles"])}
    ),
)
EMAIL_SET = audit_action("register.email_set", gettext_lazy("设置找回密码邮箱"), _email_set)
ROLE_REMOVE = audit_action("register.role_remove", gettext_lazy("取消角色"), _role_remove)
HEAD_TEACHER_SET = audit_action(
    "register.head_teacher_set", gettext_lazy("设置班主任"), _head_teacher_set
)
STUDENT_UPDATE = audit_action(
    "register.student_update", gettext_lazy("修改学生信息"), _student_update
)
GUARDIAN_SAVE = audit_action("register.guardian_save", gettext_lazy("保存监护人"), _guardian_save)
GUARDIAN_REMOVE = audit_action(
    "register.guardian_remove", gettext_lazy("移除监护人"), _guardian_remove
)
ROSTER_IMPORT = audit_action("register.roster_import", gettext_lazy("导入名册"), _roster_import)
PICKUP_GRANT = audit_action(
    "register.pickup_grant", gettext_lazy("允许接送"), _pickup_change(granted=True)
)
PICKUP_WITHDRAW = audit_action(
    "register.pickup_withdraw", gettext_lazy("取消接送"), _pickup_change(granted=False)
)
DISTRICT_SAVE = audit_action(
    "register.district_save",
    gettext_lazy("保存区县"),
    lambda e: (
        (_("新建区县“%(name)s”") if e.details.get("created") else _("修改区县“%(name)s”"))
        % {"name": e.target_label}
    ),
)
SCHOOL_SAVE = audit_action(
    "register.school_save",
    gettext_lazy("保存学校"),
    lambda e: (
        (_("新建学校“%(name)s”") if e.details.get("created") else _("修改学校“%(name)s”"))
        % {"name": e.target_label}
    ),
)
