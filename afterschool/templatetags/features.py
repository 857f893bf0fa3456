"""``{% features_for "parent" as can_do %}``: the lines of ``afterschool.features`` for one audience."""

from django import template

from afterschool import features

register = template.Library()


@register.simple_tag
def features_for(audience: str) -> list[features.Feature]:
    return features.features_for(audience)
