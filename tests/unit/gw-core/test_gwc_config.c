/* SPDX-License-Identifier: BSD-3-Clause */
/* gw-core configuration loading: the shipped examples load; typos and bad values are refused
 * with a message naming the section and key. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "gwc.h"
#include "gwc_ctl.h"
#include "gwc_ep_ops.h"
#include "gwc_sa.h"
#include "gwc_suite.h"

static const char *
write_conf(const char *text)
{
	static char path[] = "/tmp/agw-unit-conf-XXXXXX";
	FILE *f;
	int fd;

	strcpy(path, "/tmp/agw-unit-conf-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int
load(const char *text, struct gwc_conf *c, struct gwc_err *e)
{
	const char *p = write_conf(text);
	int rc = gwc_conf_load(c, p, e);

	unlink(p);
	return rc;
}

static void
test_examples_load(void)
{
	static const char *const files[] = { "etc/gw-core.conf", "etc/sep-gw.conf" };
	struct gwc_conf c;
	struct gwc_err e = { "" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		int rc = gwc_conf_load(&c, files[i], &e);

		if (rc != 0)
			printf("\n    %s: %s\n", files[i], e.msg);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT(c.n_ports >= 2);
		gwc_conf_free(&c);
	}
}

static void
test_values(void)
{
	struct gwc_conf c;
	struct gwc_err e = { "" };
	uint32_t ip;

	CU_ASSERT_EQUAL_FATAL(load("[gw-core]\nrole = sep-gw\nmac_aging_s = 10\nburst = 16\n"
				   "[port up]\ndev = net_null0\nipv4 = 198.51.100.1/24 ; comment\n"
				   "gateway = 198.51.100.254\nmtu = 1600\n"
				   "neighbour 198.51.100.254 = 02:00:00:00:00:fe\n"
				   "neighbour 198.51.100.7 = 02:00:00:00:00:07\n"
				   "[ipsec]\nrouter_mac = 02:00:00:00:0a:0a\n", &c, &e), 0);
	CU_ASSERT_EQUAL(c.role, GWC_ROLE_SEP_GW);
	CU_ASSERT_EQUAL(c.mac_aging_ms, 10000);
	CU_ASSERT_EQUAL(c.burst, 16);
	CU_ASSERT_EQUAL(c.n_ports, 1);
	CU_ASSERT_STRING_EQUAL(c.port[0].name, "up");
	inet_pton(AF_INET, "198.51.100.1", &ip);
	CU_ASSERT(c.port[0].has_ip && c.port[0].ip == ip && c.port[0].prefix == 24);
	CU_ASSERT(c.port[0].has_gw);
	CU_ASSERT_EQUAL(c.port[0].mtu, 1600);
	CU_ASSERT_EQUAL_FATAL(c.port[0].n_neigh, 2);
	inet_pton(AF_INET, "198.51.100.7", &ip);
	CU_ASSERT_EQUAL(c.port[0].neigh[1].ip, ip);
	CU_ASSERT_EQUAL(c.port[0].neigh[1].mac.addr_bytes[5], 0x07);
	CU_ASSERT_EQUAL(c.port[0].neigh[0].mac.addr_bytes[5], 0xfe);
	CU_ASSERT(c.has_router_mac && c.router_mac.addr_bytes[4] == 0x0a);
	gwc_conf_free(&c);
}

static void
test_errors_name_the_key(void)
{
	struct gwc_conf c;
	struct gwc_err e = { "" };

	CU_ASSERT_EQUAL(load("[gw-core]\nburts = 16\n", &c, &e), -EINVAL);
	CU_ASSERT(strstr(e.msg, "burts") != NULL);
	CU_ASSERT_EQUAL(load("[gw-core]\nburst = 0\n", &c, &e), -EINVAL);
	CU_ASSERT(strstr(e.msg, "burst") != NULL);
	CU_ASSERT_EQUAL(load("[port x]\nipv4 = 300.1.1.1/24\ndev = net_null0\n", &c, &e), -EINVAL);
	CU_ASSERT(strstr(e.msg, "ipv4") != NULL);
	CU_ASSERT_EQUAL(load("[port x]\nmtu = 1500\n", &c, &e), -EINVAL);
	CU_ASSERT(strstr(e.msg, "dev") != NULL);
	CU_ASSERT_EQUAL(load("[prot x]\ndev = a\n", &c, &e), -EINVAL);
	CU_ASSERT(strstr(e.msg, "prot x") != NULL);
	CU_ASSERT_EQUAL(load("[port x]\ndev = net_null0\nneighbour 10.0.0.300 = 02:00:00:00:00:01\n",
			     &c, &e), -EINVAL);
	CU_ASSERT(strstr(e.msg, "10.0.0.300") != NULL);
	CU_ASSERT_EQUAL(load("[port x]\ndev = net_null0\nneighbour 10.0.0.1 = ff:ff:ff:ff:ff:ff\n",
			     &c, &e), -EINVAL);
	CU_ASSERT(strstr(e.msg, "neighbour 10.0.0.1") != NULL);
	CU_ASSERT_EQUAL(load("[ipsec]\nrouter_mac = 00:00:00:00:00:00\n", &c, &e), -EINVAL);
	CU_ASSERT(strstr(e.msg, "router_mac") != NULL);
	CU_ASSERT_EQUAL(gwc_conf_load(&c, "/nonexistent/gw-core.conf", &e), -ENOENT);
}

/* A section is read in full: a typo as the 70th entry is seen (rte_cfgfile handed us
 * the first 64 and the rest was silently ignored). */
