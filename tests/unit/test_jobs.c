/* The outbox: a queued mail is delivered to a real MTA (smtp-sink) once
 * and never again; a relay that is down means retry with backoff; a
 * permanent refusal or too many attempts gives up. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "core/clock.h"
#include "jobs/jobs.h"
#include "mail/outbox.h"
#include "smtp_sink.h"
#include "testutil.h"

static void config_for(struct config *cfg, int port)
{
	config_defaults(cfg);
	snprintf(cfg->smtp_host, sizeof(cfg->smtp_host), "127.0.0.1");
	cfg->smtp_port = port;
	snprintf(cfg->mail_from, sizeof(cfg->mail_from), "noreply@shisa.example");
	cfg->jobs_retry_base_s = 30;
}

static const char *job_state(struct db *db, int64_t id, int *attempts, int64_t *run_after)
{
	static const char sql[] = "SELECT state, attempts, run_after FROM jobs WHERE id = ?";
	static char state[16];
	sqlite3_stmt *st = db_stmt(db, sql);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(state, sizeof(state), "%s", db_col_text(st, 0));
	*attempts = sqlite3_column_int(st, 1);
	*run_after = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	return state;
}

static void delivers_once_and_never_again(void **state)
{
	struct sink *s = *state;
	struct testdb t;
	struct config cfg;
	int attempts;
	int64_t run_after;
	sink_start(s, NULL, NULL);
	config_for(&cfg, s->port);
	testdb_open(&t);
	int64_t id = mail_queue(&t.db, "member@example.jp", "会員 一郎", "ja", "件名テスト", "本文です。\n");
	assert_true(id > 0);
	assert_int_equal(jobs_queued(&t.db), 1);
	assert_int_equal(jobs_run_one(&t.db, &cfg), 1);
	assert_string_equal(job_state(&t.db, id, &attempts, &run_after), "done");
	assert_int_equal(attempts, 1);
	char *captured = wait_capture(s, "member@example.jp", "\n");
	assert_non_null(strstr(captured, "Content-Language: ja"));
	free(captured);
	/* Done is final: nothing is ready any more. */
	assert_int_equal(jobs_run_one(&t.db, &cfg), 0);
	assert_int_equal(jobs_queued(&t.db), 0);
	testdb_close(&t);
}

static void relay_down_means_retry_with_backoff_then_give_up(void **state)
{
	struct testdb t;
	struct config cfg;
	int attempts, port;
	int64_t run_after, now = clock_now();
	int fd = bind_free_port(&port);    /* bound, not listening: connection refused */
	config_for(&cfg, port);
	testdb_open(&t);
	int64_t id = mail_queue(&t.db, "member@example.jp", "", "en", "Subject", "Body\n");
	assert_int_equal(jobs_run_one(&t.db, &cfg), 1);
	assert_string_equal(job_state(&t.db, id, &attempts, &run_after), "queued");
	assert_int_equal(attempts, 1);
	assert_true(run_after >= now + 30 && run_after <= clock_now() + 31);
	/* Not ready again until the backoff has passed. */
	assert_int_equal(jobs_run_one(&t.db, &cfg), 0);
	/* Pretend time passed, for every remaining attempt. */
	static const char ready[] = "UPDATE jobs SET run_after = 0";
	for (int i = 2; i <= 8; i++) {
		assert_int_equal(db_exec(&t.db, ready), 0);
		assert_int_equal(jobs_run_one(&t.db, &cfg), 1);
	}
	assert_string_equal(job_state(&t.db, id, &attempts, &run_after), "failed");
	assert_int_equal(attempts, 8);
	assert_int_equal(jobs_failed(&t.db), 1);
	close(fd);
	testdb_close(&t);
}

static void permanent_refusal_gives_up_at_once(void **state)
{
	struct sink *s = *state;
	struct testdb t;
	struct config cfg;
	int attempts;
	int64_t run_after;
	sink_start(s, "-f", "RCPT");
	config_for(&cfg, s->port);
	testdb_open(&t);
	int64_t id = mail_queue(&t.db, "nobody@example.jp", "", "en", "Subject", "Body\n");
	assert_int_equal(jobs_run_one(&t.db, &cfg), 1);
	assert_string_equal(job_state(&t.db, id, &attempts, &run_after), "failed");
	assert_int_equal(attempts, 1);
	testdb_close(&t);
}

static void expired_lease_is_taken_again(void **state)
{
	/* A runner that died mid-job leaves it 'running'; after the lease the
	 * job is claimed again. */
	struct testdb t;
	struct config cfg;
	int port;
	int fd = bind_free_port(&port);
	config_for(&cfg, port);
	testdb_open(&t);
	mail_queue(&t.db, "a@example.jp", "", "en", "S", "B\n");
	static const char stuck[] = "UPDATE jobs SET state = 'running', locked_until = 1";
	assert_int_equal(db_exec(&t.db, stuck), 0);
	assert_int_equal(jobs_run_one(&t.db, &cfg), 1);
	close(fd);
	testdb_close(&t);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(delivers_once_and_never_again, sink_setup, sink_teardown),
		cmocka_unit_test(relay_down_means_retry_with_backoff_then_give_up),
		cmocka_unit_test_setup_teardown(permanent_refusal_gives_up_at_once, sink_setup, sink_teardown),
		cmocka_unit_test(expired_lease_is_taken_again),
	};
	int rc = cmocka_run_group_tests_name("jobs", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
