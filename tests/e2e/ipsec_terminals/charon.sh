#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# charon.sh NAME: start Debian's charon-systemd in namespace NAME with a config of its
# own ($E2E_DIR/NAME-strongswan.conf, swanctl config $E2E_DIR/NAME-swanctl.conf, VICI
# socket $E2E_DIR/NAME.vici, log $E2E_DIR/NAME-charon.log) and load it with swanctl.
#   agw          only writes the two files: the agw launcher starts this charon, with
#                our kernel-agw plugin (from the build tree, by LD_PRELOAD) handing the
#                SAs to gw-core
#   agw load     loads the swanctl file (slice s1's connection) into the running charon
#   termN        the stock kernel-libipsec plugin (ESP in userspace, UDP-encapsulated)
# Env: PSK_term1 / PSK_term2 override a terminal's pre-shared key (default: the AGW's);
#      CERT_term2=carol|rogue makes term2 terminal carol@s2 with that certificate of
#      pki.sh instead (its swanctl.conf, certificates and key in $E2E_DIR/term2-swanctl,
#      laid out as in /etc/swanctl).
set -euo pipefail
. "$SRC/lib.sh"
name=$1
conf=$E2E_DIR/$name-strongswan.conf
sw=$E2E_DIR/$name-swanctl.conf
uri=unix://$E2E_DIR/$name.vici
cert_var=CERT_$name
cert=${!cert_var:-}
load() {
	nsx "$name" swanctl --load-all --noprompt --file "$sw" --uri "$uri" >"$E2E_DIR/$name-load.log" 2>&1 || {
		cat "$E2E_DIR/$name-load.log" >&2
		exit 1
	}
}
if [ "${2:-}" = load ]; then
	load
	exit 0
fi

psk() { echo "0x6167772d65326527732d7368617265642d6b6579"; }

if [ "$name" = agw ]; then
	plugins="kernel-agw {
			load = 10
			socket = $E2E_DIR/agw.sock
			poll_interval = 200
		}"
else
	plugins="kernel-libipsec {
			load = 10
		}"
fi
cat >"$conf" <<CONF
charon-systemd {
	journal {
		default = -1
	}
}
charon {
	load_modular = yes
	retransmit_tries = 3
	retransmit_timeout = 1
	plugins {
		include /etc/strongswan.d/charon/*.conf
		$plugins
		vici {
			socket = unix://$E2E_DIR/$name.vici
		}
		stroke {
			load = no
		}
		bypass-lan {
			load = no
		}
		resolve {
			load = no
		}
	}
	filelog {
		$name {
			path = $E2E_DIR/$name-charon.log
			default = 1
			knl = 2
			ike = 1
			time_format = %T
			flush_line = yes
		}
	}
}
CONF

# agw_slice N ADDR ESP: the AGW's connection "sN" (slice sN) for terminal termN, which
# reaches it at ADDR, with its pool and pre-shared key.
agw_slice() {
	cat <<CONF
connections {
	s$1 {
		version = 2
		local_addrs = $2
		pools = pool-s$1
		dpd_delay = 2s
		local {
			auth = psk
			id = agw.example
		}
		remote {
			auth = psk
			id = term$1@s$1
		}
		children {
			s$1 {
				local_ts = 0.0.0.0/0
				esp_proposals = $3
				dpd_action = clear
			}
		}
	}
}
pools {
	pool-s$1 {
		addrs = 10.1.0.200-10.1.0.209
	}
}
secrets {
	ike-t$1 {
		id-a = agw.example
		id-t = term$1@s$1
		secret = $(psk)
	}
}
CONF
}

if [ "$name" = agw ]; then
	# slice s1 by hand; s2 is the manager's (setup.sh)
	agw_slice 1 192.0.2.1 aes128gcm16-esn-noesn >"$sw"
else
	n=${name#term}
	local_ip=$([ "$n" = 1 ] && echo 192.0.2.11 || echo 192.0.3.12)
	remote_ip=$([ "$n" = 1 ] && echo 192.0.2.1 || echo 192.0.3.1)
	slice=s$n
	key_var=PSK_$name
	# PSK (default), or with CERT_termN a certificate: swanctl finds certs, cacerts and
	# keys beside the file it loads
	id=$name@$slice auth=psk local_extra="" remote_extra=""
	proposal=$([ "$n" = 1 ] && echo aes128gcm16 || echo aes256gcm16)
	if [ -n "$cert" ]; then
		swd=$E2E_DIR/$name-swanctl
		sw=$swd/swanctl.conf
		rm -rf "$swd"
		mkdir -p "$swd/x509" "$swd/x509ca" "$swd/private"
		cp "$E2E_DIR/pki/$cert.crt" "$swd/x509/"
		cp "$E2E_DIR/pki/$cert.key" "$swd/private/"
		cp "$E2E_DIR/pki/ca.crt" "$swd/x509ca/"
		id=carol@$slice auth=pubkey proposal=aes128gcm16
		local_extra="certs = $cert.crt" remote_extra="cacerts = ca.crt"
	fi
	cat >"$sw" <<CONF
connections {
	agw {
		version = 2
		local_addrs = $local_ip
		remote_addrs = $remote_ip
		vips = 0.0.0.0
		local {
			auth = $auth
			id = $id
			$local_extra
		}
		remote {
			auth = $auth
			id = agw.example
			$remote_extra
		}
		children {
			agw {
				remote_ts = 10.1.0.0/24
				esp_proposals = $proposal
			}
		}
	}
}
CONF
	[ -n "$cert" ] || cat >>"$sw" <<CONF
secrets {
	ike-agw {
		id-a = agw.example
		id-t = $id
		secret = ${!key_var:-$(psk)}
	}
}
CONF
fi

[ "$name" = agw ] && exit 0
# not through nsx (see start_gwcore in lib.sh): $! is charon itself
ip netns exec "$(ns "$name")" env STRONGSWAN_CONF="$conf" \
	/usr/sbin/charon-systemd >"$E2E_DIR/$name-charon.out" 2>&1 </dev/null &
echo $! >"$E2E_DIR/charon-$name.pid"
if ! wait_until 20 nsx "$name" swanctl --stats --uri "$uri"; then
	echo "charon $name did not come up:" >&2
	tail -20 "$E2E_DIR/$name-charon.out" "$E2E_DIR/$name-charon.log" >&2 || true
	exit 1
fi
load
