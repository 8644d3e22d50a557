/* SPDX-License-Identifier: MIT */
/*
 * The one change pipeline (see pipeline.h): begin, stage, then validate → handlers (veto,
 * amendments) → SQLite → git commit → COMMIT.
 */
#include "change/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/record.h"
#include "model/util.h"
#include "store/item.h"
#include "store/repo.h"

/* One record the transaction changes, once it is being finished. */
struct change {
	const char *id;
	json_t *old_rec;  /* NULL: created */
	json_t *new_rec;  /* NULL: deleted; canonical */
	char *text;       /* canonical text of new_rec */
};

struct jl_txn {
	jalon_store *s;
	json_t *staged;          /* id → new record, or null for a deletion; in staging order */
	struct change *changes;  /* while finishing: what the handlers see and may amend */
	size_t nchanges;
	int finishing;           /* the handlers run: amendments allowed, no new people */
	int amended;             /* a handler amended a record: validate again */
};

/* Above this many records a commit message lists no trailers: the tree diff tells. */
#define MAX_TRAILERS 50

const jl_point jl_change_point = {"gestionnaires de modification"};

int jl_change_handler_add(jalon_store *s, const jl_change_handler *h)
{
	return jl_registry_add(s, &jl_change_point, h, sizeof *h);
}

int jl_pipeline_begin(jalon_store *s, jl_txn **out)
{
	*out = NULL;
	jl_store_clear_error(s);
	if (!s->author_name)
		return jl_store_fail(s, JALON_EINVALID, "aucun auteur : indiquez qui fait la modification "
		                                        "(--as \"Nom <email>\" ou JALON_AUTHOR)");
	/* The handlers are ready (the scripts loaded) before anything is staged. */
	int ready = jl_registry_prepare(s, &jl_change_point);
	if (ready)
		return ready;
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return jl_store_fail_db(s, "début de la modification");
	int rc = jl_repo_catch_up(s);
	jl_txn *t = rc == 0 ? calloc(1, sizeof *t) : NULL;
	if (!t) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc ? rc : JALON_ENOMEM;
	}
	t->s = s;
	t->staged = json_object();
	*out = t;
	return 0;
}

static void changes_free(struct change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_decref(c[i].old_rec);
		json_decref(c[i].new_rec);
		free(c[i].text);
	}
	free(c);
}

static void txn_free(jl_txn *t)
{
	changes_free(t->changes, t->nchanges);
	json_decref(t->staged);
	free(t);
}

void jl_pipeline_abort(jl_txn *t)
{
	if (!t)
		return;
	sqlite3_exec(t->s->db, "ROLLBACK", NULL, NULL, NULL);
	txn_free(t);
}

int jl_pipeline_get(jl_txn *t, const char *id, json_t **rec)
{
	json_t *staged = json_object_get(t->staged, id);
	if (!staged)
		return jl_store_record_get(t->s, id, rec);
	*rec = json_is_null(staged) ? NULL : json_deep_copy(staged);
	return 0;
}

int jl_pipeline_put(jl_txn *t, json_t *rec)
{
	const char *id = jl_record_id(rec);
	if (!id)
		return jl_store_fail(t->s, JALON_EINVALID, "enregistrement sans identifiant");
	return json_object_set(t->staged, id, rec) == 0 ? 0 : JALON_ENOMEM;
}

int jl_pipeline_delete(jl_txn *t, const char *id)
{
	return json_object_set_new(t->staged, id, json_null()) == 0 ? 0 : JALON_ENOMEM;
}

