/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * agw-trailer: the terminal-side tagging tool of the trailer front end (seed 003
 * section 3.1, Figure 3(B); docs/trailer.md, docs/agw-trailer.md). It loads the tc BPF
 * program agw_trailer.bpf.c (embedded in this binary), fills its maps from a small
 * config (terminal ID, key, and per application an ID and the cgroups or destination
 * ports that select its packets) and attaches it to an interface's egress.
 *
 *   agw-trailer attach [-c CONF]             load, configure, attach (replaces a previous one)
 *   agw-trailer detach [-c CONF | -i IFACE]
 *   agw-trailer status [-c CONF | -i IFACE] [--json]
 *   agw-trailer app-id NAME                  the name-hash app ID of NAME
 *
 * Works in the caller's network namespace. Config: GLib key file (INI), read with
 * GKeyFile. The key never appears in output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <glib.h>
#include <linux/magic.h>
#include <netinet/in.h>

#include "agw_trailer.h"
#include "trl.h"
#include "trl_auth.h"

#define DEFAULT_CONF "/etc/agw/trailer.conf"
#define TC_HANDLE 0xa6e7   /* our filter's handle and priority on the egress hook */
#define TC_PRIO 1

/* The BPF object, linked in by agw_trailer_obj.S. */
extern const unsigned char atr_bpf_obj[], atr_bpf_obj_end[];

static const char *const stat_names[ATR_STAT_MAX] = ATR_STAT_NAMES;

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("agw-trailer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ------------------------------------------------------------------ config */

struct app {
	char *name;
	uint32_t id;
	GPtrArray *cgroups;      /* paths */
	GArray *ports;           /* struct atr_port_key */
	GArray *cgroup_ids;      /* uint64_t, as resolved */
};

struct conf {
	char *path;
	char *ifname;
	bool strip_ingress;      /* also attach atr_ingress */
	struct atr_cfg cfg;
	bool has_key;
	GPtrArray *apps;         /* struct app * */
};

/* Free what conf_load() allocated in 'c' (the struct itself is the caller's). */
static void
conf_free(struct conf *c)
{
	guint i;

	for (i = 0; c->apps != NULL && i < c->apps->len; i++) {
		struct app *a = g_ptr_array_index(c->apps, i);

		g_free(a->name);
		g_ptr_array_free(a->cgroups, TRUE);
		g_array_free(a->ports, TRUE);
		g_array_free(a->cgroup_ids, TRUE);
		g_free(a);
	}
	if (c->apps != NULL)
		g_ptr_array_free(c->apps, TRUE);
	g_free(c->path);
	g_free(c->ifname);
	memset(c, 0, sizeof(*c));
}

/* A key file integer in [lo, hi], or 'def' when absent. */
static uint64_t
conf_uint(GKeyFile *kf, const char *path, const char *sec, const char *key, uint64_t def,
	  uint64_t lo, uint64_t hi)
{
	g_autofree char *s = g_key_file_get_value(kf, sec, key, NULL);
	char *end;
	unsigned long long v;

	if (s == NULL)
		return def;
	g_strstrip(s);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < lo || v > hi)
		die("%s: [%s] %s = '%s': expected a number from %llu to %llu", path, sec, key, s,
		    (unsigned long long)lo, (unsigned long long)hi);
	return v;
}

/* A key file yes/no (or true/false), or 'def' when absent. */
static bool
conf_bool(GKeyFile *kf, const char *path, const char *sec, const char *key, bool def)
{
	g_autofree char *s = g_key_file_get_value(kf, sec, key, NULL);

	if (s == NULL)
		return def;
	g_strstrip(s);
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0)
		return true;
	if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0)
		return false;
	die("%s: [%s] %s = '%s': expected yes or no", path, sec, key, s);
	return def;
}

/* "tcp/5001", "udp/53" or "5001" (both protocols) into 'a->ports'. */
static void
parse_port(const char *path, struct app *a, const char *spec)
{
	struct atr_port_key k = { 0 };
	const char *num = spec;
	char *end;
	unsigned long v;
	int protos[2] = { IPPROTO_TCP, IPPROTO_UDP }, np = 2, i;

	if (g_str_has_prefix(spec, "tcp/")) {
		np = 1;
		num = spec + 4;
	} else if (g_str_has_prefix(spec, "udp/")) {
		protos[0] = IPPROTO_UDP;
		np = 1;
		num = spec + 4;
	}
	errno = 0;
	v = strtoul(num, &end, 10);
	if (errno != 0 || end == num || *end != '\0' || v == 0 || v > 65535)
		die("%s: [app %s] dst_port '%s': expected PORT, tcp/PORT or udp/PORT (1-65535)",
		    path, a->name, spec);
	for (i = 0; i < np; i++) {
		k.proto = protos[i];
		k.dport = htons((uint16_t)v);
		g_array_append_val(a->ports, k);
	}
}

