# Voces in a container: gunicorn on port 8000, PostgreSQL from DATABASE_URL.
# See compose.yaml and the README ("Docker", under "Deploying with gunicorn").
FROM python:3.11-slim-bookworm

# No VOCES_PROXIES here: the image trusts no X-Forwarded-* header unless told
# that a reverse proxy stands in front (see compose.yaml).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VOCES_ENV=production VOCES_BIND=0.0.0.0:8000
RUN apt-get update \
    && apt-get install -y --no-install-recommends apertium apertium-eng-spa \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/voces
COPY . .
# Editable, so that templates/ and translations/ beside the package are found.
RUN pip install -e ".[postgres]" && pybabel compile -d translations \
    && useradd --system --home /srv/voces voces && chown -R voces /srv/voces
USER voces

EXPOSE 8000
CMD ["sh", "-c", "flask --app wsgi db upgrade && flask --app wsgi surveys load && exec gunicorn -c gunicorn.conf.py wsgi:app"]
