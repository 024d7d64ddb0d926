"""Prometheus metrics of one app (a registry of its own, so two apps in one process don't mix)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kgqa_http_requests_total", "HTTP requests", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "kgqa_http_request_seconds", "HTTP latency", ["route"], registry=self.registry
        )
        self.answers = Counter(
            "kgqa_answers_total",
            "Answers by outcome (answered, abstained, timed_out, reader_failed)",
            ["outcome"],
            registry=self.registry,
        )
        self.running = Gauge(
            "kgqa_answers_running", "Answers being computed now", registry=self.registry
        )
        self.waiting = Gauge(
            "kgqa_answers_waiting",
            "Answers queued for a slot (the queue depth)",
            registry=self.registry,
        )
        self.rejected = Counter(
            "kgqa_answers_rejected_total",
            "Questions refused with 503 because the queue was full or the wait ran out",
            registry=self.registry,
        )
        self.timeouts = Counter(
            "kgqa_answers_timeouts_total",
            "Answers cut at the per-request deadline (the evidence returned without an answer)",
            registry=self.registry,
        )

    def answered(self, abstained: bool) -> None:
        self.answers.labels("abstained" if abstained else "answered").inc()
