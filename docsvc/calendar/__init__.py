"""The working-day calendar as data an administrator edits (issue 13, point 1): use cases
(``services``), the admin page (``views``), the API (``api``) and the commands (``cli``)."""
