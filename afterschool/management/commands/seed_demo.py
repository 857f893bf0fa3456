"""``manage.py seed_demo``: the demo district, app by app (``afterschool.demo``), and its accounts (development only)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from afterschool.demo import demo_build


class Command(BaseCommand):
    help = (
        "建立演示数据：示例区教育局、一所小学和一所初中（教职工、学生、家长、当前学期）及四个演示账号。"
        "可重复运行：已有的数据不会重复创建。仅用于开发环境（需要 DEMO_PASSWORD 设置）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--small",
            action="store_true",
            help="小规模：每个年级 2 个班，每班 10 人（用于测试）",
        )

    def handle(self, *args, small=False, **options):
        password = getattr(settings, "DEMO_PASSWORD", None)
        if not password:
            raise CommandError(
                "当前设置没有 DEMO_PASSWORD，拒绝创建演示账号：seed_demo 只用于开发和演示环境"
                "（afterschool.settings.dev），生产环境不定义该设置。"
            )
        started = time.monotonic()
        build = demo_build(size="small" if small else "full", password=password)
        elapsed = time.monotonic() - started
        summary = build.register

        made = [f"{label} {n}" for label, n in build.created.items() if n]
        if made:
            self.stdout.write(self.style.SUCCESS("已创建：" + "，".join(made)))
        else:
            self.stdout.write(self.style.SUCCESS("演示数据已齐全，没有改动。"))
        t = summary.totals
        self.stdout.write(
            f"示例区：学校 {t['schools']} 所，班级 {t['homerooms']} 个，学生 {t['students']} 名，"
            f"监护人 {t['guardians']} 名，教职工 {t['staff']} 名（用时 {elapsed:.1f} 秒）"
        )
        self.stdout.write("")
        self.stdout.write("演示账号（用户名或手机号登录）：")
        for account in summary.accounts:
            mobile = f"  手机号 {account.mobile}" if account.username == "demo-parent" else ""
            self.stdout.write(
                f"  {account.username:<13} {account.full_name}  {account.title}{mobile}"
            )
        self.stdout.write(f"密码（所有演示账号及其他教职工账号）：{password}")
        self.stdout.write("打开 http://127.0.0.1:8000 登录。")
