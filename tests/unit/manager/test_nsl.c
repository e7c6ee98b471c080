/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Node slivers' plan (nsliver/nsl_plan.c) and admission (manager/mgr_alloc.c): seed 001
 * Figure 4's VN5 resolved against an image server, a Container, every malformed
 * resource and param with its fault, and [nsliver]'s cores, memory and disk reserved
 * at CreateSlice / Add and released by Delete, with refusals that change nothing.
 * The runtime's pure parts: a vport's names on this AGW, and image fetching (file://
 * URLs: digest, size limit, cache).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include <CUnit/CUnit.h>

#include "mgr.h"
#include "mgr_plan.h"
#include "nsl.h"

static const struct nsl_conf nslc = {
	.cores = 2, .memory_mib = 4096, .disk_mib = 4096,
	.boot_image_server = "10.0.0.1:8080",
};

/* kvs from "k=v" strings, NULL-terminated; the strings are the caller's. */
static struct mgr_kvs
kvs(struct mgr_kv *store, const char *const *kv)
{
	struct mgr_kvs out = { store, 0 };

	for (; kv != NULL && *kv != NULL; kv++) {
		const char *eq = strchr(*kv, '=');

		store[out.n].key = strndup(*kv, (size_t)(eq - *kv));
		store[out.n].value = strdup(eq + 1);
		out.n++;
	}
	return out;
}

static void
kvs_free(struct mgr_kvs *k)
{
	unsigned int i;

	for (i = 0; i < k->n; i++) {
		free(k->v[i].key);
		free(k->v[i].value);
	}
}

/* Plan node "VN" of 'type' with resources 'r' and params 'p'. */
static int
plan(const struct nsl_conf *c, const char *type, const char *const *r, const char *const *p,
     struct nsl_plan *out, struct mgr_err *e)
{
	struct mgr_kv rs[16], ps[16];
	struct mgr_kvs rk = kvs(rs, r), pk = kvs(ps, p);
	int rc;

	memset(e, 0, sizeof(*e));
	rc = nsl_plan_node(c, "VN", type, &rk, &pk, out, e);
	kvs_free(&rk);
	kvs_free(&pk);
	return rc;
}

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define VM_RES L("cpu=1", "memory=2048")

