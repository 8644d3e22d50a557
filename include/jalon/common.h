/* SPDX-License-Identifier: MIT */
/*
 * Jalon — common definitions: export macro, error codes, item kinds.
 *
 * Every function returns 0 or a negative JALON_E… code; the message that explains it
 * is read with jalon_errmsg() on the store the call was made on.
 *
 * Implemented in core/model/common.c.
 */
#ifndef JALON_COMMON_H
#define JALON_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(JALON_BUILDING) && defined(__GNUC__)
#define JALON_API __attribute__((visibility("default")))
#else
#define JALON_API
#endif

#define JALON_VERSION_MAJOR 0
#define JALON_VERSION_MINOR 1
#define JALON_VERSION_PATCH 0
#define JALON_VERSION "0.1.0"

/* Error codes. The first ones are expected in normal use; a host should handle them. */
enum {
	JALON_OK = 0,
	JALON_ERROR = -1,     /* an unexpected failure (I/O, database, git) */
	JALON_ENOTFOUND = -2, /* no such item, person, tag or date */
	JALON_EINVALID = -3,  /* bad input: a value, a key, a file; the message names it */
	JALON_ECONFLICT = -4, /* the change conflicts with the stored state (e.g. a plan exists) */
	JALON_ESCRIPT = -5,   /* a script or hook refused the change; the message is its own */
	JALON_EBUSY = -6,     /* the store stayed locked by another process past the timeout */
	JALON_ENOMEM = -7,    /* out of memory */
	JALON_EAMBIGUOUS = -8,/* an item reference matches several items */
	JALON_ECORRUPT = -9,  /* the store is inconsistent and needs `jalon rebuild` */
	JALON_ECONFIG = -10,  /* the store's configuration (jalon.conf) is wrong or incomplete */
	JALON_EDELIVERY = -11 /* some reminders could not be delivered; the next run retries them */
};

/* The kinds of records a store holds. Items are the four levels of the plan's tree. */
typedef enum jalon_kind {
	JALON_KIND_PLAN = 0,
	JALON_KIND_PERSON,
	JALON_KIND_OS,     /* objectif stratégique */
	JALON_KIND_OO,     /* objectif opérationnel */
	JALON_KIND_ACTION, /* projet / action */
	JALON_KIND_TASK,   /* tâche / sous-action */
	JALON_KIND_COUNT_
} jalon_kind;

/* "plan", "person", "os", "oo", "action", "task"; NULL for an invalid kind. */
JALON_API const char *jalon_kind_name(jalon_kind kind);
/* The kind with that name (the names above), or -1. */
JALON_API int jalon_kind_from_name(const char *name);

/* The statuses of an item, in the order of its life — the order of
 * jalon_progress.by_status: "à lancer", "en cours", "terminé", "reporté", "abandonné"
 * for 0 to JALON_STATUS_COUNT - 1; NULL otherwise. */
#define JALON_STATUS_COUNT 5
JALON_API const char *jalon_status_name(int index);

/* The version of the library linked at run time ("0.1.0"), which may differ from the
 * JALON_VERSION a program was compiled with. */
JALON_API const char *jalon_version(void);

/* Free memory the library returned as owned by the caller (documented per function). */
JALON_API void jalon_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif
