"""Writing changed students through django-import-export's bulk ModelResource."""

from __future__ import annotations

import logging

from django.utils import timezone
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader, CachedInstanceLoader

from afterschool.register.bulk import insert_objects
from afterschool.register.models import (
    School,
    Student,
)

logger = logging.getLogger(__name__)

# --- Writing students: django-import-export in bulk -------------------------------------------------


class _PlannedInstanceLoader(CachedInstanceLoader):
    """The cached loader, fed with the students ``roster_import`` has already loaded for its plan."""

    def __init__(self, resource, dataset=None):
        BaseInstanceLoader.__init__(self, resource, dataset)
        self.pk_field = resource.fields["student_no"]
        self.all_instances = resource.known_students


class StudentResource(resources.ModelResource):
    """Updates a school's students in bulk. Rows arrive validated and normalised by ``roster_import``.

    The dataset holds only changed students (the plan has already compared every row; new ones are
    inserted as plain rows), so with
    ``skip_diff`` the resource does no per-row copying; ``skip_row`` still guards against writing an
    unchanged row, comparing with the values the instance was loaded with.
    """

    student_no = fields.Field(attribute="student_no", column_name="student_no")
    name = fields.Field(attribute="name", column_name="name")
    gender = fields.Field(attribute="gender", column_name="gender")
    homeroom = fields.Field(attribute="homeroom_id", column_name="homeroom")
    is_disabled = fields.Field(attribute="is_disabled", column_name="is_disabled")
    is_left_behind = fields.Field(attribute="is_left_behind", column_name="is_left_behind")
    is_migrant_family = fields.Field(attribute="is_migrant_family", column_name="is_migrant_family")
    is_financial_difficulty = fields.Field(
        attribute="is_financial_difficulty", column_name="is_financial_difficulty"
    )

    class Meta:
        model = Student
        fields = (
            "student_no",
            "name",
            "gender",
            "homeroom",
            "is_disabled",
            "is_left_behind",
            "is_migrant_family",
            "is_financial_difficulty",
        )
        import_id_fields = ("student_no",)
        instance_loader_class = _PlannedInstanceLoader
        use_bulk = True
        batch_size = 1000
        skip_unchanged = True
        skip_diff = True
        report_skipped = False
        clean_model_instances = False

    def __init__(self, *, school: School, known_students: dict[str, Student] | None = None):
        super().__init__()
        self.school = school
        self.known_students = known_students or {}
        self.instances: dict[str, Student] = {}
        self._loaded: dict[str, tuple] = {}
        self._now = timezone.now()
        self._copy = [(f.attribute, f.column_name) for f in self.get_import_fields()]

    @classmethod
    def dataset_headers(cls) -> list[str]:
        return [f.column_name for f in cls.fields.values()]

    def get_queryset(self):
        return Student.objects.filter(school=self.school)

    def init_instance(self, row=None):
        return Student(school_id=self.school.pk)

    def import_instance(self, instance, row, **kwargs):
        """Copy the row onto the student as it is: ``_Parser`` has already cleaned and checked each value,
        so the widgets' per-cell cleaning (most of import-export's time per row) would only repeat it."""
        for attribute, column in self._copy:
            setattr(instance, attribute, row[column])

    def _values(self, instance) -> tuple:
        return tuple(getattr(instance, f.attribute) for f in self.fields.values())

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            self._loaded[instance.student_no] = self._values(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        loaded = self._loaded.get(instance.student_no)
        return loaded is not None and loaded == self._values(instance)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is not None:
            # bulk_update does not touch auto_now fields
            instance.updated_at = self._now
        self.instances[instance.student_no] = instance

    def get_bulk_update_fields(self):
        return [*super().get_bulk_update_fields(), "updated_at"]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """import-export's bulk create, through COPY on PostgreSQL (``bulk.insert_objects``)."""
        if self.create_instances and (using_transactions or not dry_run):
            try:
                insert_objects(self.create_instances)
            except Exception as e:
                self.handle_import_error(result, e, raise_errors)
            finally:
                self.create_instances.clear()
