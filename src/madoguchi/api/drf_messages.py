"""Django REST framework messages that its own Japanese catalogue leaves untranslated.

Listed here (with gettext_noop) so that makemessages puts them into the api app's catalogue, which
takes precedence over DRF's because Madoguchi's apps come first in INSTALLED_APPS.
"""

from django.utils.translation import gettext_noop

DRF_MESSAGES = [
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("The number of days must be between {min_days} and {max_days}."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Invalid input."),
    gettext_noop("Datetime value out of range."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop(
        'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'
    ),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("A valid biginteger is required."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Not a valid string."),
]