static void
test_sections_read_in_full(void)
{
	struct gwc_conf c;
	struct gwc_err e = { "" };
	char text[4096];
	size_t off = 0;
	int i;

	off += (size_t)snprintf(text + off, sizeof(text) - off, "[gw-core]\n");
	for (i = 0; i < 69; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "burst = %d\n", 1 + i % 32);
	snprintf(text + off, sizeof(text) - off, "burts = 16\n");
	CU_ASSERT_EQUAL(load(text, &c, &e), -EINVAL);
	CU_ASSERT(strstr(e.msg, "burts") != NULL);
	snprintf(text + off, sizeof(text) - off, "burst = 7\n");
	CU_ASSERT_EQUAL_FATAL(load(text, &c, &e), 0);
	CU_ASSERT_EQUAL(c.burst, 7);
	gwc_conf_free(&c);
}

/*
 * The endpoint schema is written once, per type (gwc_ep_ops.h): every type of enum
 * gwc_ep_type has ops of that type, found again by its name; the schema that the
 * control socket's help and the config share names every type and its fields (the help
 * of endpoint.add once listed only port|vlan|gre). Only a bridged type can be a MAC
 * destination: an IPsec terminal cannot.
 */
static void
test_endpoint_types(void)
{
	static const enum gwc_ep_type types[] = { GWC_EP_PORT, GWC_EP_VLAN, GWC_EP_GRE,
						  GWC_EP_TRAILER, GWC_EP_IPSEC };
	char schema[1024], want[64];
	unsigned int i;

	gwc_ep_schema(schema, sizeof(schema));
	CU_ASSERT_PTR_NOT_NULL(strstr(schema, "type=port|vlan|gre|trailer|ipsec"));
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct gwc_ep_ops *o = gwc_ep_ops_of(types[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		CU_ASSERT_EQUAL(o->type, types[i]);
		CU_ASSERT_PTR_EQUAL(gwc_ep_ops_by_name(o->name), o);
		snprintf(want, sizeof(want), "; %s: %s", o->name, o->schema);
		CU_ASSERT_PTR_NOT_NULL(strstr(schema, want));
		CU_ASSERT_EQUAL(o->bridged, types[i] != GWC_EP_IPSEC);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(schema, "vid=1..4094"));
	CU_ASSERT_PTR_NOT_NULL(strstr(schema, "ts_remote="));
	CU_ASSERT_PTR_EQUAL(gwc_ep_ops_by_name("untagged"), gwc_ep_ops_of(GWC_EP_PORT));
	CU_ASSERT_PTR_NULL(gwc_ep_ops_by_name("vxlan"));
	CU_ASSERT_PTR_NULL(gwc_ep_ops_of((enum gwc_ep_type)99));
}

/*
 * An endpoint's isolation keys from JSON (the control socket, the manager): each its
 * own; a policed endpoint's burst did once become a shape_burst too, and the manager's
 * every policed endpoint was refused ("shape_burst without shape_rate").
 */
static void
test_endpoint_isolation_keys(void)
{
	struct json_object *o;
	struct gwc_ep_conf c;
	struct gwc_err e = { "" };

	o = json_tokener_parse("{\"name\": \"n\", \"type\": \"vlan\", \"port\": \"p\", "
			       "\"vid\": 5, \"police_rate\": 100000000, \"police_burst\": 150000}");
	CU_ASSERT_EQUAL_FATAL(gwc_ep_conf_from_json(&c, o, &e), 0);
	CU_ASSERT_EQUAL(c.police_bps, 100000000);
	CU_ASSERT_EQUAL(c.police_burst, 150000);
	CU_ASSERT_EQUAL(c.shape_bps, 0);
	CU_ASSERT_EQUAL(c.shape_burst, 0);
	CU_ASSERT_EQUAL(c.wfq_bps, 0);
	json_object_put(o);
	o = json_tokener_parse("{\"name\": \"n\", \"type\": \"vlan\", \"port\": \"p\", "
			       "\"vid\": 5, \"shape_rate\": 50000000, \"shape_burst\": 20000}");
	CU_ASSERT_EQUAL_FATAL(gwc_ep_conf_from_json(&c, o, &e), 0);
	CU_ASSERT_EQUAL(c.police_bps, 0);
	CU_ASSERT_EQUAL(c.police_burst, 0);
	CU_ASSERT_EQUAL(c.shape_bps, 50000000);
	CU_ASSERT_EQUAL(c.shape_burst, 20000);
	json_object_put(o);
}

/* ------------------------------------------------------------ limits from config */

/* A gw-core from 'c' with one port 'name' (a ring, '*tx' what it sends; with 'ip', at
 * 198.51.100.1/24) and a small pool. @return 0, or -1. */
static int
ring_port_create(struct gwc_conf *c, const char *name, bool ip, struct rte_ring **tx,
		 struct gwc **lg)
{
	struct rte_ring *rx;
	unsigned int full;

	c->pool_mbufs = 1023;
	c->n_ports = 1;
	if (gwc_suite_ring_port(c, 0, name, &rx, tx, 64) != 0)
		return -1;
	if (ip) {
		c->port[0].has_ip = true;
		inet_pton(AF_INET, "198.51.100.1", &c->port[0].ip);
		c->port[0].prefix = 24;
		c->port[0].no_tap = true;
	}
	return gwc_suite_create(c, lg, &full);
}

/*
 * [gw-core] max_slices and max_endpoints size gw-core: the defaults are 16384 and
 * 65536, and a gw-core made with 4 and 6 takes exactly that many, refuses the next with
 * -ENOSPC naming the key, and takes one again once one is gone (a slice's endpoints go
 * with it). Names stay found through every change (the name indexes).
 */
static void
test_limits_from_config(void)
{
	struct rte_ring *tx;
	struct gwc_err e = { "" };
	struct gwc_conf c;
	struct gwc *lg = NULL;
	unsigned int i;
	char name[32];

	gwc_conf_defaults(&c);
	CU_ASSERT_EQUAL(c.max_slices, 16384);
	CU_ASSERT_EQUAL(c.max_endpoints, 65536);
	c.max_slices = 4;
	c.max_endpoints = 6;
	CU_ASSERT_FATAL(ring_port_create(&c, "lim0", false, &tx, &lg) == 0);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "s%u", i);
		CU_ASSERT_EQUAL(gwc_slice_add(lg, "t", name, &e), (int)i);
	}
	CU_ASSERT_EQUAL(gwc_slice_add(lg, "t", "s4", &e), -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "all 4 slices in use ([gw-core] max_slices)"));
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "e%u", i);
		CU_ASSERT(gwc_suite_vlan_ep(lg, "t", i < 3 ? "s0" : "s1", name, "lim0",
					    (uint16_t)(10 + i)) >= 0);
	}
	{
		struct gwc_ep_conf ec = { .type = GWC_EP_VLAN, .vid = 16 };

		snprintf(ec.name, sizeof(ec.name), "e6");
		snprintf(ec.port, sizeof(ec.port), "lim0");
		CU_ASSERT_EQUAL(gwc_ep_add(lg, "t", "s2", &ec, &e), -ENOSPC);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "all 6 endpoints in use ([gw-core] "
						     "max_endpoints)"));
	}
	/* every name still found where it is */
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "e%u", i);
		CU_ASSERT(gwc_ep_find(lg, i < 3 ? 0 : 1, name) >= 0);
		CU_ASSERT_EQUAL(gwc_ep_find(lg, i < 3 ? 1 : 0, name), -ENOENT);
	}
	/* one endpoint gone: one comes back; a slice gone takes its three with it */
	CU_ASSERT_EQUAL(gwc_ep_del(lg, "t", "s1", "e4", &e), 0);
	CU_ASSERT_EQUAL(gwc_ep_find(lg, 1, "e4"), -ENOENT);
	CU_ASSERT(gwc_suite_vlan_ep(lg, "t", "s2", "e6", "lim0", 16) >= 0);
	CU_ASSERT_EQUAL(gwc_slice_del(lg, "t", "s0", &e), 0);
	CU_ASSERT_EQUAL(gwc_slice_find(lg, "s0"), -ENOENT);
	CU_ASSERT_EQUAL(gwc_ep_find(lg, 0, "e0"), -ENOENT);
	CU_ASSERT_EQUAL(gwc_slice_add(lg, "t", "s4", &e), 0);   /* s0's index, free again */
	CU_ASSERT_EQUAL(gwc_ep_find(lg, 0, "e0"), -ENOENT);   /* nothing of s0 in s4 */
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		CU_ASSERT(gwc_suite_vlan_ep(lg, "t", "s4", name, "lim0", (uint16_t)(20 + i)) >= 0);
	}
	CU_ASSERT_EQUAL(gwc_ep_add(lg, "t", "s4", &(struct gwc_ep_conf){ .type = GWC_EP_VLAN,
			.vid = 30, .name = "n3", .port = "lim0" }, &e), -ENOSPC);
	CU_ASSERT(gwc_ep_find(lg, 1, "e3") >= 0 && gwc_ep_find(lg, 1, "e5") >= 0);
	CU_ASSERT(gwc_ep_find(lg, 2, "e6") >= 0);
	gwc_suite_destroy(&lg);
}

