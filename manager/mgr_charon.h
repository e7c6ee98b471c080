/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The manager's side of charon: makes the AGW's charon hold exactly the IKE
 * configuration the registry's IPsec link slivers ask for, through charon's VICI socket
 * (libvici; the protocol and its commands are strongSwan's
 * src/libcharon/plugins/vici/README.md).
 *
 * For each executed link sliver's ipsec vport (an endpoint "LINK.VPORT" of slice SLICE,
 * docs/slice-spec.md) the manager loads:
 *   - a pool      "SLICE/LINK.VPORT"          addrs = the vport's 'pool' prefix;
 *   - per terminal (param "terminal:ID" = "psk:SECRET" or "pubkey"):
 *     a connection "SLICE/LINK.VPORT/ID"       IKEv2, remote id ID, the pool above, one
 *                                              CHILD_SA (local_ts 0.0.0.0/0, remote_ts
 *                                              dynamic, the ESP proposals gw-core
 *                                              implements); kernel-agw reads SLICE and
 *                                              LINK.VPORT from this name (docs/ike.md).
 *                                              PSK both ways, or for "pubkey" certificates
 *                                              both ways: the AGW's ([manager] ike_cert)
 *                                              and the terminal's, which must be issued by
 *                                              the CA in [manager] ike_cacert and carry ID;
 *     a shared key "SLICE/LINK.VPORT/ID"       PSK terminals: type IKE, owner ID.
 * With certificates configured, the AGW's private key ([manager] ike_key) is loaded too
 * (load-key), and again whenever charon no longer lists it (get-keys).
 * One connection per terminal because charon picks a connection by the peer's identity.
 * Everything named with a '/' that was loaded over VICI is the manager's: a reconcile
 * unloads such objects the registry does not want. Connections an operator loads by
 * hand (swanctl) must therefore have names without '/'.
 *
 * charon keeps VICI-loaded configuration in memory only; the manager notices a charon
 * restart when a request on its VICI connection fails, and reconciles on every
 * (re)connect, as it does for gw-core (mgr_gwc.h).
 *
 * Secrets go to charon only: never logged, never in a fault message.
 *
 * Thread context: the caller holds the manager's m->io_lock (mgr_ops.h). libvici runs libstrongswan's
 * library in this process (vici_init(), once, by mgr_charon_init()).
 */
#ifndef AGW_MGR_CHARON_H
#define AGW_MGR_CHARON_H

#include <stdbool.h>

#include "mgr.h"

#define MGR_IKE_NAME_MAX (2 * MGR_NAME_MAX + MGR_IKE_ID_MAX + 2)  /**< "SLICE/LINK.VPORT/ID" */

/** What the manager loads into charon (see the top of this file). */
enum mgr_charon_kind { MGR_IKE_POOL = 1, MGR_IKE_SECRET = 2, MGR_IKE_CONN = 3 };

/** One object in charon, as a slice wants it. */
struct mgr_charon_item {
	enum mgr_charon_kind kind;
	char name[MGR_IKE_NAME_MAX];   /**< pool name, shared key id or connection name */
	char pool[MGR_IKE_NAME_MAX];   /**< POOL: "a.b.c.d/len"; CONN: its pool's name */
	char id[MGR_IKE_ID_MAX];       /**< SECRET, CONN: the terminal's IKE identity */
	const char *psk;               /**< SECRET: points into the slice's params (not owned) */
	bool pubkey;                   /**< CONN: certificate authentication (MGR_AUTH_PUBKEY) */
};

/** Connection settings the manager applies to every terminal ([manager] in agw.conf). */
struct mgr_charon_conf {
	bool enabled;                  /**< [agw] ike = yes: charon runs and is ours to program */
	char uri[128];                 /**< VICI socket, "unix:///run/agw/charon.vici" */
	char local_id[MGR_IKE_ID_MAX]; /**< the AGW's IKE identity; "" = its IP address */
	unsigned int dpd_delay_s;      /**< dead peer detection interval, s; 0 = off */
	char cert_file[256];           /**< the AGW's X.509 certificate (PEM or DER); "" = none */
	char key_file[256];            /**< its private key (PEM or DER: RSA, ECDSA, Ed25519) */
	char cacert_file[256];         /**< the CA certificate terminals' certificates chain to */
};

struct mgr_charon {
	struct mgr_charon_conf conf;
	void *conn;                    /**< vici_conn_t *, NULL while down */
	unsigned long connects;        /**< successful (re)connects, each followed by a reconcile */
	bool synced;                   /**< the last reconcile succeeded (else the next check
	                                    tries again) */
	char last_error[MGR_MSG_MAX];
	void *cert, *key, *cacert;     /**< the files' contents (malloc'd); NULL: not configured */
	int cert_len, key_len, cacert_len;
	char key_id[128];              /**< charon's hex SHA-1 id of the loaded key; "" = not yet */
};

/**
 * The charon objects slice 'sl' wants (NULL: none), pools first, then shared keys, then
 * connections (the order they must be loaded in). Pure: no I/O.
 * @param out  *out receives a malloc'd array (free()); its psk pointers live as long as 'sl'
 * @return the number of items (0: *out NULL); -1 out of memory.
 */
int mgr_charon_items(const struct mgr_slice *sl, struct mgr_charon_item **out);

/**
 * Set up (not connected); initializes libvici once per process when conf->enabled, and
 * reads the certificate files named in 'conf' (all three or none).
 * @return 0; -1 with 'e' (BADARGS: only some of the three files named; SERVERERROR: a
 *   file cannot be read, naming it and why).
 */
int mgr_charon_init(struct mgr_charon *k, const struct mgr_charon_conf *conf, struct mgr_err *e);

/** Disconnect; wipe and free the key and certificates read by mgr_charon_init(). */
void mgr_charon_fini(struct mgr_charon *k);

/** Is the VICI connection up? */
static inline bool
mgr_charon_up(const struct mgr_charon *k)
{
	/* read without m->io_lock by Status (mgr_ops.h): one atomic load */
	return __atomic_load_n(&k->conn, __ATOMIC_RELAXED) != NULL;
}

/**
 * Keep the connection and charon in sync: when up, list the manager's objects in
 * charon and, if they are not exactly those 'reg' wants (someone unloaded one, or the
 * last reconcile failed), load and unload what differs; when down (or the listing
 * fails), connect and reconcile every slice of 'reg'. A no-op returning 0 when IKE is
 * disabled.
 * @return 0 connected and in sync; -1 with 'e' (UNAVAILABLE, or the reconcile's fault).
 */
int mgr_charon_check(struct mgr_charon *k, const struct mgr_reg *reg, struct mgr_err *e);

/**
 * Move slice 'id' in charon from 'old' to 'want' (either may be NULL: absent): load
 * what is new or changed (pools, then shared keys, then connections), then unload what
 * went (connections, closing their IKE_SAs at once, then shared keys, then pools). On a
 * failed load charon is put back to 'old' (best effort).
 * @return 0; -1 with 'e': UNSUPPORTED ('want' has IPsec terminals but IKE is disabled,
 *   or a "pubkey" terminal but no certificates are configured),
 *   UNAVAILABLE (charon not reachable), BADARGS (charon refused a value; its message),
 *   SERVERERROR (out of memory).
 */
int mgr_charon_apply(struct mgr_charon *k, const char *id, const struct mgr_slice *old,
		  const struct mgr_slice *want, struct mgr_err *e);

#endif
