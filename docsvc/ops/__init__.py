"""Operations: keeping the service healthy (fixity on a schedule, status, ...)."""
