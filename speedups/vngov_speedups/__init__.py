"""Compiled twins of hot loops of vngov-archive (built by speedups/setup.py when a C compiler is
there). `walk`: crawler.generic.lines' line walk. Importing `vngov_speedups.walk` fails when the
extension was not built; its callers then run their Python reference."""
