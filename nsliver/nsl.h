/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nsliver/: node slivers, the developer's programs in the slice's path on this AGW
 * (seed 003 section 3.6, Figure 13: the programmable node management and execution
 * part; seed 001 Figure 4's VN5, an `instance type="SlowPath_VM"`). Prefix nsl_.
 *
 * Two parts:
 * - the **node plan** (nsl_plan.c): what a node sliver of a spec asks for, checked and
 *   resolved before anything is reserved or started: its flavour, the cores, memory and
 *   disk it takes from [nsliver]'s capacity, and its boot image (a URL template whose
 *   `{bootImageServer}` is [nsliver] boot_image_server). Pure functions.
 * - the **runtime** (nsl_image.c, nsl_rt.c): boot images fetched with libcurl into a
 *   cache (size limit, SHA-256), and container node slivers started in network, mount,
 *   PID, UTS and IPC namespaces of their own, each vport a veth whose other end gw-core
 *   takes as a port added at run time (net_af_packet). The process is not the
 *   manager's child: it survives the manager, which finds it again from its pid file.
 *   VMs (QEMU, vhost-user) are not started yet: the manager refuses Run of one.
 *   Runtime calls block (a fetch, `ip`, `tar`); the manager calls them with its locks
 *   held, from one thread at a time.
 * docs/node-slivers.md is the user-facing description.
 */
#ifndef AGW_NSL_H
#define AGW_NSL_H

#include <stdbool.h>
#include <stdint.h>

#include "mgr.h"

#define NSL_URL_MAX 1024      /**< bytes, with the NUL, of a resolved image URL */
#define NSL_CMDLINE_MAX 1024  /**< bytes, with the NUL, of a guest kernel command line */
#define NSL_MAX_CPUS 64       /**< cores one node sliver may ask */

/** [nsliver] of agw.conf (docs/configuration.md). */
struct nsl_conf {
	unsigned int cores;            /**< cores all node slivers together may take */
	uint64_t memory_mib;           /**< MiB of memory they may take */
	uint64_t disk_mib;             /**< MiB of disk (overlays, rootfs copies) they may take */
	char boot_image_server[256];   /**< what `{bootImageServer}` in an image URL becomes
					    ("host[:port]"); "": such a URL is refused */
	char run_dir[256];             /**< per node sliver: rootfs, console log, pid file */
	char cache_dir[256];           /**< fetched boot images, by URL and digest */
	uint64_t image_max_mib;        /**< a larger image is refused while it downloads */
	unsigned int fetch_timeout_s;  /**< a fetch that takes longer is refused */
	unsigned int stop_timeout_ms;  /**< Stop: SIGTERM, then SIGKILL after this */
	char gwc_netns[64];            /**< gw-core's network namespace (ip netns name) where
					    the vports' gw-core ends go; "": the manager's */
	char accel[8];                 /**< VMs: "kvm", "tcg", or "auto" / "" (KVM when
					    /dev/kvm opens, else TCG) */
	char qemu[128];                /**< VMs: the QEMU binary ("qemu-system-x86_64") */
	unsigned int start_timeout_s;  /**< Run: its vports must connect within this */
	bool restart;                  /**< a node sliver whose process ended is started again
					    (back-off 1, 2, 4 ... 60 s), else reported failed */
	unsigned int restart_max;      /**< restarts in a row before it is reported failed */
};

/** How a node sliver runs. */
enum nsl_flavour {
	NSL_NONE = 0,        /**< not a node sliver this AGW runs (Terminal, _super) */
	NSL_VM = 1,          /**< `SlowPath_VM`: a QEMU guest, vports on vhost-user */
	NSL_CONTAINER = 2,   /**< `Container` (ours): a program in its own network
				  namespace, vports as its interfaces */
};

/** What a node sliver takes from [nsliver]'s capacity. */
struct nsl_demand {
	unsigned int cpus;       /**< cores (VM: vCPUs) */
	uint64_t memory_mib;     /**< MiB */
	uint64_t disk_mib;       /**< MiB: resource `disk`, default NSL_DISK_DEFAULT_MIB */
};

#define NSL_DISK_DEFAULT_MIB 1024   /**< disk a node sliver takes when it names none */

