# CMO Portal: the web image, also run as the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed uid, so that secret files on the host can be made readable to it (docs/deployment.md).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app

WORKDIR /app

# The dependencies first, from pyproject.toml without the dev extras: this layer is rebuilt
# only when they change. The apps themselves run from /app (pyproject lists no packages).
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Static files are collected into the image; the key only lets settings load and is thrown away.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --no-input \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# /healthz checks the database and the broker. The Host header is the first allowed host,
# since any other name is refused with 400 when ALLOWED_HOSTS is set.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); host = 'localhost' if host in ('', '*') else host; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]

CMD ["gunicorn", "cmo_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