int jl_pipeline_new_id(jl_txn *t, jalon_kind kind, char *id, size_t idlen)
{
	sqlite3_stmt *st;
	long last = 0;
	if (jl_store_prepare(t->s, &st, "SELECT last FROM id_counters WHERE kind = ?1") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, jalon_kind_name(kind), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		last = (long)sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : jl_store_fail_db(t->s, "nouvel identifiant");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	const char *key;
	json_t *v;
	json_object_foreach(t->staged, key, v)
		if (jl_record_id_kind(key) == (int)kind && jl_record_id_number(key) > last)
			last = jl_record_id_number(key);
	snprintf(id, idlen, "%s-%ld", jalon_kind_name(kind), last + 1);
	return 0;
}

/* ---------------------------------------------------------------- references */

/* Parents exist with the right kind, shares sum to 100, people exist. */
static int check_links(jl_txn *t, const json_t *rec)
{
	int kind = jl_record_kind(rec);
	json_t *parents = json_object_get(rec, "parents");
	char *name = jl_record_display_name(rec);
	int rc = 0;
	size_t n = json_array_size(parents), i;
	json_t *e;
	long total = 0;
	if (kind == JALON_KIND_OS && n)
		rc = jl_store_fail(t->s, JALON_EINVALID, "%s : un OS n'a pas de parent", name);
	else if (kind > JALON_KIND_OS && (n == 0 || (kind != JALON_KIND_ACTION && n > 1)))
		rc = jl_store_fail(t->s, JALON_EINVALID, "%s : %s", name,
		                   n ? "un seul parent est permis"
		                     : "le parent manque (un OO sous un OS, une action sous un OO, une "
		                       "tâche sous une action)");
	json_array_foreach(parents, i, e) {
		if (rc)
			break;
		const char *pid = json_string_value(json_object_get(e, "id"));
		json_t *p;
		if ((rc = jl_pipeline_get(t, pid, &p)) != 0)
			break;
		if (!p || jl_record_kind(p) != jl_record_parent_kind(kind))
			rc = jl_store_fail(t->s, JALON_EINVALID, "%s : parent « %s » %s", name, pid,
			                   p ? "d'un type qui ne convient pas" : "introuvable");
		json_decref(p);
		total += (long)json_integer_value(json_object_get(e, "share"));
	}
	if (rc == 0 && n && total != 100)
		rc = jl_store_fail(t->s, JALON_EINVALID, "%s : les parts de la répartition font %ld %%, "
		                                         "pas 100 %%", name, total);
	json_array_foreach(json_object_get(rec, "people"), i, e) {
		if (rc)
			break;
		const char *pid = json_string_value(json_object_get(e, "person"));
		json_t *p;
		if ((rc = jl_pipeline_get(t, pid, &p)) != 0)
			break;
		if (!p || jl_record_kind(p) != JALON_KIND_PERSON)
			rc = jl_store_fail(t->s, JALON_EINVALID, "%s : personne « %s » introuvable", name, pid);
		json_decref(p);
	}
	free(name);
	return rc;
}

/* 1 when rec names id among its parents or its people. */
static int refers_to(const json_t *rec, const char *id)
{
	static const char *const LINKS[2][2] = {{"parents", "id"}, {"people", "person"}};
	size_t i;
	json_t *e;
	for (int l = 0; l < 2; l++)
		json_array_foreach(json_object_get(rec, LINKS[l][0]), i, e)
			if (!strcmp(json_string_value(json_object_get(e, LINKS[l][1])), id))
				return 1;
	return 0;
}

/* Nothing left pointing at a deleted record: children, people links. */
static int check_deletion(jl_txn *t, const char *id, const json_t *old)
{
	sqlite3_stmt *st;
	int rc = 0;
	if (jl_store_prepare(t->s, &st, "SELECT item FROM item_parents WHERE parent = ?1 UNION ALL"
	                                " SELECT item FROM item_people WHERE person = ?1") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = SQLITE_DONE;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *user = (const char *)sqlite3_column_text(st, 0);
		json_t *staged = json_object_get(t->staged, user);
		if (staged && json_is_null(staged))
			continue; /* deleted in the same change */
		json_t *now;
		if ((rc = jl_pipeline_get(t, user, &now)) != 0)
			break;
		if (refers_to(now, id)) {
			char *name = jl_record_display_name(old), *uname = jl_record_display_name(now);
			rc = jl_store_fail(t->s, JALON_ECONFLICT, "%s : encore utilisé par %s", name, uname);
			free(name);
			free(uname);
		}
		json_decref(now);
	}
	if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = jl_store_fail_db(t->s, "vérification d'une suppression");
	sqlite3_finalize(st);
	return rc;
}

/* ---------------------------------------------------------------- finishing */

/* Canonical versions of the staged records, without the ones that change nothing. */
static int collect(jl_txn *t, struct change **out, size_t *count)
{
	size_t cap = json_object_size(t->staged), n = 0;
	struct change *c = calloc(cap ? cap : 1, sizeof *c);
	const char *id;
	json_t *v;
	int rc = 0;
	if (!c)
		return JALON_ENOMEM;
	json_object_foreach(t->staged, id, v) {
		char err[512];
		json_t *old;
		if ((rc = jl_store_record_get(t->s, id, &old)) != 0)
			break;
		json_t *canon = json_is_null(v) ? NULL : jl_record_canonical(v, err, sizeof err);
		if (!json_is_null(v) && !canon) {
			char *name = jl_record_display_name(v);
			rc = jl_store_fail(t->s, JALON_EINVALID, "%s : %s", name, err);
			free(name);
			json_decref(old);
			break;
		}
		char *text = canon ? jl_record_text(canon) : NULL;
		char *old_text = old ? jl_record_text(old) : NULL;
		int same = (!old && !canon) || (text && old_text && !strcmp(text, old_text));
		free(old_text);
		if (same) {
			json_decref(old);
			json_decref(canon);
			free(text);
			continue;
		}
		c[n].id = id;
		c[n].old_rec = old;
		c[n].new_rec = canon;
		c[n].text = text;
		n++;
	}
	if (rc) {
		changes_free(c, n);
		return rc;
	}
	*out = c;
	*count = n;
	return 0;
}

static int validate(jl_txn *t, struct change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = c[i].new_rec ? check_links(t, c[i].new_rec)
		                      : check_deletion(t, c[i].id, c[i].old_rec);
		if (rc)
			return rc;
	}
	return 0;
}

