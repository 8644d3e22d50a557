/* SPDX-License-Identifier: MIT */
/*
 * The library's entry (include/jalon/store.h): a store opened or created with its
 * extension layer on top (core/ext/), unless the host asks for the bare store.
 */
#include "ext/ext.h"
#include "store/store.h"

static int with_extensions(jalon_store *s, int rc, const jalon_open_options *opts)
{
	if (rc != 0 || (opts && !opts->extensions))
		return rc;
	return jl_ext_attach(s);
}

int jalon_store_open(jalon_store **out, const char *dir, const jalon_open_options *opts)
{
	int rc = jl_store_open(out, dir, opts);
	return with_extensions(*out, rc, opts);
}

int jalon_store_init(jalon_store **out, const char *dir, const jalon_open_options *opts)
{
	int rc = jl_store_create(out, dir, opts);
	return with_extensions(*out, rc, opts);
}
