"""Regular-expression pieces that must mean the same in Python's ``re`` (the API validator)
and in ECMA-262 (what API clients and Schemathesis read from the OpenAPI document)."""

#: "Something that is not white space", spelt out. ``\S`` differs between the two: Python
#: counts the separators U+001C–U+001F and U+0085 as space, ECMA-262 counts U+FEFF; a value
#: made only of those would pass the document and be refused by the server. This class
#: leaves out every character either of them calls space.
NOT_BLANK = ("[^\\t-\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f"
             "\\u3000\\ufeff]")
