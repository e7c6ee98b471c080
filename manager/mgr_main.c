/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * agw-manager: the AGW's XML-RPC server for SNC/VNM (seed 003 section 3.6).
 *   agw-manager -c /etc/agw/agw.conf [--check]     serve (or only check the config)
 *   agw-manager --hash-password                     read a password, print its hash
 * HTTP Basic credentials are required on every call; bodies over max_request_bytes get
 * HTTP 413. The XML-RPC endpoint is http://LISTEN/RPC2.
 */
#include <arpa/inet.h>
#include <crypt.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <rte_cfgfile.h>
#include <systemd/sd-daemon.h>
#include <xmlrpc-c/abyss.h>
#include <xmlrpc-c/server_abyss.h>

#include "mgr_rpc.h"

static TServer server;
static volatile sig_atomic_t stopping;

/* ---------------------------------------------------------------- config */

static int
bad(const char *path, const char *key, const char *val, const char *want)
{
	fprintf(stderr, "agw-manager: %s: [manager] %s = '%s': %s\n", path, key, val, want);
	return -1;
}

static int
range(const char *s, unsigned long max, unsigned long *lo, unsigned long *hi)
{
	char *end;

	errno = 0;
	*lo = strtoul(s, &end, 10);
	if (errno != 0 || *end != '-')
		return -1;
	*hi = strtoul(end + 1, &end, 10);
	return errno == 0 && *end == '\0' && *lo <= *hi && *hi <= max ? 0 : -1;
}