/** A node sliver, checked and resolved. */
struct nsl_plan {
	enum nsl_flavour flavour;
	struct nsl_demand need;
	bool dedicated;                     /**< cpumode=dedicated: its cores are its own */
	char image_url[NSL_URL_MAX];        /**< bootImage, templates resolved ("" none) */
	char image_sha256[65];              /**< bootImage_sha256, lower-case hex ("" none) */
	char kernel_url[NSL_URL_MAX];       /**< VM: param kernel, resolved ("" none) */
	char initrd_url[NSL_URL_MAX];       /**< VM: param initrd, resolved ("" none) */
	char cmdline[NSL_CMDLINE_MAX];      /**< VM: param cmdline ("" none) */
	char command[NSL_CMDLINE_MAX];      /**< Container: param command ("" the image's) */
	bool vhost_user;                    /**< Container: param attach=vhost-user: its vports
					         are gw-core's vhost-user sockets
					         /run/agw/VPORT.sock in its root (for DPDK
					         programs: virtio-user), not kernel interfaces */
};

/** @return the flavour of instance type 'instance' ("SlowPath_VM", "Container"), or
 *  NSL_NONE for any other. */
enum nsl_flavour nsl_flavour_of(const char *instance);

/**
 * What node sliver 'node' of instance type 'instance' takes, from its resources: `cpu`
 * (1-64), `memory` (MiB, 16-1048576), `disk` (MiB, 1-16777216; absent: 1024). For
 * accounting slivers already planned (their values were checked then).
 * @return 0; -1 with 'e' (BADARGS naming the node and the resource).
 */
int nsl_demand_of(const char *node, const struct mgr_kvs *res, struct nsl_demand *out,
		  struct mgr_err *e);

/**
 * Check and resolve node sliver 'node' (instance type 'instance', its resources 'res'
 * and params 'par'; docs/node-slivers.md lists them):
 *   resources `cpu`, `memory`, `disk` (nsl_demand_of()); `arch` (x86_64 only, else
 *   UNSUPPORTED); `cpumode` (`dedicated` or `shared`, the default);
 *   params `bootImage` (a VM's disk image, a container's rootfs tarball; URL schemes
 *   http, https, file), `bootImage_sha256` (64 hex digits), and for a VM `kernel`,
 *   `initrd` (URLs), `cmdline` (printable, at most 1023 bytes); for a container
 *   `command`. A VM needs `bootImage` or `kernel`, a container `bootImage`; `initrd`
 *   and `cmdline` need `kernel`. In a URL `{bootImageServer}` becomes
 *   c->boot_image_server; any other `{...}` is refused.
 * @return 0 with 'out' filled; -1 with 'e': BADARGS naming the node and what is wrong,
 *   UNSUPPORTED (another arch; an instance type that is not a node sliver's).
 */
int nsl_plan_node(const struct nsl_conf *c, const char *node, const char *instance,
		  const struct mgr_kvs *res, const struct mgr_kvs *par, struct nsl_plan *out,
		  struct mgr_err *e);

/* ---------------------------------------------------------------- runtime */

#define NSL_ERR_MAX 256   /**< bytes, with the NUL, of a runtime error message */

/** The names a node sliver's vport has on this AGW, all derived from (slice, node,
 *  vport) so that a restarted manager finds them again. */
struct nsl_vport_names {
	char port[32];      /**< gw-core port: "nsl-" + 8 hex of the slice + "-" + 8 hex of
			         (node, vport); its prefix names the slice's ports */
	char hostif[16];    /**< the veth end gw-core reads, in gw-core's namespace */
	char ifname[16];    /**< the interface inside the container: the vport's name when
			         it is a valid interface name, else "ethN" */
	char mac[18];       /**< its MAC: locally administered, from the same hash, so that it
			         stays across Stop/Run and the neighbours' ARP caches hold */
	char devargs[256];  /**< what gw-core's port.add gets */
};

/** Fill 'out' for vport number 'idx' (0-based), named 'vport', of node 'node' of slice
 *  'slice'. Pure. */
void nsl_vport_names(const char *slice, const char *node, const char *vport, unsigned int idx,
		     struct nsl_vport_names *out);

/** The prefix of slice 'slice''s gw-core node ports ("nsl-XXXXXXXX-") into 'out' (16
 *  bytes). Pure. */
void nsl_port_prefix(const char *slice, char *out);

/**
 * Fetch 'url' (http, https, file) into c->cache_dir with libcurl, unless a copy made
 * for the same URL and digest is there, and check it: at most c->image_max_mib MiB
 * (the transfer is cut at the limit), within c->fetch_timeout_s, an HTTP status of
 * 200, and SHA-256 'sha256' when it is not "" (lower-case hex). The cache file appears
 * (rename) only once every check passed. Blocks.
 * @return 0 with the cached file's path in 'path' ('len' bytes); -1 with 'err' saying
 *   what was wrong with the image (status, size, digest) or the transfer.
 */
