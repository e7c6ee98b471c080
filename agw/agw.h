/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The agw launcher: one supervisor for the appliance's processes (gw-core, then
 * strongSwan's charon-systemd with the kernel-agw plugin when [agw] ike = yes, then
 * agw-manager), started in that order, each awaited until it says it is ready,
 * restarted with exponential back-off when it dies, and stopped in reverse order on
 * SIGTERM or SIGINT.
 *
 * Readiness is systemd's notification protocol (sd_notify(3)): every child gets
 * NOTIFY_SOCKET naming a datagram socket of its own in the run directory and sends
 * "READY=1" (and "STATUS=...") there, exactly as it would to systemd with
 * Type=notify. A datagram is accepted only with the child's own pid in its
 * SCM_CREDENTIALS.
 *
 * The launcher is single-threaded: one poll(2) loop over a signalfd, the children's
 * notification sockets and their stdout/stderr pipes (each line is re-printed on the
 * launcher's stdout as "[name] line"). Its state is written to RUN_DIR/agw.status
 * (JSON, replaced atomically) on every change; RUN_DIR/agw.pid holds its pid under
 * an exclusive flock(2) for as long as it runs. 'agw status' and 'agw stop' read them.
 */
#ifndef AGW_H
#define AGW_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define AGW_MAX_PROCS 4      /**< processes one launcher supervises */
#define AGW_MAX_ARGS 8       /**< argv entries of one process, without the NULL */
#define AGW_NAME_MAX 32      /**< bytes of a process name, with the NUL */
#define AGW_LINE_MAX 1024    /**< longest output line re-printed whole; longer ones are split */

/** Launcher settings: the [agw] section of agw.conf (docs/configuration.md lists every key). */
struct agw_conf {
	char conf_path[PATH_MAX];      /**< agw.conf itself, absolute (the manager reads it too) */
	char bin_dir[PATH_MAX];        /**< where gw-core and agw-manager are */
	char gw_core_conf[PATH_MAX];   /**< gw-core's config, absolute */
	char run_dir[PATH_MAX];        /**< pid, status and notification sockets */
	bool manager;                  /**< start agw-manager (no: gw-core alone, e.g. a SEP GW) */
	bool ike;                      /**< start charon (IPsec terminals, docs/ike.md) */
	char charon[PATH_MAX];         /**< charon-systemd's executable */
	char strongswan_conf[PATH_MAX]; /**< charon's strongswan.conf (STRONGSWAN_CONF), absolute */
	char ike_plugin[PATH_MAX];     /**< kernel-agw plugin to preload, "" = the installed one */
	unsigned int start_timeout_ms; /**< from exec to READY=1 */
	unsigned int stop_timeout_ms;  /**< from SIGTERM to exit, then SIGKILL */
	unsigned int restart_delay_ms;     /**< first back-off */
	unsigned int restart_delay_max_ms; /**< back-off ceiling */
	unsigned int stable_ms;        /**< up this long: the next death starts back-off afresh */
};

/**
 * Fill 'c' with the defaults (/etc/agw paths, bin_dir = the directory of the running
 * executable) and then the [agw] section of 'path', which may be absent. Relative
 * paths in the file are taken from the file's directory.
 * @return 0, or -1 after printing to stderr what is wrong: the file, the key, the
 *   value and what was expected.
 */
int agw_conf_load(struct agw_conf *c, const char *path);

/** What agw_charon_version_check() concluded. */
enum agw_charon_version {
	AGW_CHARON_VERSION_OK = 0,      /**< installed = the strongSwan the plugin was built against */
	AGW_CHARON_VERSION_REVISION,    /**< same upstream version, another Debian revision: runs,
	                                  with a warning */
	AGW_CHARON_VERSION_MISMATCH,    /**< another upstream version (or none installed): the
	                                  plugin's view of charon's structures may be wrong;
	                                  the launcher refuses to start */
};

/**
 * Compare the installed strongswan-libcharon package version 'installed' (dpkg's
 * "[epoch:]upstream[-revision]", e.g. "5.9.8-5+deb12u6"; NULL or "" when not installed)
 * with what the kernel-agw plugin was built against: upstream 'built_upstream'
 * ("5.9.8") from the Debian binary package version 'built_binary'. Writes a message for
 * the operator into 'msg' (both versions and what to do; "" when OK). Pure.
 * docs/ike.md, "Version check".
 */
enum agw_charon_version agw_charon_version_check(const char *installed, const char *built_upstream,
					   const char *built_binary, char *msg, size_t len);

/**
 * Can charon be started with the kernel-agw plugin: agw_charon_version_check() against
 * this machine (the installed version asked of dpkg-query, package
 * strongswan-libcharon; the built one compiled into the launcher from the build's
 * strongSwan source, build/strongswan/version.h), the plugin (c->ike_plugin, or the
 * installed one in the plugin directory make install used) and c->strongswan_conf
 * readable. Prints to stderr what is wrong or worth a warning, and what to do.
 * @return 0 (OK, or only the Debian revision differs), -1 do not start charon.
 */
int agw_charon_ready(const struct agw_conf *c);

/** A process's state as 'agw status' shows it. */
enum agw_proc_state {
	AGW_PROC_STOPPED,    /**< not started, or stopped for good */
	AGW_PROC_STARTING,   /**< running, READY=1 not received yet */
	AGW_PROC_RUNNING,    /**< READY=1 received */
	AGW_PROC_BACKOFF,    /**< died; restarts when its delay is over */
	AGW_PROC_STOPPING,   /**< SIGTERM sent */
};

/** @return the lower-case name of 's' ("running"). */
const char *agw_proc_state_name(enum agw_proc_state s);

/**
 * The back-off before restarting a process that died after 'uptime_ms' in service,
 * when the previous delay was 'prev_ms' (0: it never died before): the first delay
 * (restart_delay_ms) if the process had been up for stable_ms or longer or never
 * died, else twice 'prev_ms', at most restart_delay_max_ms. Pure.
 * @return the delay in ms.
 */
unsigned int agw_backoff_next(const struct agw_conf *c, unsigned int prev_ms, uint64_t uptime_ms);

/**
 * Run the appliance in the foreground until SIGTERM or SIGINT: take the run
 * directory's pid lock, start every process in order waiting for each to be ready,
 * tell our own supervisor READY=1 (systemd, when NOTIFY_SOCKET is set), then keep
 * them up. Main thread only; the signal mask of the calling thread is changed.
 * @return the exit status: 0 after a requested stop; 1 when the lock is held by
 *   another launcher, a process could not be started, died or timed out before it was
 *   ready (everything already started is stopped again first), or the run directory
 *   is unusable. Every failure is printed with the process's name and what to do.
 */
int agw_run(const struct agw_conf *c);

/**
 * Print the launcher's state from RUN_DIR/agw.status as a table, or as JSON with
 * 'json' (the status file plus "launcher_running"). Any thread.
 * @return 0 when the launcher runs and every process is running; 1 when it runs and
 *   some process is not (starting, in back-off, stopping); 3 when no launcher runs
 *   (the LSB "not running" code).
 */
int agw_status(const struct agw_conf *c, bool json);

/**
 * Ask the running launcher to stop (SIGTERM) and wait until it has released its
 * lock, i.e. every process is gone.
 * @return 0 when it stopped or none was running; 1 when it did not stop in time.
 */
int agw_stop(const struct agw_conf *c);

#endif /* AGW_H */
