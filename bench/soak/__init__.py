"""The soak with faults: the whole platform under a random workload while the node
misbehaves and the worker and the scanner are killed; money and events checked at the end."""