int
mgr_conf_load(struct mgr_conf *c, const char *path)
{
	static const char *const keys[] = {
		"listen", "user", "password_hash", "db", "gw_core_socket", "client_name",
		"max_request_bytes", "gw_core_check_ms", "gw_core_timeout_ms", "uplink_port",
		"access_port", "vid_range", "gre_key_range", "gre_remote", "port_capacity",
		"vici_socket", "ike_id", "ike_dpd_delay_s", "ike_cert", "ike_key", "ike_cacert",
		NULL,
	};
	const char *ike;
	struct rte_cfgfile *f;
	struct rte_cfgfile_entry ent[64];
	int n, i;
	unsigned long lo, hi;

	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8740");
	snprintf(c->user, sizeof(c->user), "snc");
	snprintf(c->db, sizeof(c->db), "/var/lib/agw/agw.db");
	snprintf(c->gwc_socket, sizeof(c->gwc_socket), "/run/agw/gw-core.sock");
	snprintf(c->client, sizeof(c->client), "manager");
	c->max_request_bytes = 1 << 20;
	c->gwc_check_ms = 1000;
	c->gwc_timeout_ms = 5000;
	snprintf(c->plan.uplink_port, sizeof(c->plan.uplink_port), "uplink");
	snprintf(c->plan.access_port, sizeof(c->plan.access_port), "access");
	c->plan.vid_min = 100;
	c->plan.vid_max = 4094;
	c->plan.key_min = 1;
	c->plan.key_max = 65535;
	c->plan.port_capacity_bps = 10000000000ull;
	snprintf(c->ike.uri, sizeof(c->ike.uri), "unix:///run/agw/charon.vici");
	c->ike.dpd_delay_s = 30;

	f = rte_cfgfile_load(path, 0);
	if (f == NULL) {
		fprintf(stderr, "agw-manager: cannot read config %s (missing, unreadable, or not "
				"INI: an empty value must be left out)\n", path);
		return -1;
	}
	if (!rte_cfgfile_has_section(f, "manager")) {
		fprintf(stderr, "agw-manager: %s has no [manager] section\n", path);
		rte_cfgfile_close(f);
		return -1;
	}
	n = rte_cfgfile_section_entries(f, "manager", ent, 64);
	for (i = 0; i < n; i++) {
		const char *k = ent[i].name, *v = ent[i].value;
		const char *const *kk;
		uint64_t x;

		for (kk = keys; *kk != NULL && strcmp(*kk, k) != 0; kk++)
			;
		if (*kk == NULL) {
			fprintf(stderr, "agw-manager: %s: [manager] has no key '%s' (README: "
					"configuration)\n", path, k);
			goto fail;
		}
		if (strcmp(k, "listen") == 0)
			snprintf(c->listen, sizeof(c->listen), "%s", v);
		else if (strcmp(k, "user") == 0)
			snprintf(c->user, sizeof(c->user), "%s", v);
		else if (strcmp(k, "password_hash") == 0)
			snprintf(c->password_hash, sizeof(c->password_hash), "%s", v);
		else if (strcmp(k, "db") == 0)
			snprintf(c->db, sizeof(c->db), "%s", v);
		else if (strcmp(k, "gw_core_socket") == 0)
			snprintf(c->gwc_socket, sizeof(c->gwc_socket), "%s", v);
		else if (strcmp(k, "client_name") == 0)
			snprintf(c->client, sizeof(c->client), "%s", v);
		else if (strcmp(k, "uplink_port") == 0)
			snprintf(c->plan.uplink_port, sizeof(c->plan.uplink_port), "%s", v);
		else if (strcmp(k, "access_port") == 0)
			snprintf(c->plan.access_port, sizeof(c->plan.access_port), "%s", v);
		else if (strcmp(k, "gre_remote") == 0) {
			struct in_addr a;

			if (*v != '\0' && inet_pton(AF_INET, v, &a) != 1)
				goto bad_val;
			snprintf(c->plan.gre_remote, sizeof(c->plan.gre_remote), "%s", v);
		} else if (strcmp(k, "vid_range") == 0) {
			if (range(v, 4094, &lo, &hi) != 0 || lo == 0) {
				bad(path, k, v, "want LOW-HIGH inside 1-4094");
				goto fail;
			}
			c->plan.vid_min = (uint16_t)lo;
			c->plan.vid_max = (uint16_t)hi;
		} else if (strcmp(k, "gre_key_range") == 0) {
			if (range(v, UINT32_MAX, &lo, &hi) != 0) {
				bad(path, k, v, "want LOW-HIGH inside 0-4294967295");
				goto fail;
			}
			c->plan.key_min = (uint32_t)lo;
			c->plan.key_max = (uint32_t)hi;
		} else if (strcmp(k, "vici_socket") == 0) {
			snprintf(c->ike.uri, sizeof(c->ike.uri), "%s%s",
				 strncmp(v, "unix://", 7) == 0 ? "" : "unix://", v);
		} else if (strcmp(k, "ike_id") == 0) {
			if (!mgr_ike_id_ok(v)) {
				bad(path, k, v, "an IKE identity: 1-127 printable characters "
						"without spaces or quotes");
				goto fail;
			}
			snprintf(c->ike.local_id, sizeof(c->ike.local_id), "%s", v);
		} else if (strcmp(k, "ike_cert") == 0 || strcmp(k, "ike_key") == 0 ||
			   strcmp(k, "ike_cacert") == 0) {
			char *dst = strcmp(k, "ike_cert") == 0  ? c->ike.cert_file :
				    strcmp(k, "ike_key") == 0 ? c->ike.key_file : c->ike.cacert_file;

			if (strlen(v) >= sizeof(c->ike.cert_file) || v[0] != '/') {
				bad(path, k, v, "an absolute path of a PEM or DER file");
				goto fail;
			}
			snprintf(dst, sizeof(c->ike.cert_file), "%s", v);
		} else if (strcmp(k, "ike_dpd_delay_s") == 0) {
			if (mgr_parse_si(v, &x) != 0 || x > 86400)
				goto bad_val;
			c->ike.dpd_delay_s = (unsigned int)x;
		} else if (strcmp(k, "port_capacity") == 0) {
			if (mgr_parse_si(v, &x) != 0)
				goto bad_val;
			c->plan.port_capacity_bps = x;
		} else {
			if (mgr_parse_si(v, &x) != 0 || x == 0 || x > UINT32_MAX)
				goto bad_val;
			if (strcmp(k, "max_request_bytes") == 0)
				c->max_request_bytes = (size_t)x;
			else if (strcmp(k, "gw_core_check_ms") == 0)
				c->gwc_check_ms = (unsigned int)x;
			else
				c->gwc_timeout_ms = (unsigned int)x;
		}
		continue;
bad_val:
		bad(path, k, v, "not a valid value (README: configuration)");
		goto fail;
	}
	/* the launcher's key: charon runs beside us, and IPsec link vports are ours to
	 * configure in it */
	ike = rte_cfgfile_get_entry(f, "agw", "ike");
	if (ike != NULL && strcasecmp(ike, "yes") != 0 && strcasecmp(ike, "no") != 0) {
		fprintf(stderr, "agw-manager: %s: [agw] ike = '%s': expected yes or no\n", path,
			ike);
		goto fail;
	}
	c->ike.enabled = ike != NULL && strcasecmp(ike, "yes") == 0;
	rte_cfgfile_close(f);
	if (c->password_hash[0] == '\0' || c->password_hash[0] != '$') {
		fprintf(stderr, "agw-manager: %s: [manager] password_hash is required: put the "
				"output of 'agw-manager --hash-password' there\n", path);
		return -1;
	}
	if (!mgr_name_ok(c->client)) {
		fprintf(stderr, "agw-manager: %s: [manager] client_name '%s' is not a name\n", path,
			c->client);
		return -1;
	}
	return 0;
fail:
	rte_cfgfile_close(f);
	return -1;
}

