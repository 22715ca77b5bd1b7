"""`{% load languages %}`: text the grader wrote, with its numbers as the reader's language writes them."""

from django import template

import grader

register = template.Library()


@register.filter
def localized_numbers(text: str) -> str:
    """{{ response.expected|localized_numbers }}: 903,400 and 12.6 MB read 903 400 and 12,6 MB in German."""
    return grader.localize_numbers(text)
