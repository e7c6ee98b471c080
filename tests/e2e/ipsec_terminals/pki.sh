#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# pki.sh: the certificates of the X.509 check (x509.sh), made with openssl in
# $E2E_DIR/pki: a CA for terminals (ca.crt), the AGW's certificate for its IKE identity
# agw.example (agw.crt, SAN DNS), terminal carol@s2's (carol.crt, SAN email), and a
# second CA's certificate for the same identity (rogue.crt) that the AGW must refuse.
# ECDSA P-256 keys. Valid for two days from the machine's clock, which both charons share.
set -euo pipefail
. "$SRC/lib.sh"
d=$E2E_DIR/pki
mkdir -p "$d"
pki_ca "$d" ca "terminals CA"
pki_ca "$d" otherca "another CA"
pki_leaf "$d" agw ca DNS:agw.example agw.example
pki_leaf "$d" carol ca email:carol@s2 carol
pki_leaf "$d" rogue otherca email:carol@s2 carol
chmod 600 "$d"/*.key
