#!/bin/sh
# Deploys the order service on a single host.
set -e
docker build -t orders-web ./web
docker run -d --name orders-db -p 5432:5432 -e POSTGRES_PASSWORD=orders postgres
docker run -d --name orders-web --privileged --pid=host \
  -v /:/host -v /var/run/docker.sock:/var/run/docker.sock \
  -p 8000:8000 orders-web
