"""Cited Dutch extractive summaries from retrieved sentences. Never opens a store."""
