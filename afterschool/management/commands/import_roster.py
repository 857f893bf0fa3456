"""``manage.py import_roster PATH --school CODE [--dry-run] [--user USERNAME]``: the roster import for scripts."""

import os

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from afterschool.register.models import School
from afterschool.register.roster import roster_import, roster_years


class Command(BaseCommand):
    help = (
        "导入学生及监护人名册（.xlsx 或 .csv）：全部成功才保存；有错误时逐行列出并以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="名册文件路径（.xlsx 或 .csv）")
        parser.add_argument("--school", required=True, help="学校代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查并预览，不保存")
        parser.add_argument("--user", help="记入操作日志的用户名（可选）")
        parser.add_argument(
            "--next-year",
            action="store_true",
            help="导入到下一学年（新学年的名册：学生升入新学年的班级）；默认本学年",
        )

    def handle(self, *args, path, school, dry_run, user=None, **options):
        try:
            school_obj = School.objects.get(code=school)
        except School.DoesNotExist:
            raise CommandError(f"没有代码为 {school} 的学校。") from None
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"没有用户名为 {user} 的用户。")
        if not os.path.isfile(path):
            raise CommandError(f"找不到文件：{path}")
        name = os.path.basename(path)
        try:
            with open(path, "rb") as handle:
                result = roster_import(
                    school=school_obj,
                    dataset_or_file=File(handle, name=name),
                    by=by,
                    dry_run=dry_run,
                    school_year=roster_years(school_obj)[1 if options["next_year"] else 0],
                )
        except OSError as e:
            raise CommandError(f"“{name}”：无法读取文件（{e.strerror or e}）。") from None
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors_omitted:
            self.stderr.write(f"还有 {result.errors_omitted} 处错误未列出。")
        if result.errors:
            raise CommandError(
                f"发现 {result.error_count} 处错误（涉及 {result.error_rows} 行），没有导入任何数据。"
            )
        for change in result.changes:
            self.stdout.write(str(change))
        prefix = "试运行，未保存：" if dry_run else "已导入："
        self.stdout.write(self.style.SUCCESS(prefix + result.summary()))
