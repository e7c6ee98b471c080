# SPDX-License-Identifier: BSD-3-Clause
# Helpers for end-to-end scenarios (sourced). Every scenario's namespaces carry the
# prefix $E2E_PREFIX so teardown can find them even after a crash.

: "${E2E_PREFIX:=agwe2e}"

# wait_until SECS CMD...: poll CMD (every 0.1 s) until it succeeds; fail after SECS.
wait_until() {
	local secs=$1 end
	shift
	end=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "wait_until: gave up after ${secs}s: $*" >&2
			return 1
		fi
		sleep 0.1
	done
}

ns() { echo "${E2E_PREFIX}-$1"; }
nsx() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

# add_namespaces NAME...: a namespace each, loopback up, IPv6 off.
add_namespaces() {
	local n
	for n in "$@"; do
		ip netns add "$(ns "$n")"
		nsx "$n" ip link set lo up
		nsx "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
}

# vlan_objs VID...: $E2E_DIR/vlanVID.o, bpf/vlan_tag.bpf.c built for each VID (vlan_host).
vlan_objs() {
	local arch vid
	arch=$(gcc -print-multiarch)
	for vid in "$@"; do
		clang -O2 -g -target bpf -I"/usr/include/$arch" -DVLAN_ID="$vid" \
			-c "$SRC/bpf/vlan_tag.bpf.c" -o "$E2E_DIR/vlan$vid.o" || return 1
	done
}

# veth_pair NS1 IF1 NS2 IF2: a veth pair between two namespaces, both up.
veth_pair() {
	ip link add "$2" netns "$(ns "$1")" type veth peer name "$4" netns "$(ns "$3")"
	nsx "$1" ip link set "$2" up
	nsx "$3" ip link set "$4" up
}

# kernel_host NS IF: a host the kernel runs (terminal, server): no checksum or
# segmentation offload, so frames are complete when they cross gw-core.
kernel_host() {
	nsx "$1" ethtool -K "$2" tx off tso off gso off >/dev/null 2>&1 || true
	nsx "$1" ip link set "$2" gso_max_segs 1 2>/dev/null || true
}

# gwcore_port NS IF...: interfaces gw-core reads with net_af_packet: keep the kernel
# from also answering their frames (nftables netdev ingress, policy drop).
gwcore_ports() {
	local n=$1
	shift
	nsx "$n" nft add table netdev agw
	for i in "$@"; do
		nsx "$n" nft add chain netdev agw "in_$i" \
			"{ type filter hook ingress device $i priority 0; policy drop; }"
		nsx "$n" ethtool -K "$i" tx off >/dev/null 2>&1 || true
	done
}

# vlan_host NS IF OBJ: tag egress and untag ingress with the tc BPF object OBJ.
vlan_host() {
	nsx "$1" tc qdisc add dev "$2" clsact
	nsx "$1" tc filter add dev "$2" egress bpf da obj "$3" sec tc_egress
	nsx "$1" tc filter add dev "$2" ingress bpf da obj "$3" sec tc_ingress
}

# vlan_end_hosts: the terminal (namespace term, t0, 203.0.113.1, tagging VID 10) and the
# server (srv, v0, 203.0.113.2, VID 200) of the relay topologies; vlan_objs 10 200 first.
vlan_end_hosts() {
	nsx term ip addr add 203.0.113.1/24 dev t0
	kernel_host term t0
	vlan_host term t0 "$E2E_DIR/vlan10.o"
	nsx srv ip addr add 203.0.113.2/24 dev v0
	kernel_host srv v0
	vlan_host srv v0 "$E2E_DIR/vlan200.o"
}

# routed_end_hosts: the terminal (namespace term, t0, 10.1.0.1/24, tagging VID 10) and the
# server (srv, v0, 10.2.0.2/24, VID 200) of the node-sliver topologies, each routing
# through x.x.0.254 (the node sliver between them routes); veths and vlan_objs 10 200 first.
routed_end_hosts() {
	nsx term ip addr add 10.1.0.1/24 dev t0
	nsx term ip route add default via 10.1.0.254
	kernel_host term t0
	vlan_host term t0 "$E2E_DIR/vlan10.o"
	nsx srv ip addr add 10.2.0.2/24 dev v0
	nsx srv ip route add default via 10.2.0.254
	kernel_host srv v0
	vlan_host srv v0 "$E2E_DIR/vlan200.o"
}

# gwcore_conf_head NAME ROLE: the [eal], [gw-core] and [pool] sections of an e2e gw-core
# (EAL file prefix and control socket $E2E_DIR/NAME.sock of its own, small pool,
# quick ARP retries, idle sleep so that two gw-cores share two vCPUs).
gwcore_conf_head() {
	cat <<CONF
[eal]
lcores = 0-1
file_prefix = ${E2E_PREFIX}-$1
memory_mb = 256
[gw-core]
role = $2
control_socket = $E2E_DIR/$1.sock
idle_sleep_us = 20
arp_retry_ms = 200
[pool]
mbufs = 8191
CONF
}

