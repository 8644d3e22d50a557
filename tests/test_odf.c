/* SPDX-License-Identifier: MIT */
/*
 * Tests for core/odf: the OpenDocument package as a ZIP — "mimetype" first and stored
 * where readers sniff it, the parts and the manifest read back by libzip to the byte,
 * the same bytes for the same parts, the names refused — and an .odt and an .ods that
 * LibreOffice really opens, converted to PDF and read back with pdftotext.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <zip.h>

#include "helpers.h"
#include "format/odf.h"

static const char TEXT_TYPE[] = "application/vnd.oasis.opendocument.text";
static const char SHEET_TYPE[] = "application/vnd.oasis.opendocument.spreadsheet";

static const char CONTENT[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content/>\n";
static const char STYLES[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-styles/>\n";
/* Bytes that are not text: NULs, high bytes, a string's length would stop early. */
static const char BINARY[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\xff\xfe";

/* ---------------------------------------------------------------- helpers */

/* A package that must be made; *len gets its size. */
static char *package_ok(const char *mimetype, const odf_part *parts, size_t n, size_t *len)
{
	jl_buf b = JL_BUF_INIT;
	char err[256] = "";
	if (jl_odf_package(&b, mimetype, parts, n, err, sizeof err) != 0)
		fail_msg("refused: %s", err);
	assert_false(b.failed);
	*len = b.len;
	return jl_buf_detach(&b);
}

/* A package that must be refused, with a reason holding want; out left as it was. */
static void package_refused(const char *mimetype, const odf_part *parts, size_t n,
                            const char *want)
{
	jl_buf b = JL_BUF_INIT;
	char err[256] = "";
	jl_buf_puts(&b, "avant");
	assert_int_equal(jl_odf_package(&b, mimetype, parts, n, err, sizeof err), -1);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.ptr, "avant");
	if (!strstr(err, want))
		fail_msg("reason \"%s\" does not say \"%s\"", err, want);
	jl_buf_free(&b);
}

static unsigned le16(const char *p)
{
	return (unsigned)(unsigned char)p[0] | (unsigned)(unsigned char)p[1] << 8;
}

static uint32_t le32(const char *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/* The package opened by libzip, which checks its consistency. */
static zip_t *open_package(const char *bytes, size_t len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &ze);
	assert_non_null(src);
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!za)
		fail_msg("libzip cannot open the package: %s", zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return za;
}

/* Entry name of the package, whole; *len gets its size. */
static char *entry_bytes(zip_t *za, const char *name, size_t *len)
{
	zip_stat_t st;
	if (zip_stat(za, name, 0, &st) != 0)
		fail_msg("no entry \"%s\" in the package", name);
	char *data = malloc(st.size + 1);
	zip_file_t *f = zip_fopen(za, name, 0);
	assert_non_null(data);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, data, st.size), (zip_int64_t)st.size);
	assert_int_equal(zip_fclose(f), 0);
	data[st.size] = '\0';
	*len = st.size;
	return data;
}

/* ---------------------------------------------------------------- the ZIP */

static void test_mimetype_comes_first_stored_at_offset_30(void **state)
{
	odf_part parts[] = {{"content.xml", CONTENT, sizeof CONTENT - 1},
	                    {"styles.xml", STYLES, sizeof STYLES - 1}};
	size_t len, n = strlen(TEXT_TYPE);
	(void)state;
	char *zip = package_ok(TEXT_TYPE, parts, 2, &len);
	assert_true(len > 30 + 8 + n);
	assert_memory_equal(zip, "PK\x03\x04", 4);     /* a local file header */
	assert_int_equal(le16(zip + 6) & 0x0009, 0);  /* neither encrypted nor a data descriptor */
	assert_int_equal(le16(zip + 8), 0);           /* stored */
	assert_int_equal(le32(zip + 18), n);          /* compressed size */
	assert_int_equal(le32(zip + 22), n);          /* uncompressed size */
	assert_int_equal(le16(zip + 26), 8);          /* name length */
	assert_int_equal(le16(zip + 28), 0);          /* no extra field */
	/* What ODF readers and file(1) sniff: the name, then the type, from offset 30. */
	assert_memory_equal(zip + 30, "mimetype", 8);
	assert_memory_equal(zip + 38, TEXT_TYPE, n);
	assert_memory_equal(zip + 38 + n, "PK\x03\x04", 4);   /* then straight the next entry */
	free(zip);

	zip = package_ok(SHEET_TYPE, parts, 1, &len);
	assert_memory_equal(zip + 30, "mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
	                    8 + strlen(SHEET_TYPE));
	free(zip);
}

