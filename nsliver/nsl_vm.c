/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM node slivers (nsl.h): QEMU (Debian's qemu-system-x86) per node sliver, daemonized
 * so that it outlives the manager, its guest memory a shared memfd so that gw-core's
 * vhost-user ports reach it without a kernel in the path, QMP for state and shutdown,
 * the serial console in a file, disks as copy-on-write overlays (qemu-img).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "agw_fs.h"
#include "nsl.h"
#include "nsl_int.h"

#define MAX_ARGS (52 + 6 * MGR_MAX_VPORTS)

void
nsl_vport_devargs(const struct nsl_conf *c, const char *slice, const char *node,
		  enum nsl_flavour f, bool vhost, unsigned int idx, struct nsl_vport_names *nm)
{
	struct nsl_proc p;
	char vname[40], path[300];

	if (f != NSL_VM && !vhost)
		return;   /* nsl_vport_names() gave the af_packet one */
	nsl_proc_find(c, slice, node, &p);
	if (f == NSL_VM)
		snprintf(path, sizeof(path), "%s/v%u.sock", p.dir, idx);
	else
		snprintf(path, sizeof(path), "%s/rootfs/run/agw/%s.sock", p.dir, nm->ifname);
	snprintf(vname, sizeof(vname), "%.*s", (int)strcspn(nm->devargs, ","), nm->devargs);
	/* net_af_packet_nslXXXXXXXXYYYYYYYY -> net_vhost_nslXXXXXXXXYYYYYYYY */
	snprintf(nm->devargs, sizeof(nm->devargs), "net_vhost_%s,iface=%s",
		 vname + strlen("net_af_packet_"), path);
}

const char *
nsl_vm_accel(const struct nsl_conf *c)
{
	int fd;

	if (strcmp(c->accel, "kvm") == 0 || strcmp(c->accel, "tcg") == 0)
		return c->accel;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "tcg";
	close(fd);
	return "kvm";
}

/* The disk image's format ("raw", "qcow2") and virtual size, from qemu-img info. */
static int
disk_info(const char *img, char *fmt, size_t len, uint64_t *vsize, char *err, size_t errlen)
{
	char out[256], cmd[700];
	struct json_object *o, *v;
	FILE *f;
	size_t n;
	int rc = -1;

	/* popen: qemu-img's JSON on stdout; the path is ours (the cache's) */
	snprintf(cmd, sizeof(cmd), "qemu-img info --output=json '%s' 2>/dev/null", img);
	f = popen(cmd, "r");
	if (f == NULL) {
		snprintf(err, errlen, "qemu-img: %s", strerror(errno));
		return -1;
	}
	n = fread(out, 1, sizeof(out) - 1, f);
	pclose(f);
	out[n] = '\0';
	o = json_tokener_parse(out);
	if (o != NULL && json_object_object_get_ex(o, "format", &v)) {
		snprintf(fmt, len, "%s", json_object_get_string(v));
		*vsize = json_object_object_get_ex(o, "virtual-size", &v)
				 ? (uint64_t)json_object_get_int64(v) : 0;
		rc = 0;
	} else {
		snprintf(err, errlen, "qemu-img could not read the disk image");
	}
	json_object_put(o);
	return rc;
}

/* Fetch (or find in the cache) what 'plan' boots, into kernel/initrd/disk (each "" when
 * the plan has none), and check the disk: format (into 'fmt') and size. */
static int
vm_files(const struct nsl_conf *c, const struct nsl_plan *plan, char *kernel, char *initrd,
	 char *disk, size_t len, char *fmt, size_t fmtlen, char *err, size_t errlen)
{
	uint64_t vsize = 0;

	kernel[0] = initrd[0] = disk[0] = '\0';
	if ((plan->kernel_url[0] != '\0' &&
	     nsl_image_fetch(c, plan->kernel_url, "", kernel, len, err, errlen) != 0) ||
	    (plan->initrd_url[0] != '\0' &&
	     nsl_image_fetch(c, plan->initrd_url, "", initrd, len, err, errlen) != 0) ||
	    (plan->image_url[0] != '\0' &&
	     nsl_image_fetch(c, plan->image_url, plan->image_sha256, disk, len, err, errlen) != 0))
		return -1;
	if (disk[0] == '\0')
		return 0;
	if (disk_info(disk, fmt, fmtlen, &vsize, err, errlen) != 0)
		return -1;
	if (strcmp(fmt, "raw") != 0 && strcmp(fmt, "qcow2") != 0) {
		snprintf(err, errlen, "image %s is a %s disk, not raw or qcow2", plan->image_url, fmt);
		return -1;
	}
	if (vsize > plan->need.disk_mib << 20) {
		snprintf(err, errlen, "image %s is a disk of %llu MiB, more than its disk of %llu MiB "
				      "(resource disk)", plan->image_url,
			 (unsigned long long)(vsize >> 20), (unsigned long long)plan->need.disk_mib);
		return -1;
	}
	return 0;
}

int
nsl_vm_prepare(const struct nsl_conf *c, const char *slice, const char *node,
	       const struct nsl_plan *plan, char *err, size_t errlen)
{
	char kernel[600], initrd[600], disk[600], fmt[16];
	struct nsl_proc p;

	nsl_stop(c, slice, node, true, err, errlen);   /* what a failed start left, if any */
	nsl_proc_find(c, slice, node, &p);
	if (agw_fs_mkdir_p(p.dir) != 0) {
		snprintf(err, errlen, "%s: %s ([nsliver] run_dir)", p.dir, strerror(errno));
		goto fail;
	}
	if (strlen(p.dir) + 16 > 107) {
		snprintf(err, errlen, "run directory %s is too long for a socket path ([nsliver] "
				      "run_dir: at most 80 bytes)", p.dir);
		goto fail;
	}
	if (vm_files(c, plan, kernel, initrd, disk, sizeof(kernel), fmt, sizeof(fmt), err,
		     errlen) != 0)
		goto fail;
	return 0;
fail:
	nsl_mark_failed(c, slice, node, err);
	return -1;
}

void
nsl_cpus_str(uint64_t mask, char *out, size_t len)
{
	unsigned int i = 0, j;
	size_t l = 0;

	out[0] = '\0';
	while (i < 64 && l < len) {
		if (!(mask >> i & 1)) {
			i++;
			continue;
		}
		for (j = i; j + 1 < 64 && (mask >> (j + 1) & 1); j++)
			;
		l += (size_t)snprintf(out + l, len - l, i == j ? "%s%u" : "%s%u-%u", l ? "," : "", i,
				      j);
		i = j + 1;
	}
}

uint64_t
nsl_dedicated_taken(const struct nsl_conf *c)
{
	uint64_t taken = 0;
	struct dirent *d;
	DIR *dir = opendir(c->run_dir);

	while (dir != NULL && (d = readdir(dir)) != NULL) {
		char path[600];
		struct nsl_proc p;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->run_dir, d->d_name);
		nsl_proc_read(path, &p);   /* cpus only while it runs */
		taken |= p.cpus;
	}
	if (dir != NULL)
		closedir(dir);
	return taken;
}