static void
test_plan(void)
{
	struct nsl_plan p;
	struct mgr_err e;

	/* Figure 4's VN5 as printed */
	CU_ASSERT_EQUAL_FATAL(plan(&nslc, "SlowPath_VM",
				   L("cpumode=dedicated", "cpu=1", "arch=x86_64", "memory=2048"),
				   L("bootImage=http://{bootImageServer}/bootImage.img"), &p, &e),
			      0);
	CU_ASSERT_EQUAL(p.flavour, NSL_VM);
	CU_ASSERT(p.need.cpus == 1 && p.need.memory_mib == 2048 &&
		  p.need.disk_mib == NSL_DISK_DEFAULT_MIB && p.dedicated);
	CU_ASSERT_STRING_EQUAL(p.image_url, "http://10.0.0.1:8080/bootImage.img");
	/* a kernel + initrd guest, a digest given in capitals */
	CU_ASSERT_EQUAL_FATAL(plan(&nslc, "SlowPath_VM", L("cpu=2", "memory=256", "disk=64"),
				   L("kernel=file:///srv/vmlinuz", "initrd=https://{bootImageServer}/i",
				     "cmdline=console=ttyS0 quiet",
				     "bootImage=file:///srv/disk.qcow2",
				     "bootImage_sha256=ABCDEF0123456789abcdef0123456789"
				     "ABCDEF0123456789abcdef0123456789"),
				   &p, &e), 0);
	CU_ASSERT_STRING_EQUAL(p.initrd_url, "https://10.0.0.1:8080/i");
	CU_ASSERT_STRING_EQUAL(p.cmdline, "console=ttyS0 quiet");
	CU_ASSERT_STRING_EQUAL(p.image_sha256,
			       "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	CU_ASSERT(!p.dedicated && p.need.disk_mib == 64);
	/* a container */
	CU_ASSERT_EQUAL_FATAL(plan(&nslc, "Container", L("cpu=1", "memory=64"),
				   L("bootImage=http://{bootImageServer}/rootfs.tar.gz",
				     "command=/usr/bin/fwd eth0 eth1"), &p, &e), 0);
	CU_ASSERT_EQUAL(p.flavour, NSL_CONTAINER);
	CU_ASSERT_STRING_EQUAL(p.command, "/usr/bin/fwd eth0 eth1");
	CU_ASSERT(!p.vhost_user);
	/* a container of a DPDK program: vhost-user vports; attach is a container's */
	CU_ASSERT_EQUAL_FATAL(plan(&nslc, "Container", L("cpu=1", "memory=64"),
				   L("bootImage=file:///srv/dpdk.tar", "attach=vhost-user"), &p, &e),
			      0);
	CU_ASSERT(p.vhost_user);
	CU_ASSERT_EQUAL(plan(&nslc, "Container", L("cpu=1", "memory=64"),
			     L("bootImage=file:///srv/dpdk.tar", "attach=memif"), &p, &e), -1);
	CU_ASSERT(e.code == MGR_BADARGS && strstr(e.msg, "attach 'memif'") != NULL);
	CU_ASSERT_EQUAL(plan(&nslc, "SlowPath_VM", VM_RES,
			     L("kernel=file:///srv/k", "attach=vhost-user"), &p, &e), -1);
	CU_ASSERT_EQUAL(e.code, MGR_BADARGS);
	{
		struct mgr_kv st[2];
		struct mgr_kvs vh = kvs(st, L("attach=vhost-user")), none = { NULL, 0 };

		CU_ASSERT(nsl_vports_vhost("Container", &vh) && !nsl_vports_vhost("Container", &none) &&
			  nsl_vports_vhost("SlowPath_VM", &none) && !nsl_vports_vhost("Terminal", &vh));
		kvs_free(&vh);
	}
	CU_ASSERT_EQUAL(nsl_flavour_of("Terminal"), NSL_NONE);
	CU_ASSERT_EQUAL(nsl_flavour_of(NULL), NSL_NONE);
}

static void
test_plan_malformed(void)
{
	static const struct nsl_conf noserver = { .cores = 2, .memory_mib = 4096 };
#define IMG "bootImage=http://10.0.0.2/a.img"
	const struct {   /* automatic: its compound literals are */
		const char *what, *type;
		const char *const *r, *const *p;
		const struct nsl_conf *c;
		int code;
		const char *text;
	} bad[] = {
		{ "no cpu", "SlowPath_VM", L("memory=1"), L(IMG), &nslc, MGR_BADARGS, "'cpu'" },
		{ "cpu 0", "SlowPath_VM", L("cpu=0", "memory=64"), L(IMG), &nslc, MGR_BADARGS,
		  "'cpu'" },
		{ "cpu 65", "SlowPath_VM", L("cpu=65", "memory=64"), L(IMG), &nslc, MGR_BADARGS,
		  "1-64" },
		{ "cpu text", "SlowPath_VM", L("cpu=two", "memory=64"), L(IMG), &nslc, MGR_BADARGS,
		  "'cpu'" },
		{ "no memory", "SlowPath_VM", L("cpu=1"), L(IMG), &nslc, MGR_BADARGS, "'memory'" },
		{ "memory 8", "SlowPath_VM", L("cpu=1", "memory=8"), L(IMG), &nslc, MGR_BADARGS,
		  "16-1048576" },
		{ "disk -1", "SlowPath_VM", L("cpu=1", "memory=64", "disk=-1"), L(IMG), &nslc,
		  MGR_BADARGS, "'disk'" },
		{ "arch", "SlowPath_VM", L("cpu=1", "memory=64", "arch=aarch64"), L(IMG), &nslc,
		  MGR_UNSUPPORTED, "x86_64" },
		{ "cpumode", "SlowPath_VM", L("cpu=1", "memory=64", "cpumode=fast"), L(IMG), &nslc,
		  MGR_BADARGS, "cpumode" },
		{ "no image", "SlowPath_VM", VM_RES, L("cmdline=x"), &nslc, MGR_BADARGS,
		  "go with param kernel" },
		{ "nothing to boot", "SlowPath_VM", VM_RES, NULL, &nslc, MGR_BADARGS,
		  "bootImage (a raw or qcow2 disk) or kernel" },
		{ "ftp", "SlowPath_VM", VM_RES, L("bootImage=ftp://x/y"), &nslc, MGR_BADARGS,
		  "not an http://" },
		{ "relative file", "SlowPath_VM", VM_RES, L("bootImage=file://x/y"), &nslc,
		  MGR_BADARGS, "not an http://" },
		{ "space", "SlowPath_VM", VM_RES, L("bootImage=http://a/b c"), &nslc, MGR_BADARGS,
		  "space" },
		{ "unknown placeholder", "SlowPath_VM", VM_RES, L("bootImage=http://{imgHost}/a"),
		  &nslc, MGR_BADARGS, "'{imgHost}' is unknown" },
		{ "unclosed", "SlowPath_VM", VM_RES, L("bootImage=http://{bootImageServer/a"), &nslc,
		  MGR_BADARGS, "without its '}'" },
		{ "stray }", "SlowPath_VM", VM_RES, L("bootImage=http://a}/a"), &nslc, MGR_BADARGS,
		  "without its '{'" },
		{ "no server", "SlowPath_VM", VM_RES, L("bootImage=http://{bootImageServer}/a"),
		  &noserver, MGR_BADARGS, "no [nsliver] boot_image_server" },
		{ "short sha", "SlowPath_VM", VM_RES, L(IMG, "bootImage_sha256=abc"), &nslc,
		  MGR_BADARGS, "64 hex" },
		{ "sha alone", "SlowPath_VM", VM_RES,
		  L("kernel=file:///k", "bootImage_sha256=0123456789abcdef0123456789abcdef"
					 "0123456789abcdef0123456789abcdef"),
		  &nslc, MGR_BADARGS, "without bootImage" },
		{ "cmdline newline", "SlowPath_VM", VM_RES, L("kernel=file:///k", "cmdline=a\nb"),
		  &nslc, MGR_BADARGS, "control character" },
		{ "command on a VM", "SlowPath_VM", VM_RES, L(IMG, "command=/bin/x"), &nslc,
		  MGR_BADARGS, "Container's" },
		{ "container kernel", "Container", VM_RES, L(IMG, "kernel=file:///k"), &nslc,
		  MGR_BADARGS, "no guest kernel" },
		{ "container no image", "Container", VM_RES, NULL, &nslc, MGR_BADARGS,
		  "needs param bootImage" },
		{ "not a node sliver", "Terminal", VM_RES, L(IMG), &nslc, MGR_UNSUPPORTED,
		  "not a node sliver" },
	};
	struct nsl_plan p;
	struct mgr_err e;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = plan(bad[i].c, bad[i].type, bad[i].r, bad[i].p, &p, &e);
		bool ok = rc == -1 && e.code == bad[i].code && strstr(e.msg, bad[i].text) != NULL;

		if (!ok)
			fprintf(stderr, "\n%s: rc %d %s: %s\n", bad[i].what, rc,
				mgr_fault_name(e.code), e.msg);
		CU_ASSERT(ok);
	}
}

