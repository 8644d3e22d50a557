/* SPDX-License-Identifier: MIT */
/*
 * One reminder e-mail as a MIME message: RFC 5322 headers, RFC 2047 encoded-words,
 * quoted-printable text (RFC 2045), a base64 attachment in a multipart/mixed (RFC 2046).
 * See mail.h.
 */
#include "format/mail.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum {
	LINE_MAX_COLS = 78,   /* RFC 5322 2.1.1: header lines SHOULD stay within */
	WORD_MAX = 75,        /* RFC 2047 2: an encoded-word is at most 75 characters */
	BODY_MAX_COLS = 76,   /* RFC 2045 6.7 and 6.8: encoded body lines */
	HEADER_MAX = 998,     /* RFC 5322 2.1.1: the hard limit of a line */
	ADDRESS_MAX = 254,    /* RFC 5321 4.5.3.1.3: a path is 256 with its brackets */
};

static const char HEX[] = "0123456789ABCDEF";

/* ---------------------------------------------------------------- addresses */

/* Characters that would let an address hide a second one or break its header. */
static int address_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && !strchr("<>\"(),;:[]\\", c);
}

static int address_valid(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	if (!at || at == s || at == s + n - 1 || memchr(at + 1, '@', (size_t)(s + n - at - 1)))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!address_char((unsigned char)s[i]))
			return 0;
	return n <= ADDRESS_MAX;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits "Name <addr>" or "addr": the display name (trimmed, maybe empty) and the
   address, both pointing into mailbox.  0, or -1 when the form is wrong. */
static int split_mailbox(const char *mailbox, const char **name, size_t *name_len,
                         const char **addr, size_t *addr_len)
{
	const char *start = mailbox, *end = mailbox + strlen(mailbox);
	while (start < end && is_space(*start))
		start++;
	while (end > start && is_space(end[-1]))
		end--;
	const char *lt = NULL;
	for (const char *p = start; p < end; p++)
		if (*p == '<')
			lt = p;
	if (!lt) {
		*name = start;
		*name_len = 0;
		*addr = start;
		*addr_len = (size_t)(end - start);
		return 0;
	}
	if (end[-1] != '>' || end - 1 <= lt)
		return -1;
	*addr = lt + 1;
	*addr_len = (size_t)(end - 1 - *addr);
	while (lt > start && is_space(lt[-1]))
		lt--;
	*name = start;
	*name_len = (size_t)(lt - start);
	return 0;
}

int jl_mail_address(const char *mailbox, char *out, size_t outlen)
{
	const char *name, *addr;
	size_t name_len, addr_len;
	if (!mailbox || split_mailbox(mailbox, &name, &name_len, &addr, &addr_len) < 0
	    || !address_valid(addr, addr_len) || addr_len >= outlen)
		return -1;
	memcpy(out, addr, addr_len);
	out[addr_len] = '\0';
	return 0;
}

/* ---------------------------------------------------------------- folded headers */

/* A header being written: col counts the characters on its current line. */
struct header {
	jl_buf *b;
	size_t col;
	size_t start;   /* col after "Name:": folding before the first word gains nothing */
};

static void header_begin(struct header *h, jl_buf *b, const char *name, size_t len)
{
	h->b = b;
	jl_buf_put(b, name, len);
	jl_buf_putc(b, ':');
	h->col = h->start = len + 1;
}

static void header_fold(struct header *h)
{
	jl_buf_puts(h->b, "\r\n");
	h->col = 0;
}

/* One word, preceded by a space; folded before that space when it would pass 78
   columns.  An empty word is a space of the text: never folded, which would leave a
   line of white space alone. */
static void header_word(struct header *h, const char *w, size_t n)
{
	if (n && h->col + 1 + n > LINE_MAX_COLS && h->col > h->start)
		header_fold(h);
	jl_buf_putc(h->b, ' ');
	jl_buf_put(h->b, w, n);
	h->col += 1 + n;
}

