/* SPDX-License-Identifier: MIT */
/*
 * An OpenDocument package written with libzip into memory: "mimetype" stored first, the
 * parts deflated, the manifest last (ODF 1.2 part 3, sections 3 and 4).  See odf.h.
 */
#include "format/odf.h"

#include <string.h>
#include <time.h>

#include <zip.h>

static const char ODF_PREFIX[] = "application/vnd.oasis.opendocument.";
static const char MIMETYPE_ENTRY[] = "mimetype";
static const char MANIFEST_ENTRY[] = "META-INF/manifest.xml";
static const zip_uint32_t UNIX_REGULAR_0644 = 0100644;   /* S_IFREG | 0644, mode of st_mode */

/* ---------------------------------------------------------------- checks */

/* "application/vnd.oasis.opendocument." and a subtype of letters, digits, '.', '+' and
   '-': nothing that could break the manifest's attribute nor the type readers sniff. */
static int check_mimetype(const char *mimetype, char *err, size_t errlen)
{
	const size_t prefix = sizeof ODF_PREFIX - 1;
	if (!mimetype)
		return jl_say(err, errlen, "type MIME du document manquant");
	int ok = strncmp(mimetype, ODF_PREFIX, prefix) == 0 && mimetype[prefix] != '\0';
	for (const char *p = mimetype + prefix; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
		     || *p == '.' || *p == '+' || *p == '-';
	if (!ok)
		return jl_say(err, errlen, "type MIME « %s » : pas un type OpenDocument (attendu : "
		              "%s…)", mimetype, ODF_PREFIX);
	return 0;
}

/* Part i may go into the package: a relative path that stays inside it, that this
   module does not write itself, and that no earlier part holds. */
static int check_part(const odf_part *parts, size_t i, char *err, size_t errlen)
{
	const char *name = parts[i].name;
	if (!name || !*name)
		return jl_say(err, errlen, "partie n° %zu : nom vide", i + 1);
	size_t n = strlen(name);
	if (!jl_utf8_valid(name, n))
		return jl_say(err, errlen, "partie n° %zu : nom en UTF-8 invalide", i + 1);
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return jl_say(err, errlen, "partie « %s » : caractère de contrôle dans le nom",
			              name);
	if (name[0] == '/' || name[0] == '\\')
		return jl_say(err, errlen, "partie « %s » : chemin absolu interdit", name);
	if (strstr(name, ".."))
		return jl_say(err, errlen, "partie « %s » : « .. » interdit dans un nom", name);
	if (strcmp(name, MIMETYPE_ENTRY) == 0 || strcmp(name, MANIFEST_ENTRY) == 0)
		return jl_say(err, errlen, "partie « %s » : nom réservé, le paquet l'écrit lui-même",
		              name);
	for (size_t j = 0; j < i; j++)
		if (strcmp(parts[j].name, name) == 0)
			return jl_say(err, errlen, "partie « %s » en double (parties n° %zu et %zu)",
			              name, j + 1, i + 1);
	if (!parts[i].data && parts[i].len)
		return jl_say(err, errlen, "partie « %s » : données absentes", name);
	return 0;
}

/* ---------------------------------------------------------------- manifest */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static const char *media_type(const char *name)
{
	static const char *const TYPES[][2] = {
		{".xml", "text/xml"},   {".png", "image/png"},      {".jpg", "image/jpeg"},
		{".jpeg", "image/jpeg"}, {".svg", "image/svg+xml"}, {".rdf", "application/rdf+xml"},
	};
	for (size_t i = 0; i < sizeof TYPES / sizeof *TYPES; i++)
		if (ends_with(name, TYPES[i][0]))
			return TYPES[i][1];
	return "application/octet-stream";
}

/* Text in a double-quoted XML attribute. */
static void put_attribute(jl_buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': jl_buf_puts(b, "&amp;"); break;
		case '<': jl_buf_puts(b, "&lt;"); break;
		case '>': jl_buf_puts(b, "&gt;"); break;
		case '"': jl_buf_puts(b, "&quot;"); break;
		default: jl_buf_putc(b, *s);
		}
}

static void write_manifest(jl_buf *b, const char *mimetype, const odf_part *parts, size_t n)
{
	jl_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	               "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:"
	               "xmlns:manifest:1.0\" manifest:version=\"1.2\">\n"
	               " <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\""
	               " manifest:media-type=\"");
	jl_buf_puts(b, mimetype);
	jl_buf_puts(b, "\"/>\n");
	for (size_t i = 0; i < n; i++) {
		jl_buf_puts(b, " <manifest:file-entry manifest:full-path=\"");
		put_attribute(b, parts[i].name);
		jl_buf_puts(b, "\" manifest:media-type=\"");
		jl_buf_puts(b, media_type(parts[i].name));
		jl_buf_puts(b, "\"/>\n");
	}
	jl_buf_puts(b, "</manifest:manifest>\n");
}

