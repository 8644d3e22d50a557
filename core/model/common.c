/* SPDX-License-Identifier: MIT */
/*
 * The definitions of include/jalon/common.h: kinds and statuses by name, the version,
 * freeing what the library returns.
 */
#include <stdlib.h>
#include <string.h>

#include "jalon/common.h"
#include "model/record.h"

const char *jalon_kind_name(jalon_kind kind)
{
	if ((int)kind < 0 || kind >= JALON_KIND_COUNT_)
		return NULL;
	return jl_record_kind_names()[kind];
}

int jalon_kind_from_name(const char *name)
{
	const char *const *names = jl_record_kind_names();
	for (int k = 0; name && names[k]; k++)
		if (!strcmp(name, names[k]))
			return k;
	return -1;
}

const char *jalon_status_name(int index)
{
	return index >= 0 && index < JALON_STATUS_COUNT ? jl_record_statuses()[index] : NULL;
}

const char *jalon_version(void)
{
	return JALON_VERSION;
}

void jalon_free(void *ptr)
{
	free(ptr);
}