static void header_end(struct header *h)
{
	jl_buf_puts(h->b, "\r\n");
}

/* ASCII text, folded at its spaces: unfolding gives every space back. */
static void header_text(struct header *h, const char *s, size_t n)
{
	const char *end = s + n;
	for (;;) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		const char *w_end = sp ? sp : end;
		header_word(h, s, (size_t)(w_end - s));
		if (!sp)
			break;
		s = sp + 1;
	}
}

/* Q encoding keeps letters, digits and the few characters RFC 2047 5 (3) allows in a
   display name too, so one encoder serves the subject and the names. */
static int q_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	       || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

/* "=XX", the escape of quoted-printable and of the Q encoding. */
static void q_hex(char out[3], unsigned char c)
{
	out[0] = '=';
	out[1] = HEX[c >> 4];
	out[2] = HEX[c & 15];
}

static size_t q_put(char *w, unsigned char c)
{
	if (q_literal(c) || c == ' ') {
		w[0] = c == ' ' ? '_' : (char)c;
		return 1;
	}
	q_hex(w, c);
	return 3;
}

/* UTF-8 text as encoded-words of whole characters (RFC 2047 5), each filling what is
   left of the line or a fresh one. */
static void header_encoded(struct header *h, const char *s, size_t n)
{
	static const char OPEN[] = "=?UTF-8?Q?";
	const size_t overhead = sizeof OPEN - 1 + 2;   /* "=?UTF-8?Q?" and "?=" */
	const size_t min_word = overhead + 12;         /* room for one 4-byte character */
	size_t i = 0;

	while (i < n) {
		char word[WORD_MAX + 1];
		if (h->col + 1 + min_word > LINE_MAX_COLS)
			header_fold(h);
		size_t room = LINE_MAX_COLS - h->col - 1, len = sizeof OPEN - 1;
		if (room > WORD_MAX)
			room = WORD_MAX;
		memcpy(word, OPEN, len);
		while (i < n) {
			size_t k = jl_utf8_len((unsigned char)s[i]), enc = 0;
			char tmp[12];
			for (size_t j = 0; j < k; j++)
				enc += q_put(tmp + enc, (unsigned char)s[i + j]);
			if (len + enc + 2 > room)
				break;
			memcpy(word + len, tmp, enc);
			len += enc;
			i += k;
		}
		memcpy(word + len, "?=", 2);
		header_word(h, word, len + 2);
	}
}

/* Plain ASCII that no reader could take for an encoded-word. */
static int plain_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || (unsigned char)s[i] > '~'
		    || (s[i] == '=' && i + 1 < n && s[i + 1] == '?'))
			return 0;
	return 1;
}

/* RFC 5322 3.2.3 atext: what a word of a display name may hold unquoted. */
static int atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	       || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* A non-empty word of a display name that can go as it is. */
static int plain_word(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!atext((unsigned char)s[i]))
			return 0;
	return n && plain_ascii(s, n);
}

static size_t word_end(const char *s, size_t n, size_t i)
{
	const char *sp = memchr(s + i, ' ', n - i);
	return sp ? (size_t)(sp - s) : n;
}

/* A display name with words that need encoding: plain words stay as they are, and
   each run of other words becomes encoded-words, its spaces inside them.  RFC 2047 6.2
   drops the white space between two encoded-words, Python's email (3.11) keeps it in a
   display name: only a run too long for one encoded-word depends on that. */
static void header_phrase_words(struct header *h, const char *s, size_t n)
{
	for (size_t i = 0; i <= n;) {
		size_t end = word_end(s, n, i);
		if (!plain_word(s + i, end - i)) {
			while (end < n && !plain_word(s + end + 1, word_end(s, n, end + 1) - end - 1))
				end = word_end(s, n, end + 1);
			header_encoded(h, s + i, end - i);
		} else {
			header_word(h, s + i, end - i);
		}
		i = end + 1;
	}
}