int nsl_image_fetch(const struct nsl_conf *c, const char *url, const char *sha256, char *path,
		    size_t len, char *err, size_t errlen);

/** A node sliver's process as the runtime found it. */
struct nsl_proc {
	int pid;                 /**< the sliver's process (0: none) */
	int64_t started;         /**< s since the epoch */
	bool running;            /**< the process named by the pid file runs */
	bool connected;          /**< its vports were seen connected since it started
				      (nsl_mark_connected()) */
	uint64_t cpus;           /**< while running, the cores cpumode=dedicated pinned it
				      to (bit i: CPU i); 0: none */
	char dir[512];           /**< its run directory */
	char console[560];       /**< its console log */
	char netns[32];          /**< its network namespace (ip netns name) */
};

/** Read run directory 'dir' into 'p' (dir, console and netns untouched): its pid file
 *  gives pid, started and running (the process with that pid must have the start time
 *  recorded, so a reused pid is not taken for it); while it runs, connected and cpus. */
void nsl_proc_read(const char *dir, struct nsl_proc *p);

/** Where node 'node' of slice 'slice' lives: fills dir, console, netns of 'p', then
 *  nsl_proc_read() of that directory. */
void nsl_proc_find(const struct nsl_conf *c, const char *slice, const char *node,
		   struct nsl_proc *p);

/**
 * Start container node sliver 'node' of slice 'slice' with plan 'plan' and vports
 * 'vports[0..n-1]' (names): fetch and unpack its root file system (tar archive) into
 * its run directory, make its network namespace and one veth per vport (the container
 * end up, offloads off so that frames leave whole; the other end in c->gwc_netns, up,
 * without addresses), and start 'plan->command' (wordexp(3) words, no command
 * substitution; "" is "/bin/sh") in new mount, PID, UTS and IPC namespaces rooted there
 * (util-linux unshare), its output to the console log. The process is started with
 * setsid() by a child that exits, so it is nobody's child but init's. Blocks.
 * @return 0 with 'p' filled (running); -1 with 'err' (nothing is left behind).
 */
int nsl_container_start(const struct nsl_conf *c, const char *slice, const char *node,
			const struct nsl_plan *plan, const char *const *vports, unsigned int n,
			struct nsl_proc *p, char *err, size_t errlen);

/** Are the vports of a node sliver of instance type 'instance' with params 'par'
 *  vhost-user sockets (a VM; a Container with attach=vhost-user)? Pure. */
bool nsl_vports_vhost(const char *instance, const struct mgr_kvs *par);

/** Put in nm->devargs what gw-core's port.add gets for vport 'idx' of node 'node' of
 *  flavour 'f': an af_packet port on its veth (a container), a vhost-user server socket
 *  that QEMU connects to (a VM: vN.sock in its run directory) or the container's DPDK
 *  program does ('vhost' container: /run/agw/IFNAME.sock in its root). */
void nsl_vport_devargs(const struct nsl_conf *c, const char *slice, const char *node,
		       enum nsl_flavour f, bool vhost, unsigned int idx,
		       struct nsl_vport_names *nm);

/** The accelerator VMs get: "kvm" or "tcg" (c->accel, "auto": KVM when /dev/kvm opens
 *  read-write). */
const char *nsl_vm_accel(const struct nsl_conf *c);

/** The CPUs (bit i: CPU i, the first 64) that running node slivers hold for
 *  cpumode=dedicated (their run directories' "cpus" files). */
uint64_t nsl_dedicated_taken(const struct nsl_conf *c);

/** A CPU set as a list ("0,2-3") into 'out' ('len' bytes). */
void nsl_cpus_str(uint64_t mask, char *out, size_t len);

/**
 * Get VM node sliver 'node' of slice 'slice' ready to start: what an earlier start
 * left removed, its run directory made (gw-core's vhost-user sockets go there), its
 * kernel, initrd and disk image fetched (nsl_image_fetch()) and the disk checked (raw
 * or qcow2, at most its `disk`). QEMU needs gw-core's vhost-user ports at start-up, so
 * the manager calls this, then gives gw-core the ports, then nsl_vm_start(). Blocks.
 * @return 0; -1 with 'err' (recorded with nsl_mark_failed()).
 */
