"""Benchmarks: ingest and embedding throughput, latency, index size and memory at scale."""
