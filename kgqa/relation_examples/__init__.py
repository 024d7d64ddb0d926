"""Relation examples: questions known to ask for a relation path, learned from question-answer
pairs over an imported KB (``learn``, the write side) and matched against questions (``match``,
the read side); ``examples`` is the file format both share."""
