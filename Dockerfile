# Worker image: this project (library, flows, prefect.yaml) with Prefect and prefect-dask.
# docker-compose.yml runs it as the `worker` service; README "Scheduling and deployment".
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Quiet by default: no usage analytics, Prefect's own logs at WARNING (see flows/__init__.py)
    DO_NOT_TRACK=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS=false \
    PREFECT_LOGGING_LEVEL=WARNING \
    ETL_DATA_DIR=/data

WORKDIR /app

# Dependencies first (cached while only the code changes): install from the metadata alone.
COPY pyproject.toml README.md ./
RUN mkdir -p etl flows && touch etl/__init__.py flows/__init__.py \
    && pip install '.[dask]' && pip uninstall -y mineral-news-etl

# The project itself, installed editable so /app is both the code and the flows' working
# directory (prefect deploy records /app as where workers run the flows from).
COPY . .
RUN pip install --no-deps -e . \
    && useradd --create-home --uid 1000 etl \
    && mkdir -p /data && chown -R etl:etl /data /app
USER etl
VOLUME ["/data"]

# The worker's health endpoint (prefect worker start --with-healthcheck) on port 8080.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8080/health', timeout=4)"]

CMD ["prefect", "worker", "start", "--pool", "mineral-news", "--with-healthcheck"]