# sep_conf SLICE:KEY:VID...: a whole SEP gateway config (role sep-gw): port domain-a
# toward the AGW (veth s1, 198.51.100.2, GRE), one VLAN port per slice (veths s2, s3, ...
# as domain-b, domain-c, ...), and for each slice GRE key KEY from the AGW
# (198.51.100.1) joined to VID on that slice's port.
sep_conf() {
	local i=0 spec name key vid ports="" slices="" port letters=bcdefghij
	gwcore_conf_head sep sep-gw
	for spec in "$@"; do
		IFS=: read -r name key vid <<<"$spec"
		port=domain-${letters:i:1}
		ports+="[port $port]"$'\n'"dev = net_af_packet$((i + 1)),iface=s$((i + 2))"$'\n'
		slices+="[slice $name]"$'\n'
		slices+="endpoint gre = gre port=domain-a remote=198.51.100.1 key=$key"$'\n'
		slices+="endpoint vlan = vlan port=$port vid=$vid"$'\n'
		i=$((i + 1))
	done
	cat <<CONF
[port domain-a]
dev = net_af_packet0,iface=s1
ipv4 = 198.51.100.2/24
tap = gwc-doma
mtu = 1600
CONF
	printf '%s%s' "$ports" "$slices"
}

# start_gwcore NAME NS CONF: start gw-core in NS, log to $E2E_DIR/NAME.log, wait for it.
start_gwcore() {
	local name=$1 n=$2 conf=$3 sock
	sock=$(sed -n 's/^control_socket *= *//p' "$conf")
	# not through the nsx function: bash would keep a saved copy of the caller's stdout
	# open in the background child (a check's $(...) would then never see EOF); and so
	# $! is gw-core itself
	ip netns exec "$(ns "$n")" "$BUILD/bin/gw-core" -c "$conf" >"$E2E_DIR/$name.log" 2>&1 </dev/null &
	echo $! >"$E2E_DIR/$name.pid"
	# up, or gone (a failed start says why in its log at once)
	wait_until 30 sh -c "'$BUILD/bin/gwcctl' -s '$sock' ping || ! kill -0 $! 2>/dev/null" || true
	if ! "$BUILD/bin/gwcctl" -s "$sock" ping >/dev/null 2>&1; then
		echo "gw-core $name did not come up; its log:" >&2
		cat "$E2E_DIR/$name.log" >&2
		return 1
	fi
}