static void test_parts_and_manifest_read_back(void **state)
{
	/* Something larger than a read chunk and that does not compress, to the byte. */
	size_t noise_len = 100000;
	char *noise = malloc(noise_len);
	uint32_t x = 12345;
	assert_non_null(noise);
	for (size_t i = 0; i < noise_len; i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (char)(x >> 24);
	}
	odf_part parts[] = {
		{"content.xml", CONTENT, sizeof CONTENT - 1},
		{"styles.xml", STYLES, sizeof STYLES - 1},
		{"meta.xml", "", 0},
		{"Pictures/logo & \"sceau\".png", BINARY, sizeof BINARY - 1},
		{"Pictures/bruit.bin", noise, noise_len},
		{"Thumbnails/vignette.jpeg", NULL, 0},
	};
	const size_t n = sizeof parts / sizeof *parts;
	size_t len;
	(void)state;
	char *zip = package_ok(TEXT_TYPE, parts, n, &len);
	zip_t *za = open_package(zip, len);

	/* mimetype, the parts in their order, the manifest: nothing more. */
	assert_int_equal(zip_get_num_entries(za, 0), n + 2);
	assert_string_equal(zip_get_name(za, 0, 0), "mimetype");
	for (size_t i = 0; i < n; i++)
		assert_string_equal(zip_get_name(za, i + 1, 0), parts[i].name);
	assert_string_equal(zip_get_name(za, n + 1, 0), "META-INF/manifest.xml");

	/* Every entry: stored for mimetype, deflated otherwise, at the fixed date. */
	struct tm fixed = {.tm_year = 100, .tm_mon = 0, .tm_mday = 1, .tm_hour = 12, .tm_isdst = -1};
	time_t when = mktime(&fixed);
	for (zip_uint64_t i = 0; i < n + 2; i++) {
		zip_stat_t st;
		assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
		assert_int_equal(st.comp_method, i == 0 ? ZIP_CM_STORE : ZIP_CM_DEFLATE);
		assert_int_equal(st.encryption_method, ZIP_EM_NONE);
		assert_true(st.mtime == when);
	}

	size_t got_len;
	char *got = entry_bytes(za, "mimetype", &got_len);
	assert_int_equal(got_len, strlen(TEXT_TYPE));
	assert_memory_equal(got, TEXT_TYPE, got_len);
	free(got);
	for (size_t i = 0; i < n; i++) {
		got = entry_bytes(za, parts[i].name, &got_len);
		assert_int_equal(got_len, parts[i].len);
		if (got_len)
			assert_memory_equal(got, parts[i].data, got_len);
		free(got);
	}

	char *manifest = entry_bytes(za, "META-INF/manifest.xml", &got_len);
	assert_string_equal(manifest,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
		" manifest:version=\"1.2\">\n"
		" <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\""
		" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>\n"
		" <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\n"
		" <manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>\n"
		" <manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>\n"
		" <manifest:file-entry manifest:full-path=\"Pictures/logo &amp; &quot;sceau&quot;.png\""
		" manifest:media-type=\"image/png\"/>\n"
		" <manifest:file-entry manifest:full-path=\"Pictures/bruit.bin\""
		" manifest:media-type=\"application/octet-stream\"/>\n"
		" <manifest:file-entry manifest:full-path=\"Thumbnails/vignette.jpeg\""
		" manifest:media-type=\"image/jpeg\"/>\n"
		"</manifest:manifest>\n");
	free(manifest);
	zip_discard(za);
	free(zip);
	free(noise);
}

