"""``manage.py bureau_staff_add DISTRICT NAME MOBILE``: a bureau clerk of a district (operators only)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from afterschool.register import services
from afterschool.register.models import District


class Command(BaseCommand):
    help = "为区县教育局添加工作人员（账号以手机号登录；新账号打印一次性初始密码）。"

    def add_arguments(self, parser):
        parser.add_argument("district", help="区县代码")
        parser.add_argument("name", help="姓名")
        parser.add_argument("mobile", help="手机号")

    def handle(self, *args, district, name, mobile, **options):
        found = District.objects.filter(code=district).first()
        if found is None:
            raise CommandError(f"没有代码为 {district} 的区县。")
        try:
            user, password = services.bureau_staff_add(
                district=found, full_name=name, mobile=mobile
            )
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"{user.get_full_name()} 已是{found.bureau_name}工作人员。")
        )
        if password:
            self.stdout.write(f"初始密码：{password}（请当面告知，并提醒登录后修改）")
