/* Test support: a real MTA peer. Starts Debian postfix's smtp-sink on a
 * free loopback port, capturing each message to a file, for the unit tests
 * of mail delivery and the outbox. Static functions: include it once per
 * test program, after cmocka.h. */
#ifndef SHISA_SMTP_SINK_H
#define SHISA_SMTP_SINK_H
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/buf.h"

#define SMTP_SINK "/usr/sbin/smtp-sink"
#define SINK_PORT_TRIES 5
#define WAIT_STEP_MS 50
#define WAIT_MAX_MS 5000

struct sink {
	pid_t pid;
	int port;
	char dir[64];
};

static int sink_setup(void **state)
{
	struct sink *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	*state = s;
	return 0;
}

static int sink_teardown(void **state)
{
	struct sink *s = *state;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	if (s->dir[0]) {
		DIR *d = opendir(s->dir);
		struct dirent *e;
		char path[320];
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", s->dir, e->d_name);
			unlink(path);
		}
		if (d)
			closedir(d);
		rmdir(s->dir);
	}
	free(s);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

/* A socket bound to a free port of 127.0.0.1; *PORT gets the port. */
static int bind_free_port(int *port)
{
	struct sockaddr_in sa = loopback(0);
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* Wait until PID accepts connections on PORT; false if it exits first. */
static bool sink_ready(pid_t pid, int port)
{
	for (int waited = 0; waited < WAIT_MAX_MS; waited += WAIT_STEP_MS) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return false;
		struct sockaddr_in sa = loopback(port);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		assert_true(fd >= 0);
		int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
		if (rc == 0)
			return true;
		sleep_ms(WAIT_STEP_MS);
	}
	return false;
}

/* Start smtp-sink on a free port of 127.0.0.1, capturing each transaction
 * to its own file in a fresh directory, with one extra option OPT ARG
 * (or none). As root smtp-sink insists on -u and writes as that user, so
 * the directory is world-writable (and sticky). */
static void sink_start(struct sink *s, const char *opt, const char *arg)
{
	char tmpl[96], listen_on[32];
	char *argv[12];
	int n;

	if (access(SMTP_SINK, X_OK) != 0)
		fail_msg("%s not found: install Debian's postfix package, which ships it "
			"(no running postfix is needed)", SMTP_SINK);
	strcpy(s->dir, "/tmp/shisa-mail-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	assert_int_equal(chmod(s->dir, 01777), 0);
	snprintf(tmpl, sizeof(tmpl), "%s/msg.", s->dir);

	for (int attempt = 0; attempt < SINK_PORT_TRIES; attempt++) {
		close(bind_free_port(&s->port));
		snprintf(listen_on, sizeof(listen_on), "127.0.0.1:%d", s->port);
		n = 0;
		argv[n++] = (char *)SMTP_SINK;
		if (geteuid() == 0) {
			argv[n++] = (char *)"-u";
			argv[n++] = (char *)"postfix";
		}
		argv[n++] = (char *)"-d";
		argv[n++] = tmpl;
		if (opt) {
			argv[n++] = (char *)opt;
			argv[n++] = (char *)arg;
		}
		argv[n++] = listen_on;
		argv[n++] = (char *)"16";
		argv[n] = NULL;
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			execv(SMTP_SINK, argv);
			_exit(127);
		}
		if (sink_ready(pid, s->port)) {
			s->pid = pid;
			return;
		}
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	fail_msg("smtp-sink did not listen on 127.0.0.1 after %d ports", SINK_PORT_TRIES);
}

static char *slurp(const char *path)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	buf_init(&b, 0);
	if (!f)
		return buf_detach(&b, NULL);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

/* The capture file of the transaction to RCPT once it is complete, that is
 * once it ends with TAIL; malloc'd. */
static char *wait_capture(const struct sink *s, const char *rcpt, const char *tail)
{
	char line[300], path[320];
	snprintf(line, sizeof(line), "\nX-Rcpt-Args: <%s>\n", rcpt);

	for (int waited = 0; waited < WAIT_MAX_MS; waited += WAIT_STEP_MS) {
		DIR *d = opendir(s->dir);
		struct dirent *e;
		assert_non_null(d);
		while ((e = readdir(d))) {
			if (strncmp(e->d_name, "msg.", 4) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", s->dir, e->d_name);
			char *text = slurp(path);
			size_t n = strlen(text), t = strlen(tail);
			if (strstr(text, line) && n >= t && strcmp(text + n - t, tail) == 0) {
				closedir(d);
				return text;
			}
			free(text);
		}
		closedir(d);
		sleep_ms(WAIT_STEP_MS);
	}
	fail_msg("no complete capture for %s in %s", rcpt, s->dir);
	return NULL;
}

#endif
