"""Guardians become records of a district: the field (filled by 0005), no global mobile uniqueness, and an
account that may speak for several districts' records."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("afterschool", "0004_user_email_unique_audit_email_set"),
    ]

    operations = [
        migrations.AddField(
            model_name="guardian",
            name="district",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="guardians",
                to="afterschool.district",
                verbose_name="区县",
            ),
        ),
        migrations.AlterField(
            model_name="guardian",
            name="mobile",
            field=models.CharField(max_length=11, verbose_name="手机号"),
        ),
        migrations.AlterField(
            model_name="guardian",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="guardian_records",
                to=settings.AUTH_USER_MODEL,
                verbose_name="账号",
            ),
        ),
    ]
