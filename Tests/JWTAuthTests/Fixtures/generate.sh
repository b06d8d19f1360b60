#!/usr/bin/env bash
# Regenerates the key fixtures of KeyImportTests with the openssl CLI (run once; the output is committed).
# The JWK files are written from openssl's own printout of each key (`openssl pkey -text`), by
# jwk_from_openssl.py, so that they check JWTAuth's PEM import and JWK export independently.
set -euo pipefail
cd "$(dirname "$0")"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa-2048.pkcs8.pem
openssl rsa -in rsa-2048.pkcs8.pem -traditional -out rsa-2048.pkcs1.pem
openssl pkey -in rsa-2048.pkcs8.pem -pubout -out rsa-2048.spki.pem
openssl rsa -in rsa-2048.pkcs8.pem -RSAPublicKey_out -out rsa-2048.pkcs1-public.pem

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa-1024.pkcs8.pem
openssl pkey -in rsa-1024.pkcs8.pem -pubout -out rsa-1024.spki.pem

for curve in p256:prime256v1 p384:secp384r1 p521:secp521r1; do
    name=${curve%%:*}
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:${curve##*:} -pkeyopt ec_param_enc:named_curve -out $name.pkcs8.pem
    openssl ec -in $name.pkcs8.pem -out $name.sec1.pem
    openssl pkey -in $name.pkcs8.pem -pubout -out $name.spki.pem
done

openssl genpkey -algorithm ED25519 -out ed25519.pkcs8.pem
openssl pkey -in ed25519.pkcs8.pem -pubout -out ed25519.spki.pem

openssl rand -out hmac-64.bin 64
openssl rand -out hmac-16.bin 16

for name in rsa-2048 p256 p384 p521 ed25519; do
    openssl pkey -in $name.pkcs8.pem -text -noout | python3 jwk_from_openssl.py > $name.jwk.json
done
