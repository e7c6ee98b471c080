/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Container node slivers (nsl.h): a root file system unpacked from the boot image (GNU
 * tar), a network namespace with one veth per vport (iproute2), and the developer's
 * program in mount, PID, UTS and IPC namespaces of its own (util-linux unshare). Why not
 * an OCI runtime: Debian 12's crun 1.8.1 refuses to start on a host with cgroups in
 * hybrid mode ("cgroups in hybrid mode not supported"), which this project's machines
 * have; these tools do all the work instead, and this file only orders them.
 *
 * The process is detached (setsid, double fork) so that it outlives the manager; its
 * pid file holds the pid and the process's start time, so that the manager, restarted,
 * finds it again and a reused pid is never taken for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>

#include "agw_fs.h"
#include "nsl.h"
#include "nsl_int.h"

#define MAX_ARGS 64

/* FNV-1a over the strings of 'v' (each with its NUL). */
static uint32_t
fnv(const char *const *v, unsigned int n)
{
	uint32_t h = 2166136261u;
	unsigned int i;
	const char *p;

	for (i = 0; i < n; i++) {
		for (p = v[i]; *p != '\0'; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		h *= 16777619u;
	}
	return h;
}

static bool
ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || strcmp(s, "lo") == 0 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

void
nsl_port_prefix(const char *slice, char *out)
{
	snprintf(out, 16, "nsl-%08" PRIx32 "-", fnv(&slice, 1));
}

void
nsl_vport_names(const char *slice, const char *node, const char *vport, unsigned int idx,
		struct nsl_vport_names *out)
{
	const char *nv[2] = { node, vport }, *all[3] = { slice, node, vport };
	const char *rev[3] = { vport, node, slice };
	uint32_t hs = fnv(&slice, 1), hn = fnv(nv, 2), ha = fnv(all, 3), hr = fnv(rev, 3);

	snprintf(out->port, sizeof(out->port), "nsl-%08" PRIx32 "-%08" PRIx32, hs, hn);
	snprintf(out->hostif, sizeof(out->hostif), "nv%08" PRIx32, ha);
	snprintf(out->mac, sizeof(out->mac), "02:%02x:%02x:%02x:%02x:%02x", (unsigned int)(hr & 0xff),
		 (unsigned int)(ha >> 24), (unsigned int)((ha >> 16) & 0xff),
		 (unsigned int)((ha >> 8) & 0xff), (unsigned int)(ha & 0xff));
	if (ifname_ok(vport))
		snprintf(out->ifname, sizeof(out->ifname), "%s", vport);
	else
		snprintf(out->ifname, sizeof(out->ifname), "eth%u", idx);
	snprintf(out->devargs, sizeof(out->devargs),
		 "net_af_packet_nsl%08" PRIx32 "%08" PRIx32 ",iface=%s", hs, hn, out->hostif);
}

/* /proc/PID/stat's starttime (field 22, clock ticks since boot); 0 when no such process. */
uint64_t
nsl_starttime(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');   /* the command may hold spaces and ')' */
	if (p == NULL)
		return 0;
	/* after ") ": field 3 (state) ... field 22 */
	for (i = 3, p += 2; i < 22 && p != NULL; i++) {
		if (i == 3 && *p == 'Z')
			return 0;   /* a zombie does not run */
		p = strchr(p, ' ');
		if (p != NULL)
			p++;
	}
	if (p == NULL || sscanf(p, "%llu", &v) != 1)
		return 0;
	return v;
}

