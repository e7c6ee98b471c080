/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * agwctl: the operator's CLI over the manager's XML-RPC API (docs/manager-api.md).
 *
 *   agwctl [-u URL] [-U USER] [--json] COMMAND ...
 *     create SPEC.xml [SLICE]     CreateSlice (SLICE defaults to the file's name)
 *     add SLICE SPEC.xml          Add
 *     run SLICE [SLIVER...]       Run
 *     stop SLICE [SLIVER...]      Stop
 *     delete SLICE [SLIVER...]    Delete those slivers, or DeleteSlice without any
 *     status [SLICE]              Status (all slices without SLICE)
 *     stats SLICE [SLIVER...]     Statistics
 *     resources                   ResourceInfo
 *     add-terminal SLICE LINK VPORT ID [--cert]
 *                                          AddTerminal, PSK from $AGW_TERMINAL_PSK or
 *                                          the first line of stdin (not argv: ps shows it);
 *                                          --cert: auth "pubkey" (an X.509 certificate)
 *     remove-terminal SLICE LINK VPORT ID  RemoveTerminal
 *
 * URL: -u, $AGW_URL, or http://127.0.0.1:8740/RPC2. User: -U, $AGW_USER, or "snc".
 * Password: $AGW_PASSWORD, or the first line of the file $AGW_PASSWORD_FILE.
 * HTTPS: the manager's CA from $AGW_CACERT (else the system's); a client certificate
 * and key (PEM) from $AGW_CERT and $AGW_KEY instead of a password.
 * Exit status: 0 ok; 1 the manager refused (its fault code and message are printed);
 * 2 usage, or the manager could not be reached or refused the credentials.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <xmlrpc-c/base.h>
#include <xmlrpc-c/client.h>
#include <xmlrpc-c/json.h>

static int
usage(FILE *f, int rc)
{
	fprintf(f,
		"usage: agwctl [-u URL] [-U USER] [--json] COMMAND ...\n"
		"  create SPEC.xml [SLICE]   create a slice from a slice spec\n"
		"  add SLICE SPEC.xml        add slivers to a slice\n"
		"  run SLICE [SLIVER...]     run a slice (or some slivers)\n"
		"  stop SLICE [SLIVER...]    stop a slice (or some slivers)\n"
		"  delete SLICE [SLIVER...]  delete slivers, or the whole slice\n"
		"  status [SLICE]            state of one slice, or of all\n"
		"  stats SLICE [SLIVER...]   packet and byte counters\n"
		"  resources                 ports, ranges, gw-core and charon connections\n"
		"  console SLICE NODE        a node sliver's console log (on the AGW itself)\n"
		"  add-terminal SLICE LINK VPORT ID [--cert]\n"
		"                            admit IPsec terminal ID (its IKE identity) on an ipsec\n"
		"                            vport; its pre-shared key is read from $AGW_TERMINAL_PSK\n"
		"                            or the first line of stdin; with --cert, ID authenticates\n"
		"                            with an X.509 certificate from [manager] ike_cacert's CA\n"
		"  remove-terminal SLICE LINK VPORT ID\n"
		"                            no longer admit it (its tunnel is closed)\n"
		"URL: -u, $AGW_URL or http://127.0.0.1:8740/RPC2; user: -U, $AGW_USER or snc;\n"
		"password: $AGW_PASSWORD or the file named by $AGW_PASSWORD_FILE\n"
		"https: the manager's CA in $AGW_CACERT; a client certificate and key (PEM) in\n"
		"$AGW_CERT and $AGW_KEY instead of a password\n");
	return rc;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = n >= 0 ? calloc(1, (size_t)n + 1) : NULL;
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* ---------------------------------------------------------------- tables */

static const char *
s(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "-";
}

static struct json_object *
arr(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_array) ? v
												: NULL;
}

/* agwctl console: node sliver 'node' of slice status 'sl': its console log, whose path
 * Status gives, read here (agwctl runs on the AGW). @return the exit status. */
