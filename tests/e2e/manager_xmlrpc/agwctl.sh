#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# agwctl against this scenario's manager (its URL and password unless set already).
export AGW_URL=${AGW_URL:-https://127.0.0.1:18740/RPC2} AGW_PASSWORD=${AGW_PASSWORD:-e2e-secret-pw}
export AGW_CACERT=${AGW_CACERT:-$E2E_DIR/pki/ca.crt}
exec "$BUILD/bin/agwctl" "$@"
