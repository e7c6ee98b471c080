/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON forms of the manager's answers (mgr_ops.h): a slice's status, its
 * statistics merged from gw-core's counters, the AGW's resources. Built from the
 * registry and the daemons' answers; no I/O, no locking (the caller holds the locks
 * mgr_ops.h names). A front end converts them to its wire format.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agw_json.h"
#include "mgr_ep.h"
#include "mgr_ops.h"
#include "mgr_plan.h"
#include "nsl.h"

/* ---------------------------------------------------------------- status */

static struct json_object *
kv_struct(const struct mgr_kvs *kv)
{
	struct json_object *o = json_object_new_object();
	unsigned int i;

	for (i = 0; i < kv->n; i++)
		agw_json_add_str(o, kv->v[i].key, kv->v[i].value);
	return o;
}

/*
 * A node sliver's runtime as it is now, looked at on disk and in /proc (not as the
 * registry remembers it): {"state": running|stopped|failed: WHY, pid, uptime_s,
 * console, netns, vports[]}. *alive: its process runs.
 */
static struct json_object *
node_runtime(const struct mgr *m, const char *slice, const struct mgr_sliver *s, bool *alive)
{
	struct json_object *r = json_object_new_object(), *vps;
	char why[NSL_ERR_MAX], st[NSL_ERR_MAX + 16];
	struct nsl_proc p;
	unsigned int i;

	nsl_proc_find(&m->conf.nsl, slice, s->name, &p);
	*alive = p.running && s->state == MGR_EXECUTED;
	nsl_failed_reason(&m->conf.nsl, slice, s->name, why, sizeof(why));
	if (*alive)
		snprintf(st, sizeof(st), p.connected ? "running" : "booting");
	else if (s->state == MGR_EXECUTED)
		snprintf(st, sizeof(st), "failed: its process is gone (the monitor stops it)");
	else if (why[0] != '\0')
		snprintf(st, sizeof(st), "failed: %s", why);
	else
		snprintf(st, sizeof(st), "stopped");
	agw_json_add_str(r, "state", st);
	agw_json_add_str(r, "flavour", nsl_flavour_of(s->instance) == NSL_VM ? "vm" : "container");
	if (nsl_flavour_of(s->instance) == NSL_VM)
		agw_json_add_str(r, "accel", nsl_vm_accel(&m->conf.nsl));
	if (*alive) {
		char list[200];

		if (p.cpus != 0) {   /* cpumode=dedicated: its cores */
			nsl_cpus_str(p.cpus, list, sizeof(list));
			agw_json_add_str(r, "cpus", list);
		}
		agw_json_add_int(r, "pid", p.pid);
		agw_json_add_int(r, "uptime_s", (int64_t)time(NULL) - p.started);
		agw_json_add_str(r, "netns", p.netns);
		vps = json_object_new_array();
		for (i = 0; i < s->n_vports; i++) {
			struct json_object *v = json_object_new_object();
			struct nsl_vport_names nm;

			nsl_vport_names(slice, s->name, s->vports[i].name, i, &nm);
			agw_json_add_str(v, "vport", s->vports[i].name);
			if (nsl_vports_vhost(s->instance, &s->params)) {
				char sock[48];

				/* a VM's NIC, or a container's DPDK program's socket */
				snprintf(sock, sizeof(sock), "/run/agw/%s.sock", nm.ifname);
				if (nsl_flavour_of(s->instance) == NSL_CONTAINER)
					agw_json_add_str(v, "socket", sock);
			} else {
				agw_json_add_str(v, "interface", nm.ifname);
			}
			agw_json_add_str(v, "mac", nm.mac);
			agw_json_add_str(v, "gwcore_port", nm.port);
			json_object_array_add(vps, v);
		}
		json_object_object_add(r, "vports", vps);
	}
	if (access(p.console, F_OK) == 0)
		agw_json_add_str(r, "console", p.console);
	return r;
}

