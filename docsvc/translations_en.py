CATALOG: dict[str, str] = {}
