/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nsliver/: node slivers, the developer's programs in the slice's path on this AGW
 * (seed 003 section 3.6, Figure 13: the programmable node management and execution
 * part; seed 001 Figure 4's VN5, an `instance type="SlowPath_VM"`). Prefix nsl_.
 *
 * This part is the **node plan**: what a node sliver of a spec asks for, checked and
 * resolved before anything is reserved or started: its flavour, the cores, memory and
 * disk it takes from [nsliver]'s capacity, and its boot image (a URL template whose
 * `{bootImageServer}` is [nsliver] boot_image_server). The runtime that starts and
 * supervises the VMs and containers is not built yet: the manager refuses Run of a
 * node sliver (UNSUPPORTED), so none is ever reported running while nothing runs.
 * docs/node-slivers.md is the user-facing description.
 *
 * Thread context: pure functions; no state, no locks, no I/O.
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

#endif /* AGW_NSL_H */