/* A slice of 'n' SlowPath_VMs of 'cpu' cores and 'mem' MiB, each alone (no vports). */
static char *
vm_spec(unsigned int n, unsigned int cpu, unsigned int mem)
{
	size_t cap = 512 + n * 512, len = 0;
	char *x = malloc(cap);
	unsigned int i;

	len += (size_t)snprintf(x + len, cap - len, "<slicespec><sliverdef><nodeSlivers>");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(x + len, cap - len,
			"<nodeSliver name=\"vm%u\"><instance type=\"SlowPath_VM\"><resources>"
			"<resource key=\"cpu\" value=\"%u\"/><resource key=\"memory\" value=\"%u\"/>"
			"</resources><params><param key=\"bootImage\" "
			"value=\"http://{bootImageServer}/i.img\"/></params></instance></nodeSliver>",
			i, cpu, mem);
	snprintf(x + len, cap - len, "</nodeSlivers></sliverdef></slicespec>");
	return x;
}

static int
create(struct mgr_reg *reg, const struct mgr_plan_conf *c, const char *id, const char *xml,
       struct mgr_err *e)
{
	struct mgr_slice spec, *out = NULL;
	int rc;

	memset(e, 0, sizeof(*e));
	if (mgr_spec_parse(xml, strlen(xml), &spec, e) != 0)
		return -1;
	rc = mgr_plan_create(reg, c, id, &spec, &out, e);
	mgr_slice_clear(&spec);
	if (rc == 0)
		rc = mgr_reg_commit(reg, id, out);
	return rc;
}

