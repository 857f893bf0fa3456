"""Rules of the register that more than one writer applies: the pages' services and the roster import.

Each is written once here, so a name typed on a page and the same name in next term's roster file come out
the same, and a guardian shared by two schools of a district is named the same way by both paths.
"""

from afterschool.register.normalize import clean_name


def person_name(value) -> str:
    """A person's name as the register keeps it: full-width folded, Chinese names without spaces ("张 伟" is
    "张伟"), Latin names with single spaces. The same for every page and every roster file."""
    return clean_name(value)


def school_names_guardian(*, guardian_schools: set[int], school_id: int) -> bool:
    """Whether a school's typing decides a guardian's name: only when no other school of the district has
    registered them too. A shared guardian keeps the name the record has (the other school's), so one
    school never renames a parent another school knows; it is told, on the page and in the preview."""
    return not (set(guardian_schools) - {school_id})
