"""One settings module per process; each picks only its service name, port and URLconf."""