static void
test_admission(void)
{
	struct mgr_plan_conf c = { .vid_min = 100, .vid_max = 200, .key_min = 1, .key_max = 9,
				   .nsl = &nslc };
	struct mgr_reg reg = { 0 };
	struct mgr_slice *out = NULL;
	struct mgr_err e;
	char *one = vm_spec(1, 1, 1024), *two = vm_spec(2, 1, 1024), *big = vm_spec(1, 1, 3500);
	static const char *const vm0[] = { "vm0" };

	CU_ASSERT_EQUAL_FATAL(create(&reg, &c, "a", one, &e), 0);
	/* 1 core left of 2: two more are refused, naming the capacity; nothing changes */
	CU_ASSERT_EQUAL(create(&reg, &c, "b", two, &e), -1);
	CU_ASSERT(e.code == MGR_REFUSED && strstr(e.msg, "[nsliver] cores = 2") != NULL &&
		  strstr(e.msg, "(2 taken") != NULL);   /* a's and vm0 of this one */
	CU_ASSERT_PTR_NULL(mgr_reg_find(&reg, "b"));
	/* memory: 1024 of 4096 taken, 3500 more is too much */
	CU_ASSERT_EQUAL(create(&reg, &c, "m", big, &e), -1);
	CU_ASSERT(e.code == MGR_REFUSED && strstr(e.msg, "memory_mib = 4096") != NULL);
	/* one more fits */
	CU_ASSERT_EQUAL(create(&reg, &c, "b", one, &e), 0);
	CU_ASSERT_EQUAL(create(&reg, &c, "c", one, &e), -1);
	/* Delete of a's VM gives its core back */
	CU_ASSERT_EQUAL_FATAL(mgr_plan_delete(&reg, "a", vm0, 1, &out, &e), 0);
	CU_ASSERT_EQUAL_FATAL(mgr_reg_commit(&reg, "a", out), 0);
	CU_ASSERT_EQUAL(create(&reg, &c, "c", one, &e), 0);
	/* DeleteSlice too */
	CU_ASSERT_EQUAL_FATAL(mgr_reg_commit(&reg, "b", NULL), 0);
	CU_ASSERT_EQUAL(create(&reg, &c, "d", one, &e), 0);
	mgr_reg_clear(&reg);
	free(one);
	free(two);
	free(big);
}

/* A container VN with vports in/out, link L1 from a VLAN to VN.in: the link vport toward
 * the node is an nsliver endpoint on VN.in's gw-core port. */
static const char ct_spec[] =
	"<slicespec><sliverdef><linkSlivers><linkSliver name=\"L1\"><vports>"
	"<vport name=\"a\"><params><param key=\"type\" value=\"vlan\"/>"
	"<param key=\"port\" value=\"access\"/><param key=\"vid\" value=\"10\"/></params>"
	"</vport><vport name=\"b\"/></vports><resources>"
	"<resource key=\"bandwidth\" value=\"10M\"/>"
	"<resource key=\"protocol\" value=\"802.3,802.1Q\"/></resources></linkSliver>"
	"</linkSlivers><nodeSlivers><nodeSliver name=\"T\"><vports><vport name=\"p0\"/>"
	"</vports><instance type=\"Terminal\"/></nodeSliver><nodeSliver name=\"VN\"><vports>"
	"<vport name=\"in\"/><vport name=\"out\"/></vports><instance type=\"Container\">"
	"<resources><resource key=\"cpu\" value=\"1\"/><resource key=\"memory\" "
	"value=\"64\"/></resources><params><param key=\"bootImage\" "
	"value=\"file:///srv/r.tar\"/></params></instance></nodeSliver></nodeSlivers>"
	"</sliverdef><structure><bind><vport slivername=\"T\" portname=\"p0\"/>"
	"<vport slivername=\"L1\" portname=\"a\"/></bind><bind><vport slivername=\"L1\" "
	"portname=\"b\"/><vport slivername=\"VN\" portname=\"in\"/></bind></structure>"
	"</slicespec>";