static void test_the_same_parts_give_the_same_bytes(void **state)
{
	odf_part parts[] = {{"content.xml", CONTENT, sizeof CONTENT - 1},
	                    {"styles.xml", STYLES, sizeof STYLES - 1},
	                    {"Pictures/logo.png", BINARY, sizeof BINARY - 1}};
	size_t len1, len2;
	(void)state;
	char *one = package_ok(TEXT_TYPE, parts, 3, &len1);
	struct timespec pause = {1, 100000000};   /* a clock that moves on changes nothing */
	nanosleep(&pause, NULL);
	char *two = package_ok(TEXT_TYPE, parts, 3, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(one, two, len1);
	free(two);

	/* Nor does the time zone (ZIP dates are local): POSIX TZ strings, no tzdata needed. */
	const char *tz = getenv("TZ");
	char *saved = tz ? strdup(tz) : NULL;
	static const char *const zones[] = {"UTC0", "XYZ-10", "EST5EDT,M3.2.0,M11.1.0"};
	for (size_t i = 0; i < sizeof zones / sizeof *zones; i++) {
		setenv("TZ", zones[i], 1);
		tzset();
		two = package_ok(TEXT_TYPE, parts, 3, &len2);
		if (len1 != len2 || memcmp(one, two, len1) != 0)
			fail_msg("other bytes with TZ=%s", zones[i]);
		free(two);
	}
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);

	/* Appended to what the buffer held. */
	jl_buf b = JL_BUF_INIT;
	char err[256] = "";
	jl_buf_puts(&b, "avant");
	assert_int_equal(jl_odf_package(&b, TEXT_TYPE, parts, 3, err, sizeof err), 0);
	assert_int_equal(b.len, 5 + len1);
	assert_memory_equal(b.ptr, "avant", 5);
	assert_memory_equal(b.ptr + 5, one, len1);
	jl_buf_free(&b);
	free(one);
}

static void test_bad_names_and_types_are_refused(void **state)
{
	static const char *const bad_names[][2] = {
		{"", "partie n° 2 : nom vide"},
		{"/content.xml", "« /content.xml »"},
		{"\\content.xml", "« \\content.xml »"},
		{"../content.xml", "« ../content.xml »"},
		{"Pictures/../../etc/passwd", "« Pictures/../../etc/passwd »"},
		{"a..b.xml", "« a..b.xml »"},
		{"mimetype", "« mimetype »"},
		{"META-INF/manifest.xml", "« META-INF/manifest.xml »"},
		{"content.xml", "« content.xml » en double"},
		{"a\nb.xml", "caractère de contrôle"},
		{"caf\xe9.xml", "partie n° 2 : nom en UTF-8 invalide"},
	};
	static const char *const bad_types[] = {
		"", "text/plain", "application/zip", "application/vnd.oasis.opendocument.",
		"application/vnd.oasis.opendocument", "Application/vnd.oasis.opendocument.text",
		"application/vnd.oasis.opendocument.text\"/><x a=\"",
		"application/vnd.oasis.opendocument.text\n",
		"application/vnd.oasis.opendocument.text ",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++) {
		odf_part parts[] = {{"content.xml", CONTENT, sizeof CONTENT - 1},
		                    {bad_names[i][0], STYLES, sizeof STYLES - 1}};
		package_refused(TEXT_TYPE, parts, 2, bad_names[i][1]);
	}
	odf_part nameless[] = {{"content.xml", CONTENT, 3}, {NULL, STYLES, 3}};
	package_refused(TEXT_TYPE, nameless, 2, "partie n° 2 : nom vide");
	odf_part no_data[] = {{"content.xml", NULL, 3}};
	package_refused(TEXT_TYPE, no_data, 1, "« content.xml » : données absentes");
	package_refused(TEXT_TYPE, NULL, 2, "parties du document absentes");

	odf_part ok[] = {{"content.xml", CONTENT, sizeof CONTENT - 1}};
	for (size_t i = 0; i < sizeof bad_types / sizeof *bad_types; i++) {
		char want[256];
		snprintf(want, sizeof want, "type MIME « %s »", bad_types[i]);
		package_refused(bad_types[i], ok, 1, want);
	}
	package_refused(NULL, ok, 1, "type MIME du document manquant");

	/* What is close to a bad name but is not one. */
	size_t len;
	odf_part fine[] = {{"content.xml", CONTENT, 3}, {"META-INF/other.xml", STYLES, 3},
	                   {"Pictures/mimetype", BINARY, 3}, {"Content.xml", CONTENT, 3},
	                   {"Pictures/.hidden.png", BINARY, 3}, {"Objets/Évaluation.xml", CONTENT, 3}};
	free(package_ok("application/vnd.oasis.opendocument.text-template", fine,
	                sizeof fine / sizeof *fine, &len));
	free(package_ok(SHEET_TYPE, NULL, 0, &len));
}

/* ---------------------------------------------------------------- LibreOffice */

/* The paragraph the .odt holds: XML specials and French punctuation among accents. */
static const char PARAGRAPH[] = "« Évaluation à mi-parcours — synergies & <échanges> »";

static const char ODT_CONTENT_HEAD[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<office:document-content"
	" xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
	" xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""
	" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
	" xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\""
	" office:version=\"1.2\">\n"
	" <office:body>\n"
	"  <office:text>\n"
	"   <text:h text:outline-level=\"1\">Rapport</text:h>\n"
	"   <text:p text:style-name=\"Standard\">";
static const char ODT_CONTENT_TAIL[] =
	"</text:p>\n"
	"  </office:text>\n"
	" </office:body>\n"
	"</office:document-content>\n";

static const char ODT_STYLES[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<office:document-styles"
	" xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
	" xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""
	" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
	" xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\""
	" office:version=\"1.2\">\n"
	" <office:styles>\n"
	"  <style:style style:name=\"Standard\" style:family=\"paragraph\" style:class=\"text\">\n"
	"   <style:text-properties fo:font-size=\"12pt\" fo:language=\"fr\" fo:country=\"BE\"/>\n"
	"  </style:style>\n"
	" </office:styles>\n"
	"</office:document-styles>\n";

static const char ODT_META[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<office:document-meta"
	" xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
	" xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\""
	" office:version=\"1.2\">\n"
	" <office:meta><meta:generator>Jalon</meta:generator></office:meta>\n"
	"</office:document-meta>\n";

/* A sheet « Volet externe »: a date and a number, each with a data style of its own
   (fr-BE: 2020-01-15 and 12500,50) so that the PDF shows what LibreOffice made of the
   typed values, not the cells' text (written otherwise on purpose). */
static const char ODS_CONTENT[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<office:document-content"
	" xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
	" xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\""
	" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
	" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\""
	" xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\""
	" xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\""
	" office:version=\"1.2\">\n"
	" <office:automatic-styles>\n"
	"  <number:date-style style:name=\"N1\" number:language=\"fr\" number:country=\"BE\">\n"
	"   <number:year number:style=\"long\"/><number:text>-</number:text>"
	"<number:month number:style=\"long\"/><number:text>-</number:text>"
	"<number:day number:style=\"long\"/>\n"
	"  </number:date-style>\n"
	"  <number:number-style style:name=\"N2\" number:language=\"fr\" number:country=\"BE\">\n"
	"   <number:number number:decimal-places=\"2\" number:min-integer-digits=\"1\"/>\n"
	"  </number:number-style>\n"
	"  <style:style style:name=\"ce1\" style:family=\"table-cell\" style:data-style-name=\"N1\"/>\n"
	"  <style:style style:name=\"ce2\" style:family=\"table-cell\" style:data-style-name=\"N2\"/>\n"
	" </office:automatic-styles>\n"
	" <office:body>\n"
	"  <office:spreadsheet>\n"
	"   <table:table table:name=\"Volet externe\">\n"
	"    <table:table-column table:number-columns-repeated=\"3\"/>\n"
	"    <table:table-row>\n"
	"     <table:table-cell office:value-type=\"string\"><text:p>Échéance</text:p></table:table-cell>\n"
	"     <table:table-cell table:style-name=\"ce1\" office:value-type=\"date\""
	" office:date-value=\"2020-01-15\"><text:p>15/01/2020</text:p></table:table-cell>\n"
	"     <table:table-cell table:style-name=\"ce2\" office:value-type=\"float\""
	" office:value=\"12500.5\"><text:p>12 500,5</text:p></table:table-cell>\n"
	"    </table:table-row>\n"
	"   </table:table>\n"
	"  </office:spreadsheet>\n"
	" </office:body>\n"
	"</office:document-content>\n";

static void put_xml_text(jl_buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': jl_buf_puts(b, "&amp;"); break;
		case '<': jl_buf_puts(b, "&lt;"); break;
		case '>': jl_buf_puts(b, "&gt;"); break;
		default: jl_buf_putc(b, *s);
		}
}

/* A file:// URL for a local path (LibreOffice's -env:UserInstallation wants one). */
static char *file_url(const char *path)
{
	jl_buf b = JL_BUF_INIT;
	jl_buf_puts(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
		    || strchr("/-._~", *p))
			jl_buf_putc(&b, (char)*p);
		else
			jl_buf_printf(&b, "%%%02X", *p);
	return jl_buf_detach(&b);
}

/* 1 when name is an executable file in a folder of $PATH. */
static int on_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path)
		return 0;
	char *copy = strdup(path), *save = NULL;
	int found = 0;
	for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *file = jl_sprintf("%s/%s", *dir ? dir : ".", name);
		found = access(file, X_OK) == 0;
		free(file);
	}
	free(copy);
	return found;
}

