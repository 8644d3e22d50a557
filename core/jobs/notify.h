/* SPDX-License-Identifier: MIT */
/*
 * notify — delivers a message made by jl_mail_format (mail.h): on standard output, into
 * a maildir or an mbox, through a sendmail program, or to an SMTP server (libcurl).
 *
 * A notifier is opened once from its configuration and sends any number of messages;
 * it is not shared between threads (one per thread is fine).  Every failure says in err,
 * in French and on one line, which notifier failed and, when there is one, what the
 * server or program answered, and tells a failure that may go away (try again later)
 * from one that will not.
 */
#ifndef JALON_CORE_NOTIFY_H
#define JALON_CORE_NOTIFY_H

#include <stddef.h>
#include <stdio.h>

typedef enum jl_notifier_kind {
	JL_NOTIFY_STDOUT,
	JL_NOTIFY_MAILDIR,
	JL_NOTIFY_MBOX,
	JL_NOTIFY_SENDMAIL,
	JL_NOTIFY_SMTP
} jl_notifier_kind;

typedef struct jl_notifier_config {
	jl_notifier_kind kind;
	FILE *out;               /* STDOUT: where messages are written (stdout when NULL), each preceded by an mbox "From " line so several read as one mbox */
	const char *path;        /* MAILDIR: the maildir (tmp/ new/ cur/ created if missing); MBOX: the file (created if missing) */
	const char *command;     /* SENDMAIL: the program (default "/usr/sbin/sendmail"), run as `command -t -oi` (fork/execvp, no shell), message on stdin; non-zero exit = failure with its exit status and stderr's first line in err */
	const char *url;         /* SMTP: "smtp://host:25", "smtp://host:587" (STARTTLS per tls), "smtps://host:465" */
	const char *user, *password;  /* SMTP AUTH, both or neither */
	int tls;                 /* SMTP: 0 none, 1 STARTTLS if offered, 2 STARTTLS required (default for smtp:// with a user) */
	const char *ca_file;     /* SMTP: CA bundle for the server certificate (NULL: system's) */
	int insecure;            /* SMTP: 1 skips certificate verification (tests with a self-signed cert only; documented as such) */
	long timeout_s;          /* SMTP and SENDMAIL: give up after (default 60) */
} jl_notifier_config;

/*
 * What each kind does with a message:
 *
 * STDOUT   writes it to out as an mbox entry (see MBOX), without locking nor fsync.
 * MAILDIR  writes tmp/<time>.M<usec>P<pid>Q<counter>.<host>, fsyncs it, renames it into
 *          new/ and fsyncs new/ (the maildir protocol): a reader never sees half a
 *          message.  The file holds the message's bytes unchanged.
 * MBOX     appends, under an fcntl write lock on the whole file, a "From <envelope
 *          sender> <asctime date>" line, the message with LF line ends and every line
 *          matching /^>*From / quoted with one more '>' (mboxrd), and a blank line; then
 *          fsyncs.  A failed write is cut off again, so the mbox stays readable.
 * SENDMAIL runs `command -t -oi` and writes the message on its standard input, with LF
 *          line ends as sendmail(8) expects; with -t the program takes the recipients
 *          from the To: header, so rcpts are not passed to it.  Exit status 75
 *          (EX_TEMPFAIL), a signal or the timeout are temporary failures.
 * SMTP     sends through libcurl: MAIL FROM the envelope sender, RCPT TO each recipient
 *          (one refused recipient refuses the message), the message as DATA.  With
 *          smtp://, tls 0 means 2 when a user is set: a password never travels in clear.
 *          insecure = 1 accepts any certificate: for tests against a self-signed one
 *          only, never in production.  The connection is kept for the next message.
 *
 * envelope_from and the recipients are addresses or mailboxes ("Nom <a@b.be>"): only
 * the address is used.
 */
typedef struct jl_notifier jl_notifier;

enum {
	JL_NOTIFY_TEMPFAIL = -1,   /* may work later: keep the reminder and try again */
	JL_NOTIFY_PERMFAIL = -2    /* will not work as configured: say so and move on */
};

/*
 * A notifier for cfg, which is copied (strings included; out is borrowed and must stay
 * open).  Checks what can be checked without sending: the kind's required fields, the
 * URL's scheme, user and password given together; creates the maildir's folders.
 * 0 and *out set, or -1 with a French reason in err.  Free with jl_notifier_close().
 */
int jl_notifier_open(jl_notifier **out, const jl_notifier_config *cfg, char *err, size_t errlen);

/*
 * Delivers one message (from jl_mail_format) to the envelope recipients.  0 delivered;
 * JL_NOTIFY_TEMPFAIL (-1) when it may work later (connection refused, timeout, 4xx,
 * sendmail exit 75, disk full); JL_NOTIFY_PERMFAIL (-2) for a permanent refusal (5xx
 * recipient refused, bad address, authentication refused, ...).  err gets a French
 * one-line reason naming the notifier and the server's reply.
 */
int jl_notifier_send(jl_notifier *n, const char *envelope_from, const char *const *rcpts,
                     size_t nrcpts, const char *msg, size_t len, char *err, size_t errlen);

/* Closes the SMTP connection, if any, and frees n.  n may be NULL. */
void jl_notifier_close(jl_notifier *n);

#endif