/* ------------------------------------------------------------ the control socket */

/* Send one request line on 'fd' (a connection to lg's control socket), serve the socket
 * until its answer is in (at most 5 s): the answer parsed (new ref), or NULL. */
static struct json_object *
ctl_req(struct gwc *lg, int fd, const char *line)
{
	static char buf[65536];
	size_t n = 0;
	int i;

	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		return NULL;
	for (i = 0; i < 500; i++) {
		ssize_t r;

		gwc_ctl_poll(lg, 10);
		r = recv(fd, buf + n, sizeof(buf) - 1 - n, MSG_DONTWAIT);
		if (r > 0) {
			n += (size_t)r;
			buf[n] = '\0';
			if (memchr(buf, '\n', n) != NULL)
				return json_tokener_parse(buf);
		}
	}
	return NULL;
}

/* The answer's error code ("" when it succeeded) and message. */
static const char *
ctl_err(struct json_object *a, const char **msg)
{
	struct json_object *err, *x;

	*msg = "";
	if (a == NULL || !json_object_object_get_ex(a, "error", &err))
		return "";
	if (json_object_object_get_ex(err, "message", &x))
		*msg = json_object_get_string(x);
	return json_object_object_get_ex(err, "code", &x) ? json_object_get_string(x) : "?";
}

