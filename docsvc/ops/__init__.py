"""Operations: the state of the installation (status) and structured logs."""