static struct json_object *
sliver_status(const struct mgr *m, const char *slice, const struct mgr_sliver *s)
{
	bool gwc_up = mgr_gwc_up(&m->gwc), ike_up = mgr_charon_up(&m->charon), alive = true;
	struct json_object *o = json_object_new_object(), *vps = json_object_new_array();
	struct json_object *rt = NULL;
	unsigned int i;

	/* State is the truth: a node sliver whose process is gone is not executed */
	if (s->kind == MGR_NODE && nsl_flavour_of(s->instance) != NSL_NONE)
		rt = node_runtime(m, slice, s, &alive);
	agw_json_add_str(o, "name", s->name);
	agw_json_add_str(o, "kind", s->kind == MGR_LINK ? "link" : "node");
	agw_json_add_str(o, "state", mgr_state_name(s->state == MGR_EXECUTED && !alive ?
						     MGR_CREATED : s->state));
	if (rt != NULL)
		json_object_object_add(o, "runtime", rt);
	json_object_object_add(o, "resources", kv_struct(&s->resources));
	if (s->kind == MGR_NODE) {
		const char *role = strcmp(s->type, "_super") == 0 ? "network (_super)"
				   : strcmp(s->instance, "Terminal") == 0 ? "terminal"
									    : "node sliver";

		agw_json_add_str(o, "role", role);
		if (s->instance[0] != '\0')
			agw_json_add_str(o, "instance", s->instance);
		json_object_object_add(o, "params", kv_struct(&s->params));
		if (nsl_flavour_of(s->instance) != NSL_NONE) {
			struct nsl_plan p;
			struct json_object *n;

			/* what it takes and boots, as planned (the image server as configured now) */
			if (nsl_plan_node(&m->conf.nsl, s->name, s->instance, &s->resources,
					  &s->params, &p, NULL) == 0) {
				n = json_object_new_object();
				agw_json_add_str(n, "flavour", p.flavour == NSL_VM ? "vm" : "container");
				agw_json_add_int(n, "cpus", p.need.cpus);
				agw_json_add_int(n, "memory_mib", (int64_t)p.need.memory_mib);
				agw_json_add_int(n, "disk_mib", (int64_t)p.need.disk_mib);
				agw_json_add_str(n, "cpumode", p.dedicated ? "dedicated" : "shared");
				if (p.image_url[0] != '\0')
					agw_json_add_str(n, "image", p.image_url);
				if (p.kernel_url[0] != '\0')
					agw_json_add_str(n, "kernel", p.kernel_url);
				json_object_object_add(o, "node_plan", n);
			}
		}
	} else {
		agw_json_add_int(o, "bandwidth_bps", (int64_t)s->bandwidth_bps);
	}
	for (i = 0; i < s->n_vports; i++) {
		const struct mgr_vport *vp = &s->vports[i];
		const struct mgr_ep *ep = &vp->ep;
		struct json_object *v = json_object_new_object();
		char name[2 * MGR_NAME_MAX];

		agw_json_add_str(v, "name", vp->name);
		if (s->kind == MGR_LINK) {
			mgr_ep_to_json(v, ep);
			if (mgr_ep_in_gwc(ep->type)) {
				snprintf(name, sizeof(name), "%s.%s", s->name, vp->name);
				agw_json_add_str(v, "gw_core_endpoint", name);
				agw_json_add_str(v, "gw_core",
					s->state != MGR_EXECUTED ? "not programmed (created)"
					: gwc_up ? "programmed" : "pending (gw-core unreachable)");
			}
			if (ep->type == MGR_EP_IPSEC) {
				struct json_object *ids = json_object_new_array();
				unsigned int k;

				/* identities only: the keys stay in the store and charon */
				for (k = 0; k < vp->params.n; k++) {
					const char *tid = mgr_terminal_of(vp->params.v[k].key);

					if (tid != NULL)
						json_object_array_add(ids, json_object_new_string(tid));
				}
				json_object_object_add(v, "terminal_ids", ids);
				agw_json_add_str(v, "charon",
					s->state != MGR_EXECUTED ? "not loaded (created)"
					: ike_up ? "loaded" : "pending (charon unreachable)");
			}
		}
		json_object_array_add(vps, v);
	}
	json_object_object_add(o, "vports", vps);
	return o;
}

