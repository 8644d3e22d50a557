/* SPDX-License-Identifier: MIT */
/*
 * history — the history questions of include/jalon/history.h (store/history.c), and
 * those the core asks itself.
 */
#ifndef JALON_CORE_HISTORY_H
#define JALON_CORE_HISTORY_H

#include <jansson.h>

#include "store/store.h"

/*
 * The plan as it stood at when (a Unix time; the state after the last commit made then
 * or before): the query tables temp.past_items, temp.past_item_parents and
 * temp.past_item_people hold its items as they were (made anew at each call; the store's
 * own tables untouched), and *plan gets its plan record then (a new reference; NULL
 * when there was none). 0, or an error with the message set.
 */
int jl_history_project_at(jalon_store *s, long long when, json_t **plan);

#endif
