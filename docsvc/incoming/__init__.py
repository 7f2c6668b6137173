"""The incoming register (sổ đăng ký văn bản đến, issue 13 point 2)."""