/* The cgroup v2 ID of a cgroup directory: its file handle (the ID the kernel gives BPF). */
static uint64_t
cgroup_id(const char *conf, const char *app, const char *dir)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	struct statfs sfs;
	int mount_id;

	if (statfs(dir, &sfs) != 0)
		die("%s: [app %s] cgroup %s: %s (create it first, e.g. mkdir, or "
		    "systemd-run --scope --unit NAME)", conf, app, dir, strerror(errno));
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		die("%s: [app %s] cgroup %s is not on a cgroup v2 file system: sockets are "
		    "matched by their v2 cgroup (/sys/fs/cgroup, or /sys/fs/cgroup/unified on "
		    "hybrid systems)", conf, app, dir);
	if (name_to_handle_at(AT_FDCWD, dir, &h.fh, &mount_id, 0) != 0)
		die("%s: [app %s] cgroup %s: cannot read its ID: %s", conf, app, dir, strerror(errno));
	return h.id;
}

/* The terminal's key: 'key' (hex) or 'key_file' (a file holding the hex). */
static void
conf_key(GKeyFile *kf, struct conf *c)
{
	g_autofree char *hex = g_key_file_get_value(kf, "trailer", "key", NULL);
	g_autofree char *file = g_key_file_get_value(kf, "trailer", "key_file", NULL);
	uint8_t key[TRL_KEY_MAX];
	int n;

	if (hex && file)
		die("%s: [trailer] has both key and key_file: keep one", c->path);
	if (file) {
		GError *err = NULL;

		g_strstrip(file);
		if (!g_file_get_contents(file, &hex, NULL, &err))
			die("%s: [trailer] key_file: %s", c->path, err->message);
	}
	if (hex == NULL)
		return;
	g_strstrip(hex);
	n = trl_key_from_hex(hex, key);
	if (n < 0)
		die("%s: [trailer] key: expected %d to %d bytes as hex digits (the key "
		    "the operator set for this terminal in the slice spec)", c->path,
		    TRL_KEY_MIN, TRL_KEY_MAX);
	if (n < TRL_KEY_MIN)
		die("%s: [trailer] key: %d bytes; at least %d are needed", c->path, n, TRL_KEY_MIN);
	if (trl_hmac_pads_init(&c->cfg.pads, key, (unsigned int)n) != 0)
		die("%s: [trailer] key: not usable", c->path);
	memset(key, 0, sizeof(key));
	c->cfg.auth = 1;
	c->has_key = true;
}

