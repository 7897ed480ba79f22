"""Field types of the form language; see base.FieldType for the contract."""