static void
test_vport_names(void)
{
	struct mgr_plan_conf c = { .vid_min = 100, .vid_max = 200, .key_min = 1, .key_max = 9,
				   .nsl = &nslc };
	struct nsl_vport_names a, b, x;
	struct mgr_reg reg = { 0 };
	const struct mgr_slice *sl;
	char prefix[16];
	struct mgr_err e;

	nsl_vport_names("slice-1", "VN", "in", 0, &a);
	nsl_vport_names("slice-1", "VN", "in", 0, &b);
	/* the same after a restart */
	CU_ASSERT(strcmp(a.port, b.port) == 0 && strcmp(a.hostif, b.hostif) == 0 &&
		  strcmp(a.mac, b.mac) == 0 && strcmp(a.devargs, b.devargs) == 0);
	nsl_port_prefix("slice-1", prefix);
	CU_ASSERT(strncmp(a.port, prefix, strlen(prefix)) == 0 && strlen(a.port) == 21);
	CU_ASSERT(strlen(a.hostif) <= 15 && strncmp(a.hostif, "nv", 2) == 0);
	CU_ASSERT_STRING_EQUAL(a.ifname, "in");
	CU_ASSERT(strncmp(a.mac, "02:", 3) == 0 && strlen(a.mac) == 17);   /* local, unicast */
	CU_ASSERT(strncmp(a.devargs, "net_af_packet_nsl", 17) == 0 &&
		  strstr(a.devargs, a.hostif) != NULL);
	/* another vport, node or slice: other names */
	nsl_vport_names("slice-1", "VN", "out", 1, &x);
	CU_ASSERT(strcmp(x.port, a.port) != 0 && strcmp(x.hostif, a.hostif) != 0 &&
		  strcmp(x.mac, a.mac) != 0 && strncmp(x.port, prefix, strlen(prefix)) == 0);
	nsl_vport_names("slice-2", "VN", "in", 0, &x);
	CU_ASSERT(strncmp(x.port, prefix, strlen(prefix)) != 0 && strcmp(x.mac, a.mac) != 0);
	/* a vport name that is no interface name: ethN inside */
	nsl_vport_names("s", "VN", "a-very-long-vport-name", 3, &x);
	CU_ASSERT_STRING_EQUAL(x.ifname, "eth3");
	nsl_vport_names("s", "VN", "lo", 0, &x);
	CU_ASSERT_STRING_EQUAL(x.ifname, "eth0");

	/* planned: the link vport toward VN is an nsliver endpoint on VN.in's port */
	CU_ASSERT_EQUAL_FATAL(create(&reg, &c, "slice-1", ct_spec, &e), 0);
	sl = mgr_reg_find(&reg, "slice-1");
	CU_ASSERT_EQUAL(sl->slivers[0].vports[1].ep.type, MGR_EP_NSLIVER);
	CU_ASSERT_STRING_EQUAL(sl->slivers[0].vports[1].ep.port, a.port);
	/* DeleteSlice lets go of that port, so the same slice can be made again (the
	 * account once kept a holder pointing into the freed slice) */
	CU_ASSERT_EQUAL_FATAL(mgr_reg_commit(&reg, "slice-1", NULL), 0);
	CU_ASSERT_EQUAL(create(&reg, &c, "slice-1", ct_spec, &e), 0);
	mgr_reg_clear(&reg);
}

