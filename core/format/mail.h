/* SPDX-License-Identifier: MIT */
/*
 * mail — one reminder e-mail as an RFC 5322 / MIME message, ready for any notifier
 * (notify.h).  We only generate messages, never parse them.
 *
 * The output is 7-bit clean, so that it passes every relay and mbox unchanged: non-ASCII
 * header text becomes RFC 2047 encoded-words (UTF-8, Q), the text body is
 * quoted-printable, an attachment base64.  Lines end in CRLF and stay under 78 columns
 * (76 in the encoded bodies).  Nothing here keeps state or uses the locale.
 */
#ifndef JALON_CORE_MAIL_H
#define JALON_CORE_MAIL_H

#include <stddef.h>

#include "model/util.h"

typedef struct jl_mail {
	const char *from;        /* mailbox: "PST – CPAS d’Erezée <pst@cpas-erezee.be>" or "pst@x.be"; display name may be UTF-8 */
	const char *to;          /* mailbox, same form */
	const char *subject;     /* UTF-8 */
	const char *message_id;  /* without angle brackets: "abc.123@cpas-erezee.jalon" */
	const char *date;        /* RFC 5322 date text; NULL: now, formatted in local time with numeric zone */
	const char *body;        /* UTF-8 text, LF line ends */
	const char *attachment;  /* NULL for none */
	size_t attachment_len;
	const char *attachment_name;  /* "rappels.ics" */
	const char *attachment_type;  /* "text/calendar; charset=UTF-8; method=PUBLISH" */
	const char *const *headers;   /* extra "Name: value" lines (ASCII), NULL-terminated, may be NULL (e.g. "Auto-Submitted: auto-generated", "X-Jalon-Run: 2019-12-20") */
} jl_mail;

/*
 * The whole message, appended to out: CRLF line ends, 7-bit clean.
 *
 * Headers: Date, From, To, Subject, Message-ID, the extra headers in their order,
 * MIME-Version and the content headers.  Non-ASCII text (subject, display names) goes
 * into RFC 2047 encoded-words folded under 78 columns; an ASCII display name holding
 * specials is quoted.  The body is text/plain; charset=UTF-8, quoted-printable (RFC 2045):
 * soft breaks at 76 columns, '=' and trailing white space encoded, and an encoded line
 * never starts with "From " or "." (safe in an mbox and through a careless relay).  A
 * body without a final LF comes back without one.  With an attachment the message is
 * multipart/mixed, with a boundary derived from the content and checked not to occur in
 * the parts (so the same mail gives the same bytes); the attachment is base64 in
 * 76-column lines with Content-Disposition: attachment; filename (RFC 2231 when not
 * ASCII).  attachment_type NULL means application/octet-stream; attachment_name NULL,
 * no filename; subject or body NULL, empty.
 *
 * 0, or -1 with a French reason in err and out left as it was: text not valid UTF-8, a
 * CR or LF in a header field (header injection), a mailbox without a valid address
 * (jl_mail_address), a missing or malformed message id, an extra header that is not
 * "Name: value" in printable ASCII or that repeats one written here.
 */
int jl_mail_format(const jl_mail *m, jl_buf *out, char *err, size_t errlen);

/*
 * The address of a mailbox, into out: "Nom <a@b.be>" -> "a@b.be", "a@b.be" -> itself.
 * 0, or -1 when there is no plausible address: exactly one '@' with non-empty local and
 * domain parts, printable ASCII only (the message is 7-bit: no internationalised
 * addresses), no space, '<', '>' nor any of  " ( ) , ; : [ ] \  (which would let one
 * mailbox name several).  -1 too when the address does not fit in outlen.
 */
int jl_mail_address(const char *mailbox, char *out, size_t outlen);

#endif
