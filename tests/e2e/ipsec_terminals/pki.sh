#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# pki.sh: the certificates of the X.509 check (x509.sh), made with openssl in
# $E2E_DIR/pki: a CA for terminals (ca.crt), the AGW's certificate for its IKE identity
# agw.example (agw.crt, SAN DNS), terminal carol@s2's (carol.crt, SAN email), and a
# second CA's certificate for the same identity (rogue.crt) that the AGW must refuse.
# ECDSA P-256 keys. Valid for two days from the machine's clock, which both charons share.
set -euo pipefail
d=$E2E_DIR/pki
mkdir -p "$d"
cd "$d"
key() { openssl ecparam -genkey -name prime256v1 -noout -out "$1.key" 2>/dev/null; }
ca() {
	key "$1"
	openssl req -x509 -new -key "$1.key" -subj "/O=agw e2e/CN=$2" -days 2 \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.crt"
}
# leaf NAME CA SAN CN
leaf() {
	key "$1"
	openssl req -new -key "$1.key" -subj "/O=agw e2e/CN=$4" -out "$1.csr"
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$3" >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -days 2 \
		-extfile "$1.ext" -out "$1.crt" 2>/dev/null
}
ca ca "terminals CA"
ca otherca "another CA"
leaf agw ca DNS:agw.example agw.example
leaf carol ca email:carol@s2 carol
leaf rogue otherca email:carol@s2 carol
chmod 600 ./*.key
