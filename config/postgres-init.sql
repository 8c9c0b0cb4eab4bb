-- A second database for Synapse beside soudan's (docker-compose.yml).
CREATE DATABASE synapse OWNER soudan TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C';