struct json_object *
mgr_report_slice(const struct mgr *m, const struct mgr_slice *sl)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	unsigned int i, executed = 0;

	agw_json_add_str(o, "slice_id", sl->id);
	agw_json_add_str(o, "state", "created");   /* seed 000: a slice is non-existing or created */
	agw_json_add_str(o, "spec_class", sl->spec_class);
	agw_json_add_str(o, "owner", sl->owner[0] != '\0' ? sl->owner : m->conf.user);
	agw_json_add_int(o, "created", sl->created);
	for (i = 0; i < sl->n_slivers; i++) {
		struct json_object *so = sliver_status(m, sl->id, &sl->slivers[i]);

		/* as reported: a node sliver whose process is gone is not counted executed */
		executed += strcmp(agw_json_str(so, "state"), "executed") == 0;
		json_object_array_add(a, so);
	}
	agw_json_add_int(o, "slivers_executed", executed);
	agw_json_add_int(o, "slivers_created", sl->n_slivers - executed);
	json_object_object_add(o, "slivers", a);
	return o;
}

/* ---------------------------------------------------------------- statistics */

static struct json_object *
pick(struct json_object *o, const char *const *keys)
{
	struct json_object *r = json_object_new_object(), *v;

	for (; *keys != NULL; keys++)
		if (json_object_object_get_ex(o, *keys, &v))
			json_object_object_add(r, *keys, json_object_get(v));
	return r;
}

/* Add the numbers of object 'from' to those of the same keys in 'to' ('keys' NULL: all). */
static void
numbers_add(struct json_object *to, struct json_object *from, const char *const *keys)
{
	struct json_object *cur;

	json_object_object_foreach(from, k, n) {
		const char *const *kk;
		int64_t v;

		for (kk = keys; kk != NULL && *kk != NULL && strcmp(*kk, k) != 0; kk++)
			;
		if ((kk != NULL && *kk == NULL) || !json_object_is_type(n, json_type_int))
			continue;
		v = json_object_get_int64(n);
		if (json_object_object_get_ex(to, k, &cur))
			v += json_object_get_int64(cur);
		agw_json_add_int(to, k, v);
	}
}

/* The slice's drops by reason: the sum of its gw-core endpoints' "drops" objects. */
static struct json_object *
drops_sum(struct json_object *eps)
{
	struct json_object *sum = json_object_new_object(), *d;
	size_t x;

	for (x = 0; eps != NULL && x < json_object_array_length(eps); x++)
		if (json_object_object_get_ex(json_object_array_get_idx(eps, x), "drops", &d))
			numbers_add(sum, d, NULL);
	return sum;
}

/*
 * An ipsec link vport's traffic flows through its terminals' endpoints (ike-REQID,
 * added by kernel-agw with link = the vport's endpoint): add theirs to 'eo' and count
 * them as "terminal_tunnels".
 */
static void
ipsec_terminals_add(struct json_object *eo, struct json_object *eps, const char *name)
{
	static const char *const nums[] = { "rx_pkts", "rx_bytes", "tx_pkts", "tx_bytes", NULL };
	struct json_object *lv, *d, *ed;
	int64_t n = 0;
	size_t x;

	for (x = 0; eps != NULL && x < json_object_array_length(eps); x++) {
		struct json_object *c = json_object_array_get_idx(eps, x);

		if (!json_object_object_get_ex(c, "link", &lv) ||
		    strcmp(json_object_get_string(lv), name) != 0)
			continue;
		numbers_add(eo, c, nums);
		if (json_object_object_get_ex(c, "drops", &d) &&
		    json_object_object_get_ex(eo, "drops", &ed))
			numbers_add(ed, d, NULL);
		n++;
	}
	agw_json_add_int(eo, "terminal_tunnels", n);
}