/* Write 'n' bytes of 'c' to 'path'. */
static void
put_file(const char *path, size_t n, char c)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (i = 0; i < n; i++)
		fputc(c, f);
	fclose(f);
}

static void
test_image_fetch(void)
{
	/* SHA-256 of 1000 bytes of 'a' (sha256sum) */
	static const char sha[] = "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3";
	char dir[] = "/tmp/agw-nsl-unit.XXXXXX", src[128], url[160], path[600], err[NSL_ERR_MAX];
	struct nsl_conf c = nslc;
	struct stat st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(c.cache_dir, sizeof(c.cache_dir), "%s/cache", dir);
	c.image_max_mib = 1;
	c.fetch_timeout_s = 10;
	snprintf(src, sizeof(src), "%s/img", dir);
	snprintf(url, sizeof(url), "file://%s", src);
	put_file(src, 1000, 'a');
	/* a wrong digest: refused, naming both, nothing cached */
	CU_ASSERT_EQUAL(nsl_image_fetch(&c, url, "00000000000000000000000000000000"
						 "00000000000000000000000000000000",
					path, sizeof(path), err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, sha) != NULL && strstr(err, "not bootImage_sha256") != NULL);
	CU_ASSERT(stat(path, &st) != 0);
	/* the right one: cached, whole */
	CU_ASSERT_EQUAL_FATAL(nsl_image_fetch(&c, url, sha, path, sizeof(path), err, sizeof(err)),
			      0);
	CU_ASSERT(stat(path, &st) == 0 && st.st_size == 1000);
	/* from the cache: the source may be gone */
	unlink(src);
	CU_ASSERT_EQUAL(nsl_image_fetch(&c, url, sha, path, sizeof(path), err, sizeof(err)), 0);
	/* a missing file, not cached under another digest */
	CU_ASSERT_EQUAL(nsl_image_fetch(&c, url, "", path, sizeof(path), err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, url) != NULL);
	/* over image_max_mib: cut, refused, nothing cached */
	put_file(src, (1u << 20) + 1, 'b');
	CU_ASSERT_EQUAL(nsl_image_fetch(&c, url, "", path, sizeof(path), err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "larger than 1 MiB") != NULL);
	CU_ASSERT(stat(path, &st) != 0);
	/* a scheme libcurl knows but we do not take */
	CU_ASSERT_EQUAL(nsl_image_fetch(&c, "ftp://127.0.0.1/x", "", path, sizeof(path), err,
					sizeof(err)), -1);
	unlink(src);
	snprintf(src, sizeof(src), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(src), 0);
}

/* A scripted QMP peer: what it writes after each line it reads ('script[0]' first,
 * unasked: the greeting). "" ends the script (the peer closes). */
struct peer {
	int lfd;
	const char *const *script;
	char got[2][256];   /* the lines it was sent */
};