static void
conf_load(struct conf *c, const char *path, bool resolve)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_auto(GStrv) groups = NULL;
	g_autofree char *mode = NULL;
	GError *err = NULL;
	gsize i;

	memset(c, 0, sizeof(*c));
	c->path = g_strdup(path);
	c->apps = g_ptr_array_new();
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err))
		die("%s: %s (see docs/agw-trailer.md for the format)", path, err->message);
	if (!g_key_file_has_group(kf, "trailer"))
		die("%s: no [trailer] section (interface, terminal)", path);
	c->ifname = g_key_file_get_value(kf, "trailer", "interface", NULL);
	if (c->ifname == NULL)
		die("%s: [trailer] interface is missing: the interface whose egress is tagged", path);
	g_strstrip(c->ifname);
	c->cfg.terminal_id = (uint32_t)conf_uint(kf, path, "trailer", "terminal", 0, 1, UINT32_MAX);
	if (c->cfg.terminal_id == 0)
		die("%s: [trailer] terminal is missing: this terminal's ID, from the operator", path);
	c->cfg.path_mtu = (uint32_t)conf_uint(kf, path, "trailer", "path_mtu", 1500, 68, 65535);
	c->cfg.refresh_ns = conf_uint(kf, path, "trailer", "refresh_s", 30, 1, 86400) * 1000000000ull;
	c->strip_ingress = conf_bool(kf, path, "trailer", "strip_ingress", true);
	mode = g_key_file_get_value(kf, "trailer", "mode", NULL);
	if (mode == NULL || strcmp(g_strstrip(mode), "every") == 0)
		c->cfg.mode = ATR_MODE_EVERY;
	else if (strcmp(mode, "flow-start") == 0)
		c->cfg.mode = ATR_MODE_FLOW_START;
	else
		die("%s: [trailer] mode = '%s': expected every or flow-start", path, mode);
	if (resolve)
		conf_key(kf, c);

	groups = g_key_file_get_groups(kf, NULL);
	for (i = 0; groups[i]; i++) {
		g_auto(GStrv) cgs = NULL, ports = NULL;
		struct app *a;
		gsize j;

		if (strcmp(groups[i], "trailer") == 0)
			continue;
		if (!g_str_has_prefix(groups[i], "app "))
			die("%s: unknown section [%s]: expected [trailer] or [app NAME]", path, groups[i]);
		a = g_new0(struct app, 1);
		a->name = g_strstrip(g_strdup(groups[i] + 4));
		a->ports = g_array_new(FALSE, TRUE, sizeof(struct atr_port_key));
		a->cgroup_ids = g_array_new(FALSE, TRUE, sizeof(uint64_t));
		a->cgroups = g_ptr_array_new_with_free_func(g_free);
		a->id = (uint32_t)conf_uint(kf, path, groups[i], "id", 0, 1, UINT32_MAX);
		if (a->id == 0)
			a->id = trl_app_id_hash(a->name); /* docs/trailer.md, Application IDs */
		cgs = g_key_file_get_string_list(kf, groups[i], "cgroup", NULL, NULL);
		ports = g_key_file_get_string_list(kf, groups[i], "dst_port", NULL, NULL);
		for (j = 0; cgs && cgs[j]; j++) {
			char *p = g_strstrip(cgs[j]);

			if (*p == '\0')
				continue;
			g_ptr_array_add(a->cgroups, g_strdup(p));
			if (resolve) {
				uint64_t id = cgroup_id(path, a->name, p);

				g_array_append_val(a->cgroup_ids, id);
			}
		}
		for (j = 0; ports && ports[j]; j++)
			if (*g_strstrip(ports[j]) != '\0')
				parse_port(path, a, ports[j]);
		if (a->cgroups->len == 0 && a->ports->len == 0)
			die("%s: [app %s] selects nothing: give cgroup = PATH and/or dst_port = PORT",
			    path, a->name);
		g_ptr_array_add(c->apps, a);
	}
	if (c->apps->len == 0)
		die("%s: no [app NAME] section: nothing would be tagged", path);
}

/* ------------------------------------------------------------------ tc */

static bool libbpf_quiet; /* set while an expected error (the qdisc exists) may come */

static int
libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || libbpf_quiet)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int
ifindex_of(const char *ifname)
{
	unsigned int ix = if_nametoindex(ifname);

	if (ix == 0)
		die("interface %s: %s (in this network namespace)", ifname, strerror(errno));
	return (int)ix;
}

static int
if_mtu(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = -1;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd >= 0 && ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	if (fd >= 0)
		close(fd);
	return mtu;
}

static void
map_put(struct bpf_object *obj, const char *name, const void *k, const void *v)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	if (m == NULL || bpf_map_update_elem(bpf_map__fd(m), k, v, BPF_ANY) != 0)
		die("map %s: cannot store an entry: %s (more than %d apps?)", name,
		    strerror(errno), ATR_MAX_APPS);
}

/* Attach 'prog_fd' to the hook, replacing our filter there if any. */
static void
tc_attach(const char *ifname, int ifindex, enum bpf_tc_attach_point at, int prog_fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = at);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = TC_HANDLE, .priority = TC_PRIO, .prog_fd = prog_fd,
		    .flags = BPF_TC_F_REPLACE);
	int err;

	libbpf_quiet = true;
	err = bpf_tc_hook_create(&hook);   /* the clsact qdisc; it may exist */
	libbpf_quiet = false;
	if (err != 0 && err != -EEXIST)
		die("%s: cannot add the clsact qdisc: %s", ifname, strerror(-err));
	err = bpf_tc_attach(&hook, &to);
	if (err != 0)
		die("%s: cannot attach to %s: %s", ifname, at == BPF_TC_EGRESS ? "egress" : "ingress",
		    strerror(-err));
}

/* Remove our filter from the hook. @return 0, or -ENOENT when there was none. */
static int
tc_detach(int ifindex, enum bpf_tc_attach_point at)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = at);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = TC_HANDLE, .priority = TC_PRIO);
	int err;

	libbpf_quiet = true;
	err = bpf_tc_detach(&hook, &to);
	libbpf_quiet = false;
	return err == -EINVAL ? -ENOENT : err;
}

