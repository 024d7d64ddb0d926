"""The answer stage's parts: question typing, candidates, short answers, the support check.

``kgqa.answering.Answerer`` composes them; each module is usable and tested on its own.
"""