/* The answer's error "index" (the list entry refused), or -1 when it has none. */
static int
ctl_err_index(struct json_object *a)
{
	struct json_object *err, *x;

	if (a == NULL || !json_object_object_get_ex(a, "error", &err) ||
	    !json_object_object_get_ex(err, "index", &x))
		return -1;
	return json_object_get_int(x);
}

#define VLAN_EP(n, v) "{\"name\": \"" n "\", \"type\": \"vlan\", \"port\": \"ctl0\", \"vid\": " #v "}"

/*
 * slice.add with 'endpoints' (one request for a slice and its endpoints, as the manager's
 * Run sends it): all or nothing. An endpoint refused (a VID in use, the endpoints full,
 * a malformed one) leaves no slice and no endpoint behind, and the error names its index.
 */
static void
test_ctl_slice_add_endpoints(void)
{
	static const char path[] = "/tmp/agw-unit-ctl.sock";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct rte_ring *tx;
	struct json_object *a, *eps;
	struct gwc_conf c;
	struct gwc *lg = NULL;
	const char *msg;
	char line[8192];
	int fd, s, k;

	gwc_conf_defaults(&c);
	c.max_endpoints = 3;
	c.max_slices = 3;
	CU_ASSERT_FATAL(ring_port_create(&c, "ctl0", false, &tx, &lg) == 0);
	unlink(path);
	CU_ASSERT_FATAL(gwc_ctl_listen(lg, path) == 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	a = ctl_req(lg, fd, "{\"op\": \"hello\", \"args\": {\"client\": \"t\"}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "");
	json_object_put(a);

	/* a slice and two endpoints in one request: the result lists them */
	a = ctl_req(lg, fd, "{\"op\": \"slice.add\", \"args\": {\"name\": \"a\", \"endpoints\": ["
			    VLAN_EP("v1", 10) ", " VLAN_EP("v2", 11) "]}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "");
	CU_ASSERT(json_object_object_get_ex(json_object_object_get(a, "result"), "endpoints", &eps) &&
		  json_object_array_length(eps) == 2 &&
		  strcmp(json_object_get_string(json_object_object_get(
				 json_object_array_get_idx(eps, 1), "name")), "v2") == 0);
	json_object_put(a);
	s = gwc_slice_find(lg, "a");
	CU_ASSERT(s >= 0 && gwc_ep_find(lg, s, "v1") >= 0 && gwc_ep_find(lg, s, "v2") >= 0);

	/* the second endpoint's VID is a's: nothing of b is left, the VID 12 is free */
	a = ctl_req(lg, fd, "{\"op\": \"slice.add\", \"args\": {\"name\": \"b\", \"endpoints\": ["
			    VLAN_EP("w1", 12) ", " VLAN_EP("w2", 10) "]}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "EADDRINUSE");
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "endpoints[1]"));
	CU_ASSERT_EQUAL(ctl_err_index(a), 1);
	json_object_put(a);
	CU_ASSERT_EQUAL(gwc_slice_find(lg, "b"), -ENOENT);
	/* the endpoints full (3): the second of two is refused, and the first goes too */
	a = ctl_req(lg, fd, "{\"op\": \"slice.add\", \"args\": {\"name\": \"b\", \"endpoints\": ["
			    VLAN_EP("w1", 12) ", " VLAN_EP("w2", 13) "]}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "ENOSPC");
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "endpoints[1]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "max_endpoints"));
	CU_ASSERT_EQUAL(ctl_err_index(a), 1);   /* an endpoint's ENOSPC, not the slice's */
	json_object_put(a);
	CU_ASSERT_EQUAL(gwc_slice_find(lg, "b"), -ENOENT);
	/* malformed lists change nothing */
	a = ctl_req(lg, fd, "{\"op\": \"slice.add\", \"args\": {\"name\": \"b\", \"endpoints\": "
			    "\"v1\"}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "EINVAL");
	json_object_put(a);
	a = ctl_req(lg, fd, "{\"op\": \"slice.add\", \"args\": {\"name\": \"b\", \"endpoints\": ["
			    VLAN_EP("w1", 12) ", 7]}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "EINVAL");
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "endpoints[1]: not an object"));
	CU_ASSERT_EQUAL(ctl_err_index(a), 1);
	json_object_put(a);
	a = ctl_req(lg, fd, "{\"op\": \"slice.add\", \"args\": {\"name\": \"b\", \"endpoints\": ["
			    "{\"name\": \"w1\", \"type\": \"vlan\", \"port\": \"ctl0\", \"vid\": 5000}]}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "EINVAL");
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "endpoints[0]"));
	CU_ASSERT_EQUAL(ctl_err_index(a), 0);
	json_object_put(a);
	k = snprintf(line, sizeof(line), "{\"op\": \"slice.add\", \"args\": {\"name\": \"b\", "
					 "\"endpoints\": [");
	for (s = 0; s < 65; s++)
		k += snprintf(line + k, sizeof(line) - (size_t)k, "%s{}", s ? ", " : "");
	snprintf(line + k, sizeof(line) - (size_t)k, "]}}\n");
	a = ctl_req(lg, fd, line);
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "EINVAL");
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "at most 64"));
	CU_ASSERT_EQUAL(ctl_err_index(a), -1);   /* the list, no one entry */
	json_object_put(a);
	CU_ASSERT_EQUAL(gwc_slice_find(lg, "b"), -ENOENT);
	/* what the refusals left free is free: one endpoint more fits, VID 12 included */
	a = ctl_req(lg, fd, "{\"op\": \"slice.add\", \"args\": {\"name\": \"b\", \"endpoints\": ["
			    VLAN_EP("w1", 12) "]}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "");
	json_object_put(a);
	CU_ASSERT(gwc_slice_find(lg, "b") >= 0);
	/* without 'endpoints': as before, the id alone */
	a = ctl_req(lg, fd, "{\"op\": \"slice.add\", \"args\": {\"name\": \"c\"}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "");
	CU_ASSERT_FALSE(json_object_object_get_ex(json_object_object_get(a, "result"), "endpoints",
						  NULL));
	json_object_put(a);
	/* the slices full (3): ENOSPC for the slice itself, with no entry's index (the
	 * manager tells the two ENOSPCs apart by it) */
	a = ctl_req(lg, fd, "{\"op\": \"slice.add\", \"args\": {\"name\": \"d\", \"endpoints\": []}}\n");
	CU_ASSERT_STRING_EQUAL(ctl_err(a, &msg), "ENOSPC");
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "max_slices"));
	CU_ASSERT_EQUAL(ctl_err_index(a), -1);
	json_object_put(a);
	close(fd);
	gwc_suite_destroy(&lg);
	unlink(path);
}