/* ---------------------------------------------------------------- HTTP access */

struct access {
	struct mgr *m;
	pthread_mutex_t lock;
	unsigned char ok[8][SHA256_DIGEST_LENGTH];   /* Authorization values that passed */
	unsigned int n_ok, next;
};

static void
http_refuse(TSession *s, int status, const char *msg)
{
	if (status == 401)
		ResponseAddField(s, "WWW-Authenticate", "Basic realm=\"AGW manager\"");
	ResponseStatus(s, (xmlrpc_uint16_t)status);
	ResponseError2(s, msg);
}

/* Check "Basic base64(user:password)" against the configured user and crypt(3) hash. */
static bool
credentials_ok(struct access *a, const char *hdr)
{
	const struct mgr_conf *c = &a->m->conf;
	unsigned char digest[SHA256_DIGEST_LENGTH], dec[512];
	struct crypt_data *cd;
	const char *b64, *h;
	char *colon;
	size_t len;
	int n, pad = 0;
	unsigned int i;
	bool ok = false;

	if (strncasecmp(hdr, "Basic ", 6) != 0)
		return false;
	b64 = hdr + 6;
	while (*b64 == ' ')
		b64++;
	len = strlen(b64);
	if (len == 0 || len % 4 != 0 || len / 4 * 3 >= sizeof(dec))
		return false;
	SHA256((const unsigned char *)hdr, strlen(hdr), digest);
	pthread_mutex_lock(&a->lock);
	for (i = 0; i < a->n_ok; i++)
		if (CRYPTO_memcmp(a->ok[i], digest, sizeof(digest)) == 0)
			ok = true;
	pthread_mutex_unlock(&a->lock);
	if (ok)
		return true;
	n = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)len);
	if (n < 0)
		return false;
	pad = (b64[len - 1] == '=') + (b64[len - 2] == '=');
	n -= pad;
	dec[n] = '\0';
	if (memchr(dec, '\0', (size_t)n) != NULL)
		return false;
	colon = strchr((char *)dec, ':');
	if (colon == NULL)
		return false;
	*colon = '\0';
	if (strcmp((char *)dec, c->user) != 0)
		return false;
	cd = calloc(1, sizeof(*cd));
	if (cd == NULL)
		return false;
	h = crypt_r(colon + 1, c->password_hash, cd);
	ok = h != NULL && h[0] != '*' && strlen(h) == strlen(c->password_hash) &&
	     CRYPTO_memcmp(h, c->password_hash, strlen(h)) == 0;
	OPENSSL_cleanse(cd, sizeof(*cd));
	OPENSSL_cleanse(dec, sizeof(dec));
	free(cd);
	if (ok) {
		pthread_mutex_lock(&a->lock);
		memcpy(a->ok[a->next], digest, sizeof(digest));
		a->next = (a->next + 1) % 8;
		if (a->n_ok < 8)
			a->n_ok++;
		pthread_mutex_unlock(&a->lock);
	}
	return ok;
}

/* Runs before the XML-RPC handler: size limit, then credentials. */
static void
access_handler(void *ctx, TSession *s, abyss_bool *handled)
{
	struct access *a = ctx;
	char *cl = RequestHeaderValue(s, "content-length");
	char *au = RequestHeaderValue(s, "authorization");
	char msg[128];

	*handled = true;
	if (cl != NULL && strtoull(cl, NULL, 10) > a->m->conf.max_request_bytes) {
		snprintf(msg, sizeof(msg), "request body over %zu bytes (max_request_bytes)",
			 a->m->conf.max_request_bytes);
		http_refuse(s, 413, msg);
		return;
	}
	if (au == NULL || !credentials_ok(a, au)) {
		http_refuse(s, 401, "credentials required (HTTP Basic, the manager's user)");
		return;
	}
	*handled = false;   /* on to the XML-RPC handler */
}