static int
cmd_attach(struct conf *c)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "agw_trailer");
	struct bpf_object *obj;
	int ifindex = ifindex_of(c->ifname), err, mtu, n = c->cfg.auth ? TRL_LEN_AUTH : TRL_LEN;
	uint32_t zero = 0;
	unsigned int i, j;

	obj = bpf_object__open_mem(atr_bpf_obj, (size_t)(atr_bpf_obj_end - atr_bpf_obj), &oo);
	if (obj == NULL)
		die("cannot open the embedded BPF object: %s", strerror(errno));
	err = bpf_object__load(obj);
	if (err != 0)
		die("the kernel refused the BPF program: %s (root, or CAP_BPF and CAP_NET_ADMIN, "
		    "is needed; the verifier's log is above)", strerror(-err));
	map_put(obj, "atr_cfg", &zero, &c->cfg);
	for (i = 0; i < c->apps->len; i++) {
		struct app *a = g_ptr_array_index(c->apps, i);

		for (j = 0; j < a->cgroup_ids->len; j++)
			map_put(obj, "atr_cgroup", &g_array_index(a->cgroup_ids, uint64_t, j), &a->id);
		for (j = 0; j < a->ports->len; j++)
			map_put(obj, "atr_port", &g_array_index(a->ports, struct atr_port_key, j), &a->id);
	}
	tc_attach(c->ifname, ifindex, BPF_TC_EGRESS,
		  bpf_program__fd(bpf_object__find_program_by_name(obj, "atr_egress")));
	if (c->strip_ingress)
		tc_attach(c->ifname, ifindex, BPF_TC_INGRESS,
			  bpf_program__fd(bpf_object__find_program_by_name(obj, "atr_ingress")));
	else
		tc_detach(ifindex, BPF_TC_INGRESS);
	printf("agw-trailer: %s: terminal %u, %s, %s, path MTU %u%s\n", c->ifname,
	       c->cfg.terminal_id,
	       c->cfg.mode == ATR_MODE_EVERY ? "every packet tagged" : "flow-opening packets tagged",
	       c->cfg.auth ? "authenticated (24-byte trailer)" : "no tag (16-byte trailer)",
	       c->cfg.path_mtu, c->strip_ingress ? ", re-appended trailers stripped on ingress" : "");
	for (i = 0; i < c->apps->len; i++) {
		struct app *a = g_ptr_array_index(c->apps, i);

		printf("  app %s: id %u (0x%08x)", a->name, a->id, a->id);
		for (j = 0; j < a->cgroups->len; j++)
			printf(", cgroup %s", (char *)g_ptr_array_index(a->cgroups, j));
		for (j = 0; j < a->ports->len; j++) {
			struct atr_port_key *k = &g_array_index(a->ports, struct atr_port_key, j);

			printf(", %s/%u", k->proto == IPPROTO_TCP ? "tcp" : "udp", ntohs(k->dport));
		}
		putchar('\n');
	}
	fflush(stdout);
	mtu = if_mtu(c->ifname);
	if (mtu > 0 && (unsigned int)mtu + n > c->cfg.path_mtu)
		fprintf(stderr, "agw-trailer: warning: %s has MTU %d: full-sized packets leave "
			"untagged (counted as too_big). Make room: ip link set %s mtu %u\n",
			c->ifname, mtu, c->ifname, c->cfg.path_mtu - n);
	/* The filter holds the program and its maps; this process may go. */
	bpf_object__close(obj);
	return 0;
}

static int
cmd_detach(const char *ifname)
{
	int ifindex = ifindex_of(ifname);
	int eg = tc_detach(ifindex, BPF_TC_EGRESS), in = tc_detach(ifindex, BPF_TC_INGRESS);

	if (eg != 0 && eg != -ENOENT)
		die("%s: cannot detach from egress: %s", ifname, strerror(-eg));
	if (in != 0 && in != -ENOENT)
		die("%s: cannot detach from ingress: %s", ifname, strerror(-in));
	printf("agw-trailer: %s: %s\n", ifname, eg == 0 || in == 0 ? "detached" : "not attached");
	return 0;
}

/* The fd of the attached program's map 'name', or -1. */
static int
attached_map(int prog_fd, const char *name)
{
	struct bpf_prog_info pi = { 0 };
	uint32_t ids[16], len = sizeof(pi), i;

	pi.nr_map_ids = 16;
	pi.map_ids = (uint64_t)(uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &pi, &len) != 0)
		return -1;
	for (i = 0; i < pi.nr_map_ids && i < 16; i++) {
		struct bpf_map_info mi = { 0 };
		uint32_t mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen) == 0 && strcmp(mi.name, name) == 0)
			return fd;
		close(fd);
	}
	return -1;
}