/* A broadcast frame tagged 'vid' into port 0 of 'lg', its sends freed. */
static void
send_vid(struct gwc *lg, struct rte_ring *tx, uint16_t vid)
{
	static const uint8_t hdr[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1,
				       0x81, 0x00 };
	struct rte_mbuf *m = rte_pktmbuf_alloc(gwc_pool(lg)), *out[8];
	uint8_t f[64] = { 0 };
	char *p;
	unsigned int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(f, hdr, sizeof(hdr));
	f[14] = (uint8_t)(vid >> 8);
	f[15] = (uint8_t)vid;
	f[16] = 0x08;
	p = rte_pktmbuf_append(m, sizeof(f));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memcpy(p, f, sizeof(f));
	gwc_worker_inject(lg, 0, 0, &m, 1);
	while ((n = rte_ring_dequeue_burst(tx, (void **)out, 8, NULL)) != 0)
		while (n-- > 0)
			rte_pktmbuf_free(out[n]);
}

/*
 * An endpoint's counters, rx and tx included (counted apart from the rest, struct
 * gwc_ep_hot), start at zero when its id is reused, and count its frames alone.
 */
static void
test_ep_counters_on_reuse(void)
{
	struct rte_ring *tx;
	struct gwc_ep_stats st;
	struct gwc_conf c;
	struct gwc *lg = NULL;
	struct gwc_err e = { "" };
	int a, b, d;

	gwc_conf_defaults(&c);
	c.max_endpoints = 2;
	CU_ASSERT_FATAL(ring_port_create(&c, "reuse0", false, &tx, &lg) == 0);
	CU_ASSERT_FATAL(gwc_slice_add(lg, "t", "s", &e) == 0);
	a = gwc_suite_vlan_ep(lg, "t", "s", "a", "reuse0", 10);
	b = gwc_suite_vlan_ep(lg, "t", "s", "b", "reuse0", 20);
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	send_vid(lg, tx, 10);   /* a -> flooded to b */
	send_vid(lg, tx, 10);
	gwc_ep_stats_get(lg, a, &st);
	CU_ASSERT_EQUAL(st.rx_pkts, 2);
	CU_ASSERT_EQUAL(st.rx_bytes, 2 * 60);
	CU_ASSERT_EQUAL(st.tx_pkts, 0);
	gwc_ep_stats_get(lg, b, &st);
	CU_ASSERT_EQUAL(st.tx_pkts, 2);
	CU_ASSERT_EQUAL(st.rx_pkts, 0);
	/* a goes, d takes its id: nothing of a's counts */
	CU_ASSERT_EQUAL(gwc_ep_del(lg, "t", "s", "a", &e), 0);
	d = gwc_suite_vlan_ep(lg, "t", "s", "d", "reuse0", 30);
	CU_ASSERT_EQUAL_FATAL(d, a);
	gwc_ep_stats_get(lg, d, &st);
	CU_ASSERT_EQUAL(st.rx_pkts, 0);
	CU_ASSERT_EQUAL(st.rx_bytes, 0);
	CU_ASSERT_EQUAL(st.tx_pkts, 0);
	send_vid(lg, tx, 30);
	gwc_ep_stats_get(lg, d, &st);
	CU_ASSERT_EQUAL(st.rx_pkts, 1);
	CU_ASSERT_EQUAL(st.rx_bytes, 60);
	gwc_ep_stats_get(lg, b, &st);
	CU_ASSERT_EQUAL(st.tx_pkts, 3);
	gwc_suite_destroy(&lg);
}

