"""Evaluation: the gold question and passage sets, the metrics, the runner and its report."""
