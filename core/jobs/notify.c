/* SPDX-License-Identifier: MIT */
/*
 * Delivering a formatted message: standard output, maildir, mbox, a sendmail program,
 * or an SMTP server through libcurl.  See notify.h.
 */
#include "jobs/notify.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "format/mail.h"
#include "model/text.h"
#include "model/util.h"

enum {
	DEFAULT_TIMEOUT_S = 60,
	ADDRESS_MAX = 256,      /* with its angle brackets, as RFC 5321 4.5.3.1.3 counts */
	EX_TEMPFAIL = 75,       /* sysexits.h: "try again later" */
	EXEC_FAILED = 127,      /* the shell's "command not found", for execvp failing */
};

static const char DEFAULT_SENDMAIL[] = "/usr/sbin/sendmail";

struct jl_notifier {
	jl_notifier_kind kind;
	FILE *out;                  /* stdout */
	char *path;                 /* maildir, mbox */
	char *command;              /* sendmail */
	long timeout_s;             /* sendmail, smtp */
	char host[256];             /* maildir: this machine, as a file name may hold it */
	unsigned long deliveries;   /* maildir: makes names unique within the process */
	CURL *curl;                 /* smtp */
	char *server;               /* smtp: the URL without any user or password in it */
	char curl_error[CURL_ERROR_SIZE];
	char reply[256];            /* smtp: the server's last 4xx or 5xx reply line */
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(int code, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* A system call's failure that may go away: a full disk, a full table, a signal. */
static int io_failure(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EIO || e == EINTR || e == EAGAIN || e == ENOMEM
	               || e == EMFILE || e == ENFILE
	           ? JL_NOTIFY_TEMPFAIL
	           : JL_NOTIFY_PERMFAIL;
}

/* How much of s a one-line message may quote: up to its first control character. */
static int quotable(const char *s)
{
	int n = 0;
	while ((unsigned char)s[n] >= ' ' && s[n] != 0x7f)
		n++;
	return n;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The message with LF line ends, as local mail programs and mbox readers expect. */
static void put_unix_lines(jl_buf *b, const char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			jl_buf_putc(b, msg[i]);
}

/* ---------------------------------------------------------------- mbox and stdout */

/* An mbox entry: the "From " line, the message with LF line ends and each line
   matching /^>*From / given one more '>' (mboxrd: a reader removes exactly one), and
   the blank line that ends it. */
static void mbox_entry(jl_buf *b, const char *sender, const char *msg, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	char date[32];   /* asctime is in English whatever the locale, as mbox wants */

	localtime_r(&now, &tm);
	asctime_r(&tm, date);
	jl_buf_printf(b, "From %s %s", *sender ? sender : "MAILER-DAEMON", date);
	for (const char *p = msg, *end = msg + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n && p[n - 1] == '\r')
			n--;
		size_t quotes = 0;
		while (quotes < n && p[quotes] == '>')
			quotes++;
		if (n - quotes >= 5 && !memcmp(p + quotes, "From ", 5))
			jl_buf_putc(b, '>');
		jl_buf_put(b, p, n);
		jl_buf_putc(b, '\n');
		p = nl ? nl + 1 : end;
	}
	jl_buf_putc(b, '\n');
}

static int stdout_send(jl_notifier *n, const char *sender, const char *msg, size_t len,
                       char *err, size_t errlen)
{
	jl_buf entry = JL_BUF_INIT;
	mbox_entry(&entry, sender, msg, len);
	if (entry.failed)
		return fail(JL_NOTIFY_TEMPFAIL, err, errlen, "sortie standard : mémoire insuffisante");
	int ok = fwrite(entry.ptr, 1, entry.len, n->out) == entry.len && fflush(n->out) == 0;
	int e = errno;
	jl_buf_free(&entry);
	return ok ? 0 : fail(io_failure(e), err, errlen, "sortie standard : écriture impossible : %s",
	                     strerror(e));
}

static int lock_whole_file(int fd)
{
	struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	while (fcntl(fd, F_SETLKW, &lock) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int mbox_send(jl_notifier *n, const char *sender, const char *msg, size_t len,
                     char *err, size_t errlen)
{
	jl_buf entry = JL_BUF_INIT;
	struct stat st;
	int rc = 0;

	mbox_entry(&entry, sender, msg, len);
	if (entry.failed)
		return fail(JL_NOTIFY_TEMPFAIL, err, errlen, "mbox : mémoire insuffisante");
	int fd = open(n->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || lock_whole_file(fd) < 0 || fstat(fd, &st) < 0) {
		rc = fail(io_failure(errno), err, errlen, "mbox « %s » : %s", n->path, strerror(errno));
	} else if (write_all(fd, entry.ptr, entry.len) < 0 || fsync(fd) < 0) {
		int e = errno;
		/* Half an entry would glue the next one to it: cut it off. */
		if (ftruncate(fd, st.st_size) < 0)
			e = errno;
		rc = fail(io_failure(e), err, errlen, "mbox « %s » : écriture impossible : %s",
		          n->path, strerror(e));
	}
	if (fd >= 0)
		close(fd);   /* releases the lock */
	jl_buf_free(&entry);
	return rc;
}

/* ---------------------------------------------------------------- maildir */

static int make_dir(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static int maildir_open(jl_notifier *n, char *err, size_t errlen)
{
	static const char *const SUBDIRS[] = {"", "/tmp", "/new", "/cur"};
	for (size_t i = 0; i < sizeof SUBDIRS / sizeof *SUBDIRS; i++) {
		char *dir = jl_sprintf("%s%s", n->path, SUBDIRS[i]);
		int rc = dir ? make_dir(dir) : -1;
		int e = dir ? errno : ENOMEM;
		free(dir);
		if (rc < 0)
			return fail(-1, err, errlen, "maildir « %s%s » : %s", n->path, SUBDIRS[i],
			            strerror(e));
	}
	/* The maildir convention for names: '/' and ':' of the host name as octal. */
	char host[128] = "localhost";
	gethostname(host, sizeof host - 1);
	jl_buf safe = JL_BUF_INIT;
	for (const char *c = host; *c; c++)
		if (*c == '/' || *c == ':')
			jl_buf_printf(&safe, "\\%03o", (unsigned)*c);
		else
			jl_buf_putc(&safe, *c);
	snprintf(n->host, sizeof n->host, "%s", safe.ptr ? safe.ptr : "localhost");
	jl_buf_free(&safe);
	return 0;
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* tmp/<unique name>, O_EXCL so that a name already taken is never written over: the fd,
   or -1 with errno (*tmp_path and *name then NULL). */
static int maildir_create(jl_notifier *n, char **tmp_path, char **name)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	for (;;) {
		*name = jl_sprintf("%lld.M%ldP%ldQ%lu.%s", (long long)now.tv_sec, now.tv_nsec / 1000,
		                   (long)getpid(), ++n->deliveries, n->host);
		*tmp_path = *name ? jl_sprintf("%s/tmp/%s", n->path, *name) : NULL;
		int fd = *tmp_path ? open(*tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
		int e = *tmp_path ? errno : ENOMEM;
		if (fd >= 0)
			return fd;
		free(*tmp_path);
		free(*name);
		*tmp_path = *name = NULL;
		if (e != EEXIST) {
			errno = e;
			return -1;
		}
	}
}

static int maildir_send(jl_notifier *n, const char *msg, size_t len, char *err, size_t errlen)
{
	char *tmp_path, *name;
	int fd = maildir_create(n, &tmp_path, &name);
	if (fd < 0)
		return fail(io_failure(errno), err, errlen, "maildir « %s » : %s", n->path,
		            strerror(errno));
	int ok = write_all(fd, msg, len) == 0 && fsync(fd) == 0;
	int e = errno;
	if (close(fd) < 0 && ok) {
		ok = 0;
		e = errno;
	}
	char *new_dir = jl_sprintf("%s/new", n->path);
	char *new_path = new_dir ? jl_sprintf("%s/%s", new_dir, name) : NULL;
	if (ok && !new_path) {
		ok = 0;
		e = ENOMEM;
	}
	if (ok && rename(tmp_path, new_path) < 0) {
		ok = 0;
		e = errno;
	}
	if (ok)
		fsync_dir(new_dir);   /* the message is in new/: sending it again would not help */
	else
		unlink(tmp_path);
	free(tmp_path);
	free(name);
	free(new_path);
	free(new_dir);
	return ok ? 0 : fail(io_failure(e), err, errlen, "maildir « %s » : écriture impossible : %s",
	                     n->path, strerror(e));
}

/* ---------------------------------------------------------------- sendmail */

static double seconds_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int set_flags(int fd)
{
	return fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) < 0 ? -1 : 0;
}

/* The program, its standard input a socket (so that writing to a program that quit
   early gives EPIPE instead of a SIGPIPE killing us: MSG_NOSIGNAL), its standard
   output and error one pipe.  0 and *pid, or -1 with errno. */
static int spawn_sendmail(const char *command, pid_t *pid, int *in, int *out)
{
	char *argv[] = {(char *)command, "-t", "-oi", NULL};
	int sv[2], pv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	if (pipe(pv) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (set_flags(sv[0]) < 0 || set_flags(pv[0]) < 0 || (*pid = fork()) < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		close(pv[0]);
		close(pv[1]);
		errno = e;
		return -1;
	}
	if (*pid == 0) {   /* only async-signal-safe calls until exec */
		if (dup2(sv[1], 0) < 0 || dup2(pv[1], 1) < 0 || dup2(pv[1], 2) < 0)
			_exit(EXEC_FAILED);
		if (sv[1] > 2)   /* it may be 0..2 itself when the host had those closed */
			close(sv[1]);
		if (pv[1] > 2)
			close(pv[1]);
		execvp(command, argv);
		_exit(EXEC_FAILED);
	}
	close(sv[1]);
	close(pv[1]);
	*in = sv[0];
	*out = pv[0];
	return 0;
}

/* What a running sendmail is given and says back. */
struct exchange {
	int in, out;           /* -1 once closed */
	const char *data;
	size_t len, sent;
	char said[256];        /* its first line of output */
	size_t said_len;
	int said_done;
};

static void exchange_write(struct exchange *x)
{
	ssize_t w = send(x->in, x->data + x->sent, x->len - x->sent, MSG_NOSIGNAL);
	if (w > 0)
		x->sent += (size_t)w;
	if ((w < 0 && errno != EINTR && errno != EAGAIN) || x->sent == x->len) {
		close(x->in);   /* all given, or the program stopped reading: its status will say */
		x->in = -1;
	}
}

static void exchange_read(struct exchange *x)
{
	char buf[4096];
	ssize_t r = read(x->out, buf, sizeof buf);
	if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
		close(x->out);
		x->out = -1;
		return;
	}
	for (ssize_t i = 0; i < r && !x->said_done; i++) {
		if (buf[i] == '\n' || x->said_len + 1 == sizeof x->said)
			x->said_done = 1;
		else if (buf[i] != '\r')
			x->said[x->said_len++] = buf[i];
	}
	x->said[x->said_len] = '\0';
}

/* Waits up to ms for the program to read or say something, and serves it. */
static void exchange_poll(struct exchange *x, int ms)
{
	struct pollfd fds[2];
	nfds_t nfds = 0;
	if (x->in >= 0)
		fds[nfds++] = (struct pollfd){.fd = x->in, .events = POLLOUT};
	if (x->out >= 0)
		fds[nfds++] = (struct pollfd){.fd = x->out, .events = POLLIN};
	if (poll(fds, nfds, nfds ? ms : 10) <= 0)   /* with nothing to watch, a short nap */
		return;
	for (nfds_t i = 0; i < nfds; i++)
		if (fds[i].revents && fds[i].fd == x->in)
			exchange_write(x);
		else if (fds[i].revents && fds[i].fd == x->out)
			exchange_read(x);
}

/* Feeds the program and reads it until it exits or the deadline passes: 0 and *status,
   or -1 on timeout (the program is then killed).  Waiting for the exit, not for the
   end of the output, since a daemon it started may keep the pipe open. */
static int exchange_run(struct exchange *x, pid_t pid, double deadline, int *status)
{
	double left;
	while ((left = deadline - seconds_now()) > 0) {
		exchange_poll(x, left < 0.05 ? (int)(left * 1000) + 1 : 50);
		if (waitpid(pid, status, WNOHANG) == pid) {
			if (x->out >= 0)
				exchange_read(x);   /* what it said just before leaving */
			return 0;
		}
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -1;
}

static int sendmail_result(const jl_notifier *n, int status, const char *said, char *err,
                           size_t errlen)
{
	const char *sep = *said ? " : " : "";
	if (WIFSIGNALED(status))
		return fail(JL_NOTIFY_TEMPFAIL, err, errlen,
		            "sendmail « %s » : arrêté par le signal %d%s%s", n->command,
		            WTERMSIG(status), sep, said);
	int code = WEXITSTATUS(status);
	if (code == 0)
		return 0;
	if (code == EXEC_FAILED)
		return fail(JL_NOTIFY_PERMFAIL, err, errlen,
		            "sendmail « %s » : introuvable ou impossible à lancer (code %d)%s%s",
		            n->command, code, sep, said);
	return fail(code == EX_TEMPFAIL ? JL_NOTIFY_TEMPFAIL : JL_NOTIFY_PERMFAIL, err, errlen,
	            "sendmail « %s » : échec (code %d%s)%s%s", n->command, code,
	            code == EX_TEMPFAIL ? ", temporaire" : "", sep, said);
}

static int sendmail_send(jl_notifier *n, const char *msg, size_t len, char *err, size_t errlen)
{
	jl_buf text = JL_BUF_INIT;
	struct exchange x = {.in = -1, .out = -1};
	pid_t pid;
	int status = 0, rc;

	put_unix_lines(&text, msg, len);
	if (text.failed)
		return fail(JL_NOTIFY_TEMPFAIL, err, errlen, "sendmail : mémoire insuffisante");
	x.data = text.ptr ? text.ptr : "";
	x.len = text.len;
	if (spawn_sendmail(n->command, &pid, &x.in, &x.out) < 0) {
		int e = errno;
		jl_buf_free(&text);
		return fail(JL_NOTIFY_TEMPFAIL, err, errlen,
		            "sendmail « %s » : impossible de le lancer : %s", n->command, strerror(e));
	}
	if (exchange_run(&x, pid, seconds_now() + (double)n->timeout_s, &status) < 0)
		rc = fail(JL_NOTIFY_TEMPFAIL, err, errlen,
		          "sendmail « %s » : pas de réponse après %ld s", n->command, n->timeout_s);
	else
		rc = sendmail_result(n, status, x.said, err, errlen);
	if (x.in >= 0)
		close(x.in);
	if (x.out >= 0)
		close(x.out);
	jl_buf_free(&text);
	return rc;
}

/* ---------------------------------------------------------------- smtp */

/*
 * libcurl is loaded at the first SMTP delivery, not linked: the libraries it pulls in
 * (TLS, Kerberos, LDAP…) cost every command some 10 ms at start, and only reminders
 * sent by SMTP need it. Loading it and curl_global_init (not thread-safe in libcurl 7.88,
 * Debian 12) happen once per process: the one piece of global state, never undone since
 * a host may use libcurl too.
 */
static struct curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	void (*easy_cleanup)(CURL *curl);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
	void (*slist_free_all)(struct curl_slist *list);
} libcurl;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;
static char curl_load_error[512];

/* dlsym into a function pointer, as POSIX shows it; 0 when the symbol is missing. */
static int load_symbol(void *lib, void *slot, const char *name)
{
	*(void **)slot = dlsym(lib, name);
	if (*(void **)slot)
		return 0;
	snprintf(curl_load_error, sizeof curl_load_error, " (%s : %s absent)", CURL_LIBRARY, name);
	return -1;
}

static void curl_init(void)
{
	void *lib = dlopen(CURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(curl_load_error, sizeof curl_load_error, " (%s)", dlerror());
		return;
	}
	if (load_symbol(lib, &libcurl.global_init, "curl_global_init") ||
	    load_symbol(lib, &libcurl.easy_init, "curl_easy_init") ||
	    load_symbol(lib, &libcurl.easy_setopt, "curl_easy_setopt") ||
	    load_symbol(lib, &libcurl.easy_perform, "curl_easy_perform") ||
	    load_symbol(lib, &libcurl.easy_getinfo, "curl_easy_getinfo") ||
	    load_symbol(lib, &libcurl.easy_strerror, "curl_easy_strerror") ||
	    load_symbol(lib, &libcurl.easy_cleanup, "curl_easy_cleanup") ||
	    load_symbol(lib, &libcurl.slist_append, "curl_slist_append") ||
	    load_symbol(lib, &libcurl.slist_free_all, "curl_slist_free_all"))
		return;
	curl_init_result = libcurl.global_init(CURL_GLOBAL_DEFAULT);
}

struct upload {
	const char *data;
	size_t len, pos;
};

static size_t read_upload(char *buf, size_t size, size_t count, void *userdata)
{
	struct upload *u = userdata;
	size_t n = size * count < u->len - u->pos ? size * count : u->len - u->pos;
	memcpy(buf, u->data + u->pos, n);
	u->pos += n;
	return n;
}

/* Keeps the server's last refusal (libcurl's error text only has its code). */
static int keep_reply(CURL *curl, curl_infotype type, char *data, size_t size, void *userp)
{
	jl_notifier *n = userp;
	(void)curl;
	if (type != CURLINFO_HEADER_IN || !size || (data[0] != '4' && data[0] != '5'))
		return 0;   /* the refusal, not the "221 Bye" that follows it */
	while (size && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		size--;
	size_t start = size;
	while (start && data[start - 1] != '\n')
		start--;
	jl_text_copy(n->reply, sizeof n->reply, data + start, size - start);
	return 0;
}

/* The URL as messages may show it: without a "user:password@". */
static char *server_label(const char *url)
{
	const char *host = strstr(url, "://");
	host = host ? host + 3 : url;
	const char *at = strchr(host, '@'), *slash = strchr(host, '/');
	if (at && (!slash || at < slash))
		return jl_sprintf("%.*s%s", (int)(host - url), url, at + 1);
	return jl_strdup(url);
}

static int smtp_open(jl_notifier *n, const jl_notifier_config *cfg, char *err, size_t errlen)
{
	int smtps = cfg->url && !strncasecmp(cfg->url, "smtps://", 8);
	if (!cfg->url || (!smtps && strncasecmp(cfg->url, "smtp://", 7)))
		return fail(-1, err, errlen, "smtp : adresse du serveur invalide « %.*s » (attendu : "
		            "smtp://hôte:port ou smtps://hôte:port)", cfg->url ? quotable(cfg->url) : 0,
		            cfg->url ? cfg->url : "");
	if (!cfg->user != !cfg->password)
		return fail(-1, err, errlen, "smtp : utilisateur et mot de passe vont ensemble");
	if (cfg->tls < 0 || cfg->tls > 2)
		return fail(-1, err, errlen, "smtp : valeur tls %d invalide (0, 1 ou 2)", cfg->tls);
	pthread_once(&curl_once, curl_init);
	n->server = server_label(cfg->url);
	if (curl_init_result != CURLE_OK || !n->server || !(n->curl = libcurl.easy_init()))
		return fail(-1, err, errlen, "smtp : libcurl n'a pas pu démarrer%s", curl_load_error);

	int tls = cfg->tls == 0 && cfg->user ? 2 : cfg->tls;
	static const long USE_SSL[] = {CURLUSESSL_NONE, CURLUSESSL_TRY, CURLUSESSL_ALL};
	CURL *c = n->curl;
	/* libcurl copies every string option: cfg's strings may go. */
	if (libcurl.easy_setopt(c, CURLOPT_URL, cfg->url) != CURLE_OK
	    || libcurl.easy_setopt(c, CURLOPT_ERRORBUFFER, n->curl_error) != CURLE_OK
	    || libcurl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK
	    || libcurl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, n->timeout_s) != CURLE_OK
	    || libcurl.easy_setopt(c, CURLOPT_TIMEOUT, n->timeout_s) != CURLE_OK
	    || libcurl.easy_setopt(c, CURLOPT_UPLOAD, 1L) != CURLE_OK
	    || libcurl.easy_setopt(c, CURLOPT_READFUNCTION, read_upload) != CURLE_OK
	    || libcurl.easy_setopt(c, CURLOPT_USE_SSL, smtps ? CURLUSESSL_ALL : USE_SSL[tls]) != CURLE_OK
	    || (cfg->user && libcurl.easy_setopt(c, CURLOPT_USERNAME, cfg->user) != CURLE_OK)
	    || (cfg->password && libcurl.easy_setopt(c, CURLOPT_PASSWORD, cfg->password) != CURLE_OK)
	    || (cfg->ca_file && libcurl.easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file) != CURLE_OK)
	    || (cfg->insecure && (libcurl.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L) != CURLE_OK
	                          || libcurl.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK))
	    || libcurl.easy_setopt(c, CURLOPT_DEBUGFUNCTION, keep_reply) != CURLE_OK
	    || libcurl.easy_setopt(c, CURLOPT_DEBUGDATA, n) != CURLE_OK
	    || libcurl.easy_setopt(c, CURLOPT_VERBOSE, 1L) != CURLE_OK)   /* feeds keep_reply */
		return fail(-1, err, errlen, "smtp : option refusée par libcurl");
	return 0;
}

/* 4xx and 5xx as SMTP means them; without a reply, what failed on the way. */
static int smtp_failure(CURLcode rc, long reply)
{
	if (reply >= 400 && reply < 600)
		return reply < 500 ? JL_NOTIFY_TEMPFAIL : JL_NOTIFY_PERMFAIL;
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_OUT_OF_MEMORY:
		return JL_NOTIFY_TEMPFAIL;
	default:
		return JL_NOTIFY_PERMFAIL;
	}
}

static const char *smtp_what(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST: return "serveur introuvable";
	case CURLE_COULDNT_CONNECT: return "connexion impossible";
	case CURLE_OPERATION_TIMEDOUT: return "délai dépassé";
	case CURLE_LOGIN_DENIED: return "authentification refusée";
	case CURLE_USE_SSL_FAILED: return "le serveur ne propose pas STARTTLS";
	case CURLE_PEER_FAILED_VERIFICATION: return "certificat du serveur refusé";
	default: return "envoi refusé";
	}
}

static int smtp_send(jl_notifier *n, const char *sender, const char *const *rcpts,
                     size_t nrcpts, const char *msg, size_t len, char *err, size_t errlen)
{
	struct curl_slist *list = NULL;
	struct upload up = {msg, len, 0};
	char from[ADDRESS_MAX + 2];

	for (size_t i = 0; i < nrcpts; i++) {
		char addr[ADDRESS_MAX + 2] = "<";
		jl_mail_address(rcpts[i], addr + 1, sizeof addr - 2);   /* checked by the caller */
		strcat(addr, ">");
		struct curl_slist *more = libcurl.slist_append(list, addr);
		if (!more) {
			libcurl.slist_free_all(list);
			return fail(JL_NOTIFY_TEMPFAIL, err, errlen, "smtp : mémoire insuffisante");
		}
		list = more;
	}
	snprintf(from, sizeof from, "<%s>", sender);
	n->curl_error[0] = n->reply[0] = '\0';
	libcurl.easy_setopt(n->curl, CURLOPT_MAIL_FROM, from);
	libcurl.easy_setopt(n->curl, CURLOPT_MAIL_RCPT, list);
	libcurl.easy_setopt(n->curl, CURLOPT_READDATA, &up);
	CURLcode rc = libcurl.easy_perform(n->curl);
	libcurl.easy_setopt(n->curl, CURLOPT_MAIL_RCPT, NULL);   /* list is gone after this */
	libcurl.slist_free_all(list);
	if (rc == CURLE_OK)
		return 0;

	long reply = 0;
	libcurl.easy_getinfo(n->curl, CURLINFO_RESPONSE_CODE, &reply);
	const char *detail = *n->curl_error ? n->curl_error : libcurl.easy_strerror(rc);
	if (*n->reply && reply >= 400)
		return fail(smtp_failure(rc, reply), err, errlen, "smtp « %s » : %s, le serveur "
		            "répond « %s » (%s)", n->server, smtp_what(rc), n->reply, detail);
	return fail(smtp_failure(rc, reply), err, errlen, "smtp « %s » : %s (%s)", n->server,
	            smtp_what(rc), detail);
}

/* ---------------------------------------------------------------- notifiers */

static const char *kind_name(jl_notifier_kind kind)
{
	static const char *const NAMES[] = {"sortie standard", "maildir", "mbox", "sendmail",
	                                    "smtp"};
	return (unsigned)kind < sizeof NAMES / sizeof *NAMES ? NAMES[kind] : "notification";
}

static int open_kind(jl_notifier *n, const jl_notifier_config *cfg, char *err, size_t errlen)
{
	switch (cfg->kind) {
	case JL_NOTIFY_STDOUT:
		n->out = cfg->out ? cfg->out : stdout;
		return 0;
	case JL_NOTIFY_MAILDIR:
	case JL_NOTIFY_MBOX:
		if (!cfg->path || !*cfg->path)
			return fail(-1, err, errlen, "%s : chemin manquant", kind_name(cfg->kind));
		if (!(n->path = jl_strdup(cfg->path)))
			return fail(-1, err, errlen, "mémoire insuffisante");
		return cfg->kind == JL_NOTIFY_MAILDIR ? maildir_open(n, err, errlen) : 0;
	case JL_NOTIFY_SENDMAIL:
		n->command = jl_strdup(cfg->command && *cfg->command ? cfg->command : DEFAULT_SENDMAIL);
		return n->command ? 0 : fail(-1, err, errlen, "mémoire insuffisante");
	case JL_NOTIFY_SMTP:
		return smtp_open(n, cfg, err, errlen);
	}
	return fail(-1, err, errlen, "type de notification inconnu (%d)", (int)cfg->kind);
}

int jl_notifier_open(jl_notifier **out, const jl_notifier_config *cfg, char *err, size_t errlen)
{
	*out = NULL;
	jl_notifier *n = calloc(1, sizeof *n);
	if (!n)
		return fail(-1, err, errlen, "mémoire insuffisante");
	n->kind = cfg->kind;
	n->timeout_s = cfg->timeout_s > 0 ? cfg->timeout_s : DEFAULT_TIMEOUT_S;
	if (open_kind(n, cfg, err, errlen) < 0) {
		jl_notifier_close(n);
		return -1;
	}
	*out = n;
	return 0;
}

int jl_notifier_send(jl_notifier *n, const char *envelope_from, const char *const *rcpts,
                     size_t nrcpts, const char *msg, size_t len, char *err, size_t errlen)
{
	char sender[ADDRESS_MAX] = "", addr[ADDRESS_MAX];
	const char *what = kind_name(n->kind);

	if (envelope_from && *envelope_from
	    && jl_mail_address(envelope_from, sender, sizeof sender) < 0)
		return fail(JL_NOTIFY_PERMFAIL, err, errlen, "%s : adresse d'expéditeur invalide "
		            "« %.*s »", what, quotable(envelope_from), envelope_from);
	for (size_t i = 0; i < nrcpts; i++)
		if (!rcpts[i] || jl_mail_address(rcpts[i], addr, sizeof addr) < 0)
			return fail(JL_NOTIFY_PERMFAIL, err, errlen, "%s : adresse de destinataire "
			            "invalide « %.*s »", what, rcpts[i] ? quotable(rcpts[i]) : 0,
			            rcpts[i] ? rcpts[i] : "");
	if (!msg)
		return fail(JL_NOTIFY_PERMFAIL, err, errlen, "%s : message absent", what);
	switch (n->kind) {
	case JL_NOTIFY_STDOUT:
		return stdout_send(n, sender, msg, len, err, errlen);
	case JL_NOTIFY_MAILDIR:
		return maildir_send(n, msg, len, err, errlen);
	case JL_NOTIFY_MBOX:
		return mbox_send(n, sender, msg, len, err, errlen);
	case JL_NOTIFY_SENDMAIL:
		return sendmail_send(n, msg, len, err, errlen);
	case JL_NOTIFY_SMTP:
		if (!nrcpts)
			return fail(JL_NOTIFY_PERMFAIL, err, errlen, "smtp : aucun destinataire");
		return smtp_send(n, sender, rcpts, nrcpts, msg, len, err, errlen);
	}
	return fail(JL_NOTIFY_PERMFAIL, err, errlen, "type de notification inconnu");
}

void jl_notifier_close(jl_notifier *n)
{
	if (!n)
		return;
	if (n->curl)
		libcurl.easy_cleanup(n->curl);
	free(n->path);
	free(n->command);
	free(n->server);
	free(n);
}
