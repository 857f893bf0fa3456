"""``manage.py district_add CODE NAME [--bureau-name ...]``: a district and its bureau (operators only)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from afterschool.register import services


class Command(BaseCommand):
    help = "新建或修改区县（教育局）。Django 后台只读，区县和学校由运维人员用命令建立。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="区县代码，如 xihu")
        parser.add_argument("name", help="区县名称，如 西湖区")
        parser.add_argument(
            "--bureau-name", default="", help="教育局名称（默认：区县名称 + 教育局）"
        )

    def handle(self, *args, code, name, bureau_name, **options):
        try:
            district = services.district_save(
                by=None, code=code, name=name, bureau_name=bureau_name
            )
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"区县：{district.name}（{district.code}）"))
