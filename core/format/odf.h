/* SPDX-License-Identifier: MIT */
/*
 * odf — an OpenDocument package (ODF 1.2, part 3: Packages) around XML parts that a
 * report has written: the ZIP that LibreOffice opens as an .odt or an .ods.  We only
 * write packages, never read them.
 *
 * The package holds, in this order: the entry "mimetype", stored (not compressed, no
 * extra field) so that it lies at offset 30 of the file where readers sniff the type;
 * the caller's parts ("content.xml", "styles.xml", "meta.xml", …), deflated; then
 * "META-INF/manifest.xml", generated from the part names.  The ZIP itself is libzip's
 * work, in memory.  Every entry bears the same fixed date (2000-01-01), so the same
 * parts give the same bytes: a report can be compared, or committed, as is.  Nothing
 * here keeps state; the caller's XML is taken as given (neither parsed nor checked).
 */
#ifndef JALON_CORE_ODF_H
#define JALON_CORE_ODF_H

#include <stddef.h>

#include "model/util.h"

/* One file of the package: its path inside the package and its bytes (borrowed). */
typedef struct odf_part {
	const char *name;   /* "content.xml", "Pictures/logo.png": relative, '/'-separated, UTF-8 */
	const char *data;   /* may be NULL when len is 0 */
	size_t len;
} odf_part;

/*
 * The whole package, appended to out.
 *
 * mimetype is the document's type, "application/vnd.oasis.opendocument.text" (.odt) or
 * "application/vnd.oasis.opendocument.spreadsheet" (.ods) for instance; it is both the
 * content of the "mimetype" entry and the media type of the manifest's root entry "/".
 * The manifest (manifest:version="1.2") then lists each part in the given order, with
 * the media type its extension tells (text/xml for *.xml, image/png, image/jpeg,
 * image/svg+xml, application/rdf+xml; application/octet-stream otherwise).
 *
 * 0, or -1 with a French reason in err and out left as it was: a mimetype that is not
 * application/vnd.oasis.opendocument.*; a part name that is missing, empty, absolute
 * ("/…"), holds ".." or a control character, is not valid UTF-8, is one this function
 * writes ("mimetype", "META-INF/manifest.xml") or repeats an earlier one (the reason
 * names the part); a part with NULL data and a non-zero length; an error of libzip
 * (its message follows), or memory exhausted.
 */
int jl_odf_package(jl_buf *out, const char *mimetype, const odf_part *parts, size_t nparts,
                   char *err, size_t errlen);

#endif
