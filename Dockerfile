FROM python:3.11.13-slim-bookworm

# Japanese voucher sheets need a CJK font; without one they fall back to English labels.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric user, so that volumes and Kubernetes' runAsNonRoot can rely on it.
ARG SOUDAN_UID=10001
RUN groupadd --system --gid ${SOUDAN_UID} soudan \
    && useradd --system --uid ${SOUDAN_UID} --gid ${SOUDAN_UID} --home-dir /data soudan \
    && mkdir /data && chown ${SOUDAN_UID}:${SOUDAN_UID} /data && chmod 700 /data

WORKDIR /opt/soudan
COPY pyproject.toml README.md ./
COPY appservice appservice
COPY provisioning provisioning
RUN pip install --no-cache-dir .

USER 10001:10001
WORKDIR /data
# Files soudan writes (a SQLite database, a log file) are for its owner only.
ENV PYTHONUNBUFFERED=1
EXPOSE 29340 29341
CMD ["soudan", "run", "-c", "/etc/soudan/config.yaml"]
