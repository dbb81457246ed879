# The production image: gunicorn, Celery worker, beat and the outbox relay all run from it.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HELPDESK_VAR_DIR=/app/var
WORKDIR /app
COPY pyproject.toml README.md ./
COPY helpdesk helpdesk
COPY tickets tickets
COPY customers customers
COPY backoffice backoffice
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build-only DJANGO_DEBUG=0 python manage.py collectstatic --noinput
RUN useradd --create-home helpdesk && mkdir -p /app/var && chown -R helpdesk /app/var
USER helpdesk
EXPOSE 8000
CMD ["gunicorn", "helpdesk.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]
