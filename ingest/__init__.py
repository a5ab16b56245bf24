"""Reading reports from disk into clean, chunked documents. Knows nothing of any store."""
