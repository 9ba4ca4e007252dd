# provwatch daemon image: `docker build -t provwatch .`
#   docker run -d --name provwatch --stop-timeout 30 -v provwatch-data:/data -p 127.0.0.1:9464:9464 provwatch
#   docker exec provwatch provwatch status
FROM python:3.11-slim

# OpenCC and lxml ship wheels; nothing to compile
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PROVWATCH_DATA_DIR=/data \
    PROVWATCH_LOG_FORMAT=json \
    PROVWATCH_METRICS_PORT=9464 \
    PROVWATCH_METRICS_ADDRESS=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md __init__.py settings.py ./
COPY crawler ./crawler
COPY spiders ./spiders
COPY pipelines ./pipelines
COPY alerts ./alerts
RUN pip install . && \
    useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin provwatch && \
    mkdir -p /data && chown provwatch:provwatch /data

# unprivileged; the database, raw pages and metrics live in the volume
USER provwatch
VOLUME ["/data"]
EXPOSE 9464

# the daemon's own view of its health: lock held, heartbeat fresh, dispatcher on time
HEALTHCHECK --interval=60s --timeout=20s --start-period=60s \
    CMD ["provwatch", "status", "--check"]

# exec form: the daemon is PID 1 and receives `docker stop`'s SIGTERM itself
STOPSIGNAL SIGTERM
ENTRYPOINT ["provwatch"]
CMD ["run"]
