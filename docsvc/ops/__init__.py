"""Operations: keeping the service healthy — fixity on a schedule, backup and restore, status, structured logs."""
