# One image for every process kind; the command picks it (docker/web.sh, worker.sh, beat.sh).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000

RUN apt-get update \
    && apt-get install -y --no-install-recommends curl libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first (a layer that changes only with the lock file), every version and hash
# from the lock.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
# Static files with hashed names and the message catalogues are built into the image. The
# production settings refuse to start without their secrets: these throwaway values exist
# only for this build step (nothing connects to a database or Redis here).
RUN pip install --no-cache-dir --no-deps . \
    && export DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
       DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://localhost:6379/0 \
       DJANGO_ALLOWED_HOSTS=localhost DJANGO_ENV_FILE= \
    && python manage.py collectstatic --noinput \
    && python manage.py compile_catalogues \
    && rm -f /tmp/build.sqlite3

RUN useradd --create-home teilhabe && mkdir -p /app/media && chown teilhabe /app/media
USER teilhabe
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=15s --start-period=30s --retries=3 CMD ["docker/healthcheck.sh"]
CMD ["docker/web.sh"]
