"""The operator console: the admin's dashboard, roles, exports and the chain readings
the dashboard shows (taken by a schedule, never on a page load)."""
