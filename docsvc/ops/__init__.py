"""Operations: backup and restore, and what keeps an installation running."""