static int run_before_handlers(jl_txn *t)
{
	for (const jl_change_handler *h = NULL;
	     (h = jl_registry_next(t->s, &jl_change_point, h));) {
		for (size_t i = 0; h->before && i < t->nchanges; i++) {
			char msg[1024] = "";
			if (h->before(h->ud, t, t->changes[i].old_rec, t->changes[i].new_rec, msg,
			              sizeof msg) != 0)
				return jl_store_fail(t->s, JALON_ESCRIPT, "%s",
				                     *msg ? msg : "modification refusée par un script");
		}
	}
	return 0;
}

int jl_pipeline_amend(jl_txn *t, const char *id, const char *key, const char *value, char *err,
                      size_t errlen)
{
	struct change *c = NULL;
	for (size_t i = 0; t->finishing && i < t->nchanges; i++)
		if (!strcmp(t->changes[i].id, id))
			c = &t->changes[i];
	if (!t->finishing)
		return jl_say(err, errlen, "pas de modification en cours de validation"), JALON_EINVALID;
	if (!c || !c->new_rec)
		return jl_say(err, errlen, "« %s » n'est pas un enregistrement que cette modification "
		                           "crée ou change", id), JALON_EINVALID;
	record_context ctx;
	json_t *plan;
	if (jl_pipeline_get(t, "plan", &plan) != 0)
		return jl_say(err, errlen, "%s", jalon_errmsg(t->s)), JALON_ERROR;
	jl_pipeline_context(t, &ctx);
	ctx.plan = plan;
	json_t *copy = json_deep_copy(c->new_rec);
	json_t *canon = NULL;
	char why[512];
	if (!copy || jl_record_set(copy, key, value, &ctx, why, sizeof why) != 0 ||
	    !(canon = jl_record_canonical(copy, why, sizeof why))) {
		char *name = jl_record_display_name(c->new_rec);
		jl_say(err, errlen, "%s : %s", name, copy ? why : "mémoire épuisée");
		free(name);
		json_decref(copy);
		json_decref(plan);
		return copy ? JALON_EINVALID : JALON_ENOMEM;
	}
	json_decref(copy);
	json_decref(plan);
	char *text = jl_record_text(canon);
	if (!text || json_object_set(t->staged, id, canon) != 0) {
		free(text);
		json_decref(canon);
		return jl_say(err, errlen, "mémoire épuisée"), JALON_ENOMEM;
	}
	json_decref(c->new_rec);
	free(c->text);
	c->new_rec = canon;
	c->text = text;
	t->amended = 1;
	return 0;
}

static char *commit_message(const char *given, struct change *c, size_t n)
{
	jl_buf b = JL_BUF_INIT;
	if (given) {
		jl_buf_puts(&b, given);
	} else if (n == 1) {
		char *summary = jl_record_change_summary(c[0].old_rec, c[0].new_rec);
		jl_buf_puts(&b, summary ? summary : "modification");
		free(summary);
	} else {
		jl_buf_printf(&b, "%zu modifications", n);
	}
	/* Machine-readable trailers: which records the commit touches. */
	if (n <= MAX_TRAILERS) {
		jl_buf_puts(&b, "\n");
		for (size_t i = 0; i < n; i++)
			jl_buf_printf(&b, "%sRecord: %s", i ? "\n" : "\n", c[i].id);
	}
	jl_buf_puts(&b, "\n");
	return jl_buf_detach(&b);
}

static int apply_and_record(jl_txn *t, struct change *c, size_t n, const char *message)
{
	jl_repo_write *w = calloc(n, sizeof *w);
	int rc = w ? 0 : JALON_ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		w[i].id = c[i].id;
		w[i].text = c[i].text;
		rc = jl_store_apply(t->s, c[i].id, c[i].new_rec, c[i].text);
	}
	char *msg = rc == 0 ? commit_message(message, c, n) : NULL;
	git_oid oid;
	if (rc == 0)
		rc = jl_repo_commit(t->s, w, n, msg, &oid);
	free(msg);
	free(w);
	return rc;
}