/* A terminal 'name' of slice "s0" on port "lip0" with the /32 selectors 10.0.'k'.1..'n'. */
static int
lim_terminal(struct gwc *lg, const char *name, unsigned int k, unsigned int n,
	     struct gwc_err *e)
{
	struct gwc_ep_conf ec = { .type = GWC_EP_IPSEC, .port = "lip0" };
	char a[INET_ADDRSTRLEN];
	unsigned int i;

	snprintf(ec.name, sizeof(ec.name), "%s", name);
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "10.0.%u.%u", k, i + 1);
		inet_pton(AF_INET, a, &ec.ts_remote[i].addr);
		ec.ts_remote[i].len = 32;
	}
	ec.n_ts_remote = (uint8_t)n;
	return gwc_ep_add(lg, "t", "s0", &ec, e);
}

/* An inbound SA 'spi' of terminal 'ep'. */
static int
lim_sa(struct gwc *lg, const char *ep, uint32_t spi, struct gwc_err *e)
{
	struct gwc_sa_conf sc = { .spi = spi, .inbound = true, .alg = GWC_SA_AES_GCM_16,
				  .key_len = 20, .replay_window = 64 };

	inet_pton(AF_INET, "198.51.100.2", &sc.src);
	inet_pton(AF_INET, "198.51.100.1", &sc.dst);
	return gwc_ipsec_sa_add(lg, "t", "s0", ep, &sc, NULL, e);
}