stop_gwcores() {
	local p
	for p in "$E2E_DIR"/*.pid; do
		[ -f "$p" ] || continue
		kill "$(cat "$p")" 2>/dev/null || true
	done
	for p in "$E2E_DIR"/*.pid; do
		[ -f "$p" ] || continue
		wait_until 10 sh -c "! kill -0 $(cat "$p") 2>/dev/null" || kill -9 "$(cat "$p")" 2>/dev/null || true
		rm -f "$p"
	done
}

delete_namespaces() {
	local n
	for n in $(ip netns list | awk '{print $1}' | grep "^${E2E_PREFIX}-" || true); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$n" 2>/dev/null || true
	done
}

# start_launcher: the agw launcher of $E2E_DIR/appliance.conf in the AGW namespace (log
# $E2E_DIR/launcher.log); waits until 'agw status' says every process runs.
start_launcher() {
	# not through nsx (see start_gwcore); ip netns exec execs agw: $! is the launcher
	# itself (stop_gwcores signals it, it stops the rest)
	ip netns exec "$(ns agw)" "$BUILD/bin/agw" -c "$E2E_DIR/appliance.conf" \
		>>"$E2E_DIR/launcher.log" 2>&1 </dev/null &
	echo $! >"$E2E_DIR/launcher.pid"
	if ! wait_until 60 "$BUILD/bin/agw" -c "$E2E_DIR/appliance.conf" status; then
		echo "agw did not bring the appliance up; its log:" >&2
		cat "$E2E_DIR/launcher.log" >&2
		return 1
	fi
}

# agw_field NAME KEY[,KEY...]: those keys of process NAME in one 'agw status --json' of
# the launcher of $E2E_DIR/appliance.conf, comma-joined (one reading: two could straddle
# an update of the status file)
agw_field() {
	"$BUILD/bin/agw" -c "$E2E_DIR/appliance.conf" status --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
p = [p for p in d["processes"] if p["name"] == sys.argv[1]][0]
print(",".join(str(p[k]) for k in sys.argv[2].split(",")))' "$1" "$2"
}

# start_manager CONF [NAME]: agw-manager in the host namespace (log $E2E_DIR/NAME.log, pid
# file NAME.pid: stopped with the gw-cores; NAME defaults to "manager"); waits until it
# answers on its port.
start_manager() {
	local conf=$1 name=${2:-manager}
	"$BUILD/bin/agw-manager" -c "$conf" >>"$E2E_DIR/$name.log" 2>&1 &
	echo $! >"$E2E_DIR/$name.pid"
	if ! wait_until 20 sh -c "grep -q 'ready on' '$E2E_DIR/$name.log'"; then
		echo "agw-manager $name did not come up; its log:" >&2
		cat "$E2E_DIR/$name.log" >&2
		return 1
	fi
}

# pki_ca DIR NAME CN: a CA certificate DIR/NAME.crt and its key DIR/NAME.key (ECDSA
# P-256, subject "O=agw e2e, CN=CN"), valid two days from the machine's clock.
pki_ca() {
	openssl ecparam -genkey -name prime256v1 -noout -out "$1/$2.key" 2>/dev/null &&
		openssl req -x509 -new -key "$1/$2.key" -subj "/O=agw e2e/CN=$3" -days 2 \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1/$2.crt"
}

# pki_leaf DIR NAME CA SAN CN: certificate DIR/NAME.crt (key DIR/NAME.key) signed by the
# CA DIR/CA.crt, for subjectAltName SAN and subject CN, for a server or a client.
pki_leaf() {
	openssl ecparam -genkey -name prime256v1 -noout -out "$1/$2.key" 2>/dev/null &&
		openssl req -new -key "$1/$2.key" -subj "/O=agw e2e/CN=$5" -out "$1/$2.csr" &&
		printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$4" \
			>"$1/$2.ext" &&
		openssl x509 -req -in "$1/$2.csr" -CA "$1/$3.crt" -CAkey "$1/$3.key" \
			-CAcreateserial -days 2 -extfile "$1/$2.ext" -out "$1/$2.crt" 2>/dev/null
}

# make_pki DIR NAME...: a test CA (DIR/ca.crt), the manager's certificate for
# 127.0.0.1 (DIR/server.crt, .key) and a client certificate DIR/NAME.crt (.key) whose
# CN (and DNS name) is NAME for each NAME; DIR/rogue-ca.crt signs DIR/rogue.crt (CN
# gk-a.example.org), a look-alike from another CA.
make_pki() {
	local d=$1 n
	shift
	mkdir -p "$d"
	pki_ca "$d" ca "AGW e2e CA" && pki_ca "$d" rogue-ca "AGW e2e rogue CA" &&
		pki_leaf "$d" server ca IP:127.0.0.1 127.0.0.1 || return 1
	for n in "$@"; do
		pki_leaf "$d" "$n" ca "DNS:$n" "$n" || return 1
	done
	pki_leaf "$d" rogue rogue-ca DNS:gk-a.example.org gk-a.example.org
}

# manager_section PORT [tls]: the [manager] section of this topology's manager (XML-RPC
# on 127.0.0.1:PORT, password e2e-secret-pw, state and socket in $E2E_DIR). Plain HTTP on
# loopback (tls = no), or with 'tls' HTTPS with certificates from make_pki in
# $E2E_DIR/pki, client certificates from its CA, and three more principals: gk-a and
# gk-b (client certificates gk-a.example.org, gk-b.example.org) and dev (HTTP Basic,
# password dev-secret-pw); none of them admin.
manager_section() {
	local hash
	hash=$(echo "e2e-secret-pw" | "$BUILD/bin/agw-manager" --hash-password) || return 1
	if [ "${2:-}" = tls ]; then
		make_pki "$E2E_DIR/pki" gk-a.example.org gk-b.example.org || return 1
	fi
	cat <<CONF
[manager]
listen = 127.0.0.1:$1
user = snc
password_hash = $hash
CONF
	if [ "${2:-}" = tls ]; then
		cat <<CONF
tls_cert = $E2E_DIR/pki/server.crt
tls_key = $E2E_DIR/pki/server.key
tls_client_ca = $E2E_DIR/pki/ca.crt
CONF
	else
		echo "tls = no"
	fi
	cat <<CONF
db = $E2E_DIR/agw.db
gw_core_socket = $E2E_DIR/agw.sock
uplink_port = core
access_port = access
gre_remote = 198.51.100.2
gw_core_check_ms = 200
CONF
}

# principal_sections: the principals of manager_section's 'tls' form.
principal_sections() {
	cat <<CONF

[principal gk-a]
cert_name = gk-a.example.org

[principal gk-b]
cert_name = gk-b.example.org

[principal dev]
password_hash = $(echo "dev-secret-pw" | "$BUILD/bin/agw-manager" --hash-password)
CONF
}