struct json_object *
mgr_report_statistics(const struct mgr_slice *sl, const char *const *names, unsigned int n,
		      struct json_object *gs, struct json_object *drops)
{
	static const char *const slice_keys[] = { "rx_pkts", "rx_bytes", "flooded", "learned",
						  NULL };
	static const char *const ep_keys[] = { "rx_pkts", "rx_bytes", "tx_pkts", "tx_bytes",
					       "drops", "police_rate", "police_burst", "police",
					       "shape_rate", "shape_burst", "wfq_rate", "sched",
					       NULL };
	struct json_object *o, *eps = NULL, *a;
	unsigned int i, j, k;

	o = gs != NULL ? pick(gs, slice_keys) : json_object_new_object();
	agw_json_add_str(o, "slice_id", sl->id);
	agw_json_add_int(o, "time", (int64_t)time(NULL));
	if (gs != NULL)
		json_object_object_get_ex(gs, "endpoints", &eps);
	json_object_object_add(o, "drops", drops_sum(eps));
	a = json_object_new_array();
	for (i = 0; i < sl->n_slivers; i++) {
		const struct mgr_sliver *s = &sl->slivers[i];
		struct json_object *so, *ea;
		bool named = n == 0;

		for (k = 0; k < n && !named; k++)
			named = strcmp(names[k], s->name) == 0;
		if (!named)
			continue;
		so = json_object_new_object();
		agw_json_add_str(so, "name", s->name);
		agw_json_add_str(so, "state", mgr_state_name(s->state));
		ea = json_object_new_array();
		for (j = 0; s->kind == MGR_LINK && j < s->n_vports; j++) {
			char name[2 * MGR_NAME_MAX];
			struct json_object *eo = NULL;
			size_t x;

			if (!mgr_ep_in_gwc(s->vports[j].ep.type))
				continue;
			snprintf(name, sizeof(name), "%s.%s", s->name, s->vports[j].name);
			for (x = 0; eps != NULL && x < json_object_array_length(eps); x++) {
				struct json_object *c = json_object_array_get_idx(eps, x), *nv;

				if (json_object_object_get_ex(c, "name", &nv) &&
				    strcmp(json_object_get_string(nv), name) == 0)
					eo = pick(c, ep_keys);
			}
			if (eo == NULL) {   /* not programmed: zero */
				eo = json_object_new_object();
				agw_json_add_int(eo, "rx_pkts", 0);
				agw_json_add_int(eo, "rx_bytes", 0);
				agw_json_add_int(eo, "tx_pkts", 0);
				agw_json_add_int(eo, "tx_bytes", 0);
				json_object_object_add(eo, "drops", json_object_new_object());
			}
			if (s->vports[j].ep.type == MGR_EP_IPSEC)
				ipsec_terminals_add(eo, eps, name);
			agw_json_add_str(eo, "vport", s->vports[j].name);
			agw_json_add_str(eo, "gw_core_endpoint", name);
			json_object_array_add(ea, eo);
		}
		json_object_object_add(so, "endpoints", ea);
		json_object_array_add(a, so);
	}
	json_object_object_add(o, "slivers", a);
	json_object_object_add(o, "gw_core_drops", drops != NULL ? drops : json_object_new_object());
	return o;
}

/* ---------------------------------------------------------------- resources */