static int
print_console(struct json_object *sl, const char *node)
{
	struct json_object *slivers = arr(sl, "slivers"), *rt;
	char buf[4096];
	size_t i, n;
	FILE *f;

	for (i = 0; slivers != NULL && i < json_object_array_length(slivers); i++) {
		struct json_object *sv = json_object_array_get_idx(slivers, i);

		if (strcmp(s(sv, "name"), node) != 0)
			continue;
		if (!json_object_object_get_ex(sv, "runtime", &rt)) {
			fprintf(stderr, "agwctl: sliver '%s' is not a node sliver this AGW runs\n",
				node);
			return 1;
		}
		if (!json_object_object_get_ex(rt, "console", NULL)) {
			fprintf(stderr, "agwctl: node sliver '%s' has no console log (never started)\n",
				node);
			return 1;
		}
		f = fopen(s(rt, "console"), "r");
		if (f == NULL) {
			fprintf(stderr, "agwctl: cannot read %s: %s (run agwctl on the AGW, as a user "
					"who may read it)\n", s(rt, "console"), strerror(errno));
			return 1;
		}
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, stdout);
		fclose(f);
		return 0;
	}
	fprintf(stderr, "agwctl: slice '%s' has no sliver '%s'\n", s(sl, "slice_id"), node);
	return 1;
}

static void
print_slice(struct json_object *sl)
{
	struct json_object *slivers = arr(sl, "slivers");
	size_t i, j;

	printf("slice %s  (%s; %s executed, %s created)\n", s(sl, "slice_id"), s(sl, "state"),
	       s(sl, "slivers_executed"), s(sl, "slivers_created"));
	printf("  %-16s %-5s %-9s %s\n", "SLIVER", "KIND", "STATE", "DETAILS");
	for (i = 0; slivers != NULL && i < json_object_array_length(slivers); i++) {
		struct json_object *sv = json_object_array_get_idx(slivers, i), *vps = arr(sv, "vports");

		if (strcmp(s(sv, "kind"), "node") == 0) {
			struct json_object *np;

			printf("  %-16s %-5s %-9s %s\n", s(sv, "name"), "node", s(sv, "state"),
			       s(sv, "role"));
			/* a node sliver: what it takes and boots, and how it runs now */
			if (json_object_object_get_ex(sv, "node_plan", &np))
				printf("    plan: %s, %s cores (%s), %s MiB, disk %s MiB, %s %s\n",
				       s(np, "flavour"), s(np, "cpus"), s(np, "cpumode"),
				       s(np, "memory_mib"), s(np, "disk_mib"),
				       json_object_object_get_ex(np, "image", NULL) ? "image" : "kernel",
				       json_object_object_get_ex(np, "image", NULL) ? s(np, "image")
										   : s(np, "kernel"));
			if (json_object_object_get_ex(sv, "runtime", &np)) {
				struct json_object *rv = arr(np, "vports");

				printf("    runtime: %s", s(np, "state"));
				if (json_object_object_get_ex(np, "pid", NULL))
					printf(", pid %s, up %s s", s(np, "pid"), s(np, "uptime_s"));
				for (j = 0; rv != NULL && j < json_object_array_length(rv); j++) {
					struct json_object *v = json_object_array_get_idx(rv, j);

					printf("%s%s=%s (%s)", j == 0 ? "; vports " : ", ", s(v, "vport"),
					       s(v, "interface"), s(v, "gwcore_port"));
				}
				printf("\n");
			}
			continue;
		}
		printf("  %-16s %-5s %-9s %s bit/s\n", s(sv, "name"), "link", s(sv, "state"),
		       s(sv, "bandwidth_bps"));
		for (j = 0; vps != NULL && j < json_object_array_length(vps); j++) {
			struct json_object *v = json_object_array_get_idx(vps, j);
			char what[160];
			const char *t = s(v, "type");

			if (strcmp(t, "vlan") == 0)
				snprintf(what, sizeof(what), "vlan %s on %s", s(v, "vid"), s(v, "port"));
			else if (strcmp(t, "gre") == 0)
				snprintf(what, sizeof(what), "gre to %s key %s on %s", s(v, "remote"),
					 s(v, "key"), s(v, "port"));
			else if (strcmp(t, "port") == 0)
				snprintf(what, sizeof(what), "port %s (untagged)", s(v, "port"));
			else if (strcmp(t, "trailer") == 0)
				snprintf(what, sizeof(what), "trailer apps %s-%s of terminal %s on %s",
					 s(v, "app_lo"), s(v, "app_hi"),
					 strcmp(s(v, "terminal"), "0") == 0 ? "any" : s(v, "terminal"),
					 s(v, "port"));
			else if (strcmp(t, "ipsec") == 0)
				snprintf(what, sizeof(what), "ipsec pool %s address %s on %s, %s "
					 "terminals (charon: %s)", s(v, "pool"), s(v, "address"),
					 s(v, "port"), s(v, "terminals"), s(v, "charon"));
			else
				snprintf(what, sizeof(what), "%s", t);
			printf("    %-14s -> %s.%s: %s [%s]\n", s(v, "name"), s(v, "bound_to"),
			       s(v, "bound_vport"), what,
			       strcmp(s(v, "gw_core"), "-") == 0 ? "not in gw-core" : s(v, "gw_core"));
			if (arr(v, "terminal_ids") != NULL) {
				struct json_object *ids = arr(v, "terminal_ids");
				size_t k;

				for (k = 0; k < json_object_array_length(ids); k++)
					printf("      terminal %s\n", json_object_get_string(
						json_object_array_get_idx(ids, k)));
			}
		}
	}
}

