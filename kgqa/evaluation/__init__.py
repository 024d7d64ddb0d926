"""Answer-quality evaluation on public data sets, full system against a dense-only baseline."""
