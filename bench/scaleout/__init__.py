"""Scale-out: the platform as several nodes on one machine (``python -m bench.scaleout``)."""