/* "LABEL reason=n, reason=n" for the non-zero reasons of 'drops'; nothing when none. */
static void
print_drops(const char *label, struct json_object *drops)
{
	bool any = false;

	if (drops == NULL || !json_object_is_type(drops, json_type_object))
		return;
	json_object_object_foreach(drops, k, v) {
		if (json_object_get_int64(v) == 0)
			continue;
		printf("%s %s=%s", any ? "," : label, k, json_object_get_string(v));
		any = true;
	}
	if (any)
		printf("\n");
}

/* Sum of the values of a drops object. */
static int64_t
drops_total(struct json_object *drops)
{
	int64_t n = 0;

	if (drops == NULL || !json_object_is_type(drops, json_type_object))
		return 0;
	json_object_object_foreach(drops, k, v) {
		(void)k;
		n += json_object_get_int64(v);
	}
	return n;
}

static void
print_stats(struct json_object *o)
{
	struct json_object *slivers = arr(o, "slivers"), *d = NULL;
	size_t i, j;

	json_object_object_get_ex(o, "drops", &d);
	printf("slice %s: rx %s pkts %s bytes, flooded %s, learned %s, dropped %lld\n",
	       s(o, "slice_id"), s(o, "rx_pkts"), s(o, "rx_bytes"), s(o, "flooded"),
	       s(o, "learned"), (long long)drops_total(d));
	printf("  %-22s %12s %14s %12s %14s %8s\n", "ENDPOINT", "RX_PKTS", "RX_BYTES", "TX_PKTS",
	       "TX_BYTES", "DROPS");
	for (i = 0; slivers != NULL && i < json_object_array_length(slivers); i++) {
		struct json_object *eps = arr(json_object_array_get_idx(slivers, i), "endpoints");

		for (j = 0; eps != NULL && j < json_object_array_length(eps); j++) {
			struct json_object *e = json_object_array_get_idx(eps, j), *ed = NULL;

			json_object_object_get_ex(e, "drops", &ed);
			printf("  %-22s %12s %14s %12s %14s %8lld\n", s(e, "gw_core_endpoint"),
			       s(e, "rx_pkts"), s(e, "rx_bytes"), s(e, "tx_pkts"), s(e, "tx_bytes"),
			       (long long)drops_total(ed));
		}
	}
	for (i = 0; slivers != NULL && i < json_object_array_length(slivers); i++) {
		struct json_object *eps = arr(json_object_array_get_idx(slivers, i), "endpoints");

		for (j = 0; eps != NULL && j < json_object_array_length(eps); j++) {
			struct json_object *e = json_object_array_get_idx(eps, j), *ed = NULL;
			char label[128];

			json_object_object_get_ex(e, "drops", &ed);
			snprintf(label, sizeof(label), "  %s drops:", s(e, "gw_core_endpoint"));
			print_drops(label, ed);
		}
	}
	d = NULL;
	json_object_object_get_ex(o, "gw_core_drops", &d);
	print_drops("  gw-core drops (all slices):", d);
}

