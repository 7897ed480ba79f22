"""The field type registry: import this module to get every built-in type registered."""

from madoguchi.forms.fieldtypes import basic, files, japanese  # noqa: F401  (registration)
from madoguchi.forms.fieldtypes.base import FieldType, get, keys

__all__ = ["FieldType", "get", "keys"]
