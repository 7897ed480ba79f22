"""Test overlay: the base settings with what makes the suite fast and hermetic."""

import os
import tempfile

os.environ.setdefault("MADOGUCHI_ENV", "test")

from madoguchi.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared-cache memory database: concurrency tests need real WAL and
    # IMMEDIATE-transaction locking, as in production. One file per process (xdist workers and
    # parallel test runs never share one); Django deletes it when the run ends.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"madoguchi-test-{os.getpid()}.sqlite3")
    }

# Anchors of the audit chains: a folder of this process's own (tests give each test its own).
STORAGES["audit_anchors"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": tempfile.mkdtemp(prefix="madoguchi-anchors-")},
}
ATTACHMENT_SCANNERS = ["eicar"]  # no daemon; the scanning tests use the `clamd` fixture
