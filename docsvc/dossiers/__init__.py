"""One-stop dossiers (hồ sơ thủ tục hành chính): issue 13 §4."""