static void
print_resources(struct json_object *o)
{
	struct json_object *g, *ports = arr(o, "ports");
	size_t i;

	json_object_object_get_ex(o, "gw_core", &g);
	printf("gw-core: %s %s (%s), connects %s%s%s\n",
	       json_object_get_boolean(json_object_object_get(g, "connected")) ? "connected"
										: "NOT REACHABLE",
	       s(g, "version"), s(g, "role"), s(g, "connects"),
	       *s(g, "last_error") != '\0' ? "; last error: " : "", s(g, "last_error"));
	if (json_object_object_get_ex(o, "charon", &g)) {
		if (!json_object_get_boolean(json_object_object_get(g, "enabled")))
			printf("charon: not used ([agw] ike = no)\n");
		else
			printf("charon: %s at %s, connects %s%s%s\n",
			       json_object_get_boolean(json_object_object_get(g, "connected"))
				       ? "connected" : "NOT REACHABLE",
			       s(g, "vici_socket"), s(g, "connects"),
			       *s(g, "last_error") != '\0' ? "; last error: " : "",
			       s(g, "last_error"));
	}
	printf("slices %s, slivers %s; VIDs %s, GRE keys %s; uplink %s, access %s\n",
	       s(o, "slices"), s(o, "slivers"), s(o, "vid_range"), s(o, "gre_key_range"),
	       s(o, "uplink_port"), s(o, "access_port"));
	printf("  %-12s %14s %14s %6s %s\n", "PORT", "CAPACITY_BPS", "RESERVED_BPS", "GRE", "VIDS");
	for (i = 0; ports != NULL && i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i);

		printf("  %-12s %14s %14s %6s %s\n", s(p, "name"), s(p, "capacity_bps"),
		       s(p, "reserved_bps"), s(p, "gre_endpoints"), s(p, "vids_used"));
	}
}

/* ---------------------------------------------------------------- main */

/* Append the string 's' to the array 'a'; the array holds the only reference to it. */
static void
append_string(xmlrpc_env *env, xmlrpc_value *a, const char *s)
{
	xmlrpc_value *v = xmlrpc_string_new(env, s);

	if (v == NULL)
		return;
	xmlrpc_array_append_item(env, a, v);
	xmlrpc_DECREF(v);
}

