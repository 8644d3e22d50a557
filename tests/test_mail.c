/* SPDX-License-Identifier: MIT */
/*
 * Tests for core/mail: the reminder e-mail as RFC 5322 / MIME text — addresses,
 * encoded-words, quoted-printable, the attachment — and the same messages read back by
 * a real parser (Python's email package) to the byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include "helpers.h"
#include "format/mail.h"

static const char DATE[] = "Fri, 20 Dec 2019 08:00:00 +0100";
static const char FROM[] = "PST – CPAS d’Erezée <pst@cpas-erezee.be>";

/* A message that must format; returned malloc'd. */
static char *format_ok(const jl_mail *m)
{
	jl_buf b = JL_BUF_INIT;
	char err[256] = "";
	if (jl_mail_format(m, &b, err, sizeof err) != 0)
		fail_msg("refused: %s", err);
	return jl_buf_detach(&b);
}

/* A message that must be refused, with a reason holding want; nothing written. */
static void format_refused(const jl_mail *m, const char *want)
{
	jl_buf b = JL_BUF_INIT;
	char err[256] = "";
	assert_int_equal(jl_mail_format(m, &b, err, sizeof err), -1);
	assert_int_equal(b.len, 0);
	if (!strstr(err, want))
		fail_msg("reason \"%s\" does not say \"%s\"", err, want);
	jl_buf_free(&b);
}

/* Every line ends in CRLF, holds only ASCII and, outside the bodies' lines (76), at most
   max columns. */
static void check_lines(const char *msg, size_t max)
{
	for (const char *p = msg; *p;) {
		const char *crlf = strstr(p, "\r\n");
		assert_non_null(crlf);
		for (const char *c = p; c < crlf; c++)
			if ((unsigned char)*c >= 0x80 || *c == '\r' || *c == '\n')
				fail_msg("byte 0x%02x in line \"%.*s\"", (unsigned char)*c, (int)(crlf - p), p);
		if ((size_t)(crlf - p) > max)
			fail_msg("%d columns: \"%.*s\"", (int)(crlf - p), (int)(crlf - p), p);
		p = crlf + 2;
	}
}

static const char *body_of(const char *msg)
{
	const char *blank = strstr(msg, "\r\n\r\n");
	assert_non_null(blank);
	return blank + 4;
}

/* ---------------------------------------------------------------- addresses */

