#!/bin/sh
# Deploys the order service on a single host.
set -eu
docker build -t orders-web:1.4.2 ./web
docker network create --internal orders-backend 2>/dev/null || true
docker run -d --name orders-db --network orders-backend \
  --read-only --tmpfs /tmp --tmpfs /run/postgresql --user postgres \
  --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE --cap-add FOWNER --cap-add SETGID --cap-add SETUID \
  --security-opt no-new-privileges:true \
  --memory 1g --cpus 1 --pids-limit 300 --restart on-failure:5 \
  -v pgdata:/var/lib/postgresql/data \
  -e POSTGRES_PASSWORD_FILE=/run/secrets/db_password \
  --mount type=bind,source="$PWD/secrets/db_password.txt",target=/run/secrets/db_password,readonly \
  postgres:16.4-bookworm
docker run -d --name orders-web --network orders-backend \
  --user 10001 --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges:true \
  --memory 512m --cpus 1 --pids-limit 200 --restart on-failure:5 \
  -p 127.0.0.1:8000:8000 \
  orders-web:1.4.2