/*
 * IPsec's limits from config: a gw-core made with max_sas 4 and max_endpoints 6 (room
 * for 12 /32 selectors, two per endpoint) takes exactly 4 SAs and 12 selectors, refuses
 * the next naming the limit, and takes them again once some are gone; an SA is found
 * by its SPI until it is deleted, and a terminal's SAs go with it.
 */
static void
test_ipsec_limits_from_config(void)
{
	struct rte_ring *tx;
	struct gwc_err e = { "" };
	struct gwc_conf c;
	struct gwc *lg = NULL;

	gwc_conf_defaults(&c);
	c.max_endpoints = 6;
	c.max_sas = 4;
	CU_ASSERT_FATAL(ring_port_create(&c, "lip0", true, &tx, &lg) == 0);
	CU_ASSERT_FATAL(gwc_slice_add(lg, "t", "s0", &e) == 0);
	CU_ASSERT(lim_terminal(lg, "t0", 0, 4, &e) >= 0);
	CU_ASSERT(lim_terminal(lg, "t1", 1, 4, &e) >= 0);
	CU_ASSERT(lim_terminal(lg, "t2", 2, 4, &e) >= 0);
	CU_ASSERT_EQUAL(lim_terminal(lg, "t3", 3, 1, &e), -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "more than 12 /32 traffic selectors in all slices"));
	CU_ASSERT_EQUAL(lim_terminal(lg, "t3", 1, 1, &e), -ENOSPC);   /* still full */
	CU_ASSERT_EQUAL(gwc_ep_del(lg, "t", "s0", "t2", &e), 0);
	CU_ASSERT(lim_terminal(lg, "t3", 3, 1, &e) >= 0);
	/* a selector taken is refused naming who has it */
	CU_ASSERT_EQUAL(lim_terminal(lg, "t4", 1, 1, &e), -EADDRINUSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "10.0.1.1/32 is already routed to endpoint 't1'"));

	CU_ASSERT(lim_sa(lg, "t0", 0x101, &e) >= 0);
	CU_ASSERT(lim_sa(lg, "t0", 0x102, &e) >= 0);
	CU_ASSERT(lim_sa(lg, "t1", 0x103, &e) >= 0);
	CU_ASSERT(lim_sa(lg, "t3", 0x104, &e) >= 0);
	CU_ASSERT_EQUAL(lim_sa(lg, "t1", 0x105, &e), -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "all 4 SAs in use ([gw-core] max_sas)"));
	CU_ASSERT_EQUAL(lim_sa(lg, "t1", 0x101, &e), -EEXIST);
	CU_ASSERT(gwc_ipsec_sa_find(lg, true, 0x103, 0) >= 0);
	CU_ASSERT_EQUAL(gwc_ipsec_sa_del(lg, "t", true, 0x103, 0, &e), 0);
	CU_ASSERT_EQUAL(gwc_ipsec_sa_find(lg, true, 0x103, 0), -ENOENT);
	CU_ASSERT(lim_sa(lg, "t1", 0x105, &e) >= 0);
	/* t0's two SAs go with it: two fit again */
	CU_ASSERT_EQUAL(gwc_ep_del(lg, "t", "s0", "t0", &e), 0);
	CU_ASSERT_EQUAL(gwc_ipsec_sa_find(lg, true, 0x101, 0), -ENOENT);
	CU_ASSERT_EQUAL(gwc_ipsec_sa_find(lg, true, 0x102, 0), -ENOENT);
	CU_ASSERT(lim_sa(lg, "t1", 0x106, &e) >= 0);
	CU_ASSERT(lim_sa(lg, "t1", 0x107, &e) >= 0);
	CU_ASSERT_EQUAL(lim_sa(lg, "t1", 0x108, &e), -ENOSPC);
	CU_ASSERT(gwc_ipsec_sa_find(lg, true, 0x104, 0) >= 0 &&
		  gwc_ipsec_sa_find(lg, true, 0x105, 0) >= 0);
	gwc_suite_destroy(&lg);
}

/*
 * Issue 24's 65,536 endpoints, the default max_endpoints: 16,384 slices (the default
 * max_slices) of four GRE endpoints each all fit, the next endpoint is refused naming
 * the key, and a frame into the slice of the last ids (65,532 to 65,535) floods out of
 * its three others with their keys. With 16-bit ids, 65,535 was the most.
 */
