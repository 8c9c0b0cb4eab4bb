FROM python:3.11-slim

# Japanese voucher sheets need a CJK font; without one they fall back to English labels.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/soudan
COPY pyproject.toml README.md ./
COPY appservice appservice
COPY provisioning provisioning
RUN pip install --no-cache-dir . && useradd --system --home /data soudan

USER soudan
VOLUME /data
WORKDIR /data
EXPOSE 29340
# generate-registration keeps existing tokens, so running it at every start is harmless.
CMD ["sh", "-c", "soudan generate-registration -c /data/config.yaml -r /data/registration.yaml && exec soudan run -c /data/config.yaml"]
