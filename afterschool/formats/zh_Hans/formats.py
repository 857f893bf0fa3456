"""Chinese date formats where Django's differ from how Chinese is written (FORMAT_MODULE_PATH).

Anything not named here comes from Django's own zh_Hans formats.
"""

# Django writes "09月1日"; Chinese writes "9月1日", as its own DATE_FORMAT "Y年n月j日" already does.
MONTH_DAY_FORMAT = "n月j日"