/* Runs argv (found on $PATH) in a process group of its own, its output into log; kills
   the group past timeout seconds (LibreOffice may start helpers of its own). */
static int run(char *const argv[], const char *log, int timeout)
{
	int status;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	struct timespec tick = {0, 50000000};
	for (int waited = 0;; waited++) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		assert_true(r >= 0);
		if (r == pid)
			break;
		if (waited >= timeout * 20) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("%s still running after %d s: killed", argv[0], timeout);
		}
		nanosleep(&tick, NULL);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot write %s", path);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}


/* The text pdftotext reads from dir/name.pdf. */
static char *pdf_text(const char *dir, const char *name)
{
	char *pdf = jl_sprintf("%s/%s.pdf", dir, name), *txt = jl_sprintf("%s/%s.txt", dir, name);
	char *log = jl_sprintf("%s/pdftotext.log", dir);
	char *argv[] = {"pdftotext", "-enc", "UTF-8", pdf, txt, NULL};
	if (access(pdf, R_OK) != 0) {
		char *out = read_file(jl_sprintf("%s/soffice.log", dir), NULL);
		fail_msg("LibreOffice made no %s; it said:\n%s", pdf, out);
	}
	if (run(argv, log, 60) != 0)
		fail_msg("pdftotext failed on %s:\n%s", pdf, read_file(log, NULL));
	char *text = read_file(txt, NULL);
	free(pdf);
	free(txt);
	free(log);
	return text;
}