static void test_address_of_a_mailbox(void **state)
{
	static const char *const good[][2] = {
		{"PST – CPAS d’Erezée <pst@cpas-erezee.be>", "pst@cpas-erezee.be"},
		{"pst@x.be", "pst@x.be"},
		{"  pst@x.be\t", "pst@x.be"},
		{"\"Dupont, Jean\" <jean.dupont@cpas.be>", "jean.dupont@cpas.be"},
		{"<a+rappels@b.be>", "a+rappels@b.be"},
	};
	static const char *const bad[] = {
		"", "Jean Dupont", "a@", "@b.be", "a@@b.be", "a@b@c.be", "a b@c.be", "Nom <>",
		"Nom <a@b.be", "a@b.be>", "Nom <a@b.be> x", "a@b.be, c@d.be", "Nom <a@b.be,c@d.be>",
		"é@b.be", "a@b.be\r\nBcc: x@y.be", "a;b@c.be",
	};
	char out[256];
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		if (jl_mail_address(good[i][0], out, sizeof out) != 0)
			fail_msg("\"%s\" refused", good[i][0]);
		assert_string_equal(out, good[i][1]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (jl_mail_address(bad[i], out, sizeof out) != -1)
			fail_msg("\"%s\" accepted as \"%s\"", bad[i], out);
	assert_int_equal(jl_mail_address("pst@x.be", out, 8), -1);   /* does not fit */
	assert_int_equal(jl_mail_address("pst@x.be", out, 9), 0);
	assert_int_equal(jl_mail_address(NULL, out, sizeof out), -1);
}

/* ---------------------------------------------------------------- headers */

static void test_a_plain_message_byte_for_byte(void **state)
{
	const char *headers[] = {"Auto-Submitted: auto-generated", "X-Jalon-Run: 2019-12-20", NULL};
	jl_mail m = {.from = "pst@cpas-erezee.be", .to = "Jean Dupont <jean@cpas-erezee.be>",
	             .subject = "Rappel", .message_id = "abc.123@cpas-erezee.jalon", .date = DATE,
	             .body = "Bonjour,\n\nA faire.\n", .headers = headers};
	(void)state;
	char *msg = format_ok(&m);
	assert_string_equal(msg,
		"Date: Fri, 20 Dec 2019 08:00:00 +0100\r\n"
		"From: pst@cpas-erezee.be\r\n"
		"To: Jean Dupont <jean@cpas-erezee.be>\r\n"
		"Subject: Rappel\r\n"
		"Message-ID: <abc.123@cpas-erezee.jalon>\r\n"
		"Auto-Submitted: auto-generated\r\n"
		"X-Jalon-Run: 2019-12-20\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n"
		"\r\n"
		"Bonjour,\r\n"
		"\r\n"
		"A faire.\r\n");
	free(msg);
}

static void test_accents_become_encoded_words(void **state)
{
	jl_mail m = {.from = FROM, .to = "\"Dupont, Jean\" <jean@x.be>",
	             .subject = "Rappel : 3 échéances à venir pour « Former le citoyen à "
	                        "l’utilisation des outils numériques » (œuvre, 50 €)",
	             .message_id = "a@b", .date = DATE, .body = ""};
	(void)state;
	char *msg = format_ok(&m);
	check_lines(msg, 78);
	/* Plain words stay readable; the others are Q-encoded UTF-8. */
	assert_non_null(strstr(msg, "From: PST =?UTF-8?Q?=E2=80=93?= CPAS "
	                            "=?UTF-8?Q?d=E2=80=99Erez=C3=A9e?=\r\n <pst@cpas-erezee.be>\r\n"));
	assert_non_null(strstr(msg, "To: \"Dupont, Jean\" <jean@x.be>\r\n"));
	assert_non_null(strstr(msg, "Subject: =?UTF-8?Q?Rappel_=3A_3_=C3=A9ch=C3=A9ances"));
	/* Folded into several encoded-words of at most 75 characters each. */
	const char *subject = strstr(msg, "Subject: "), *end = strstr(subject, "\r\nMessage-ID");
	int words = 0;
	for (const char *w = strstr(subject, "=?"); w && w < end; w = strstr(w + 1, "=?")) {
		const char *close = strstr(w + 10, "?=");
		assert_true(close - w + 2 <= 75);
		words++;
	}
	assert_true(words >= 2);
	free(msg);
}

/* A long ASCII subject folds at its spaces; unfolding gives it back. */
static void test_a_long_ascii_subject_folds_at_spaces(void **state)
{
	const char *subject = "Rappel des taches de l'action 4 du plan strategique transversal "
	                      "2019-2024 du CPAS, a faire avant la fin du mois";
	jl_mail m = {.from = "a@b.be", .to = "c@d.be", .subject = subject, .message_id = "a@b",
	             .date = DATE, .body = "x"};
	(void)state;
	char *msg = format_ok(&m);
	check_lines(msg, 78);
	char *start = strstr(msg, "Subject: ") + 9, *end = strstr(start, "\r\nMessage-ID");
	jl_buf unfolded = JL_BUF_INIT;
	for (char *p = start; p < end; p++)
		if (strncmp(p, "\r\n", 2) == 0)
			p++;
		else
			jl_buf_putc(&unfolded, *p);
	assert_string_equal(unfolded.ptr, subject);
	jl_buf_free(&unfolded);
	free(msg);
}

static void test_the_date_defaults_to_now_in_english(void **state)
{
	static const char *const days[] = {"Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"};
	jl_mail m = {.from = "a@b.be", .to = "c@d.be", .subject = "s", .message_id = "a@b",
	             .body = ""};
	char day[8], month[8], zone[8];
	int mday, year, hh, mm, ss, known = 0;
	(void)state;
	char *msg = format_ok(&m);
	assert_int_equal(sscanf(msg, "Date: %7s %d %7s %d %d:%d:%d %7s", day, &mday, month, &year,
	                        &hh, &mm, &ss, zone), 8);
	for (size_t i = 0; i < 7; i++)
		known |= !strcmp(day, days[i]);
	assert_true(known);
	assert_non_null(strstr("JanFebMarAprMayJunJulAugSepOctNovDec", month));
	assert_int_equal(strlen(month), 3);
	assert_true(year >= 2024);
	assert_true((zone[0] == '+' || zone[0] == '-') && strlen(zone) == 5);
	free(msg);
}

static void test_header_injection_and_bad_text_are_refused(void **state)
{
	const char *crlf_header[] = {"X-Jalon-Run: 1\r\nBcc: x@y.be", NULL};
	const char *no_colon[] = {"Auto-Submitted auto-generated", NULL};
	const char *space_in_name[] = {"X Jalon: 1", NULL};
	const char *repeated[] = {"content-type: text/html", NULL};
	const char *accented[] = {"X-Jalon-Plan: Erezée", NULL};
	const jl_mail good = {.from = FROM, .to = "c@d.be", .subject = "s", .message_id = "a@b",
	                      .date = DATE, .body = "x"};
	jl_mail m;
	(void)state;

	m = good, m.subject = "Rappel\r\nBcc: espion@x.be";
	format_refused(&m, "objet : retour à la ligne interdit");
	m = good, m.from = "PST\n <pst@x.be>";
	format_refused(&m, "expéditeur : retour à la ligne");
	m = good, m.to = "Jean <jean@x.be>\r\nBcc: x@y.be";
	format_refused(&m, "destinataire : retour à la ligne");
	m = good, m.date = "Fri, 20 Dec 2019\r\nBcc: x@y.be";
	format_refused(&m, "date : retour à la ligne");
	m = good, m.headers = crlf_header;
	format_refused(&m, "en-tête supplémentaire : retour à la ligne");
	m = good, m.attachment = "x", m.attachment_len = 1, m.attachment_name = "a\nb.ics";
	format_refused(&m, "nom de la pièce jointe : retour à la ligne");

	m = good, m.subject = "R\xe9union";   /* Latin-1, not UTF-8 */
	format_refused(&m, "objet : texte UTF-8 invalide");
	m = good, m.body = "Bonjour\n\xc3(\n";
	format_refused(&m, "corps du message : texte UTF-8 invalide (octet 9)");

	m = good, m.from = "PST du CPAS";
	format_refused(&m, "expéditeur : pas d'adresse valide dans « PST du CPAS »");
	m = good, m.to = "a@b.be, c@d.be";
	format_refused(&m, "destinataire : pas d'adresse valide");
	m = good, m.to = NULL;
	format_refused(&m, "destinataire : adresse manquante");
	m = good, m.message_id = "<a@b>";
	format_refused(&m, "identifiant du message invalide");
	m = good, m.message_id = NULL;
	format_refused(&m, "identifiant du message manquant");
	m = good, m.headers = no_colon;
	format_refused(&m, "en-tête supplémentaire invalide");
	m = good, m.headers = space_in_name;
	format_refused(&m, "en-tête supplémentaire invalide");
	m = good, m.headers = repeated;
	format_refused(&m, "« content-type » : Jalon l'écrit déjà");
	m = good, m.headers = accented;
	format_refused(&m, "seuls les caractères ASCII imprimables");
	m = good, m.attachment = "x", m.attachment_len = 1, m.attachment_type = "calendrier";
	format_refused(&m, "type de la pièce jointe invalide");
}

/* ---------------------------------------------------------------- bodies */

static void test_quoted_printable_body(void **state)
{
	char long_line[301];
	for (int i = 0; i < 300; i++)
		long_line[i] = (char)('a' + i % 26);
	long_line[300] = '\0';
	char *text = jl_sprintf("a=b\nfin d'une ligne  \ntab\t\nFrom the start\n>From quoted\n"
	                        ".\n..deux\nœ €\n%s\nsans fin", long_line);
	jl_mail m = {.from = "a@b.be", .to = "c@d.be", .subject = "s", .message_id = "a@b",
	             .date = DATE, .body = text};
	(void)state;
	char *msg = format_ok(&m);
	check_lines(msg, 76);
	const char *body = body_of(msg);
	assert_non_null(strstr(body, "a=3Db\r\n"));
	assert_non_null(strstr(body, "fin d'une ligne =20\r\n"));   /* trailing white space */
	assert_non_null(strstr(body, "tab=09\r\n"));
	assert_non_null(strstr(body, "\r\n=46rom the start\r\n"));  /* safe in an mbox */
	assert_non_null(strstr(body, "\r\n>From quoted\r\n"));      /* not at a line start */
	assert_non_null(strstr(body, "\r\n=2E\r\n=2E.deux\r\n"));  /* safe through a relay */
	assert_non_null(strstr(body, "\r\n=C5=93 =E2=82=AC\r\n"));
	/* The 300 letters: soft breaks at 76 columns, '=' included. */
	assert_non_null(strstr(body, "\r\nabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	                             "abcdefghijklmnopqrstuvw=\r\nxyz"));
	/* No final line break in the text: none decoded either. */
	assert_non_null(strstr(body, "\r\nsans fin=\r\n"));
	assert_int_equal(strlen(strstr(body, "sans fin=\r\n")), strlen("sans fin=\r\n"));
	free(msg);
	free(text);
}

static const char ICS[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Jalon//FR\r\n"
                          "BEGIN:VEVENT\r\nSUMMARY:Échéance : rapport au Conseil\r\n"
                          "END:VEVENT\r\nEND:VCALENDAR\r\n";

static void test_attachment_in_a_multipart(void **state)
{
	jl_mail m = {.from = FROM, .to = "c@d.be", .subject = "Rappels", .message_id = "a@b",
	             .date = DATE, .body = "Voir le calendrier.\n", .attachment = ICS,
	             .attachment_len = sizeof ICS - 1, .attachment_name = "rappels.ics",
	             .attachment_type = "text/calendar; charset=UTF-8; method=PUBLISH"};
	char boundary[64];
	(void)state;
	char *msg = format_ok(&m);
	check_lines(msg, 78);
	const char *ct = strstr(msg, "Content-Type: multipart/mixed; boundary=\"");
	assert_non_null(ct);
	assert_int_equal(sscanf(ct, "Content-Type: multipart/mixed; boundary=\"%63[^\"]\"",
	                        boundary), 1);
	assert_int_equal(strncmp(boundary, "=_", 2), 0);   /* never in QP nor base64 */

	/* The boundary only where it delimits: opening each part, closing the last. */
	char *open = jl_sprintf("--%s\r\n", boundary), *close = jl_sprintf("\r\n--%s--\r\n", boundary);
	int count = 0;
	for (const char *p = strstr(msg, boundary); p; p = strstr(p + 1, boundary))
		count++;
	assert_int_equal(count, 4);   /* in Content-Type, twice opening, once closing */
	assert_int_equal(strncmp(body_of(msg), open, strlen(open)), 0);
	const char *second = strstr(body_of(msg) + 1, open);
	assert_non_null(second);
	assert_int_equal(strncmp(second - 2, "\r\n", 2), 0);
	assert_string_equal(strstr(msg, close), close);
	assert_non_null(strstr(msg,
		"\r\nContent-Type: text/calendar; charset=UTF-8; method=PUBLISH\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"Content-Disposition: attachment; filename=\"rappels.ics\"\r\n\r\n"
		"QkVHSU46VkNBTEVOREFSDQpWRVJTSU9OOjIuMA0KUFJPRElEOi0vL0phbG9uLy9GUg0KQkVHSU46\r\n"));

	/* The same mail gives the same bytes. */
	char *again = format_ok(&m);
	assert_string_equal(again, msg);
	free(again);
	free(open);
	free(close);
	free(msg);
}

static void test_a_non_ascii_filename_uses_rfc_2231(void **state)
{
	jl_mail m = {.from = "a@b.be", .to = "c@d.be", .subject = "s", .message_id = "a@b",
	             .date = DATE, .body = "", .attachment = "x", .attachment_len = 1,
	             .attachment_name = "échéances 2020.ics"};
	(void)state;
	char *msg = format_ok(&m);
	assert_non_null(strstr(msg, "Content-Type: application/octet-stream\r\n"));
	assert_non_null(strstr(msg, "Content-Disposition: attachment;\r\n"
	                            " filename*=UTF-8''%C3%A9ch%C3%A9ances%202020.ics\r\n"));
	free(msg);
}

/* ---------------------------------------------------------------- read back by Python */

/* Reads each message of the folders given and compares it with the files beside it. */
static const char PYTHON_CHECK[] =
	"import email, email.policy, os, sys\n"
	"problems = []\n"
	"def check(what, got, want):\n"
	"    if got != want:\n"
	"        problems.append('%s: %s: %r, expected %r' % (d, what, got, want))\n"
	"def read(name):\n"
	"    with open(os.path.join(d, name), 'rb') as f:\n"
	"        return f.read()\n"
	"for d in sys.argv[1:]:\n"
	"    m = email.message_from_bytes(read('msg.eml'), policy=email.policy.default)\n"
	"    sender = m['from'].addresses[0]\n"
	"    check('subject', m['subject'], read('subject').decode())\n"
	"    check('display name', sender.display_name, read('name').decode())\n"
	"    check('address', sender.addr_spec, read('address').decode())\n"
	"    # a line break travels as CRLF (RFC 5322 2.3): the text had LF\n"
	"    text = m.get_body(('plain',)).get_content().replace('\\r\\n', '\\n')\n"
	"    check('body', text, read('body').decode())\n"
	"    atts = list(m.iter_attachments())\n"
	"    if os.path.exists(os.path.join(d, 'attachment')):\n"
	"        check('attachments', len(atts), 1)\n"
	"        a = atts[0]\n"
	"        check('filename', a.get_filename(), read('filename').decode())\n"
	"        check('type', a.get_content_type(), 'text/calendar')\n"
	"        check('parameters', dict(a['content-type'].params),\n"
	"              {'charset': 'UTF-8', 'method': 'PUBLISH'})\n"
	"        check('attachment', a.get_payload(decode=True), read('attachment'))\n"
	"    else:\n"
	"        check('attachments', len(atts), 0)\n"
	"    check('defects', [p.defects for p in m.walk()], [[] for p in m.walk()])\n"
	"sys.exit('\\n'.join(problems) if problems else 0)\n";

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char *path = jl_sprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(path);
}

/* Formats m into dir/msg.eml, with what Python must read back beside it. */
static void write_case(const char *dir, const jl_mail *m, const char *name, const char *address)
{
	assert_int_equal(mkdir(dir, 0700), 0);
	char *msg = format_ok(m);
	write_file(dir, "msg.eml", msg, strlen(msg));
	write_file(dir, "subject", m->subject, strlen(m->subject));
	write_file(dir, "name", name, strlen(name));
	write_file(dir, "address", address, strlen(address));
	write_file(dir, "body", m->body, strlen(m->body));
	if (m->attachment) {
		write_file(dir, "attachment", m->attachment, m->attachment_len);
		write_file(dir, "filename", m->attachment_name, strlen(m->attachment_name));
	}
	free(msg);
}

static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_python_reads_it_back(void **state)
{
	jl_buf long_line = JL_BUF_INIT;   /* 300 characters, accents and '=' among them */
	(void)state;
	if (access("/usr/bin/python3", X_OK) != 0)
		skip();
	for (int i = 0; i < 15; i++)
		jl_buf_puts(&long_line, "Échéance = fin 2019 ");
	char *body = jl_sprintf(
		"Bonjour Jean,\n\nFrom now on, voici vos échéances :\n.\n..\n. point\n"
		"« Former le citoyen » — œuvre commune, 50 € = budget  \n\ttabulé\t\n%s\n"
		"=?UTF-8?Q?pas_un_mot_encod=C3=A9?=\n>From here\nFin.\n", long_line.ptr);
	jl_buf_free(&long_line);
	char *dir = scratch_path("mail");
	assert_int_equal(mkdir(dir, 0700), 0);
	char *one = jl_sprintf("%s/rappel", dir), *two = jl_sprintf("%s/court", dir);
	jl_mail m = {.from = FROM, .to = "Jean Dupont <jean@cpas-erezee.be>",
	             .subject = "Rappel : 3 échéances à venir pour « Former le citoyen à "
	                        "l’utilisation des outils numériques » (œuvre, 50 €)",
	             .message_id = "abc.123@cpas-erezee.jalon", .body = body, .attachment = ICS,
	             .attachment_len = sizeof ICS - 1, .attachment_name = "rappels.ics",
	             .attachment_type = "text/calendar; charset=UTF-8; method=PUBLISH"};
	write_case(one, &m, "PST – CPAS d’Erezée", "pst@cpas-erezee.be");
	jl_mail plain = {.from = "\"Dupont, Jean\" <jean@x.be>", .to = "c@d.be",
	                 .subject = "Rappel", .message_id = "a@b", .body = "Une ligne sans fin  "};
	write_case(two, &plain, "Dupont, Jean", "jean@x.be");

	char *argv[] = {"/usr/bin/python3", "-c", (char *)PYTHON_CHECK, one, two, NULL};
	assert_int_equal(run(argv), 0);
	free(one);
	free(two);
	free(body);
	*strrchr(dir, '/') = '\0';
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_of_a_mailbox),
		cmocka_unit_test(test_a_plain_message_byte_for_byte),
		cmocka_unit_test(test_accents_become_encoded_words),
		cmocka_unit_test(test_a_long_ascii_subject_folds_at_spaces),
		cmocka_unit_test(test_the_date_defaults_to_now_in_english),
		cmocka_unit_test(test_header_injection_and_bad_text_are_refused),
		cmocka_unit_test(test_quoted_printable_body),
		cmocka_unit_test(test_attachment_in_a_multipart),
		cmocka_unit_test(test_a_non_ascii_filename_uses_rfc_2231),
		cmocka_unit_test(test_python_reads_it_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
