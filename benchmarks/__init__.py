"""Benchmarks: synthetic stores, the measuring script and the peers leerpad is compared with."""