int jl_pipeline_finish(jl_txn *t, const char *message)
{
	jalon_store *s = t->s;
	int rc = collect(t, &t->changes, &t->nchanges);
	if (rc == 0 && t->nchanges == 0) {
		jl_pipeline_abort(t); /* nothing to record: no empty commit */
		return 0;
	}
	if (rc == 0)
		rc = validate(t, t->changes, t->nchanges);
	t->finishing = 1;
	if (rc == 0)
		rc = run_before_handlers(t);
	t->finishing = 0;
	if (rc == 0 && t->amended)
		rc = validate(t, t->changes, t->nchanges);
	if (rc == 0)
		rc = apply_and_record(t, t->changes, t->nchanges, message);
	if (rc == 0 && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		/* The commit is in the history already: the next open replays it. */
		rc = jl_store_fail(s, JALON_ERROR, "SQLite n'a pas pu enregistrer la modification (%s) ; "
		                                   "elle est dans l'historique et sera appliquée à la "
		                                   "prochaine ouverture du registre",
		                   sqlite3_errmsg(s->db));
	if (rc != 0) {
		jl_pipeline_abort(t);
		return rc;
	}
	txn_free(t);
	char head[GIT_OID_HEXSZ + 1] = "";
	char *hex = NULL;
	if (jl_store_meta_get(s, "head", &hex) == 0 && hex)
		snprintf(head, sizeof head, "%s", hex);
	free(hex);
	for (const jl_change_handler *h = NULL; (h = jl_registry_next(s, &jl_change_point, h));)
		if (h->after)
			h->after(h->ud, s, head);
	/* Packing is housekeeping: the change is acknowledged, whatever packing says (the
	   next change tries again). */
	if (jl_store_maybe_pack(s) != 0)
		jl_store_clear_error(s);
	return 0;
}

/* ---------------------------------------------------------------- record context */

/* "Marie Dupont <marie@cpas.be>" → name, email. */
static void split_person(const char *text, char **name, char **email)
{
	const char *lt = strchr(text, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt) {
		*name = jl_trim(jl_strndup(text, (size_t)(lt - text)));
		*email = jl_trim(jl_strndup(lt + 1, (size_t)(gt - lt - 1)));
	} else {
		*name = jl_trim(jl_strdup(text));
		*email = jl_strdup("");
	}
	if (!**name) {
		free(*name);
		*name = jl_strdup(*email);
	}
}

/* A person staged earlier in this transaction, by folded name. */
static const char *staged_person(jl_txn *t, const char *folded)
{
	const char *id;
	json_t *v;
	json_object_foreach(t->staged, id, v) {
		if (jl_record_kind(v) != JALON_KIND_PERSON)
			continue;
		char *f = jl_fold(json_string_value(json_object_get(v, "name")));
		int same = f && !strcmp(f, folded);
		free(f);
		if (same)
			return id;
	}
	return NULL;
}

static int ctx_person(void *ud, const char *text, char *id, size_t idlen, char *err,
                      size_t errlen)
{
	jl_txn *t = ud;
	char *name, *email;
	split_person(text, &name, &email);
	char *folded = jl_fold(name);
	const char *found = staged_person(t, folded);
	int rc = 0;
	int known = found ? 0 : jl_items_resolve(t->s, name, JALON_KIND_PERSON, id, idlen);
	if (found) {
		snprintf(id, idlen, "%s", found);
	} else if (known == 0) {
		/* an existing person */
	} else if (known == JALON_ERROR || known == JALON_EBUSY) {
		rc = known; /* the database failed: the person may well exist */
	} else if (t->finishing) {
		/* A handler's amendment: the change's people are known already. */
		rc = jl_store_fail(t->s, JALON_EINVALID, "personne « %s » inconnue : ajoutez-la au "
		                                         "plan avant", name);
	} else {
		rc = jl_pipeline_new_id(t, JALON_KIND_PERSON, id, idlen);
		json_t *p = rc == 0 ? jl_record_new(JALON_KIND_PERSON, id) : NULL;
		if (p) {
			json_object_set_new(p, "name", json_string(name));
			json_object_set_new(p, "email", json_string(email));
			rc = jl_pipeline_put(t, p);
			json_decref(p);
		} else if (rc == 0) {
			rc = JALON_ENOMEM;
		}
	}
	if (rc)
		snprintf(err, errlen, "%s", jalon_errmsg(t->s));
	jl_store_clear_error(t->s);
	free(folded);
	free(name);
	free(email);
	return rc ? -1 : 0;
}

static int ctx_item(void *ud, const char *ref, int kind, char *id, size_t idlen, char *err,
                    size_t errlen)
{
	jl_txn *t = ud;
	if (jl_items_resolve(t->s, ref, kind, id, idlen) != 0) {
		snprintf(err, errlen, "%s", jalon_errmsg(t->s));
		return -1;
	}
	return 0;
}

void jl_pipeline_context(jl_txn *t, record_context *ctx)
{
	ctx->person = ctx_person;
	ctx->item = ctx_item;
	ctx->ud = t;
	ctx->plan = NULL;
}
