#!/bin/sh
# Run once by the postgres image when its data directory is first made (docker-compose.yml):
# Synapse and soudan each get their own role and database, and neither can open the other's.
# Synapse needs C collation.
set -eu
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v synapse_password="$SYNAPSE_DB_PASSWORD" -v soudan_password="$SOUDAN_DB_PASSWORD" <<'SQL'
CREATE ROLE synapse LOGIN PASSWORD :'synapse_password';
CREATE ROLE soudan LOGIN PASSWORD :'soudan_password';
CREATE DATABASE synapse OWNER synapse TEMPLATE template0 ENCODING 'UTF8'
    LC_COLLATE 'C' LC_CTYPE 'C';
CREATE DATABASE soudan OWNER soudan TEMPLATE template0 ENCODING 'UTF8'
    LC_COLLATE 'C' LC_CTYPE 'C';
REVOKE ALL ON DATABASE synapse FROM PUBLIC;
REVOKE ALL ON DATABASE soudan FROM PUBLIC;
SQL
