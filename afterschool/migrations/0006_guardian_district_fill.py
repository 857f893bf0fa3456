"""Give every guardian the district of the schools that registered them.

A guardian linked to children in two districts becomes one record per district: the record keeps its
login account in the district of its oldest link (where its account was activated, since only that
"home school" could activate it), and each other district gets a record of its own, with the same name and
mobile and no account, taking over that district's links and codes. A guardian linked to no child and named
by no code belongs to no district and no school can see it: it is deleted (an account it had stays).

Schema changes live in 0004 and 0006: PostgreSQL refuses to alter a table with pending deferred checks in
the same transaction as these updates.
"""

from django.db import migrations


def split_guardians_by_district(apps, schema_editor):
    Guardian = apps.get_model("afterschool", "Guardian")
    Guardianship = apps.get_model("afterschool", "Guardianship")
    InvitationCode = apps.get_model("afterschool", "InvitationCode")

    # For each guardian, its districts in order of first appearance: links first (oldest first), then codes.
    districts: dict[int, dict[int, None]] = {}
    links: dict[tuple[int, int], list[int]] = {}
    for pk, guardian_id, district_id in Guardianship.objects.order_by("pk").values_list(
        "pk", "guardian_id", "student__school__district_id"
    ):
        districts.setdefault(guardian_id, {})[district_id] = None
        links.setdefault((guardian_id, district_id), []).append(pk)
    codes: dict[tuple[str, int, int], list[int]] = {}
    for pk, guardian_id, used_by_id, district_id in InvitationCode.objects.order_by(
        "pk"
    ).values_list("pk", "guardian_id", "used_by_id", "student__school__district_id"):
        for field, gid in (("guardian", guardian_id), ("used_by", used_by_id)):
            if gid is not None:
                districts.setdefault(gid, {}).setdefault(district_id, None)
                codes.setdefault((field, gid, district_id), []).append(pk)

    home: dict[int, list[int]] = {}
    for guardian_id, seen in districts.items():
        home.setdefault(next(iter(seen)), []).append(guardian_id)
    for district_id, guardian_ids in home.items():
        for i in range(0, len(guardian_ids), 2000):
            Guardian.objects.filter(pk__in=guardian_ids[i : i + 2000]).update(
                district_id=district_id
            )

    for guardian_id, seen in districts.items():
        others = list(seen)[1:]
        if not others:
            continue
        original = Guardian.objects.get(pk=guardian_id)
        for district_id in others:
            copy = Guardian.objects.create(
                district_id=district_id, name=original.name, mobile=original.mobile, user=None
            )
            Guardianship.objects.filter(pk__in=links.get((guardian_id, district_id), [])).update(
                guardian_id=copy.pk
            )
            for field in ("guardian", "used_by"):
                InvitationCode.objects.filter(
                    pk__in=codes.get((field, guardian_id, district_id), [])
                ).update(**{f"{field}_id": copy.pk})

    Guardian.objects.filter(district__isnull=True).delete()


def merge_guardians_by_mobile(apps, schema_editor):
    """Backwards: one record per mobile again, the one with an account (or the oldest) keeping the links."""
    Guardian = apps.get_model("afterschool", "Guardian")
    Guardianship = apps.get_model("afterschool", "Guardianship")
    InvitationCode = apps.get_model("afterschool", "InvitationCode")
    records: dict[str, list] = {}
    for guardian in Guardian.objects.order_by("pk"):
        records.setdefault(guardian.mobile, []).append(guardian)
    for same in records.values():
        if len(same) < 2:
            continue
        keep = next((g for g in same if g.user_id), same[0])
        gone = [g.pk for g in same if g.pk != keep.pk]
        Guardianship.objects.filter(guardian_id__in=gone).update(guardian_id=keep.pk)
        InvitationCode.objects.filter(guardian_id__in=gone).update(guardian_id=keep.pk)
        InvitationCode.objects.filter(used_by_id__in=gone).update(used_by_id=keep.pk)
        Guardian.objects.filter(pk__in=gone).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("afterschool", "0005_guardian_district"),
    ]

    operations = [
        migrations.RunPython(split_guardians_by_district, merge_guardians_by_mobile),
    ]