int
main(int argc, char **argv)
{
	const char *url = getenv("AGW_URL"), *user = getenv("AGW_USER");
	const char *pw = getenv("AGW_PASSWORD"), *pwfile = getenv("AGW_PASSWORD_FILE");
	const char *cmd, *method;
	char *pwbuf = NULL, *spec = NULL, slice[64];
	bool json = false;
	xmlrpc_env env;
	xmlrpc_client *client;
	xmlrpc_server_info *srv;
	xmlrpc_value *params, *names = NULL, *res = NULL;
	const char *targs[4];   /* add/remove-terminal: link, vport, identity[, "psk:KEY"] */
	char psk[300];
	int n_targs = 0;
	int i, rc = 0, first_name = 2;

	if (url == NULL)
		url = "http://127.0.0.1:8740/RPC2";
	if (user == NULL)
		user = "snc";
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-u") == 0 && i + 1 < argc)
			url = argv[++i];
		else if (strcmp(argv[i], "-U") == 0 && i + 1 < argc)
			user = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return usage(stdout, 0);
		else
			return usage(stderr, 2);
	}
	if (i >= argc)
		return usage(stderr, 2);
	argv += i;
	argc -= i;
	cmd = argv[0];
	if (pw == NULL && pwfile != NULL) {
		pwbuf = slurp(pwfile);
		if (pwbuf == NULL) {
			fprintf(stderr, "agwctl: cannot read AGW_PASSWORD_FILE %s\n", pwfile);
			return 2;
		}
		pwbuf[strcspn(pwbuf, "\r\n")] = '\0';
		pw = pwbuf;
	}

	xmlrpc_env_init(&env);
	params = xmlrpc_array_new(&env);
	if (strcmp(cmd, "create") == 0 && (argc == 2 || argc == 3)) {
		method = "CreateSlice";
		if (argc == 3) {
			snprintf(slice, sizeof(slice), "%s", argv[2]);
		} else {
			char *b = strdup(argv[1]), *dot, *p;

			snprintf(slice, sizeof(slice), "%s", basename(b));
			free(b);
			dot = strrchr(slice, '.');
			if (dot != NULL)
				*dot = '\0';
			for (p = slice; *p != '\0'; p++)
				if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
					*p = '-';
		}
		spec = slurp(argv[1]);
		first_name = argc;
	} else if (strcmp(cmd, "add") == 0 && argc == 3) {
		method = "Add";
		snprintf(slice, sizeof(slice), "%s", argv[1]);
		spec = slurp(argv[2]);
		first_name = argc;
	} else if ((strcmp(cmd, "run") == 0 || strcmp(cmd, "stop") == 0 ||
		    strcmp(cmd, "delete") == 0 || strcmp(cmd, "stats") == 0) && argc >= 2) {
		method = strcmp(cmd, "run") == 0 ? "Run" : strcmp(cmd, "stop") == 0 ? "Stop"
				 : strcmp(cmd, "stats") == 0 ? "Statistics"
				 : argc == 2 ? "DeleteSlice" : "Delete";
		snprintf(slice, sizeof(slice), "%s", argv[1]);
	} else if (strcmp(cmd, "status") == 0 && argc <= 2) {
		method = "Status";
		snprintf(slice, sizeof(slice), "%s", argc == 2 ? argv[1] : "all");
		first_name = argc;
	} else if ((strcmp(cmd, "add-terminal") == 0 || strcmp(cmd, "remove-terminal") == 0) &&
		   (argc == 5 || (argc == 6 && cmd[0] == 'a' && strcmp(argv[5], "--cert") == 0))) {
		method = cmd[0] == 'a' ? "AddTerminal" : "RemoveTerminal";
		snprintf(slice, sizeof(slice), "%s", argv[1]);
		first_name = argc;
		for (i = 2; i < 5; i++)
			targs[n_targs++] = argv[i];
		if (argc == 6) {
			snprintf(psk, sizeof(psk), "pubkey");   /* X.509: nothing secret */
			targs[n_targs++] = psk;
		} else if (cmd[0] == 'a') {
			const char *env_psk = getenv("AGW_TERMINAL_PSK");

			if (env_psk != NULL) {
				snprintf(psk, sizeof(psk), "psk:%s", env_psk);
			} else {
				if (isatty(0))
					fprintf(stderr, "pre-shared key for %s: ", argv[4]);
				if (fgets(psk + 4, (int)sizeof(psk) - 4, stdin) == NULL) {
					fprintf(stderr, "agwctl: no pre-shared key on stdin\n");
					return 2;
				}
				memcpy(psk, "psk:", 4);
				psk[strcspn(psk, "\r\n")] = '\0';
			}
			targs[n_targs++] = psk;
		}
	} else if (strcmp(cmd, "console") == 0 && argc == 3) {
		method = "Status";   /* where its console log is; then read here */
		snprintf(slice, sizeof(slice), "%s", argv[1]);
		first_name = argc;
	} else if (strcmp(cmd, "resources") == 0 && argc == 1) {
		method = "ResourceInfo";
		slice[0] = '\0';
		first_name = argc;
	} else {
		return usage(stderr, 2);
	}
	if ((strcmp(cmd, "create") == 0 || strcmp(cmd, "add") == 0) && spec == NULL) {
		fprintf(stderr, "agwctl: cannot read the spec %s\n",
			argv[strcmp(cmd, "create") == 0 ? 1 : 2]);
		return 2;
	}
	if (slice[0] != '\0')
		append_string(&env, params, slice);
	for (i = 0; i < n_targs; i++)
		append_string(&env, params, targs[i]);
	explicit_bzero(psk, sizeof(psk));   /* the request holds its own copy */
	if (spec != NULL)
		append_string(&env, params, spec);
	if (first_name < argc) {
		names = xmlrpc_array_new(&env);
		for (i = first_name; i < argc; i++)
			append_string(&env, names, argv[i]);
		xmlrpc_array_append_item(&env, params, names);
		xmlrpc_DECREF(names);
	}

	xmlrpc_client_setup_global_const(&env);
	{
		/* libcurl does the TLS: verification on, our CA and certificate if given */
		struct xmlrpc_curl_xportparms xp = {
			.cainfo = getenv("AGW_CACERT"),
			.ssl_cert = getenv("AGW_CERT"),
			.sslkey = getenv("AGW_KEY"),
		};
		struct xmlrpc_clientparms cp = {
			.transport = "curl",
			.transportparmsP = &xp,
			.transportparm_size = XMLRPC_CXPSIZE(sslkey) > XMLRPC_CXPSIZE(cainfo)
						      ? XMLRPC_CXPSIZE(sslkey)
						      : XMLRPC_CXPSIZE(cainfo),
		};

		xmlrpc_client_create(&env, XMLRPC_CLIENT_NO_FLAGS, "agwctl", "0.1", &cp,
				     XMLRPC_CPSIZE(transportparm_size), &client);
	}
	srv = xmlrpc_server_info_new(&env, url);
	if (pw != NULL) {
		xmlrpc_server_info_set_user(&env, srv, user, pw);
		xmlrpc_server_info_allow_auth_basic(&env, srv);
	}
	if (env.fault_occurred) {
		fprintf(stderr, "agwctl: %s\n", env.fault_string);
		return 2;
	}
	xmlrpc_client_call2(&env, client, srv, method, params, &res);
	if (env.fault_occurred) {
		/* faults of ours are >= 0; xmlrpc-c's transport and HTTP errors are negative */
		if (env.fault_code >= 0) {
			const char *m = env.fault_string, *pre = "RPC failed at server.";

			if (strncmp(m, pre, strlen(pre)) == 0)
				m += strlen(pre);
			while (*m == ' ')
				m++;
			fprintf(stderr, "agwctl: %s\n", m);
			rc = 1;
		} else {
			fprintf(stderr, "agwctl: %s: %s%s\n", url, env.fault_string,
				strstr(env.fault_string, "401") != NULL
					? " (credentials refused: set AGW_PASSWORD or AGW_PASSWORD_FILE)"
					: "");
			rc = 2;
		}
	} else {
		xmlrpc_mem_block *out = XMLRPC_MEMBLOCK_NEW(char, &env, 0);
		struct json_object *o;

		xmlrpc_serialize_json(&env, res, out);
		XMLRPC_MEMBLOCK_APPEND(char, &env, out, "", 1);
		o = json_tokener_parse(XMLRPC_MEMBLOCK_CONTENTS(char, out));
		if (json || o == NULL) {
			printf("%s\n", o != NULL ? json_object_to_json_string_ext(
							   o, JSON_C_TO_STRING_PRETTY |
								      JSON_C_TO_STRING_SPACED)
						 : XMLRPC_MEMBLOCK_CONTENTS(char, out));
		} else if (strcmp(method, "Status") == 0 && arr(o, "slices") != NULL) {
			struct json_object *a = arr(o, "slices");

			if (json_object_array_length(a) == 0)
				printf("no slices\n");
			for (i = 0; i < (int)json_object_array_length(a); i++)
				print_slice(json_object_array_get_idx(a, (size_t)i));
		} else if (strcmp(cmd, "console") == 0) {
			rc = print_console(o, argv[2]);
		} else if (strcmp(method, "Statistics") == 0) {
			print_stats(o);
		} else if (strcmp(method, "ResourceInfo") == 0) {
			print_resources(o);
		} else if (strcmp(method, "DeleteSlice") == 0) {
			printf("slice %s deleted\n", slice);
		} else {
			print_slice(o);
		}
		json_object_put(o);
		XMLRPC_MEMBLOCK_FREE(char, out);
		xmlrpc_DECREF(res);
	}
	xmlrpc_DECREF(params);
	xmlrpc_server_info_free(srv);
	xmlrpc_client_destroy(client);
	xmlrpc_client_teardown_global_const();
	xmlrpc_env_clean(&env);
	free(spec);
	free(pwbuf);
	return rc;
}
