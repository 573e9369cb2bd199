#!/usr/bin/env bash
# Makes the certificates and secrets of the secured Docker Compose variant (docker-compose.secure.yml)
# with openssl, into deploy/secure/generated/ (git-ignored):
#
#   bash deploy/secure/make-certs.sh            # once; again to rotate everything
#
#   ca.crt                      the CA every party trusts (keep ca.key offline in real life)
#   coordinator.crt/.key        coordinators' server certificate (gRPC, HTTPS), SAN coordinator-1,
#                               coordinator-2, localhost, 127.0.0.1
#   kafka.crt/.key              the broker's certificate (SASL_SSL listener), SAN kafka, localhost;
#                               kafka-keystore.pem is both in one file, as the broker reads them
#   redis.crt/.key              Redis's certificate (TLS port), SAN redis, localhost
#   worker.crt/.key             the workers' client certificate, CN=worker (mTLS identity, role worker)
#   operator.key.txt            an API key for people and scripts (role operator), shown once
#   viewer.key.txt              an API key for dashboards (role viewer)
#   identities.yaml             the coordinators' identities file: the keys' hashes and the worker's CN
#   kafka-password.txt          the SCRAM password of Kafka user taskgrid
#   redis-password.txt          the ACL password of Redis user taskgrid
#   redis-users.acl             Redis's ACL file (default user off, taskgrid with a password)
#
# Keys are EC P-256, certificates valid for 825 days. Real deployments take them from their own CA
# (cert-manager, Vault, ...): the processes only read PEM files and reload them when they change.
set -euo pipefail
cd "$(dirname "$0")"
out=generated
mkdir -p "$out"
cd "$out"
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
# cert NAME CN SAN EKU
cert() {
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\nextendedKeyUsage=%s\n%s' "$4" "${3:+subjectAltName=$3}" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
secret() { openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n'; }
sha256() { printf '%s' "$1" | openssl dgst -sha256 -hex | sed 's/^.*= //'; }

key ca.key
openssl req -x509 -new -key ca.key -subj "/CN=Taskgrid example CA" -days 825 -sha256 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out ca.crt 2>/dev/null

cert coordinator coordinator "DNS:coordinator-1,DNS:coordinator-2,DNS:localhost,IP:127.0.0.1" serverAuth,clientAuth
cert kafka kafka "DNS:kafka,DNS:localhost,IP:127.0.0.1" serverAuth,clientAuth
cert redis redis "DNS:redis,DNS:localhost,IP:127.0.0.1" serverAuth,clientAuth
cert worker worker "" clientAuth
cat kafka.key kafka.crt > kafka-keystore.pem

operator="tgk_$(secret)"
viewer="tgk_$(secret)"
printf '%s\n' "$operator" > operator.key.txt
printf '%s\n' "$viewer" > viewer.key.txt
secret > kafka-password.txt
secret > redis-password.txt
printf 'user default off\nuser taskgrid on >%s ~* &* +@all\n' "$(cat redis-password.txt)" > redis-users.acl

cat > identities.yaml <<YAML
# Who may call the coordinators (TASKGRID_IDENTITIES_FILE); made by deploy/secure/make-certs.sh.
# API keys are stored as SHA-256 hashes; the keys themselves are in operator.key.txt and viewer.key.txt.
api_keys:
  - name: operator
    key_hash: sha256:$(sha256 "$operator")
    role: operator
  - name: viewer
    key_hash: sha256:$(sha256 "$viewer")
    role: viewer
certificates:
  - common_name: worker
    role: worker
YAML

# the containers run as uid 10001 (taskgrid), Kafka as 1000, Redis as 999: readable by all in this demo folder
chmod 0644 ./*
echo "Wrote $(pwd): CA, certificates for coordinator, kafka, redis and worker, API keys, identities.yaml."
echo "Operator API key: $operator"
