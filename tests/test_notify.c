/* SPDX-License-Identifier: MIT */
/*
 * Tests for core/notify: a message delivered on standard output, into a maildir, into
 * an mbox read back by Python's mailbox module, through fake sendmail programs, and to a
 * real SMTP server (tests/smtp/smtpd.py, aiosmtpd) in plain text, with STARTTLS and
 * AUTH, and when it refuses or is not there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "helpers.h"
#include "format/mail.h"
#include "jobs/notify.h"

static const char SENDER[] = "PST – CPAS d’Erezée <pst@cpas-erezee.be>";
static const char PYTHON[] = "/usr/bin/python3";

/* A message written by hand, to see what the notifiers do with lines that matter to
   them: "From " at a line start, a '.' alone, CRLF line ends. */
static const char RAW[] = "From: pst@cpas-erezee.be\r\nTo: jean@cpas-erezee.be\r\n"
                          "Subject: Rappel\r\n\r\nFrom now on:\r\n>From quoted\r\n.\r\n"
                          "..two dots\r\nFrom\r\nFin.\r\n";

/* ---------------------------------------------------------------- helpers */

/* A new, empty directory under $TMPDIR. */
static char *scratch_dir(const char *name)
{
	char *dir = scratch_path(name);
	assert_non_null(dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	return dir;
}

/* Removes the directory scratch_dir made, with the one scratch_path made around it. */
static void scratch_dir_remove(char *dir)
{
	*strrchr(dir, '/') = '\0';
	remove_tree(dir);
	free(dir);
}


static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* The names of the files in dir, sorted, as "a\nb\n"; *count gets how many. */
static char *list_dir(const char *dir, int *count)
{
	struct dirent **entries;
	jl_buf b = JL_BUF_INIT;
	int n = scandir(dir, &entries, NULL, alphasort);
	assert_true(n >= 0);
	*count = 0;
	for (int i = 0; i < n; i++) {
		if (entries[i]->d_name[0] != '.') {
			jl_buf_printf(&b, "%s\n", entries[i]->d_name);
			(*count)++;
		}
		free(entries[i]);
	}
	free(entries);
	return jl_buf_detach(&b);
}

/* The one message in maildir/new. */
static char *only_new_message(const char *maildir, size_t *len)
{
	char *new_dir = jl_sprintf("%s/new", maildir);
	int count;
	char *names = list_dir(new_dir, &count);
	assert_int_equal(count, 1);
	names[strcspn(names, "\n")] = '\0';
	char *path = jl_sprintf("%s/%s", new_dir, names);
	char *msg = read_file(path, len);
	free(path);
	free(names);
	free(new_dir);
	return msg;
}

static char *unix_lines(const char *s)
{
	jl_buf b = JL_BUF_INIT;
	for (; *s; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			jl_buf_putc(&b, *s);
	return jl_buf_detach(&b);
}

/* A reminder as jl_mail_format writes it. */
static char *reminder(const char *to, const char *subject)
{
	jl_mail m = {.from = SENDER, .to = to, .subject = subject,
	             .message_id = "abc.123@cpas-erezee.jalon", .body = "Bonjour,\n\nÉchéance : "
	             "janvier 2020.\nFrom the team.\n"};
	jl_buf b = JL_BUF_INIT;
	char err[256];
	assert_int_equal(jl_mail_format(&m, &b, err, sizeof err), 0);
	return jl_buf_detach(&b);
}

/* Runs argv (no shell) with its output into log (or inherited when NULL); returns the
   exit status, or -1 if it did not exit. */
static int run(char *const argv[], const char *log)
{
	int status;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0600) : -1;
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static jl_notifier *open_ok(const jl_notifier_config *cfg)
{
	jl_notifier *n;
	char err[512] = "";
	if (jl_notifier_open(&n, cfg, err, sizeof err) != 0)
		fail_msg("open refused: %s", err);
	return n;
}

static void send_ok(jl_notifier *n, const char *const *rcpts, size_t nrcpts, const char *msg)
{
	char err[512] = "";
	if (jl_notifier_send(n, SENDER, rcpts, nrcpts, msg, strlen(msg), err, sizeof err) != 0)
		fail_msg("not delivered: %s", err);
}

/* A send that must fail with code and a reason holding each of the texts given. */
static void send_fails(jl_notifier *n, const char *const *rcpts, size_t nrcpts,
                       const char *msg, int code, const char *want, const char *want_too)
{
	char err[512] = "";
	int rc = jl_notifier_send(n, SENDER, rcpts, nrcpts, msg, strlen(msg), err, sizeof err);
	if (rc != code)
		fail_msg("returned %d, expected %d (%s)", rc, code, err);
	if (!strstr(err, want) || (want_too && !strstr(err, want_too)))
		fail_msg("reason \"%s\" does not say \"%s\"%s%s", err, want, want_too ? " and " : "",
		         want_too ? want_too : "");
	assert_null(strchr(err, '\n'));
}

/* ---------------------------------------------------------------- stdout, maildir, mbox */

static void test_stdout_writes_an_mbox_stream(void **state)
{
	jl_notifier_config cfg = {.kind = JL_NOTIFY_STDOUT, .out = tmpfile()};
	char text[4096] = "";
	(void)state;
	assert_non_null(cfg.out);
	jl_notifier *n = open_ok(&cfg);
	send_ok(n, NULL, 0, RAW);
	send_ok(n, NULL, 0, RAW);
	jl_notifier_close(n);
	rewind(cfg.out);
	assert_true(fread(text, 1, sizeof text - 1, cfg.out) > 0);
	fclose(cfg.out);

	/* "From pst@cpas-erezee.be Fri Dec 20 08:00:00 2019" */
	char day[4], month[4];
	int mday, hh, mm, ss, year;
	assert_int_equal(sscanf(text, "From pst@cpas-erezee.be %3s %3s %d %d:%d:%d %d\n", day,
	                        month, &mday, &hh, &mm, &ss, &year), 7);
	char *want = unix_lines(RAW);
	const char *body = strchr(text, '\n') + 1;
	assert_int_equal(strncmp(body, want, strstr(want, "From now") - want), 0);
	assert_non_null(strstr(body, "\n\n>From now on:\n>>From quoted\n.\n..two dots\nFrom\n"
	                             "Fin.\n\nFrom pst@cpas-erezee.be "));
	assert_null(strchr(text, '\r'));
	free(want);
}

static void test_maildir_delivery(void **state)
{
	char *dir = scratch_dir("notify-maildir");
	char *maildir = jl_sprintf("%s/Maildir", dir);
	jl_notifier_config cfg = {.kind = JL_NOTIFY_MAILDIR, .path = maildir};
	char *msg = reminder("jean@cpas-erezee.be", "Rappel : échéances");
	size_t len;
	int count;
	(void)state;

	jl_notifier *n = open_ok(&cfg);   /* makes Maildir/{tmp,new,cur} */
	send_ok(n, NULL, 0, msg);
	char *got = only_new_message(maildir, &len);
	assert_int_equal(len, strlen(msg));
	assert_memory_equal(got, msg, len);   /* the bytes, untouched */
	free(got);

	char *tmp_dir = jl_sprintf("%s/tmp", maildir), *cur_dir = jl_sprintf("%s/cur", maildir);
	free(list_dir(tmp_dir, &count));
	assert_int_equal(count, 0);
	free(list_dir(cur_dir, &count));
	assert_int_equal(count, 0);

	/* Another delivery, another name (time.M<usec>P<pid>Q<counter>.<host>). */
	send_ok(n, NULL, 0, msg);
	char *new_dir = jl_sprintf("%s/new", maildir);
	char *names = list_dir(new_dir, &count);
	assert_int_equal(count, 2);
	assert_non_null(strstr(names, "Q2."));
	free(names);
	jl_notifier_close(n);

	/* A maildir that cannot be made is said at once. */
	char err[256] = "";
	char *bad = jl_sprintf("%s/missing/Maildir", dir);
	jl_notifier_config nowhere = {.kind = JL_NOTIFY_MAILDIR, .path = bad};
	assert_int_equal(jl_notifier_open(&n, &nowhere, err, sizeof err), -1);
	assert_null(n);
	assert_non_null(strstr(err, "maildir"));
	free(bad);
	free(new_dir);
	free(tmp_dir);
	free(cur_dir);
	free(msg);
	free(maildir);
	scratch_dir_remove(dir);
}

/* Python reads the mbox; undoing the mboxrd quoting gives each message back. */
static const char PYTHON_MBOX[] =
	"import mailbox, re, sys\n"
	"box = mailbox.mbox(sys.argv[1])\n"
	"want = [open(p, 'rb').read() for p in sys.argv[2:]]\n"
	"keys = box.keys()\n"
	"if len(keys) != len(want): sys.exit('%d messages, expected %d' % (len(keys), len(want)))\n"
	"for k, w in zip(keys, want):\n"
	"    got = re.sub(rb'(?m)^>(>*From )', rb'\\1', box.get_bytes(k))\n"
	"    if got != w: sys.exit('message %d: %r, expected %r' % (k, got, w))\n"
	"    if not box[k].get_from().startswith('pst@cpas-erezee.be '): sys.exit(box[k].get_from())\n"
	"    if box[k]['subject'] is None: sys.exit('no subject in %r' % got)\n";

static void test_mbox_read_back_by_python(void **state)
{
	char *dir = scratch_dir("notify-mbox");
	char *mbox = jl_sprintf("%s/rappels.mbox", dir);
	char *one = jl_sprintf("%s/one.txt", dir), *two = jl_sprintf("%s/two.txt", dir);
	char *formatted = reminder("jean@cpas-erezee.be", "Rappel : échéances");
	char *want_one = unix_lines(RAW), *want_two = unix_lines(formatted);
	jl_notifier_config cfg = {.kind = JL_NOTIFY_MBOX, .path = mbox};
	(void)state;

	jl_notifier *n = open_ok(&cfg);
	send_ok(n, NULL, 0, RAW);
	send_ok(n, NULL, 0, formatted);
	jl_notifier_close(n);

	size_t len;
	char *text = read_file(mbox, &len);
	assert_int_equal(strncmp(text, "From pst@cpas-erezee.be ", 24), 0);
	assert_non_null(strstr(text, "\n>From now on:\n>>From quoted\n.\n..two dots\nFrom\n"));
	assert_non_null(strstr(text, "Fin.\n\nFrom pst@cpas-erezee.be "));
	free(text);

	if (access(PYTHON, X_OK) == 0) {
		write_file(one, want_one, 0600);
		write_file(two, want_two, 0600);
		char *argv[] = {(char *)PYTHON, "-c", (char *)PYTHON_MBOX, mbox, one, two, NULL};
		assert_int_equal(run(argv, NULL), 0);
	}
	free(want_one);
	free(want_two);
	free(formatted);
	free(one);
	free(two);
	free(mbox);
	scratch_dir_remove(dir);
	if (access(PYTHON, X_OK) != 0)
		skip();
}

/* ---------------------------------------------------------------- sendmail */

/* A fake sendmail in dir: records its arguments and standard input beside itself, says
   what it is given on standard error, and exits with code. */
static char *fake_sendmail(const char *dir, const char *name, const char *say, int code)
{
	char *path = jl_sprintf("%s/%s", dir, name);
	char *script = jl_sprintf("#!/bin/sh\nprintf '%%s\\n' \"$@\" > \"$0.args\"\n"
	                          "cat > \"$0.stdin\"\n%s%s%s\nexit %d\n",
	                          *say ? "echo '" : "", say, *say ? "' >&2" : "", code);
	write_file(path, script, 0700);
	free(script);
	return path;
}

static void test_sendmail_gets_the_message_on_stdin(void **state)
{
	char *dir = scratch_dir("notify-sendmail");
	char *command = fake_sendmail(dir, "sendmail", "", 0);
	char *msg = reminder("jean@cpas-erezee.be", "Rappel : échéances");
	jl_notifier_config cfg = {.kind = JL_NOTIFY_SENDMAIL, .command = command};
	const char *rcpts[] = {"jean@cpas-erezee.be"};
	size_t len;
	(void)state;

	jl_notifier *n = open_ok(&cfg);
	send_ok(n, rcpts, 1, msg);
	jl_notifier_close(n);

	char *args_path = jl_sprintf("%s.args", command), *stdin_path = jl_sprintf("%s.stdin", command);
	char *args = read_file(args_path, &len);
	assert_string_equal(args, "-t\n-oi\n");
	char *input = read_file(stdin_path, &len), *want = unix_lines(msg);
	assert_string_equal(input, want);   /* LF line ends, as sendmail(8) reads them */
	free(want);
	free(input);
	free(args);
	free(args_path);
	free(stdin_path);
	free(msg);
	free(command);
	scratch_dir_remove(dir);
}

static void test_sendmail_failures(void **state)
{
	char *dir = scratch_dir("notify-sendmail");
	char *busy = fake_sendmail(dir, "busy", "sendmail: queue directory full", 75);
	char *refusing = fake_sendmail(dir, "refusing", "No recipient addresses found in header", 1);
	char *quitter = jl_sprintf("%s/quitter", dir), *sleeper = jl_sprintf("%s/sleeper", dir);
	char *missing = jl_sprintf("%s/no-such-sendmail", dir);
	write_file(quitter, "#!/bin/sh\necho 'cannot read' >&2\nexit 1\n", 0700);
	write_file(sleeper, "#!/bin/sh\nexec sleep 30\n", 0700);
	char *msg = reminder("jean@cpas-erezee.be", "Rappel");
	/* Bigger than a socket buffer: the program quits before reading it all. */
	jl_buf big = JL_BUF_INIT;
	for (int i = 0; i < 40000; i++)
		jl_buf_puts(&big, "Une ligne de texte.\r\n");
	(void)state;

	struct {
		const char *command, *text, *message;
		int code;
		long timeout;
	} cases[] = {
		{busy, "queue directory full", msg, JL_NOTIFY_TEMPFAIL, 0},
		{refusing, "No recipient addresses found in header", msg, JL_NOTIFY_PERMFAIL, 0},
		{quitter, "cannot read", big.ptr, JL_NOTIFY_PERMFAIL, 0},   /* and no SIGPIPE */
		{missing, "introuvable", msg, JL_NOTIFY_PERMFAIL, 0},
		{sleeper, "pas de réponse après 1 s", msg, JL_NOTIFY_TEMPFAIL, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		jl_notifier_config cfg = {.kind = JL_NOTIFY_SENDMAIL, .command = cases[i].command,
		                          .timeout_s = cases[i].timeout};
		jl_notifier *n = open_ok(&cfg);
		send_fails(n, NULL, 0, cases[i].message, cases[i].code, cases[i].text, "sendmail");
		jl_notifier_close(n);
	}
	char err[512];
	jl_notifier_config cfg = {.kind = JL_NOTIFY_SENDMAIL, .command = busy};
	jl_notifier *n = open_ok(&cfg);
	jl_notifier_send(n, SENDER, NULL, 0, msg, strlen(msg), err, sizeof err);
	assert_string_equal(strstr(err, "échec"), "échec (code 75, temporaire) : sendmail: queue "
	                                          "directory full");
	jl_notifier_close(n);

	jl_buf_free(&big);
	free(msg);
	free(busy);
	free(refusing);
	free(quitter);
	free(sleeper);
	free(missing);
	scratch_dir_remove(dir);
}

/* ---------------------------------------------------------------- smtp */

/* tests/smtp/smtpd.py in a scratch dir, storing what it receives in dir/received. */
struct server {
	char *dir, *maildir, *log;
	pid_t pid;   /* 0: not running (no Python, aiosmtpd or openssl: the test skips) */
	int port;
};

static void server_prepare(struct server *s, const char *name)
{
	s->dir = scratch_dir(name);
	s->maildir = jl_sprintf("%s/received", s->dir);
	s->log = jl_sprintf("%s/smtpd.log", s->dir);
}

static int aiosmtpd_present(const struct server *s)
{
	char *check[] = {(char *)PYTHON, "-c", "import aiosmtpd", NULL};
	return access(PYTHON, X_OK) == 0 && run(check, s->log) == 0;
}

/* Starts the server with the options given (NULL-terminated; "%s" in one stands for the
   scratch dir) and waits until it listens: it writes its port once it does. */
static void server_launch(struct server *s, const char *const *options)
{
	char *port_file = jl_sprintf("%s/port", s->dir);
	char *argv[16] = {(char *)PYTHON, JALON_TEST_SMTPD, "--port-file", port_file,
	                  "--maildir", s->maildir};
	size_t argc = 6, len;
	for (; *options; options++)
		argv[argc++] = jl_sprintf(*options, s->dir);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < 400 && access(port_file, F_OK) != 0; i++) {
		if (waitpid(s->pid, NULL, WNOHANG) != 0)
			fail_msg("smtpd.py stopped; see %s", s->log);
		nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	char *port = read_file(port_file, &len);
	s->port = atoi(port);
	assert_true(s->port > 0);
	free(port);
	for (size_t i = 6; i < argc; i++)
		free(argv[i]);
	free(port_file);
}

static int plain_server_up(void **state)
{
	static const char *const options[] = {"--reject-rcpt", "refus@cpas-erezee.be", NULL};
	struct server *s = calloc(1, sizeof *s);
	server_prepare(s, "notify-smtp");
	if (aiosmtpd_present(s))
		server_launch(s, options);
	*state = s;
	return 0;
}

/* With a self-signed certificate made for the test: STARTTLS required, and AUTH. */
static int tls_server_up(void **state)
{
	static const char *const options[] = {"--tls-cert", "%s/cert.pem", "--tls-key",
	                                      "%s/key.pem", "--auth", "pst:s3cret", NULL};
	struct server *s = calloc(1, sizeof *s);
	server_prepare(s, "notify-smtps");
	char *key = jl_sprintf("%s/key.pem", s->dir), *cert = jl_sprintf("%s/cert.pem", s->dir);
	char *openssl[] = {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
	                   "-subj", "/CN=localhost", "-days", "2", "-keyout", key, "-out", cert,
	                   NULL};
	if (aiosmtpd_present(s) && access(openssl[0], X_OK) == 0 && run(openssl, s->log) == 0)
		server_launch(s, options);
	free(key);
	free(cert);
	*state = s;
	return 0;
}

static int server_down(void **state)
{
	struct server *s = *state;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	scratch_dir_remove(s->dir);
	free(s->maildir);
	free(s->log);
	free(s);
	return 0;
}

static jl_notifier *smtp_notifier(const struct server *s, const char *host, const char *user,
                                  const char *password, const char *ca_file, int insecure)
{
	char *url = jl_sprintf("smtp://%s:%d", host, s->port);
	jl_notifier_config cfg = {.kind = JL_NOTIFY_SMTP, .url = url, .user = user,
	                          .password = password, .ca_file = ca_file, .insecure = insecure,
	                          .timeout_s = 20};
	jl_notifier *n = open_ok(&cfg);
	free(url);
	return n;
}

/* The stored message is the one sent, after the server's X-Envelope-* headers. */
static void check_received(const struct server *s, const char *msg, const char *envelope)
{
	size_t len;
	char *got = only_new_message(s->maildir, &len);
	char *head = jl_sprintf("X-Envelope-From: <pst@cpas-erezee.be>\r\n%s", envelope);
	assert_int_equal(len, strlen(head) + strlen(msg));
	assert_memory_equal(got, head, strlen(head));
	assert_memory_equal(got + strlen(head), msg, strlen(msg));
	free(head);
	free(got);
}

static void test_smtp_to_two_recipients(void **state)
{
	struct server *s = *state;
	if (!s->pid)
		skip();
	const char *rcpts[] = {"Jean Dupont <jean@cpas-erezee.be>", "dg@cpas-erezee.be"};
	char *msg = reminder("Jean Dupont <jean@cpas-erezee.be>", "Rappel : échéances");
	jl_notifier *n = smtp_notifier(s, "127.0.0.1", NULL, NULL, NULL, 0);
	send_ok(n, rcpts, 2, msg);
	check_received(s, msg, "X-Envelope-To: <jean@cpas-erezee.be>, <dg@cpas-erezee.be>\r\n");

	/* The same connection again, with lines libcurl must dot-stuff: "." alone would
	   otherwise end the DATA early. */
	char *new_dir = jl_sprintf("%s/new", s->maildir);
	remove_tree(new_dir);
	assert_int_equal(mkdir(new_dir, 0700), 0);
	free(new_dir);
	send_ok(n, rcpts + 1, 1, RAW);
	check_received(s, RAW, "X-Envelope-To: <dg@cpas-erezee.be>\r\n");
	jl_notifier_close(n);
	free(msg);
}

static void test_smtp_rejected_recipient_is_permanent(void **state)
{
	struct server *s = *state;
	if (!s->pid)
		skip();
	const char *rcpts[] = {"jean@cpas-erezee.be", "refus@cpas-erezee.be"};
	jl_notifier *n = smtp_notifier(s, "127.0.0.1", NULL, NULL, NULL, 0);
	send_fails(n, rcpts, 2, RAW, JL_NOTIFY_PERMFAIL, "« 550 5.1.1 <refus@cpas-erezee.be>: "
	           "Recipient address rejected »", "smtp « smtp://127.0.0.1:");
	char *new_dir = jl_sprintf("%s/new", s->maildir);
	int count;
	free(list_dir(new_dir, &count));
	assert_int_equal(count, 0);   /* one refused recipient refuses the message */
	free(new_dir);
	jl_notifier_close(n);
}

/* A user without TLS offered: refused rather than a password sent in clear. */
static void test_smtp_auth_needs_starttls(void **state)
{
	struct server *s = *state;
	if (!s->pid)
		skip();
	const char *rcpts[] = {"jean@cpas-erezee.be"};
	jl_notifier *n = smtp_notifier(s, "127.0.0.1", "pst", "s3cret", NULL, 1);
	send_fails(n, rcpts, 1, RAW, JL_NOTIFY_PERMFAIL, "le serveur ne propose pas STARTTLS", NULL);
	jl_notifier_close(n);
}

static void test_smtp_starttls_and_auth(void **state)
{
	struct server *s = *state;
	if (!s->pid)
		skip();
	const char *rcpts[] = {"jean@cpas-erezee.be"};
	char *msg = reminder("jean@cpas-erezee.be", "Rappel");
	jl_notifier *n = smtp_notifier(s, "127.0.0.1", "pst", "s3cret", NULL, 1);
	send_ok(n, rcpts, 1, msg);
	check_received(s, msg, "X-Envelope-To: <jean@cpas-erezee.be>\r\n");
	jl_notifier_close(n);
	free(msg);
}

static void test_smtp_certificate_checked(void **state)
{
	struct server *s = *state;
	if (!s->pid)
		skip();
	const char *rcpts[] = {"jean@cpas-erezee.be"};
	char *cert = jl_sprintf("%s/cert.pem", s->dir);
	/* Self-signed: refused by the system's CAs ... */
	jl_notifier *n = smtp_notifier(s, "localhost", "pst", "s3cret", NULL, 0);
	send_fails(n, rcpts, 1, RAW, JL_NOTIFY_PERMFAIL, "certificat du serveur refusé", NULL);
	jl_notifier_close(n);
	/* ... accepted when it is the CA file given. */
	n = smtp_notifier(s, "localhost", "pst", "s3cret", cert, 0);
	send_ok(n, rcpts, 1, RAW);
	jl_notifier_close(n);
	free(cert);
}

static void test_smtp_wrong_password(void **state)
{
	struct server *s = *state;
	if (!s->pid)
		skip();
	const char *rcpts[] = {"jean@cpas-erezee.be"};
	jl_notifier *n = smtp_notifier(s, "127.0.0.1", "pst", "wrong", NULL, 1);
	send_fails(n, rcpts, 1, RAW, JL_NOTIFY_PERMFAIL, "authentification refusée", "535");
	jl_notifier_close(n);
}

/* A port nobody listens on: bound, then closed, so the system will not give it out. */
static int closed_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static void test_smtp_server_down_is_temporary(void **state)
{
	struct server down = {.port = closed_port()};
	const char *rcpts[] = {"jean@cpas-erezee.be"};
	(void)state;
	jl_notifier *n = smtp_notifier(&down, "127.0.0.1", NULL, NULL, NULL, 0);
	send_fails(n, rcpts, 1, RAW, JL_NOTIFY_TEMPFAIL, "connexion impossible",
	           "smtp « smtp://127.0.0.1:");
	jl_notifier_close(n);
}

/* ---------------------------------------------------------------- configuration */

static void test_bad_configurations(void **state)
{
	static const struct {
		jl_notifier_config cfg;
		const char *reason;
	} cases[] = {
		{{.kind = JL_NOTIFY_MBOX}, "mbox : chemin manquant"},
		{{.kind = JL_NOTIFY_MAILDIR, .path = ""}, "maildir : chemin manquant"},
		{{.kind = JL_NOTIFY_SMTP, .url = "http://x.be"}, "adresse du serveur invalide"},
		{{.kind = JL_NOTIFY_SMTP}, "adresse du serveur invalide"},
		{{.kind = JL_NOTIFY_SMTP, .url = "smtp://x.be", .user = "u"}, "vont ensemble"},
		{{.kind = JL_NOTIFY_SMTP, .url = "smtp://x.be", .tls = 3}, "tls 3"},
		{{.kind = (jl_notifier_kind)42}, "type de notification inconnu"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		jl_notifier *n = (jl_notifier *)&n;
		char err[256] = "";
		assert_int_equal(jl_notifier_open(&n, &cases[i].cfg, err, sizeof err), -1);
		assert_null(n);
		if (!strstr(err, cases[i].reason))
			fail_msg("\"%s\" does not say \"%s\"", err, cases[i].reason);
	}
}

static void test_bad_addresses_are_refused_before_sending(void **state)
{
	jl_notifier_config cfg = {.kind = JL_NOTIFY_STDOUT, .out = tmpfile()};
	const char *injected[] = {"jean@x.be>\r\nRCPT TO:<espion@y.be"};
	const char *list[] = {"jean@x.be, espion@y.be"};
	char err[256];
	(void)state;
	jl_notifier *n = open_ok(&cfg);
	send_fails(n, injected, 1, RAW, JL_NOTIFY_PERMFAIL, "adresse de destinataire invalide", NULL);
	send_fails(n, list, 1, RAW, JL_NOTIFY_PERMFAIL, "adresse de destinataire invalide", NULL);
	assert_int_equal(jl_notifier_send(n, "pas une adresse", NULL, 0, RAW, strlen(RAW), err,
	                                  sizeof err), JL_NOTIFY_PERMFAIL);
	assert_non_null(strstr(err, "sortie standard : adresse d'expéditeur invalide"));
	assert_int_equal(ftell(cfg.out), 0);
	jl_notifier_close(n);
	fclose(cfg.out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stdout_writes_an_mbox_stream),
		cmocka_unit_test(test_maildir_delivery),
		cmocka_unit_test(test_mbox_read_back_by_python),
		cmocka_unit_test(test_sendmail_gets_the_message_on_stdin),
		cmocka_unit_test(test_sendmail_failures),
		cmocka_unit_test_setup_teardown(test_smtp_to_two_recipients, plain_server_up,
		                                server_down),
		cmocka_unit_test_setup_teardown(test_smtp_rejected_recipient_is_permanent,
		                                plain_server_up, server_down),
		cmocka_unit_test_setup_teardown(test_smtp_auth_needs_starttls, plain_server_up,
		                                server_down),
		cmocka_unit_test_setup_teardown(test_smtp_starttls_and_auth, tls_server_up,
		                                server_down),
		cmocka_unit_test_setup_teardown(test_smtp_certificate_checked, tls_server_up,
		                                server_down),
		cmocka_unit_test_setup_teardown(test_smtp_wrong_password, tls_server_up, server_down),
		cmocka_unit_test(test_smtp_server_down_is_temporary),
		cmocka_unit_test(test_bad_configurations),
		cmocka_unit_test(test_bad_addresses_are_refused_before_sending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
