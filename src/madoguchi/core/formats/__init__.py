"""Date and number formats per resident language (settings.FORMAT_MODULE_PATH; docs/i18n.md).

Django looks here first, then in its own locale formats. やさしい日本語 (locale ja_X-easy) has no
module of its own: Django falls back from ja_X-easy to ja, so it reads dates as Japanese does.
"""