int
nsl_vm_start(const struct nsl_conf *c, const char *slice, const char *node,
	     const struct nsl_plan *plan, const char *const *vports, unsigned int n,
	     uint64_t cpus, struct nsl_proc *p, char *err, size_t errlen)
{
	char cpulist[200];
	char kernel[600] = "", initrd[600] = "", disk[600] = "", overlay[640], qmp[640];
	char pidf[640], mem[64], smp[16], machine[96], memobj[96], drive[700], fmt[16] = "";
	char chardev[MGR_MAX_VPORTS][680], netdev[MGR_MAX_VPORTS][64];
	char device[MGR_MAX_VPORTS][128], con[640], append[NSL_CMDLINE_MAX + 32];
	char *argv[MAX_ARGS];
	struct json_object *st = NULL, *v = NULL;
	unsigned int k = 0, i;
	uint64_t t;
	FILE *f;

	nsl_proc_find(c, slice, node, p);
	/* from the cache nsl_vm_prepare() filled */
	if (vm_files(c, plan, kernel, initrd, disk, sizeof(kernel), fmt, sizeof(fmt), err,
		     errlen) != 0)
		goto fail;
	if (disk[0] != '\0') {
		snprintf(overlay, sizeof(overlay), "%s/overlay.qcow2", p->dir);
		if (nsl_run((char *const[]){ "qemu-img", "create", "-q", "-f", "qcow2", "-F", fmt,
					     "-b", disk, overlay, NULL }, err, errlen) != 0)
			goto fail;
	}
	snprintf(qmp, sizeof(qmp), "unix:%s/qmp.sock,server=on,wait=off", p->dir);
	snprintf(pidf, sizeof(pidf), "%s/qemu.pid", p->dir);
	snprintf(machine, sizeof(machine), "q35,accel=%s,memory-backend=mem0", nsl_vm_accel(c));
	snprintf(memobj, sizeof(memobj), "memory-backend-memfd,id=mem0,size=%" PRIu64 "M,share=on",
		 plan->need.memory_mib);
	snprintf(mem, sizeof(mem), "%" PRIu64 "M", plan->need.memory_mib);
	snprintf(smp, sizeof(smp), "%u", plan->need.cpus);
	snprintf(con, sizeof(con), "file,id=con0,path=%s", p->console);
	if (cpus != 0) {   /* cpumode=dedicated: its threads on these cores only */
		nsl_cpus_str(cpus, cpulist, sizeof(cpulist));
		argv[k++] = "taskset";
		argv[k++] = "-c";
		argv[k++] = cpulist;
	}
	argv[k++] = c->qemu[0] ? (char *)c->qemu : "qemu-system-x86_64";
	argv[k++] = "-name";
	argv[k++] = (char *)node;
	argv[k++] = "-machine";
	argv[k++] = machine;
	argv[k++] = "-object";
	argv[k++] = memobj;
	argv[k++] = "-m";
	argv[k++] = mem;
	argv[k++] = "-smp";
	argv[k++] = smp;
	argv[k++] = "-nodefaults";
	argv[k++] = "-no-user-config";
	argv[k++] = "-display";
	argv[k++] = "none";
	argv[k++] = "-chardev";
	argv[k++] = con;
	argv[k++] = "-serial";
	argv[k++] = "chardev:con0";
	argv[k++] = "-qmp";
	argv[k++] = qmp;
	argv[k++] = "-daemonize";
	argv[k++] = "-pidfile";
	argv[k++] = pidf;
	if (kernel[0] != '\0') {
		argv[k++] = "-kernel";
		argv[k++] = kernel;
		snprintf(append, sizeof(append), "%s%s", plan->cmdline,
			 strstr(plan->cmdline, "console=") ? "" : " console=ttyS0");
		argv[k++] = "-append";
		argv[k++] = append;
	}
	if (initrd[0] != '\0') {
		argv[k++] = "-initrd";
		argv[k++] = initrd;
	}
	if (disk[0] != '\0') {
		snprintf(drive, sizeof(drive), "file=%s,if=virtio,format=qcow2", overlay);
		argv[k++] = "-drive";
		argv[k++] = drive;
	}
	for (i = 0; i < n && i < MGR_MAX_VPORTS; i++) {
		struct nsl_vport_names nm;

		nsl_vport_names(slice, node, vports[i], i, &nm);
		snprintf(chardev[i], sizeof(chardev[i]), "socket,id=vu%u,path=%s/v%u.sock,reconnect=1",
			 i, p->dir, i);
		snprintf(netdev[i], sizeof(netdev[i]), "vhost-user,id=n%u,chardev=vu%u", i, i);
		/* vectors=0 (INTx): with TCG, QEMU 7.2 crashes starting vhost-user on a
		 * device with MSI-X vectors (msix_set_vector_notifiers, seen here); KVM
		 * takes MSI-X */
		snprintf(device[i], sizeof(device[i]), "virtio-net-pci,netdev=n%u,mac=%s%s", i, nm.mac,
			 strcmp(nsl_vm_accel(c), "tcg") == 0 ? ",vectors=0" : "");
		argv[k++] = "-chardev";
		argv[k++] = chardev[i];
		argv[k++] = "-netdev";
		argv[k++] = netdev[i];
		argv[k++] = "-device";
		argv[k++] = device[i];
	}
	argv[k] = NULL;
	/* -daemonize: the first QEMU returns once the VM is set up (or says why not) */
	if (nsl_run(argv, err, errlen) != 0)
		goto fail;
	f = fopen(pidf, "re");
	if (f == NULL || fscanf(f, "%d", &p->pid) != 1) {
		if (f != NULL)
			fclose(f);
		snprintf(err, errlen, "QEMU wrote no pid file");
		goto fail;
	}
	fclose(f);
	p->started = (int64_t)time(NULL);
	t = nsl_starttime(p->pid);
	snprintf(qmp, sizeof(qmp), "%s/qmp.sock", p->dir);
	if (t == 0 || nsl_write_pid(p, t) != 0 ||
	    nsl_qmp(qmp, "{\"execute\": \"query-status\"}\r\n", 5000, &st, err, errlen) != 0)
		goto fail;
	if (!json_object_object_get_ex(st, "status", &v) ||
	    strcmp(json_object_get_string(v), "running") != 0) {
		snprintf(err, errlen, "QEMU's VM is %s, not running",
			 v != NULL ? json_object_get_string(v) : "in no known state");
		json_object_put(st);
		goto fail;
	}
	json_object_put(st);
	if (cpus != 0) {
		snprintf(pidf, sizeof(pidf), "%s/cpus", p->dir);
		f = fopen(pidf, "we");
		if (f != NULL) {
			fprintf(f, "%llx\n", (unsigned long long)cpus);
			fclose(f);
		}
	}
	p->running = true;
	return 0;
fail: {
	char scratch[NSL_ERR_MAX];

	nsl_stop(c, slice, node, false, scratch, sizeof(scratch));   /* the console log stays */
	snprintf(overlay, sizeof(overlay), "%s/overlay.qcow2", p->dir);
	unlink(overlay);
	nsl_mark_failed(c, slice, node, err);
	return -1;
}
}