static int
cmd_status(const char *ifname, bool json)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex_of(ifname), .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, to, .handle = TC_HANDLE, .priority = TC_PRIO);
	int ncpu = libbpf_num_possible_cpus(), prog_fd, stats_fd, cfg_fd, i, cpu, err;
	uint64_t sum[ATR_STAT_MAX] = { 0 }, *vals;
	struct atr_cfg cfg = { 0 };
	uint32_t zero = 0;

	libbpf_quiet = true;
	err = bpf_tc_query(&hook, &to);
	libbpf_quiet = false;
	if (err != 0) {
		if (json)
			printf("{\"interface\":\"%s\",\"attached\":false}\n", ifname);
		else
			printf("agw-trailer: %s: not attached\n", ifname);
		return 3;
	}
	prog_fd = bpf_prog_get_fd_by_id(to.prog_id);
	if (prog_fd < 0)
		die("%s: cannot open the attached program %u: %s", ifname, to.prog_id, strerror(errno));
	stats_fd = attached_map(prog_fd, "atr_stats");
	cfg_fd = attached_map(prog_fd, "atr_cfg");
	if (stats_fd < 0 || cfg_fd < 0 || ncpu <= 0)
		die("%s: the attached program (id %u) is not agw-trailer's", ifname, to.prog_id);
	bpf_map_lookup_elem(cfg_fd, &zero, &cfg);
	vals = calloc((size_t)ncpu, sizeof(*vals));
	for (i = 0; i < ATR_STAT_MAX; i++) {
		uint32_t k = (uint32_t)i;

		if (vals && bpf_map_lookup_elem(stats_fd, &k, vals) == 0)
			for (cpu = 0; cpu < ncpu; cpu++)
				sum[i] += vals[cpu];
	}
	free(vals);
	if (json) {
		printf("{\"interface\":\"%s\",\"attached\":true,\"prog_id\":%u,\"terminal\":%u,"
		       "\"mode\":\"%s\",\"auth\":%s,\"path_mtu\":%u,\"counters\":{", ifname,
		       to.prog_id, cfg.terminal_id,
		       cfg.mode == ATR_MODE_EVERY ? "every" : "flow-start",
		       cfg.auth ? "true" : "false", cfg.path_mtu);
		for (i = 0; i < ATR_STAT_MAX; i++)
			printf("%s\"%s\":%llu", i ? "," : "", stat_names[i], (unsigned long long)sum[i]);
		printf("}}\n");
	} else {
		printf("agw-trailer: %s: attached (prog %u), terminal %u, %s, auth %s, path MTU %u\n",
		       ifname, to.prog_id, cfg.terminal_id,
		       cfg.mode == ATR_MODE_EVERY ? "every" : "flow-start", cfg.auth ? "on" : "off",
		       cfg.path_mtu);
		for (i = 0; i < ATR_STAT_MAX; i++)
			printf("  %-13s %llu\n", stat_names[i], (unsigned long long)sum[i]);
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: agw-trailer attach [-c CONF]\n"
		"       agw-trailer detach [-c CONF | -i IFACE]\n"
		"       agw-trailer status [-c CONF | -i IFACE] [--json]\n"
		"       agw-trailer app-id NAME\n"
		"Appends AGW trailers (application ID, terminal ID, optional tag) to this\n"
		"terminal's packets on an interface's egress (tc BPF). CONF defaults to %s;\n"
		"see docs/agw-trailer.md. status exits 3 when nothing is attached.\n",
		DEFAULT_CONF);
}

int
main(int argc, char **argv)
{
	const char *conf_path = DEFAULT_CONF, *ifname = NULL, *cmd;
	bool json = false;
	struct conf c;
	int i, rc;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	libbpf_set_print(libbpf_print);
	if (strcmp(cmd, "app-id") == 0) {
		if (argc != 3) {
			usage(stderr);
			return 2;
		}
		printf("%u\n", trl_app_id_hash(argv[2]));
		return 0;
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			conf_path = argv[++i];
		} else if (strcmp(argv[i], "-i") == 0 && i + 1 < argc) {
			ifname = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else {
			fprintf(stderr, "agw-trailer: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (strcmp(cmd, "attach") == 0) {
		if (ifname)
			die("attach takes the interface from the config ([trailer] interface), not -i");
		conf_load(&c, conf_path, true);
		rc = cmd_attach(&c);
		conf_free(&c);
		return rc;
	}
	if (strcmp(cmd, "detach") != 0 && strcmp(cmd, "status") != 0) {
		usage(stderr);
		return 2;
	}
	memset(&c, 0, sizeof(c));
	if (ifname == NULL) {
		conf_load(&c, conf_path, false);
		ifname = c.ifname;
	}
	rc = strcmp(cmd, "detach") == 0 ? cmd_detach(ifname) : cmd_status(ifname, json);
	conf_free(&c);
	return rc;
}