/* ---------------------------------------------------------------- the ZIP */

static int zip_fail(zip_error_t *ze, char *err, size_t errlen)
{
	return jl_say(err, errlen, "paquet OpenDocument : erreur de libzip : %s",
	              zip_error_strerror(ze));
}

/* 2000-01-01 12:00 in local time: ZIP dates are local (MS-DOS) fields, which libzip
   fills with localtime(), so going through mktime() gives the same fields, hence the
   same bytes, in every time zone.  Noon keeps clear of any change of offset. */
static time_t fixed_mtime(void)
{
	struct tm tm = {.tm_year = 100, .tm_mon = 0, .tm_mday = 1, .tm_hour = 12, .tm_isdst = -1};
	return mktime(&tm);
}

/* One entry, from bytes that must outlive zip_close: stored or deflated, at the fixed
   date, readable by all once extracted (Unix mode 0644). */
static int add_entry(zip_t *za, const char *name, const void *data, size_t len, int store,
                     char *err, size_t errlen)
{
	zip_source_t *src = zip_source_buffer(za, data, len, 0);
	if (!src)
		return zip_fail(zip_get_error(za), err, errlen);
	zip_int64_t idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(src);
		return zip_fail(zip_get_error(za), err, errlen);
	}
	zip_uint64_t i = (zip_uint64_t)idx;
	if (zip_set_file_compression(za, i, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) < 0
	    || zip_file_set_mtime(za, i, fixed_mtime(), 0) < 0
	    || zip_file_set_external_attributes(za, i, 0, ZIP_OPSYS_UNIX,
	                                        UNIX_REGULAR_0644 << 16) < 0)
		return zip_fail(zip_get_error(za), err, errlen);
	return 0;
}

/* The archive's entries, then its closing (which writes the ZIP into its source). */
static int fill_archive(zip_t *za, const char *mimetype, const odf_part *parts,
                        size_t nparts, const jl_buf *manifest, char *err, size_t errlen)
{
	if (add_entry(za, MIMETYPE_ENTRY, mimetype, strlen(mimetype), 1, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < nparts; i++)
		if (add_entry(za, parts[i].name, parts[i].data, parts[i].len, 0, err, errlen) < 0)
			return -1;
	return add_entry(za, MANIFEST_ENTRY, manifest->ptr, manifest->len, 0, err, errlen);
}

/* The bytes libzip wrote into src, appended to out. */
static int read_back(zip_source_t *src, jl_buf *out, char *err, size_t errlen)
{
	char chunk[16384];
	zip_int64_t n;
	if (zip_source_open(src) < 0)
		return zip_fail(zip_source_error(src), err, errlen);
	while ((n = zip_source_read(src, chunk, sizeof chunk)) > 0)
		jl_buf_put(out, chunk, (size_t)n);
	int rc = n < 0 ? zip_fail(zip_source_error(src), err, errlen) : 0;
	zip_source_close(src);
	if (rc == 0 && out->failed)
		rc = jl_say(err, errlen, "mémoire insuffisante");
	return rc;
}

int jl_odf_package(jl_buf *out, const char *mimetype, const odf_part *parts, size_t nparts,
                   char *err, size_t errlen)
{
	if (check_mimetype(mimetype, err, errlen) < 0)
		return -1;
	if (nparts && !parts)
		return jl_say(err, errlen, "parties du document absentes");
	for (size_t i = 0; i < nparts; i++)
		if (check_part(parts, i, err, errlen) < 0)
			return -1;

	jl_buf manifest = JL_BUF_INIT;
	write_manifest(&manifest, mimetype, parts, nparts);
	if (manifest.failed) {
		jl_buf_free(&manifest);
		return jl_say(err, errlen, "mémoire insuffisante");
	}

	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *za = NULL;
	int rc = -1;
	if (!src) {
		zip_fail(&ze, err, errlen);
		goto done;
	}
	za = zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	if (!za) {
		zip_fail(&ze, err, errlen);
		goto done;
	}
	zip_source_keep(src);   /* for reading back once zip_close has written it */
	if (fill_archive(za, mimetype, parts, nparts, &manifest, err, errlen) < 0)
		goto done;
	if (zip_close(za) < 0) {
		zip_fail(zip_get_error(za), err, errlen);
		goto done;
	}
	za = NULL;
	size_t old_len = out->len;
	rc = read_back(src, out, err, errlen);
	if (rc < 0 && out->ptr) {   /* out as it was */
		out->len = old_len;
		out->ptr[old_len] = '\0';
	}
done:
	if (za)
		zip_discard(za);
	if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	jl_buf_free(&manifest);
	return rc;
}
