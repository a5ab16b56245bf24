"""Embedding, the Chroma store, the BM25 index beside it, and hybrid retrieval."""
