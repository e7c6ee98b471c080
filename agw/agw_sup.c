/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The launcher's supervisor (see agw.h): spawn, readiness over sd_notify datagrams,
 * restart with back-off, ordered stop, and the status file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <systemd/sd-daemon.h>

#include "agw.h"
#include "agw_fs.h"
#include "agw_json.h"

struct proc {
	char name[AGW_NAME_MAX];
	char args[AGW_MAX_ARGS][PATH_MAX];
	char *argv[AGW_MAX_ARGS + 1];
	char env[2][PATH_MAX + 32];  /* "NAME=value" set in the child; "" for none */
	enum agw_proc_state state;
	pid_t pid;                   /* 0 when no process runs */
	int notify_fd;
	int out_fd;                  /* read end of its stdout+stderr; -1 at EOF */
	char notify_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uint64_t started_ms;         /* monotonic, at spawn */
	uint64_t deadline_ms;        /* STARTING: ready by; STOPPING: SIGKILL at; BACKOFF: restart at */
	time_t since;                /* wall clock, when the current state began */
	unsigned int restarts;
	unsigned int delay_ms;       /* last back-off; 0 before the first death */
	char last_exit[64];
	char status[160];            /* its last STATUS= */
	char line[AGW_LINE_MAX];
	size_t line_len;
};

enum sup_state { SUP_STARTING, SUP_RUNNING, SUP_STOPPING };

struct sup {
	const struct agw_conf *c;
	struct proc p[AGW_MAX_PROCS];
	unsigned int n;
	unsigned int next;           /* STARTING: being brought up; STOPPING: count still to stop */
	enum sup_state state;
	int exit_code;
	int sfd;
	time_t since;
};

static const char *const state_names[] = {
	[AGW_PROC_STOPPED] = "stopped",   [AGW_PROC_STARTING] = "starting",
	[AGW_PROC_RUNNING] = "running",   [AGW_PROC_BACKOFF] = "back-off",
	[AGW_PROC_STOPPING] = "stopping",
};

const char *
agw_proc_state_name(enum agw_proc_state s)
{
	return (unsigned int)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s]
									      : "?";
}

unsigned int
agw_backoff_next(const struct agw_conf *c, unsigned int prev_ms, uint64_t uptime_ms)
{
	uint64_t d;

	if (prev_ms == 0 || uptime_ms >= c->stable_ms)
		return c->restart_delay_ms;
	d = (uint64_t)prev_ms * 2;
	return d > c->restart_delay_max_ms ? c->restart_delay_max_ms : (unsigned int)d;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	va_list ap;

	fputs("agw: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static void
set_state(struct proc *p, enum agw_proc_state st)
{
	p->state = st;
	p->since = time(NULL);
}

/* ------------------------------------------------------------ status file */

static const char *const sup_names[] = { "starting", "running", "stopping" };

static void
status_path(const struct agw_conf *c, char *out, size_t len, const char *file)
{
	snprintf(out, len, "%s/%s", c->run_dir, file);
}

static void
write_status(const struct sup *s, const char *state)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	char path[PATH_MAX], tmp[PATH_MAX], summary[256];
	size_t used = 0;
	unsigned int i, a;

	agw_json_add_int(o, "launcher_pid", getpid());
	agw_json_add_str(o, "state", state);
	agw_json_add_int(o, "since", s->since);
	agw_json_add_str(o, "config", s->c->conf_path);
	summary[0] = '\0';
	for (i = 0; i < s->n; i++) {
		const struct proc *p = &s->p[i];
		struct json_object *po = json_object_new_object(), *av = json_object_new_array();
		int k;

		agw_json_add_str(po, "name", p->name);
		agw_json_add_str(po, "state", agw_proc_state_name(p->state));
		agw_json_add_int(po, "pid", p->pid);
		agw_json_add_int(po, "since", p->since);
		agw_json_add_int(po, "restarts", p->restarts);
		agw_json_add_int(po, "restart_delay_ms", p->delay_ms);
		agw_json_add_str(po, "last_exit", p->last_exit);
		agw_json_add_str(po, "status", p->status);
		for (a = 0; p->argv[a] != NULL; a++)
			json_object_array_add(av, json_object_new_string(p->argv[a]));
		json_object_object_add(po, "argv", av);
		json_object_array_add(arr, po);
		k = snprintf(summary + used, sizeof(summary) - used, "%s%s %s", i ? ", " : "",
			     p->name, agw_proc_state_name(p->state));
		if (k > 0 && used + (size_t)k < sizeof(summary))
			used += (size_t)k;
	}
	json_object_object_add(o, "processes", arr);
	status_path(s->c, path, sizeof(path), "agw.status");
	status_path(s->c, tmp, sizeof(tmp), "agw.status.tmp");
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PRETTY) != 0 ||
	    rename(tmp, path) != 0)
		say("cannot write %s: %s", path, strerror(errno));
	json_object_put(o);
	sd_notifyf(0, "STATUS=%s", summary);
}