/* A display name as the reader should see it: "Dupont, Jean" without its quotes. */
static void unquote_name(jl_buf *b, const char *s, size_t n)
{
	if (n < 2 || s[0] != '"' || s[n - 1] != '"') {
		jl_buf_put(b, s, n);
		return;
	}
	for (size_t i = 1; i + 1 < n; i++) {
		if (s[i] == '\\' && i + 2 < n)
			i++;
		jl_buf_putc(b, s[i]);
	}
}

/* An ASCII display name with specials ("Dupont, Jean") as a quoted string, when it
   fits on a line; 0 when it does not. */
static int header_quoted(struct header *h, const char *s, size_t n)
{
	char q[LINE_MAX_COLS - 1];   /* with the space before it, a whole line */
	size_t len = 0;
	q[len++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (len + 3 > sizeof q)
			return 0;
		if (s[i] == '"' || s[i] == '\\')
			q[len++] = '\\';
		q[len++] = s[i];
	}
	q[len++] = '"';
	header_word(h, q, len);
	return 1;
}

/* A display name as plain words, a quoted string or with encoded-words: the first
   form that can carry it. */
static void header_phrase(struct header *h, const char *s, size_t n)
{
	int words = 1;
	for (size_t i = 0; i < n && words; i = word_end(s, n, i) + 1)
		words = plain_word(s + i, word_end(s, n, i) - i);
	if (words)
		header_text(h, s, n);
	else if (!plain_ascii(s, n) || !header_quoted(h, s, n))
		header_phrase_words(h, s, n);
}

/* mailbox was checked by check_mailbox(). */
static void put_mailbox(jl_buf *b, const char *field, const char *mailbox)
{
	const char *name, *addr;
	size_t name_len, addr_len;
	struct header h;
	jl_buf shown = JL_BUF_INIT;

	split_mailbox(mailbox, &name, &name_len, &addr, &addr_len);
	unquote_name(&shown, name, name_len);
	header_begin(&h, b, field, strlen(field));
	if (shown.len) {
		char bracketed[ADDRESS_MAX + 3];
		snprintf(bracketed, sizeof bracketed, "<%.*s>", (int)addr_len, addr);
		header_phrase(&h, shown.ptr, shown.len);
		header_word(&h, bracketed, addr_len + 2);
	} else {
		header_word(&h, addr, addr_len);
	}
	header_end(&h);
	if (shown.failed)
		b->failed = 1;
	jl_buf_free(&shown);
}

static void put_header(jl_buf *b, const char *name, const char *value)
{
	struct header h;
	header_begin(&h, b, name, strlen(name));
	if (plain_ascii(value, strlen(value)))
		header_text(&h, value, strlen(value));
	else
		header_encoded(&h, value, strlen(value));
	header_end(&h);
}

/* An extra "Name: value" line, checked by check_extra_header(). */
static void put_extra_header(jl_buf *b, const char *line)
{
	struct header h;
	const char *colon = strchr(line, ':'), *value = colon + 1;
	while (*value == ' ')
		value++;
	header_begin(&h, b, line, (size_t)(colon - line));
	header_text(&h, value, strlen(value));
	header_end(&h);
}

