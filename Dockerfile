# kgqa API service. Models ship inside PyPI packages, so the image needs no download at run time.
FROM python:3.11-slim-bookworm

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    KGQA_DATA_DIR=/data

# A compiler is needed once: llama-cpp-python (pulled in by the default reader model) builds from source.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY kgqa ./kgqa
COPY ingest ./ingest
COPY cypher ./cypher
RUN pip install --no-cache-dir ".[zh,llamacpp]"

RUN useradd --create-home --uid 1000 kgqa && mkdir -p /data && chown kgqa /data
USER kgqa
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=5 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
CMD ["kgqa", "serve", "--host", "0.0.0.0", "--port", "8080"]