void
nsl_proc_read(const char *dir, struct nsl_proc *p)
{
	unsigned long long st = 0, cpus;
	long long started = 0;
	char path[600];
	FILE *f;
	int pid = 0;

	p->pid = 0;
	p->started = 0;
	p->running = p->connected = false;
	p->cpus = 0;
	snprintf(path, sizeof(path), "%s/pid", dir);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fscanf(f, "%d %llu %lld", &pid, &st, &started) == 3 && pid > 0) {
		p->pid = pid;
		p->started = started;
		p->running = st != 0 && nsl_starttime(pid) == st;
	}
	fclose(f);
	if (!p->running)
		return;
	snprintf(path, sizeof(path), "%s/connected", dir);
	p->connected = access(path, F_OK) == 0;
	snprintf(path, sizeof(path), "%s/cpus", dir);
	f = fopen(path, "re");
	if (f != NULL && fscanf(f, "%llx", &cpus) == 1)
		p->cpus = cpus;
	if (f != NULL)
		fclose(f);
}

void
nsl_proc_find(const struct nsl_conf *c, const char *slice, const char *node, struct nsl_proc *p)
{
	const char *sn[1] = { slice }, *nn[1] = { node };

	memset(p, 0, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "%s/%08" PRIx32 "-%08" PRIx32, c->run_dir, fnv(sn, 1),
		 fnv(nn, 1));
	snprintf(p->console, sizeof(p->console), "%s/console.log", p->dir);
	snprintf(p->netns, sizeof(p->netns), "agw-%08" PRIx32 "%08" PRIx32, fnv(sn, 1), fnv(nn, 1));
	nsl_proc_read(p->dir, p);
}

/* Run argv[0] (PATH searched), its output (the last 200 bytes) into 'err' on failure.
 * @return 0 when it exited 0. */
int
nsl_run(char *const argv[], char *err, size_t errlen)
{
	char out[4096] = "";
	size_t got = 0;
	int pfd[2], st = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	while (pid > 0 && (n = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0)
		if ((got += (size_t)n) == sizeof(out) - 1)
			got = 0;   /* keep reading; the end is what matters */
	out[got] = '\0';
	close(pfd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		size_t l = strlen(out);

		while (l > 0 && (out[l - 1] == '\n' || out[l - 1] == ' '))
			out[--l] = '\0';
		snprintf(err, errlen, "%s: %s", argv[0],
			 pid < 0 ? strerror(errno) :
			 WIFEXITED(st) && WEXITSTATUS(st) == 127 ? "not found" :
			 l > 200 ? out + l - 200 : l > 0 ? out : "failed");
		return -1;
	}
	return 0;
}

/* "ip [-n NS] ARGS...": in namespace 'netns' ("": ours). */
#define IP(err, errlen, netns, ...)                                                       \
	((netns)[0] != '\0' ?                                                              \
	 nsl_run((char *const[]){ "ip", "-n", (char *)(netns), __VA_ARGS__, NULL }, err, errlen) : \
	 nsl_run((char *const[]){ "ip", __VA_ARGS__, NULL }, err, errlen))

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 && errno != ENOENT ? -1 : 0;
}

int
nsl_rmtree(const char *dir)
{
	if (access(dir, F_OK) != 0)
		return 0;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static uint64_t du_bytes;

static int
du_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)path;
	(void)flag;
	(void)ftw;
	du_bytes += (uint64_t)sb->st_blocks * 512;
	return 0;
}

static bool
netns_exists(const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return access(path, F_OK) == 0;
}