struct json_object *
mgr_report_resources(const struct mgr *m)
{
	const struct mgr_plan_conf *c;
	struct json_object *o = json_object_new_object(), *g = json_object_new_object();
	struct json_object *ports = json_object_new_array();
	unsigned int i, j, k, n_slivers = 0;
	char buf[64];

	c = &m->conf.plan;
	json_object_object_add(g, "connected", json_object_new_boolean(mgr_gwc_up(&m->gwc)));
	agw_json_add_str(g, "socket", m->gwc.sock);
	agw_json_add_str(g, "version", m->gwc.conn.version);
	agw_json_add_str(g, "role", m->gwc.conn.role);
	agw_json_add_int(g, "connects", (int64_t)m->gwc.connects);
	agw_json_add_str(g, "last_error", m->gwc.last_error);
	json_object_object_add(o, "gw_core", g);
	g = json_object_new_object();
	json_object_object_add(g, "enabled", json_object_new_boolean(m->charon.conf.enabled));
	json_object_object_add(g, "connected", json_object_new_boolean(mgr_charon_up(&m->charon)));
	agw_json_add_str(g, "vici_socket", m->charon.conf.uri);
	agw_json_add_str(g, "ike_id", m->charon.conf.local_id);
	agw_json_add_str(g, "ike_cert", m->charon.conf.cert_file);   /* "": PSK terminals only */
	agw_json_add_str(g, "ike_cacert", m->charon.conf.cacert_file);
	agw_json_add_int(g, "connects", (int64_t)m->charon.connects);
	agw_json_add_str(g, "last_error", m->charon.last_error);
	json_object_object_add(o, "charon", g);
	for (i = 0; m->gwc.ports != NULL && m->gwc.ports[i] != NULL; i++) {
		struct json_object *p = json_object_new_object(), *vids = json_object_new_array();
		uint64_t bw = 0;
		unsigned int keys = 0;
		const char *pn = m->gwc.ports[i];

		for (j = 0; j < m->reg.n; j++) {
			const struct mgr_slice *sl = m->reg.slices[j];

			for (k = 0; k < sl->n_slivers; k++) {
				const struct mgr_sliver *s = &sl->slivers[k];
				unsigned int v;
				bool on = false;

				for (v = 0; s->kind == MGR_LINK && v < s->n_vports; v++) {
					const struct mgr_ep *ep = &s->vports[v].ep;

					if (!mgr_ep_in_gwc(ep->type) || strcmp(ep->port, pn) != 0)
						continue;
					on = true;
					if (ep->type == MGR_EP_VLAN)
						json_object_array_add(vids,
								      json_object_new_int(ep->vid));
					keys += ep->type == MGR_EP_GRE;
				}
				bw += on ? s->bandwidth_bps : 0;
			}
		}
		agw_json_add_str(p, "name", pn);
		agw_json_add_int(p, "capacity_bps", (int64_t)c->port_capacity_bps);
		agw_json_add_int(p, "reserved_bps", (int64_t)bw);
		json_object_object_add(p, "vids_used", vids);
		agw_json_add_int(p, "gre_endpoints", keys);
		json_object_array_add(ports, p);
	}
	json_object_object_add(o, "ports", ports);
	snprintf(buf, sizeof(buf), "%u-%u", c->vid_min, c->vid_max);
	agw_json_add_str(o, "vid_range", buf);
	snprintf(buf, sizeof(buf), "%u-%u", c->key_min, c->key_max);
	agw_json_add_str(o, "gre_key_range", buf);
	agw_json_add_str(o, "uplink_port", c->uplink_port);
	agw_json_add_str(o, "access_port", c->access_port);
	{
		/* [nsliver]: capacity and what node slivers hold of it */
		struct nsl_demand sum = { 0 }, d;
		struct json_object *n = json_object_new_object();

		for (i = 0; i < m->reg.n; i++) {
			d = mgr_slice_nsl(m->reg.slices[i]);
			sum.cpus += d.cpus;
			sum.memory_mib += d.memory_mib;
			sum.disk_mib += d.disk_mib;
		}
		agw_json_add_int(n, "cores", m->conf.nsl.cores);
		agw_json_add_int(n, "cores_reserved", sum.cpus);
		agw_json_add_int(n, "memory_mib", (int64_t)m->conf.nsl.memory_mib);
		agw_json_add_int(n, "memory_mib_reserved", (int64_t)sum.memory_mib);
		agw_json_add_int(n, "disk_mib", (int64_t)m->conf.nsl.disk_mib);
		agw_json_add_int(n, "disk_mib_reserved", (int64_t)sum.disk_mib);
		agw_json_add_str(n, "boot_image_server", m->conf.nsl.boot_image_server);
		json_object_object_add(o, "node_slivers", n);
	}
	for (i = 0; i < m->reg.n; i++)
		n_slivers += m->reg.slices[i]->n_slivers;
	agw_json_add_int(o, "slices", m->reg.n);
	agw_json_add_int(o, "slivers", n_slivers);
	agw_json_add_int(o, "started", m->started);
	agw_json_add_int(o, "calls", (int64_t)m->calls);
	return o;
}