static void
test_endpoints_65536(void)
{
	struct rte_ring *tx;
	struct gwc_err e = { "" };
	struct gwc_ep_conf ec = { .type = GWC_EP_GRE, .has_key = true, .has_nh = true,
				  .port = "big0" };
	struct rte_mbuf *m, *out[8];
	struct gwc_conf c;
	struct gwc *lg = NULL;
	unsigned int s, k, n, keys = 0, bad = 0;
	int id = -1, last = -1;
	char sl[32];
	uint8_t f[128];
	size_t len;

	gwc_conf_defaults(&c);
	CU_ASSERT_EQUAL(c.max_slices, 16384);
	CU_ASSERT_EQUAL(c.max_endpoints, 65536);
	CU_ASSERT_FATAL(ring_port_create(&c, "big0", true, &tx, &lg) == 0);
	inet_pton(AF_INET, "198.51.100.2", &ec.remote);
	rte_ether_unformat_addr("02:00:00:00:00:98", &ec.nh_mac);
	for (s = 0; s < 16384 && bad == 0; s++) {
		snprintf(sl, sizeof(sl), "s%u", s);
		bad += gwc_slice_add(lg, "t", sl, &e) != (int)s;
		for (k = 0; k < 4 && bad == 0; k++) {
			snprintf(ec.name, sizeof(ec.name), "g%u", k);
			ec.key = s * 4 + k + 1;
			id = gwc_ep_add(lg, "t", sl, &ec, &e);
			bad += id < 0;
			last = RTE_MAX(last, id);
		}
	}
	if (bad != 0)
		printf("\n    slice %u: %s\n", s - 1, e.msg);
	CU_ASSERT_EQUAL_FATAL(bad, 0);
	CU_ASSERT_EQUAL(id, 65535);
	CU_ASSERT_EQUAL(last, 65535);
	snprintf(ec.name, sizeof(ec.name), "g4");
	ec.key = 70000;
	CU_ASSERT_EQUAL(gwc_ep_add(lg, "t", "s0", &ec, &e), -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "all 65536 endpoints in use ([gw-core] max_endpoints)"));

	/* key 65536 is endpoint 65535's (slice s16383): out of keys 65533..65535 */
	len = gwc_suite_gre_frame(f, &gwc_port(lg, 0)->mac, 0x2000, 0x6558, 65536, false);
	m = rte_pktmbuf_alloc(gwc_pool(lg));
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), f, len);
	gwc_worker_inject(lg, 0, 0, &m, 1);
	n = rte_ring_dequeue_burst(tx, (void **)out, RTE_DIM(out), NULL);
	CU_ASSERT_EQUAL(n, 3);
	for (k = 0; k < n; k++) {
		const uint8_t *b = rte_pktmbuf_mtod(out[k], const uint8_t *);

		/* outer Ethernet, IPv4 (20), GRE flags and protocol, then the key */
		keys |= 1u << (rte_be_to_cpu_32(*(const rte_be32_t *)(b + 14 + 20 + 4)) - 65533);
		rte_pktmbuf_free(out[k]);
	}
	CU_ASSERT_EQUAL(keys, 7);
	gwc_suite_destroy(&lg);
}

int test_gwc_config_register(void);

int
test_gwc_config_register(void)
{
	CU_pSuite s = CU_add_suite("gwc_config", NULL, NULL);

	if (s == NULL || CU_add_test(s, "shipped examples load", test_examples_load) == NULL ||
	    CU_add_test(s, "values parsed", test_values) == NULL ||
	    CU_add_test(s, "endpoint counters start at zero on a reused id",
			test_ep_counters_on_reuse) == NULL ||
	    CU_add_test(s, "slice.add with its endpoints: all or nothing",
			test_ctl_slice_add_endpoints) == NULL ||
	    CU_add_test(s, "errors name the key", test_errors_name_the_key) == NULL ||
	    CU_add_test(s, "sections read in full", test_sections_read_in_full) == NULL ||
	    CU_add_test(s, "endpoint types: one schema for each", test_endpoint_types) == NULL ||
	    CU_add_test(s, "slices and endpoints up to [gw-core] max_slices, max_endpoints",
			test_limits_from_config) == NULL ||
	    CU_add_test(s, "65,536 endpoints: 16,384 slices of four GRE endpoints",
			test_endpoints_65536) == NULL ||
	    CU_add_test(s, "IPsec SAs and /32 selectors up to max_sas, 2 x max_endpoints",
			test_ipsec_limits_from_config) == NULL ||
	    CU_add_test(s, "endpoint isolation keys: each its own", test_endpoint_isolation_keys) ==
		    NULL)
		return -1;
	return 0;
}
