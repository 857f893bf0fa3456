"""``manage.py school_add DISTRICT CODE NAME --stage primary [--admin-name N --admin-mobile M]``."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from afterschool.register import services
from afterschool.register.models import District, Role


class Command(BaseCommand):
    help = (
        "新建或修改学校；可同时邀请第一位学校管理员（打印一次性邀请码，请当面告知）。"
        "Django 后台只读，学校由运维人员用命令建立。"
    )

    def add_arguments(self, parser):
        parser.add_argument("district", help="区县代码")
        parser.add_argument("code", help="学校代码，如 xihu-shiyan")
        parser.add_argument("name", help="校名")
        parser.add_argument("--stage", default="primary", help="primary、middle 或 nine_year")
        parser.add_argument("--address", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--admin-name", default="", help="第一位学校管理员的姓名")
        parser.add_argument("--admin-mobile", default="", help="第一位学校管理员的手机号")

    @transaction.atomic
    def handle(self, *args, district, code, name, stage, address, phone, **options):
        found = District.objects.filter(code=district).first()
        if found is None:
            raise CommandError(f"没有代码为 {district} 的区县。请先运行 district_add。")
        try:
            school = services.school_save(
                by=None,
                district=found,
                code=code,
                name=name,
                stage=stage,
                address=address,
                phone=phone,
            )
            added = None
            if options["admin_mobile"]:
                added = services.staff_add(
                    school=school,
                    full_name=options["admin_name"],
                    mobile=options["admin_mobile"],
                    kinds=[Role.Kind.SCHOOL_ADMIN],
                    by=None,
                )
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"学校：{school.name}（{school.code}）"))
        if added is not None and added.code:
            self.stdout.write(
                f"学校管理员邀请码：{added.code}（请当面告知本人，在登录页“接受教职工邀请”中使用）"
            )
