"""One URLconf per process; each mounts the shared endpoints and its own API."""
