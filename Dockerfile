FROM python:3.11.13-slim-bookworm

# Japanese voucher sheets need a CJK font; without one they fall back to English labels.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric user, so that volumes and Kubernetes' runAsNonRoot can rely on it.
RUN groupadd --system --gid 10001 soudan \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data soudan \
    && mkdir /data && chown 10001:10001 /data && chmod 700 /data

WORKDIR /opt/soudan
COPY pyproject.toml README.md ./
COPY appservice appservice
COPY provisioning provisioning
RUN pip install --no-cache-dir .

USER 10001:10001
WORKDIR /data
ENV PYTHONUNBUFFERED=1
EXPOSE 29340 29341
CMD ["soudan", "run", "-c", "/etc/soudan/config.yaml"]
