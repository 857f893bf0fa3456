"""The role homes (school dashboard, teacher 今日, parent home, bureau overview): the top layer of the site.

They gather every app's news, so nothing below may import them.
"""