/* ---------------------------------------------------------------- gw-core monitor */

static void *
monitor(void *arg)
{
	struct mgr *m = arg;
	bool was_up = false, ike_was_up = false;
	char ike_said[MGR_MSG_MAX] = "";

	while (!stopping) {
		struct mgr_err e = { 0 };
		struct timespec ts = { .tv_sec = m->conf.gwc_check_ms / 1000,
				       .tv_nsec = (long)(m->conf.gwc_check_ms % 1000) * 1000000 };

		pthread_mutex_lock(&m->lock);
		if (mgr_gwc_check(&m->gwc, &m->reg, &e) != 0 && was_up)
			fprintf(stderr, "manager: gw-core: %s\n", e.msg);
		if (was_up && !mgr_gwc_up(&m->gwc))
			fprintf(stderr, "manager: lost gw-core; will re-program it when it is back\n");
		was_up = mgr_gwc_up(&m->gwc);
		e.msg[0] = '\0';
		if (mgr_ike_check(&m->ike, &m->reg, &e) != 0 && (ike_was_up || mgr_ike_up(&m->ike)) &&
		    strcmp(e.msg, ike_said) != 0) {
			fprintf(stderr, "manager: charon: %s\n", e.msg);   /* once, not per check */
			snprintf(ike_said, sizeof(ike_said), "%s", e.msg);
		}
		if (mgr_ike_up(&m->ike) && m->ike.synced)
			ike_said[0] = '\0';
		if (ike_was_up && !mgr_ike_up(&m->ike))
			fprintf(stderr, "manager: lost charon; will re-load its connections when it "
					"is back\n");
		ike_was_up = mgr_ike_up(&m->ike);
		pthread_mutex_unlock(&m->lock);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* ---------------------------------------------------------------- main */

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
	ServerTerminate(&server);
}

static int
listen_socket(const char *spec)
{
	char host[128], *colon;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int fd, one = 1, rc;

	snprintf(host, sizeof(host), "%s", spec);
	colon = strrchr(host, ':');
	if (colon == NULL) {
		fprintf(stderr, "agw-manager: listen '%s' is not ADDRESS:PORT\n", spec);
		return -1;
	}
	*colon = '\0';
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	rc = getaddrinfo(host, colon + 1, &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "agw-manager: listen '%s': %s\n", spec, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0) {
		fprintf(stderr, "agw-manager: cannot listen on %s: %s\n", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int
hash_password(void)
{
	char pw[256], salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	const char *h;
	size_t n;

	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password: ");
	if (fgets(pw, sizeof(pw), stdin) == NULL) {
		fprintf(stderr, "agw-manager: no password on stdin\n");
		return 1;
	}
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < 8) {
		fprintf(stderr, "agw-manager: use a password of at least 8 characters\n");
		return 1;
	}
	memset(&cd, 0, sizeof(cd));
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL ||
	    (h = crypt_r(pw, salt, &cd)) == NULL || h[0] == '*') {
		fprintf(stderr, "agw-manager: crypt failed: %s\n", strerror(errno));
		return 1;
	}
	printf("%s\n", h);
	OPENSSL_cleanse(pw, sizeof(pw));
	return 0;
}

static int
usage(FILE *f, int rc)
{
	fprintf(f, "usage: agw-manager -c CONFIG [--check]\n"
		   "       agw-manager --hash-password   (password on stdin; prints the hash\n"
		   "                                      for [manager] password_hash)\n");
	return rc;
}

int
main(int argc, char **argv)
{
	static struct mgr m;
	static struct access acc;
	const char *conf = NULL, *err = NULL;
	xmlrpc_env env;
	xmlrpc_registry *registry;
	TChanSwitch *sw;
	struct mgr_err e = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct ServerReqHandler3 h = { .handleReq = access_handler, .userdata = &acc };
	abyss_bool ok;
	pthread_t mon;
	bool check = false;
	int i, fd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (strcmp(argv[i], "--check") == 0)
			check = true;
		else if (strcmp(argv[i], "--hash-password") == 0)
			return hash_password();
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return usage(stdout, 0);
		else
			return usage(stderr, 2);
	}
	if (conf == NULL)
		return usage(stderr, 2);
	if (mgr_conf_load(&m.conf, conf) != 0)
		return 1;
	m.st = mgr_store_open(m.conf.db, &e);
	if (m.st == NULL || mgr_store_load(m.st, &m.reg, &e) != 0) {
		fprintf(stderr, "agw-manager: %s\n", e.msg);
		return 1;
	}
	if (check) {
		printf("agw-manager: %s is valid; %u slices in %s\n", conf, m.reg.n, m.conf.db);
		return 0;
	}
	pthread_mutex_init(&m.lock, NULL);
	pthread_mutex_init(&acc.lock, NULL);
	acc.m = &m;
	m.started = (int64_t)time(NULL);
	mgr_gwc_init(&m.gwc, m.conf.gwc_socket, m.conf.client, (int)m.conf.gwc_timeout_ms);
	if (mgr_gwc_check(&m.gwc, &m.reg, &e) != 0)
		fprintf(stderr, "manager: gw-core: %s (retrying every %u ms)\n", e.msg,
			m.conf.gwc_check_ms);
	if (mgr_ike_init(&m.ike, &m.conf.ike, &e) != 0) {
		fprintf(stderr, "agw-manager: %s: %s\n", conf, e.msg);
		return 1;
	}
	if (mgr_ike_check(&m.ike, &m.reg, &e) != 0)
		fprintf(stderr, "manager: charon: %s (retrying every %u ms)\n", e.msg,
			m.conf.gwc_check_ms);

	xmlrpc_env_init(&env);
	xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, m.conf.max_request_bytes);
	registry = xmlrpc_registry_new(&env);
	if (env.fault_occurred || mgr_rpc_register(&env, registry, &m) != 0) {
		fprintf(stderr, "agw-manager: XML-RPC registry: %s\n", env.fault_string);
		return 1;
	}
	fd = listen_socket(m.conf.listen);
	if (fd < 0)
		return 1;
	AbyssInit(&err);
	if (err == NULL)
		ChanSwitchUnixCreateFd(fd, &sw, &err);
	if (err == NULL)
		ServerCreateSwitch(&server, sw, &err);
	if (err != NULL) {
		fprintf(stderr, "agw-manager: HTTP server: %s\n", err);
		return 1;
	}
	ServerSetName(&server, "agw-manager");
	ServerSetKeepaliveTimeout(&server, 30);
	ServerSetTimeout(&server, 30);
	ServerSetMaxConn(&server, 64);
	/* Abyss tries the most recently added handler first: access control goes last. */
	xmlrpc_server_abyss_set_handler(&env, &server, "/RPC2", registry);
	ServerAddHandler3(&server, &h, &ok);
	if (!ok || env.fault_occurred) {
		fprintf(stderr, "agw-manager: cannot install HTTP handlers\n");
		return 1;
	}
	ServerInit2(&server, &err);
	if (err != NULL) {
		fprintf(stderr, "agw-manager: HTTP server: %s\n", err);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_create(&mon, NULL, monitor, &m);
	printf("agw-manager: ready on http://%s/RPC2 (%u slices from %s; gw-core %s; charon %s)\n",
	       m.conf.listen, m.reg.n, m.conf.db, mgr_gwc_up(&m.gwc) ? "connected" : "not reachable",
	       !m.conf.ike.enabled ? "not used" : mgr_ike_up(&m.ike) ? "connected" : "not reachable");
	fflush(stdout);
	/* systemd (Type=notify) or the agw launcher; a no-op without NOTIFY_SOCKET. */
	sd_notifyf(0, "READY=1\nSTATUS=listening on http://%s/RPC2\nMAINPID=%d", m.conf.listen,
		   (int)getpid());
	ServerRun(&server);
	sd_notify(0, "STOPPING=1");
	stopping = 1;
	pthread_join(mon, NULL);
	ServerFree(&server);
	ChanSwitchDestroy(sw);
	xmlrpc_registry_free(registry);
	xmlrpc_env_clean(&env);
	mgr_gwc_fini(&m.gwc);
	mgr_ike_fini(&m.ike);
	mgr_store_close(m.st);
	mgr_reg_clear(&m.reg);
	AbyssTerm();
	fprintf(stderr, "agw-manager: stopped\n");
	return 0;
}