static void *
peer_main(void *arg)
{
	struct peer *p = arg;
	int fd = accept(p->lfd, NULL, NULL);
	unsigned int i;

	for (i = 0; fd >= 0 && p->script[i] != NULL && p->script[i][0] != '\0'; i++) {
		const char *w = p->script[i];
		size_t half = strlen(w) / 2;

		if (i > 0) {   /* read one line first */
			char line[256];
			size_t n = 0;

			while (n < sizeof(line) - 1 && read(fd, line + n, 1) == 1 && line[n] != '\n')
				n++;
			line[n] = '\0';
			if (i - 1 < 2)
				snprintf(p->got[i - 1], sizeof(p->got[0]), "%s", line);
		}
		/* in two pieces: the client must put a split object together */
		if (send(fd, w, half, MSG_NOSIGNAL) < 0 ||
		    (usleep(2000), send(fd, w + half, strlen(w) - half, MSG_NOSIGNAL)) < 0)
			break;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* nsl_qmp() of 'cmd' against a peer playing 'script'. */
static int
qmp_against(const char *const *script, const char *cmd, struct json_object **ret, char *err,
	    size_t errlen, struct peer *pr)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_t th;
	int rc;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/agw-unit-qmp.%d", (int)getpid());
	unlink(sa.sun_path);
	memset(pr, 0, sizeof(*pr));
	pr->script = script;
	pr->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(pr->lfd >= 0 && bind(pr->lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
			listen(pr->lfd, 1) == 0);
	pthread_create(&th, NULL, peer_main, pr);
	rc = nsl_qmp(sa.sun_path, cmd, 2000, ret, err, errlen);
	pthread_join(th, NULL);
	close(pr->lfd);
	unlink(sa.sun_path);
	return rc;
}

static void
test_qmp(void)
{
	static const char greet[] = "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7}}, "
				    "\"capabilities\": [\"oob\"]}}\r\n";
	static const char ok[] = "{\"return\": {}}\r\n";
	static const char *const running[] = {
		greet, ok,
		"{\"timestamp\": {\"seconds\": 1}, \"event\": \"NIC_RX_FILTER_CHANGED\"}\r\n"
		"{\"return\": {\"status\": \"running\", \"running\": true}}\r\n", NULL
	};
	static const char *const refused[] = {
		greet, ok, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
			   "\"The command nosuch has not been found\"}}\r\n", NULL
	};
	static const char *const not_qmp[] = { "{\"hello\": 1}\r\n", NULL };
	static const char *const hangs_up[] = { greet, ok, "", NULL };
	static const char *const garbage[] = { greet, "}}not json\r\n", NULL };
	struct json_object *ret = NULL, *v;
	char err[NSL_ERR_MAX];
	struct peer pr;

	/* the capabilities handshake, then the command; an event between is skipped */
	CU_ASSERT_EQUAL_FATAL(qmp_against(running, "{\"execute\": \"query-status\"}\r\n", &ret,
					  err, sizeof(err), &pr), 0);
	CU_ASSERT(strstr(pr.got[0], "qmp_capabilities") != NULL);
	CU_ASSERT(strstr(pr.got[1], "query-status") != NULL);
	CU_ASSERT(json_object_object_get_ex(ret, "status", &v) &&
		  strcmp(json_object_get_string(v), "running") == 0);
	json_object_put(ret);
	/* an error answer: its desc */
	CU_ASSERT_EQUAL(qmp_against(refused, "{\"execute\": \"nosuch\"}\r\n", &ret, err,
				    sizeof(err), &pr), -1);
	CU_ASSERT(strstr(err, "The command nosuch has not been found") != NULL && ret == NULL);
	/* not QMP, a peer that hangs up, bytes that are not JSON, no socket */
	CU_ASSERT_EQUAL(qmp_against(not_qmp, "{}\r\n", NULL, err, sizeof(err), &pr), -1);
	CU_ASSERT(strstr(err, "no greeting") != NULL);
	CU_ASSERT_EQUAL(qmp_against(hangs_up, "{}\r\n", NULL, err, sizeof(err), &pr), -1);
	CU_ASSERT(strstr(err, "closed the connection") != NULL);
	CU_ASSERT_EQUAL(qmp_against(garbage, "{}\r\n", NULL, err, sizeof(err), &pr), -1);
	CU_ASSERT(strstr(err, "not JSON") != NULL);
	CU_ASSERT_EQUAL(nsl_qmp("/nonexistent/qmp.sock", "{}\r\n", 100, NULL, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "/nonexistent/qmp.sock") != NULL);
}

int
test_nsl_register(void)
{
	CU_pSuite s = CU_add_suite("nsl_plan", NULL, NULL);

	if (s == NULL)
		return -1;
	CU_add_test(s, "Figure 4's VN5, a kernel guest, a container", test_plan);
	CU_add_test(s, "every malformed resource and param: its fault", test_plan_malformed);
	CU_add_test(s, "[nsliver] capacity reserved, refused, released", test_admission);
	CU_add_test(s, "a vport's names, its nsliver endpoint, released", test_vport_names);
	CU_add_test(s, "image fetch: digest, size limit, cache", test_image_fetch);
	CU_add_test(s, "QMP against a scripted peer: answers, events, errors", test_qmp);
	return 0;
}