/* RFC 5322 3.3, in English whatever the locale: strftime's %a and %b would follow it. */
static void format_now(char *out, size_t cap)
{
	static const char DAYS[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char MONTHS[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t now = time(NULL);
	struct tm tm;
	char zone[8] = "+0000";

	localtime_r(&now, &tm);
	strftime(zone, sizeof zone, "%z", &tm);   /* numeric: the locale has no say */
	snprintf(out, cap, "%s, %d %s %d %02d:%02d:%02d %s", DAYS[tm.tm_wday], tm.tm_mday,
	         MONTHS[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

/* ---------------------------------------------------------------- bodies */

/* The length of the line break at s[i] (LF or CR LF), 0 when there is none. */
static size_t line_break_at(const char *s, size_t n, size_t i)
{
	if (i < n && s[i] == '\n')
		return 1;
	return i + 1 < n && s[i] == '\r' && s[i + 1] == '\n' ? 2 : 0;
}

/* Whether s[i], written at column col, must be =XX: RFC 2045 6.7 asks it for '=',
   non-printable bytes and white space ending a line; a line starting "From " would
   be mangled in an mbox, one starting '.' by a relay that forgets to stuff dots. */
static int qp_encoded(const char *s, size_t n, size_t i, size_t col)
{
	unsigned char c = (unsigned char)s[i];
	if (c == '=' || c > '~' || (c < ' ' && c != '\t'))
		return 1;
	if (c == ' ' || c == '\t')
		return i + 1 == n || line_break_at(s, n, i + 1);
	return col == 0 && (c == '.' || (n - i >= 5 && memcmp(s + i, "From ", 5) == 0));
}

static void put_quoted_printable(jl_buf *b, const char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		size_t brk = line_break_at(s, n, i);
		if (brk) {
			jl_buf_puts(b, "\r\n");
			col = 0;
			i += brk - 1;
			continue;
		}
		/* A soft break needs a column for its '='; the last character before a
		   hard break does not. */
		size_t limit = line_break_at(s, n, i + 1) ? BODY_MAX_COLS : BODY_MAX_COLS - 1;
		size_t width = qp_encoded(s, n, i, col) ? 3 : 1;
		if (col + width > limit) {
			jl_buf_puts(b, "=\r\n");
			col = 0;
			width = qp_encoded(s, n, i, col) ? 3 : 1;
		}
		char enc[3];
		q_hex(enc, (unsigned char)s[i]);
		jl_buf_put(b, width == 3 ? enc : s + i, width);
		col += width;
	}
	if (n && s[n - 1] != '\n')
		jl_buf_puts(b, "=\r\n");   /* the text ends here, not with a line break */
}

static void put_base64(jl_buf *b, const unsigned char *s, size_t n)
{
	static const char B64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const size_t per_line = BODY_MAX_COLS / 4 * 3;   /* 57 bytes, 76 characters */

	for (size_t line = 0; line < n; line += per_line) {
		size_t m = n - line < per_line ? n - line : per_line;
		for (size_t j = 0; j < m; j += 3) {
			const unsigned char *p = s + line + j;
			uint32_t v = (uint32_t)p[0] << 16 | (j + 1 < m ? (uint32_t)p[1] << 8 : 0)
			             | (j + 2 < m ? p[2] : 0);
			char quad[4] = {B64[v >> 18], B64[v >> 12 & 63],
			                j + 1 < m ? B64[v >> 6 & 63] : '=', j + 2 < m ? B64[v & 63] : '='};
			jl_buf_put(b, quad, 4);
		}
		jl_buf_puts(b, "\r\n");
	}
}

/* RFC 2231 attr-char: what a filename*= value keeps as is. */
static int attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	       || (c && strchr("!#$&+-.^_`|~", c));
}

static void put_disposition(jl_buf *b, const char *filename)
{
	struct header h;
	jl_buf param = JL_BUF_INIT;

	header_begin(&h, b, "Content-Disposition", strlen("Content-Disposition"));
	if (!filename) {
		header_text(&h, "attachment", strlen("attachment"));
		header_end(&h);
		return;
	}
	header_text(&h, "attachment;", strlen("attachment;"));
	size_t n = strlen(filename);
	if (plain_ascii(filename, n) && !strpbrk(filename, "\"\\")) {
		jl_buf_printf(&param, "filename=\"%s\"", filename);
	} else {
		jl_buf_puts(&param, "filename*=UTF-8''");
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)filename[i];
			if (attr_char(c))
				jl_buf_putc(&param, (char)c);
			else
				jl_buf_printf(&param, "%%%c%c", HEX[c >> 4], HEX[c & 15]);
		}
	}
	if (param.failed)
		b->failed = 1;
	else
		header_word(&h, param.ptr, param.len);
	header_end(&h);
	jl_buf_free(&param);
}

static void put_text_part(jl_buf *b, const char *body)
{
	jl_buf_puts(b, "Content-Type: text/plain; charset=UTF-8\r\n"
	               "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	put_quoted_printable(b, body, strlen(body));
}

static void put_attachment_part(jl_buf *b, const jl_mail *m)
{
	put_header(b, "Content-Type",
	           m->attachment_type ? m->attachment_type : "application/octet-stream");
	jl_buf_puts(b, "Content-Transfer-Encoding: base64\r\n");
	put_disposition(b, m->attachment_name);
	jl_buf_puts(b, "\r\n");
	put_base64(b, (const unsigned char *)m->attachment, m->attachment_len);
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return h;
}

/* "=_" occurs neither in quoted-printable nor in base64, so only a part's headers
   could hold the boundary: derived from the parts (the same mail, the same bytes) and
   moved on until neither holds it. */
static void choose_boundary(char *out, size_t cap, const jl_buf *text, const jl_buf *att)
{
	uint64_t h = fnv1a(fnv1a(0xcbf29ce484222325u, text->ptr, text->len), att->ptr, att->len);
	do
		snprintf(out, cap, "=_jalon_%016llx", (unsigned long long)h++);
	while (strstr(text->ptr, out) || strstr(att->ptr, out));
}

/* ---------------------------------------------------------------- checks */

/* A header field: no line break (header injection), valid UTF-8, and printable ASCII
   when ascii is set. */
static int check_field(const char *what, const char *s, int ascii, char *err, size_t errlen)
{
	size_t n = strlen(s);
	if (strpbrk(s, "\r\n"))
		return jl_say(err, errlen, "%s : retour à la ligne interdit dans un en-tête", what);
	if (jl_utf8_invalid_at(s, n) < n)
		return jl_say(err, errlen, "%s : texte UTF-8 invalide", what);
	for (size_t i = 0; ascii && i < n; i++)
		if (((unsigned char)s[i] < ' ' && s[i] != '\t') || (unsigned char)s[i] > '~')
			return jl_say(err, errlen, "%s : seuls les caractères ASCII imprimables sont "
			              "permis dans « %s »", what, s);
	return 0;
}

static int check_mailbox(const char *what, const char *mailbox, char *err, size_t errlen)
{
	char addr[ADDRESS_MAX + 1];
	if (!mailbox || !*mailbox)
		return jl_say(err, errlen, "%s : adresse manquante", what);
	if (check_field(what, mailbox, 0, err, errlen) < 0)
		return -1;
	if (jl_mail_address(mailbox, addr, sizeof addr) < 0)
		return jl_say(err, errlen, "%s : pas d'adresse valide dans « %s »", what, mailbox);
	return 0;
}

/* The headers this module writes itself, which an extra header may not repeat. */
static const char *const OWN_HEADERS[] = {
	"Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding", "Content-Disposition",
};

static int check_extra_header(const char *line, char *err, size_t errlen)
{
	const char *what = "en-tête supplémentaire";
	if (check_field(what, line, 1, err, errlen) < 0)
		return -1;
	size_t name_len = strcspn(line, ": \t");
	if (!name_len || line[name_len] != ':' || strlen(line) > HEADER_MAX)
		return jl_say(err, errlen, "%s invalide : « %s » (attendu : « Nom: valeur »)", what,
		              line);
	for (size_t i = 0; i < sizeof OWN_HEADERS / sizeof *OWN_HEADERS; i++)
		if (strlen(OWN_HEADERS[i]) == name_len && !strncasecmp(line, OWN_HEADERS[i], name_len))
			return jl_say(err, errlen, "%s « %.*s » : Jalon l'écrit déjà", what,
			              (int)name_len, line);
	return 0;
}

static int check_mail(const jl_mail *m, char *err, size_t errlen)
{
	if (check_mailbox("expéditeur", m->from, err, errlen) < 0
	    || check_mailbox("destinataire", m->to, err, errlen) < 0
	    || (m->subject && check_field("objet", m->subject, 0, err, errlen) < 0)
	    || (m->date && check_field("date", m->date, 1, err, errlen) < 0)
	    || (m->attachment_name
	        && check_field("nom de la pièce jointe", m->attachment_name, 0, err, errlen) < 0)
	    || (m->attachment_type
	        && check_field("type de la pièce jointe", m->attachment_type, 1, err, errlen) < 0))
		return -1;
	if (!m->message_id)
		return jl_say(err, errlen, "identifiant du message manquant");
	if (check_field("identifiant du message", m->message_id, 1, err, errlen) < 0)
		return -1;
	if (!address_valid(m->message_id, strlen(m->message_id)))
		return jl_say(err, errlen, "identifiant du message invalide : « %s » (attendu : "
		              "« partie-gauche@partie-droite », sans chevrons)", m->message_id);
	if (m->attachment_type && !strchr(m->attachment_type, '/'))
		return jl_say(err, errlen, "type de la pièce jointe invalide : « %s »",
		              m->attachment_type);
	size_t body_len = m->body ? strlen(m->body) : 0, bad;
	if ((bad = jl_utf8_invalid_at(m->body ? m->body : "", body_len)) < body_len)
		return jl_say(err, errlen, "corps du message : texte UTF-8 invalide (octet %zu)", bad + 1);
	for (const char *const *h = m->headers; h && *h; h++)
		if (check_extra_header(*h, err, errlen) < 0)
			return -1;
	return 0;
}

/* ---------------------------------------------------------------- the message */

static void put_headers(jl_buf *b, const jl_mail *m)
{
	char now[64];
	if (!m->date)
		format_now(now, sizeof now);
	put_header(b, "Date", m->date ? m->date : now);
	put_mailbox(b, "From", m->from);
	put_mailbox(b, "To", m->to);
	put_header(b, "Subject", m->subject ? m->subject : "");
	jl_buf_printf(b, "Message-ID: <%s>\r\n", m->message_id);
	for (const char *const *h = m->headers; h && *h; h++)
		put_extra_header(b, *h);
	jl_buf_puts(b, "MIME-Version: 1.0\r\n");
}

static void put_multipart(jl_buf *b, const jl_buf *text, const jl_buf *att)
{
	char boundary[32];
	choose_boundary(boundary, sizeof boundary, text, att);
	jl_buf_printf(b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", boundary);
	/* The line break before a delimiter belongs to it (RFC 2046 5.1.1): each part
	   ends with its own, and the delimiter brings another. */
	jl_buf_printf(b, "--%s\r\n", boundary);
	jl_buf_put(b, text->ptr, text->len);
	jl_buf_printf(b, "\r\n--%s\r\n", boundary);
	jl_buf_put(b, att->ptr, att->len);
	jl_buf_printf(b, "\r\n--%s--\r\n", boundary);
}

int jl_mail_format(const jl_mail *m, jl_buf *out, char *err, size_t errlen)
{
	if (!m || !out)
		return jl_say(err, errlen, "message absent");
	if (check_mail(m, err, errlen) < 0)
		return -1;
	jl_buf msg = JL_BUF_INIT, text = JL_BUF_INIT, att = JL_BUF_INIT;
	put_headers(&msg, m);
	put_text_part(&text, m->body ? m->body : "");
	if (m->attachment) {
		put_attachment_part(&att, m);
		if (!text.failed && !att.failed)
			put_multipart(&msg, &text, &att);
	} else {
		jl_buf_put(&msg, text.ptr, text.len);
	}
	int failed = msg.failed || text.failed || att.failed;
	if (!failed)
		jl_buf_put(out, msg.ptr, msg.len);
	jl_buf_free(&msg);
	jl_buf_free(&text);
	jl_buf_free(&att);
	return failed || out->failed ? jl_say(err, errlen, "mémoire insuffisante") : 0;
}