int
nsl_stop(const struct nsl_conf *c, const char *slice, const char *node, bool purge, char *err,
	 size_t errlen)
{
	struct nsl_proc p;
	char path[600];
	int waited = 0;

	nsl_proc_find(c, slice, node, &p);
	snprintf(path, sizeof(path), "%s/qmp.sock", p.dir);
	if (p.running && access(path, F_OK) == 0) {
		/* a VM: ACPI power button; a guest that does not act on it is killed below */
		nsl_qmp(path, "{\"execute\": \"system_powerdown\"}\r\n", 1000, NULL, err, errlen);
		err[0] = '\0';
	} else if (p.running) {
		kill(p.pid, SIGTERM);   /* unshare: its child (the sliver's init) gets SIGKILL */
	}
	while (p.running && nsl_starttime(p.pid) != 0 && waited < (int)c->stop_timeout_ms) {
		usleep(20000);
		waited += 20;
	}
	if (p.running && nsl_starttime(p.pid) != 0) {
		kill(p.pid, SIGKILL);
		/* gone in a moment: its memory is freed as it exits */
		for (waited = 0; nsl_starttime(p.pid) != 0 && waited < 2000; waited += 10)
			usleep(10000);
	}
	snprintf(path, sizeof(path), "%s/pid", p.dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/connected", p.dir);
	unlink(path);
	if (netns_exists(p.netns) &&
	    nsl_run((char *const[]){ "ip", "netns", "del", p.netns, NULL }, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/qmp.sock", p.dir);
	unlink(path);
	if (purge && nsl_rmtree(p.dir) != 0) {
		snprintf(err, errlen, "could not remove %s: %s", p.dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The sliver's network namespace and veths. */
static int
make_net(const struct nsl_conf *c, const char *slice, const char *node, const char *netns,
	 const char *const *vports, unsigned int n, char *err, size_t errlen)
{
	const char *gw = c->gwc_netns;
	unsigned int i;

	if (nsl_run((char *const[]){ "ip", "netns", "add", (char *)netns, NULL }, err, errlen) != 0 ||
	    IP(err, errlen, netns, "link", "set", "lo", "up") != 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct nsl_vport_names nm;
		int rc;

		nsl_vport_names(slice, node, vports[i], i, &nm);
		if (gw[0] != '\0')
			rc = nsl_run((char *const[]){ "ip", "link", "add", nm.hostif, "netns", (char *)gw,
						  "type", "veth", "peer", "name", nm.ifname, "address",
						  nm.mac, "netns", (char *)netns, NULL }, err, errlen);
		else
			rc = nsl_run((char *const[]){ "ip", "link", "add", nm.hostif, "type", "veth",
						  "peer", "name", nm.ifname, "address", nm.mac, "netns",
						  (char *)netns, NULL }, err, errlen);
		if (rc != 0 ||
		    IP(err, errlen, gw, "link", "set", nm.hostif, "addrgenmode", "none") != 0 ||
		    IP(err, errlen, gw, "link", "set", nm.hostif, "up") != 0 ||
		    IP(err, errlen, netns, "link", "set", nm.ifname, "up") != 0)
			return -1;
		/* frames leave the container whole: no checksum or segmentation offload */
		nsl_run((char *const[]){ "ip", "netns", "exec", (char *)netns, "ethtool", "-K",
				     nm.ifname, "tx", "off", "tso", "off", "gso", "off", NULL },
		    err, errlen);
		err[0] = '\0';
	}
	return 0;
}

/* Start the container's process detached; its pid and start time into 'p'. */
static int
spawn(const char *root, const struct nsl_plan *plan, struct nsl_proc *p, char *err,
      size_t errlen)
{
	char *argv[MAX_ARGS + 16], nspath[96], init[600];
	const char *cmd = plan->command;
	unsigned int k = 0;
	size_t i;
	int pfd[2], st, rc = -1;
	wordexp_t we;
	pid_t pid, inner = 0;

	if (cmd[0] == '\0') {
		snprintf(init, sizeof(init), "%s/sbin/init", root);
		if (access(init, X_OK) != 0) {
			snprintf(err, errlen, "no param 'command' and the image has no /sbin/init");
			return -1;
		}
		cmd = "/sbin/init";
	}
	if (wordexp(cmd, &we, WRDE_NOCMD | WRDE_UNDEF) != 0 || we.we_wordc == 0 ||
	    we.we_wordc > MAX_ARGS) {
		snprintf(err, errlen, "param 'command' '%.60s': 1 to %d words, quoted as in sh, "
				      "without $(...), `...` or variables", cmd, MAX_ARGS);
		return -1;
	}
	argv[k++] = "unshare";
	argv[k++] = "--fork";
	argv[k++] = "--pid";
	argv[k++] = "--mount";
	argv[k++] = "--uts";
	argv[k++] = "--ipc";
	argv[k++] = "--mount-proc";
	argv[k++] = "--kill-child";
	argv[k++] = "--root";
	argv[k++] = (char *)root;
	argv[k++] = "--";
	for (i = 0; i < we.we_wordc; i++)
		argv[k++] = we.we_wordv[i];
	argv[k] = NULL;
	snprintf(nspath, sizeof(nspath), "/run/netns/%s", p->netns);
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		pid_t g;

		setsid();
		g = fork();
		if (g == 0) {
			int con = open(p->console, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
			int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
			int nsfd = open(nspath, O_RDONLY | O_CLOEXEC);

			if (con < 0 || nul < 0 || nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0)
				_exit(126);
			dup2(nul, 0);
			dup2(con, 1);
			dup2(con, 2);
			execvp("unshare", argv);
			_exit(127);
		}
		if (write(pfd[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (pid > 0 && read(pfd[0], &inner, sizeof(inner)) != sizeof(inner))
		inner = 0;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (pid < 0 || inner <= 0) {
		snprintf(err, errlen, "could not start the container: %s",
			 pid < 0 ? strerror(errno) : "fork failed");
		goto out;
	}
	p->pid = inner;
	p->started = (int64_t)time(NULL);
	rc = 0;
out:
	wordfree(&we);
	return rc;
}

void
nsl_console_tail(const char *path, char *out, size_t len)
{
	char buf[512];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t end;

	out[0] = '\0';
	if (fd < 0)
		return;
	end = lseek(fd, 0, SEEK_END);
	lseek(fd, end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	snprintf(out, len, "%s", strrchr(buf, '\n') != NULL ? strrchr(buf, '\n') + 1 : buf);
}

int
nsl_write_pid(const struct nsl_proc *p, uint64_t st)
{
	char path[600];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/pid", p->dir);
	f = fopen(path, "we");
	if (f == NULL)
		return -1;
	rc = fprintf(f, "%d %llu %lld\n", p->pid, (unsigned long long)st, (long long)p->started) < 0;
	return fclose(f) != 0 || rc ? -1 : 0;
}

void
nsl_mark_failed(const struct nsl_conf *c, const char *slice, const char *node, const char *why)
{
	struct nsl_proc p;
	char path[600];
	FILE *f;

	nsl_proc_find(c, slice, node, &p);
	if (agw_fs_mkdir_p(p.dir) != 0)
		return;
	snprintf(path, sizeof(path), "%s/failed", p.dir);
	f = fopen(path, "we");
	if (f == NULL)
		return;
	fprintf(f, "%s\n", why);
	fclose(f);
}

void
nsl_mark_connected(const struct nsl_conf *c, const char *slice, const char *node)
{
	struct nsl_proc p;
	char path[600];
	int fd;

	nsl_proc_find(c, slice, node, &p);
	snprintf(path, sizeof(path), "%s/connected", p.dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

void
nsl_failed_reason(const struct nsl_conf *c, const char *slice, const char *node, char *out,
		  size_t len)
{
	struct nsl_proc p;
	char path[600];
	FILE *f;

	out[0] = '\0';
	nsl_proc_find(c, slice, node, &p);
	snprintf(path, sizeof(path), "%s/failed", p.dir);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	if (fgets(out, (int)len, f) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

/* What a failed start leaves: nothing running, no root file system; the console log and
 * the reason stay. @return -1. */
static int
start_failed(const struct nsl_conf *c, const char *slice, const char *node,
	     const struct nsl_proc *p, const char *err)
{
	char scratch[NSL_ERR_MAX], root[600];

	nsl_stop(c, slice, node, false, scratch, sizeof(scratch));
	snprintf(root, sizeof(root), "%s/rootfs", p->dir);
	nsl_rmtree(root);
	nsl_mark_failed(c, slice, node, err);
	return -1;
}

int
nsl_container_prepare(const struct nsl_conf *c, const char *slice, const char *node,
		      const struct nsl_plan *plan, const char *const *vports, unsigned int n,
		      struct nsl_proc *p, char *err, size_t errlen)
{
	char img[600], root[600], run[640];

	nsl_stop(c, slice, node, true, err, errlen);   /* what a failed start left, if any */
	nsl_proc_find(c, slice, node, p);
	snprintf(root, sizeof(root), "%s/rootfs", p->dir);
	if (nsl_image_fetch(c, plan->image_url, plan->image_sha256, img, sizeof(img), err,
			    errlen) != 0)
		return start_failed(c, slice, node, p, err);
	if (agw_fs_mkdir_p(root) != 0) {
		snprintf(err, errlen, "%s: %s ([nsliver] run_dir)", root, strerror(errno));
		return start_failed(c, slice, node, p, err);
	}
	if (nsl_run((char *const[]){ "tar", "-x", "-f", img, "-C", root, "--no-same-owner", NULL },
		err, errlen) != 0) {
		char why[NSL_ERR_MAX];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "image %s is not a root file system tar archive (%s)",
			 plan->image_url, why);
		return start_failed(c, slice, node, p, err);
	}
	du_bytes = 0;
	nftw(root, du_one, 16, FTW_PHYS | FTW_MOUNT);
	if (du_bytes > plan->need.disk_mib << 20) {
		snprintf(err, errlen, "its root file system takes %llu MiB, more than its disk of "
				      "%llu MiB (resource disk)",
			 (unsigned long long)(du_bytes >> 20),
			 (unsigned long long)plan->need.disk_mib);
		return start_failed(c, slice, node, p, err);
	}
	/* vhost-user vports: gw-core's sockets in its /run/agw; else veths */
	snprintf(run, sizeof(run), "%s/run/agw", root);
	if (plan->vhost_user && (agw_fs_mkdir_p(run) != 0 || strlen(run) + 22 > 107)) {
		snprintf(err, errlen, "%s: %s (a vhost-user socket path there must fit 107 bytes: "
				      "[nsliver] run_dir at most 60)", run,
			 errno ? strerror(errno) : "too long");
		return start_failed(c, slice, node, p, err);
	}
	if (make_net(c, slice, node, p->netns, vports, plan->vhost_user ? 0 : n, err, errlen) != 0)
		return start_failed(c, slice, node, p, err);
	return 0;
}

int
nsl_container_launch(const struct nsl_conf *c, const char *slice, const char *node,
		     const struct nsl_plan *plan, struct nsl_proc *p, char *err, size_t errlen)
{
	char root[600], tail[200];
	uint64_t st;
	int i;

	nsl_proc_find(c, slice, node, p);
	snprintf(root, sizeof(root), "%s/rootfs", p->dir);
	if (spawn(root, plan, p, err, errlen) != 0)
		return start_failed(c, slice, node, p, err);
	st = nsl_starttime(p->pid);
	if (st == 0 || nsl_write_pid(p, st) != 0) {
		nsl_console_tail(p->console, tail, sizeof(tail));
		snprintf(err, errlen, "its program ended at once%s%s", tail[0] ? ": " : "", tail);
		return start_failed(c, slice, node, p, err);
	}
	/* still there a moment later: a program that is not in the image ends at once */
	for (i = 0; i < 10 && nsl_starttime(p->pid) == st; i++)
		usleep(20000);
	if (nsl_starttime(p->pid) != st) {
		nsl_console_tail(p->console, tail, sizeof(tail));
		snprintf(err, errlen, "its program ended at once%s%s", tail[0] ? ": " : "", tail);
		return start_failed(c, slice, node, p, err);
	}
	p->running = true;
	return 0;
}

int
nsl_container_start(const struct nsl_conf *c, const char *slice, const char *node,
		    const struct nsl_plan *plan, const char *const *vports, unsigned int n,
		    struct nsl_proc *p, char *err, size_t errlen)
{
	if (nsl_container_prepare(c, slice, node, plan, vports, n, p, err, errlen) != 0)
		return -1;
	return nsl_container_launch(c, slice, node, plan, p, err, errlen);
}