static void
status_changed(const struct sup *s)
{
	write_status(s, sup_names[s->state]);
}

/* ------------------------------------------------------------ children */

static int
notify_open(const struct agw_conf *c, struct proc *p)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int one = 1;

	if ((size_t)snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s.notify", c->run_dir,
			     p->name) >= sizeof(a.sun_path)) {
		say("run_dir %s is too long for a socket path", c->run_dir);
		return -1;
	}
	memcpy(p->notify_path, a.sun_path, sizeof(p->notify_path));
	p->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->notify_fd < 0)
		return -1;
	unlink(p->notify_path);
	if (bind(p->notify_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    setsockopt(p->notify_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0) {
		say("cannot open the notification socket %s: %s", p->notify_path, strerror(errno));
		close(p->notify_fd);
		p->notify_fd = -1;
		return -1;
	}
	return 0;
}

static bool out_read(struct proc *p);

/* Start 'p'. On failure it goes to back-off as if it had died at once. */
static int
spawn(struct sup *s, struct proc *p)
{
	pid_t parent = getpid(), pid;
	int fds[2], null_fd;

	if (p->out_fd >= 0 && out_read(p)) {   /* the previous instance's last output */
		close(p->out_fd);
		p->out_fd = -1;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		say("%s: pipe: %s", p->name, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		say("%s: fork: %s", p->name, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		/* If the launcher is killed, its processes go with it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		null_fd = open("/dev/null", O_RDONLY);
		if (null_fd >= 0)
			dup2(null_fd, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		setenv("NOTIFY_SOCKET", p->notify_path, 1);
		unsetenv("WATCHDOG_USEC");
		unsetenv("WATCHDOG_PID");
		for (unsigned int e = 0; e < sizeof(p->env) / sizeof(p->env[0]); e++)
			if (p->env[e][0] != '\0')
				putenv(p->env[e]);
		execv(p->argv[0], p->argv);
		dprintf(2, "cannot execute %s: %s\n", p->argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	p->out_fd = fds[0];
	p->line_len = 0;
	p->pid = pid;
	p->started_ms = now_ms();
	p->deadline_ms = p->started_ms + s->c->start_timeout_ms;
	p->status[0] = '\0';
	set_state(p, AGW_PROC_STARTING);
	say("starting %s (pid %d): %s%s", p->name, (int)pid, p->argv[0],
	    p->restarts ? "" : " (waiting for READY=1)");
	status_changed(s);
	return 0;
}

static void start_next(struct sup *s);
static void stop_next(struct sup *s);

/* Stop everything (reverse order) and leave with 'code'. */
static void
begin_stop(struct sup *s, int code, const char *why)
{
	if (s->state == SUP_STOPPING)
		return;
	say("stopping (%s)", why);
	sd_notify(0, "STOPPING=1");
	s->state = SUP_STOPPING;
	s->since = time(NULL);
	s->exit_code = code;
	s->next = s->n;
	stop_next(s);
}

static void
stop_next(struct sup *s)
{
	while (s->next > 0) {
		struct proc *p = &s->p[s->next - 1];

		if (p->pid > 0) {
			if (p->state != AGW_PROC_STOPPING) {
				say("stopping %s (pid %d)", p->name, (int)p->pid);
				kill(p->pid, SIGTERM);
				set_state(p, AGW_PROC_STOPPING);
				p->deadline_ms = now_ms() + s->c->stop_timeout_ms;
				status_changed(s);
			}
			return;   /* its exit moves us on */
		}
		if (p->state != AGW_PROC_STOPPED) {
			set_state(p, AGW_PROC_STOPPED);
			status_changed(s);
		}
		s->next--;
	}
}

/* STARTING: bring up s->p[s->next], or declare the appliance up. */
static void
start_next(struct sup *s)
{
	if (s->next < s->n) {
		if (spawn(s, &s->p[s->next]) != 0)
			begin_stop(s, 1, "a process could not be started");
		return;
	}
	s->state = SUP_RUNNING;
	s->since = time(NULL);
	status_changed(s);
	say("appliance up: every process is ready");
	sd_notify(0, "READY=1");
}

static void
ready(struct sup *s, struct proc *p)
{
	if (p->state != AGW_PROC_STARTING)
		return;
	set_state(p, AGW_PROC_RUNNING);
	say("%s ready (pid %d, %.1f s)%s%s", p->name, (int)p->pid,
	    (double)(now_ms() - p->started_ms) / 1000.0, p->status[0] ? ": " : "", p->status);
	status_changed(s);
	if (s->state == SUP_STARTING && p == &s->p[s->next]) {
		s->next++;
		start_next(s);
	}
}

static void
notify_read(struct sup *s, struct proc *p)
{
	char buf[1024], ctl[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	const struct ucred *cred = NULL;
	struct cmsghdr *cm;
	bool is_ready = false;
	char *line, *save;
	ssize_t n;

	n = recvmsg(p->notify_fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS)
			cred = (const struct ucred *)CMSG_DATA(cm);
	if (cred == NULL || p->pid <= 0 || cred->pid != p->pid)
		return;   /* not from the process we started (an older instance, or a stranger) */
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "STATUS=", 7) == 0) {
			snprintf(p->status, sizeof(p->status), "%s", line + 7);
			if (p->state == AGW_PROC_RUNNING)
				status_changed(s);
		} else if (strcmp(line, "READY=1") == 0) {
			is_ready = true;
		}
	}
	/* READY after STATUS: the message usually carries both. */
	if (is_ready)
		ready(s, p);
}

static void
out_flush_line(struct proc *p)
{
	printf("[%s] %.*s\n", p->name, (int)p->line_len, p->line);
	p->line_len = 0;
}

/*
 * Re-print what the process wrote, line by line, until its pipe is empty.
 * @return false at EOF (the pipe is closed), true when more may come.
 */
static bool
out_read(struct proc *p)
{
	char buf[4096];
	ssize_t n, i;

	for (;;) {
		n = read(p->out_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fflush(stdout);
			return true;   /* EAGAIN: empty for now */
		}
		if (n == 0) {
			if (p->line_len > 0)
				out_flush_line(p);
			fflush(stdout);
			close(p->out_fd);
			p->out_fd = -1;
			return false;
		}
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				out_flush_line(p);
				continue;
			}
			if (p->line_len == sizeof(p->line))
				out_flush_line(p);
			p->line[p->line_len++] = buf[i];
		}
	}
}

static void
describe_exit(int st, char *out, size_t len)
{
	if (WIFEXITED(st))
		snprintf(out, len, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(out, len, "signal SIG%s", sigabbrev_np(WTERMSIG(st)) != NULL
			 ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(out, len, "status 0x%x", st);
}

static void
exited(struct sup *s, struct proc *p, int st)
{
	uint64_t up = now_ms() - p->started_ms;
	bool was_starting = p->state == AGW_PROC_STARTING;

	describe_exit(st, p->last_exit, sizeof(p->last_exit));
	p->pid = 0;
	if (p->out_fd >= 0)   /* its last words, before ours */
		out_read(p);
	if (s->state == SUP_STOPPING) {
		set_state(p, AGW_PROC_STOPPED);
		say("%s stopped (%s)", p->name, p->last_exit);
		status_changed(s);
		if (s->next > 0 && p == &s->p[s->next - 1])
			s->next--;
		stop_next(s);
		return;
	}
	if (s->state == SUP_STARTING && was_starting && p->restarts == 0) {
		set_state(p, AGW_PROC_STOPPED);
		say("%s exited (%s) before it was ready; its output is above. Fix what it "
		    "names and start agw again", p->name, p->last_exit);
		status_changed(s);
		begin_stop(s, 1, "start-up failed");
		return;
	}
	p->delay_ms = agw_backoff_next(s->c, p->delay_ms, up);
	p->restarts++;
	p->deadline_ms = now_ms() + p->delay_ms;
	set_state(p, AGW_PROC_BACKOFF);
	say("%s died (%s) after %.1f s; restart %u in %u ms", p->name, p->last_exit,
	    (double)up / 1000.0, p->restarts, p->delay_ms);
	status_changed(s);
}

static void
reap(struct sup *s)
{
	unsigned int i;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (i = 0; i < s->n; i++)
			if (s->p[i].pid == pid)
				exited(s, &s->p[i], st);
}

static void
timers(struct sup *s)
{
	uint64_t now = now_ms();
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		struct proc *p = &s->p[i];

		if (now < p->deadline_ms)
			continue;
		switch (p->state) {
		case AGW_PROC_BACKOFF:
			if (s->state != SUP_STOPPING && spawn(s, p) != 0) {
				p->restarts++;
				p->delay_ms = agw_backoff_next(s->c, p->delay_ms, 0);
				p->deadline_ms = now + p->delay_ms;
			}
			break;
		case AGW_PROC_STARTING:
			say("%s (pid %d) not ready after %u ms; killing it", p->name, (int)p->pid,
			    s->c->start_timeout_ms);
			kill(p->pid, SIGKILL);
			p->deadline_ms = UINT64_MAX;
			break;
		case AGW_PROC_STOPPING:
			say("%s (pid %d) still running %u ms after SIGTERM; sending SIGKILL",
			    p->name, (int)p->pid, s->c->stop_timeout_ms);
			kill(p->pid, SIGKILL);
			p->deadline_ms = UINT64_MAX;
			break;
		default:
			break;
		}
	}
}

static int
poll_timeout(const struct sup *s)
{
	uint64_t now = now_ms(), next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		const struct proc *p = &s->p[i];

		if ((p->state == AGW_PROC_STARTING || p->state == AGW_PROC_STOPPING ||
		     (p->state == AGW_PROC_BACKOFF && s->state != SUP_STOPPING)) &&
		    p->deadline_ms < next)
			next = p->deadline_ms;
	}
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

static void
on_signal(struct sup *s)
{
	struct signalfd_siginfo si;

	while (read(s->sfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(s);
			break;
		case SIGHUP:
			say("SIGHUP ignored: restart agw to read agw.conf again");
			break;
		default:
			begin_stop(s, 0, strsignal((int)si.ssi_signo));
			break;
		}
	}
}

static bool
all_down(const struct sup *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->p[i].pid > 0)
			return false;
	return s->state == SUP_STOPPING;
}

/* ------------------------------------------------------------ run */

static int
add_proc(struct sup *s, const char *name, const char *const *args, const char *const *env)
{
	struct proc *p = &s->p[s->n];
	unsigned int a;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	for (a = 0; args[a] != NULL && a < AGW_MAX_ARGS; a++) {
		snprintf(p->args[a], sizeof(p->args[a]), "%s", args[a]);
		p->argv[a] = p->args[a];
	}
	p->argv[a] = NULL;
	for (a = 0; env != NULL && env[a] != NULL && a < sizeof(p->env) / sizeof(p->env[0]); a++)
		snprintf(p->env[a], sizeof(p->env[a]), "%s", env[a]);
	p->out_fd = -1;
	p->notify_fd = -1;
	p->since = time(NULL);
	if (access(p->argv[0], X_OK) != 0) {
		say("%s: %s: %s (set bin_dir in [agw] of %s)", name, p->argv[0], strerror(errno),
		    s->c->conf_path);
		return -1;
	}
	if (notify_open(s->c, p) != 0)
		return -1;
	s->n++;
	return 0;
}

/* Take RUN_DIR/agw.pid's lock and write our pid. @return its fd, or -1 (said why). */
static int
pid_lock(const struct agw_conf *c)
{
	char path[PATH_MAX], buf[32];
	ssize_t n;
	int fd;

	status_path(c, path, sizeof(path), "agw.pid");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		say("%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		say("another launcher is running (pid %s, lock %s): 'agw stop' it first, or give "
		    "this one another run_dir", buf[0] ? buf : "?", path);
		close(fd);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
		say("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
agw_run(const struct agw_conf *c)
{
	struct sup *s = calloc(1, sizeof(*s));
	char gw[PATH_MAX], mgr[PATH_MAX], pidpath[PATH_MAX];
	sigset_t mask;
	int lock_fd, rc = 1;
	unsigned int i;

	if (s == NULL)
		return 1;
	s->c = c;
	s->sfd = -1;
	s->since = time(NULL);
	if (agw_fs_mkdir_p(c->run_dir) != 0) {
		say("cannot create run_dir %s: %s", c->run_dir, strerror(errno));
		free(s);
		return 1;
	}
	lock_fd = pid_lock(c);
	if (lock_fd < 0) {
		free(s);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	snprintf(gw, sizeof(gw), "%s/gw-core", c->bin_dir);
	snprintf(mgr, sizeof(mgr), "%s/agw-manager", c->bin_dir);
	{
		const char *gw_args[] = { gw, "-c", c->gw_core_conf, NULL };
		const char *mgr_args[] = { mgr, "-c", c->conf_path, NULL };
		const char *ike_args[] = { c->charon, NULL };
		char ss_env[PATH_MAX + 32], pre_env[PATH_MAX + 32];
		const char *ike_env[] = { ss_env, c->ike_plugin[0] ? pre_env : NULL, NULL };

		snprintf(ss_env, sizeof(ss_env), "STRONGSWAN_CONF=%s", c->strongswan_conf);
		snprintf(pre_env, sizeof(pre_env), "LD_PRELOAD=%s", c->ike_plugin);
		if (s->sfd < 0 || add_proc(s, "gw-core", gw_args, NULL) != 0 ||
		    (c->ike && (agw_charon_ready(c) != 0 ||
				add_proc(s, "charon", ike_args, ike_env) != 0)) ||
		    (c->manager && add_proc(s, "manager", mgr_args, NULL) != 0))
			goto out;
	}

	s->state = SUP_STARTING;
	s->next = 0;
	say("starting the appliance from %s (run_dir %s)", c->conf_path, c->run_dir);
	start_next(s);
	while (!all_down(s)) {
		struct pollfd pf[1 + 2 * AGW_MAX_PROCS];
		struct proc *who[1 + 2 * AGW_MAX_PROCS];
		unsigned int n = 0, k;

		pf[n] = (struct pollfd){ s->sfd, POLLIN, 0 };
		who[n++] = NULL;
		for (i = 0; i < s->n; i++) {
			if (s->p[i].notify_fd >= 0) {
				pf[n] = (struct pollfd){ s->p[i].notify_fd, POLLIN, 0 };
				who[n++] = &s->p[i];
			}
			if (s->p[i].out_fd >= 0) {
				pf[n] = (struct pollfd){ s->p[i].out_fd, POLLIN, 0 };
				who[n++] = &s->p[i];
			}
		}
		if (poll(pf, n, poll_timeout(s)) < 0 && errno != EINTR) {
			say("poll: %s", strerror(errno));
			begin_stop(s, 1, "internal error");
		}
		for (k = 1; k < n; k++) {
			if (pf[k].revents == 0)
				continue;
			if (pf[k].fd == who[k]->notify_fd)
				notify_read(s, who[k]);
			else if (pf[k].fd == who[k]->out_fd)
				out_read(who[k]);
		}
		if (pf[0].revents != 0)
			on_signal(s);
		timers(s);
	}
	rc = s->exit_code;
	for (i = 0; i < s->n; i++)
		if (s->p[i].state != AGW_PROC_STOPPED)
			set_state(&s->p[i], AGW_PROC_STOPPED);
	write_status(s, "stopped");
	say("stopped%s", rc == 0 ? "" : " after a failure (see above)");
out:
	for (i = 0; i < s->n; i++) {
		if (s->p[i].out_fd >= 0) {
			out_read(&s->p[i]);
			if (s->p[i].out_fd >= 0)
				close(s->p[i].out_fd);
		}
		if (s->p[i].notify_fd >= 0) {
			close(s->p[i].notify_fd);
			unlink(s->p[i].notify_path);
		}
	}
	if (s->sfd >= 0)
		close(s->sfd);
	status_path(c, pidpath, sizeof(pidpath), "agw.pid");
	unlink(pidpath);
	close(lock_fd);
	free(s);
	return rc;
}