int nsl_vm_prepare(const struct nsl_conf *c, const char *slice, const char *node,
		   const struct nsl_plan *plan, char *err, size_t errlen);

/**
 * Start VM node sliver 'node' of slice 'slice' (plan->flavour NSL_VM, nsl_vm_prepare()
 * done, gw-core's vhost-user ports there) with vports 'vports[0..n-1]': make a
 * copy-on-write overlay of the disk (qemu-img create -b; raw or qcow2, at most its
 * `disk`), and start QEMU daemonized: memory from a shared memfd (vhost-user needs it),
 * each vport a virtio-net device on a vhost-user socket in its run directory that QEMU
 * connects to as a client and reconnects to every second (reconnect=1: a restarted
 * gw-core's socket is found again and the guest runs on), the serial console to
 * console.log, QMP on qmp.sock. The socket's other end is gw-core's (port.add of
 * nsl_vport_devargs()). 'cpus' (bit i: CPU i; 0: any) are the cores it is pinned to
 * (taskset: its vCPU and I/O threads), recorded as the node's "cpus" for
 * nsl_dedicated_taken(). Blocks until QEMU runs (QMP query-status).
 * @return 0 with 'p' filled (running); -1 with 'err' (nothing left running; the
 *   reason recorded with nsl_mark_failed()).
 */
int nsl_vm_start(const struct nsl_conf *c, const char *slice, const char *node,
		 const struct nsl_plan *plan, const char *const *vports, unsigned int n,
		 uint64_t cpus, struct nsl_proc *p, char *err, size_t errlen);

/**
 * The two halves of nsl_container_start() (which does both): everything but the
 * program (image, root, namespace, veths unless plan->vhost_user), then the program.
 * With vhost-user vports the manager gives gw-core the ports (their sockets in the
 * root's /run/agw) between the two, so that the program finds them at start-up.
 * @return 0; -1 with 'err' (nothing left running; the reason recorded).
 */
int nsl_container_prepare(const struct nsl_conf *c, const char *slice, const char *node,
			  const struct nsl_plan *plan, const char *const *vports, unsigned int n,
			  struct nsl_proc *p, char *err, size_t errlen);
int nsl_container_launch(const struct nsl_conf *c, const char *slice, const char *node,
			 const struct nsl_plan *plan, struct nsl_proc *p, char *err,
			 size_t errlen);

/**
 * Stop node 'node' of slice 'slice': a VM gets the ACPI power button (QMP
 * system_powerdown), a container's process SIGTERM; SIGKILL after c->stop_timeout_ms, its network namespace (and so its veths) deleted, its pid file
 * removed; with 'purge', its run directory (root file system, console log) too.
 * Safe when nothing runs. Blocks. @return 0; -1 with 'err' (what could not be removed).
 */
int nsl_stop(const struct nsl_conf *c, const char *slice, const char *node, bool purge,
	     char *err, size_t errlen);

/** Record 'why' node 'node' of slice 'slice' failed (a file in its run directory, so a
 *  restarted manager still says it); nsl_container_start() and a purging nsl_stop()
 *  clear it. */
void nsl_mark_failed(const struct nsl_conf *c, const char *slice, const char *node,
		     const char *why);

/** Record that node 'node' of slice 'slice' has its vports connected (until it stops):
 *  it is running, no longer booting. */
void nsl_mark_connected(const struct nsl_conf *c, const char *slice, const char *node);

/** What nsl_mark_failed() recorded, into 'out' ('len' bytes; "" when nothing). */
void nsl_failed_reason(const struct nsl_conf *c, const char *slice, const char *node, char *out,
		       size_t len);

/** The last line of console log 'path' into 'out' ('len' bytes; "" when none). */
void nsl_console_tail(const char *path, char *out, size_t len);

struct json_object;

/**
 * Run one QMP command on QEMU's QMP socket 'path' (a new connection: greeting,
 * qmp_capabilities, then 'cmd', a JSON object text such as
 * "{\"execute\": \"query-status\"}\r\n"); events that come between are skipped.
 * Blocks up to 'timeout_ms' in all.
 * @return 0 with '*ret' (may be NULL) the answer's "return" value (a new reference, the
 *   caller puts it); -1 with 'err': the socket, a peer that is not QMP, a timeout, or
 *   the error answer's "desc".
 */
int nsl_qmp(const char *path, const char *cmd, int timeout_ms, struct json_object **ret,
	    char *err, size_t errlen);

#endif /* AGW_NSL_H */