static void expect_in(const char *text, const char *what, const char *file)
{
	if (!strstr(text, what))
		fail_msg("\"%s\" not in the PDF of %s, whose text is:\n%s", what, file, text);
}

static void test_libreoffice_opens_an_odt_and_an_ods(void **state)
{
	(void)state;
	/* CI installs them (libreoffice-writer-nogui, libreoffice-calc-nogui, poppler-utils):
	   their absence is a failure, never a silent skip. */
	if (!on_path("libreoffice"))
		fail_msg("libreoffice is not on the PATH: this test needs it to open the packages "
		         "(Debian: libreoffice-writer-nogui libreoffice-calc-nogui)");
	if (!on_path("pdftotext"))
		fail_msg("pdftotext is not on the PATH: this test needs it to read the PDF "
		         "(Debian: poppler-utils)");

	char *dir = scratch_path("odf");
	*strrchr(dir, '/') = '\0';   /* the scratch folder itself, which mkdtemp made */

	jl_buf content = JL_BUF_INIT;
	jl_buf_puts(&content, ODT_CONTENT_HEAD);
	put_xml_text(&content, PARAGRAPH);
	jl_buf_puts(&content, ODT_CONTENT_TAIL);
	assert_non_null(strstr(content.ptr, "synergies &amp; &lt;échanges&gt; »"));
	odf_part odt[] = {{"content.xml", content.ptr, content.len},
	                  {"styles.xml", ODT_STYLES, sizeof ODT_STYLES - 1},
	                  {"meta.xml", ODT_META, sizeof ODT_META - 1}};
	odf_part ods[] = {{"content.xml", ODS_CONTENT, sizeof ODS_CONTENT - 1}};
	size_t len;
	char *bytes = package_ok(TEXT_TYPE, odt, 3, &len);
	char *odt_path = jl_sprintf("%s/rapport.odt", dir);
	write_file(odt_path, bytes, len);
	free(bytes);
	bytes = package_ok(SHEET_TYPE, ods, 1, &len);
	char *ods_path = jl_sprintf("%s/tableau.ods", dir);
	write_file(ods_path, bytes, len);
	free(bytes);
	jl_buf_free(&content);

	/* Both files in one run: LibreOffice's start-up is most of the time. A profile of
	   its own, so that it neither touches the user's nor waits on a running instance. */
	char *profile = jl_sprintf("%s/profile", dir);
	char *profile_url = file_url(profile);
	char *profile_env = jl_sprintf("-env:UserInstallation=%s", profile_url);
	char *log = jl_sprintf("%s/soffice.log", dir);
	char *argv[] = {"libreoffice", profile_env, "--headless", "--norestore",
	                "--convert-to", "pdf", "--outdir", dir, odt_path, ods_path, NULL};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = run(argv, log, 180);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("LibreOffice converted both in %.1f s\n",
	              (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (rc != 0)
		fail_msg("libreoffice exited with %d:\n%s", rc, read_file(log, NULL));

	char *text = pdf_text(dir, "rapport");
	expect_in(text, "Rapport", "rapport.odt");
	expect_in(text, PARAGRAPH, "rapport.odt");
	free(text);
	text = pdf_text(dir, "tableau");
	expect_in(text, "Volet externe", "tableau.ods");   /* the page header names the sheet */
	expect_in(text, "Échéance", "tableau.ods");
	expect_in(text, "2020-01-15", "tableau.ods");
	expect_in(text, "12500,50", "tableau.ods");
	free(text);

	free(profile_env);
	free(profile_url);
	free(profile);
	free(log);
	free(odt_path);
	free(ods_path);
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mimetype_comes_first_stored_at_offset_30),
		cmocka_unit_test(test_parts_and_manifest_read_back),
		cmocka_unit_test(test_the_same_parts_give_the_same_bytes),
		cmocka_unit_test(test_bad_names_and_types_are_refused),
		cmocka_unit_test(test_libreoffice_opens_an_odt_and_an_ods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
