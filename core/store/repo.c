/* SPDX-License-Identifier: MIT */
/*
 * The change history: a bare git repository with one file per record, one commit per
 * change, and an index of it in SQLite (tables commits and record_changes, written in
 * the same transaction as the change) that answers history questions about one record
 * without walking the history.
 */
#include "store/repo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "model/record.h"
#include "model/util.h"

#define BRANCH "refs/heads/main"

/* From this many records on, a commit's objects are built in memory and land as one
 * pack: thousands of loose objects, each fsynced, would make an import crawl. */
#define BULK_WRITES 64

/* ---------------------------------------------------------------- heads */

/* The branch's head; *exists 0 for a history without commits. */
int jl_repo_branch_head(jalon_store *s, git_oid *out, int *exists)
{
	int rc = git_reference_name_to_id(out, s->repo, BRANCH);
	*exists = rc == 0;
	if (rc == GIT_ENOTFOUND)
		return 0;
	return rc == 0 ? 0 : jl_store_fail_git(s, "lecture de la branche");
}

/* The head recorded in SQLite; *exists 0 before the first commit. */
int jl_repo_recorded_head(jalon_store *s, git_oid *out, int *exists)
{
	char *hex;
	*exists = 0;
	if (jl_store_meta_get(s, "head", &hex) != 0)
		return JALON_ERROR;
	if (hex && git_oid_fromstr(out, hex) == 0)
		*exists = 1;
	free(hex);
	return 0;
}

/* ---------------------------------------------------------------- indexing */

const char *jl_repo_path_id(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n < 6 || strcmp(base + n - 5, ".json") || n - 5 >= len)
		return NULL;
	memcpy(buf, base, n - 5);
	buf[n - 5] = '\0';
	return buf;
}

static int bump_counter(jalon_store *s, const char *id)
{
	int kind = jl_record_id_kind(id);
	if (kind <= JALON_KIND_PLAN)
		return 0;
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, "INSERT INTO id_counters(kind, last) VALUES (?1, ?2)"
	                             " ON CONFLICT(kind) DO UPDATE SET last = max(last, ?2)") != 0)
		return JALON_ERROR;
	sqlite3_bind_text(st, 1, jalon_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, jl_record_id_number(id));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "compteur d'identifiants");
}

static int insert_change(jalon_store *s, sqlite3_int64 seq, const char *id, const git_diff_delta *d)
{
	sqlite3_stmt *st;
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
	if (jl_store_prepare(s, &st, "INSERT INTO record_changes(record, seq, old_blob, new_blob)"
	                             " VALUES (?1, ?2, ?3, ?4)") != 0)
		return JALON_ERROR;
	git_oid_tostr(old_hex, sizeof old_hex, &d->old_file.id);
	git_oid_tostr(new_hex, sizeof new_hex, &d->new_file.id);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	if (d->status != GIT_DELTA_ADDED)
		sqlite3_bind_text(st, 3, old_hex, -1, SQLITE_STATIC);
	if (d->status != GIT_DELTA_DELETED)
		sqlite3_bind_text(st, 4, new_hex, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : jl_store_fail_db(s, "index de l'historique");
}

/* Applies one record file of a commit to SQLite (replay and rebuild). */
static int replay_delta(jalon_store *s, const char *id, const git_diff_delta *d)
{
	if (d->status == GIT_DELTA_DELETED)
		return jl_store_apply(s, id, NULL, NULL);
	git_blob *blob;
	if (git_blob_lookup(&blob, s->repo, &d->new_file.id) != 0)
		return jl_store_fail_git(s, "lecture d'un enregistrement");
	char err[512];
	const char *text = git_blob_rawcontent(blob);
	size_t len = (size_t)git_blob_rawsize(blob);
	json_t *rec = jl_record_parse(text, len, err, sizeof err);
	int rc;
	if (!rec) {
		rc = jl_store_fail(s, JALON_ECORRUPT, "%s : enregistrement illisible dans l'historique : %s",
		                   d->new_file.path, err);
	} else {
		char *copy = jl_strndup(text, len);
		rc = jl_store_apply(s, id, rec, copy);
		free(copy);
	}
	json_decref(rec);
	git_blob_free(blob);
	return rc;
}

/*
 * Indexes one commit: a row in commits, one per record file it touched in
 * record_changes, and the id counters. With replay, also applies the records to SQLite.
 * Finally records it as the head.
 */
static int index_commit(jalon_store *s, git_commit *commit, int replay)
{
	git_tree *tree = NULL, *parent_tree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	int rc = JALON_ERROR;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, git_commit_id(commit));
	if (git_commit_tree(&tree, commit) != 0 ||
	    (git_commit_parentcount(commit) > 0 && (git_commit_parent(&parent, commit, 0) != 0 ||
	                                             git_commit_tree(&parent_tree, parent) != 0)) ||
	    git_diff_tree_to_tree(&diff, s->repo, parent_tree, tree, NULL) != 0) {
		rc = jl_store_fail_git(s, "lecture d'un commit");
		goto done;
	}
	const git_signature *author = git_commit_author(commit);
	const char *summary = git_commit_summary(commit);
	sqlite3_stmt *st;
	if (jl_store_prepare(s, &st, "INSERT INTO commits(oid, time, author_name, author_email, message)"
	                             " VALUES (?1, ?2, ?3, ?4, ?5)") != 0)
		goto done;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)git_commit_time(commit));
	sqlite3_bind_text(st, 3, author->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, author->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, summary ? summary : "", -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		rc = jl_store_fail_db(s, "index des commits");
		goto done;
	}
	sqlite3_int64 seq = sqlite3_last_insert_rowid(s->db);
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		char idbuf[128];
		const char *id = jl_repo_path_id(d->status == GIT_DELTA_DELETED ? d->old_file.path
		                                                        : d->new_file.path,
		                         idbuf, sizeof idbuf);
		if (!id)
			continue; /* not a record file */
		if (insert_change(s, seq, id, d) != 0 || bump_counter(s, id) != 0 ||
		    (replay && replay_delta(s, id, d) != 0))
			goto done;
	}
	rc = jl_store_meta_set(s, "head", hex);
done:
	git_diff_free(diff);
	git_tree_free(tree);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	return rc;
}

/* Replays the commits after `from` (or from the root when from is NULL) up to `to`. */
int jl_repo_replay(jalon_store *s, const git_oid *from, const git_oid *to)
{
	git_revwalk *walk;
	git_oid oid;
	int rc = 0;
	if (git_revwalk_new(&walk, s->repo) != 0)
		return jl_store_fail_git(s, "parcours de l'historique");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	git_revwalk_simplify_first_parent(walk);
	if (git_revwalk_push(walk, to) != 0 || (from && git_revwalk_hide(walk, from) != 0)) {
		git_revwalk_free(walk);
		return jl_store_fail_git(s, "parcours de l'historique");
	}
	while (rc == 0 && git_revwalk_next(&oid, walk) == 0) {
		git_commit *c;
		if (git_commit_lookup(&c, s->repo, &oid) != 0) {
			rc = jl_store_fail_git(s, "lecture d'un commit");
			break;
		}
		rc = index_commit(s, c, 1);
		git_commit_free(c);
	}
	git_revwalk_free(walk);
	return rc;
}

int jl_repo_catch_up(jalon_store *s)
{
	git_oid branch, recorded;
	int has_branch, has_recorded;
	if (jl_repo_branch_head(s, &branch, &has_branch) != 0 || jl_repo_recorded_head(s, &recorded, &has_recorded))
		return JALON_ERROR;
	if (!has_branch && !has_recorded)
		return 0;
	if (has_branch && has_recorded && git_oid_equal(&branch, &recorded))
		return 0;
	/* The history may only be ahead of SQLite, by commits that descend from the recorded
	 * head; anything else means the store was changed around Jalon. */
	if (has_branch && has_recorded &&
	    git_graph_descendant_of(s->repo, &branch, &recorded) == 1)
		return jl_repo_replay(s, &recorded, &branch);
	if (has_branch && !has_recorded)
		return jl_repo_replay(s, NULL, &branch);
	return jl_store_fail(s, JALON_ECORRUPT, "l'historique ne prolonge pas l'état enregistré ; "
	                                        "lancez « jalon rebuild »");
}

int jl_repo_recover(jalon_store *s)
{
	git_oid branch, recorded;
	int has_branch, has_recorded;
	if (jl_repo_branch_head(s, &branch, &has_branch) != 0 || jl_repo_recorded_head(s, &recorded, &has_recorded))
		return JALON_ERROR;
	if (has_branch == has_recorded && (!has_branch || git_oid_equal(&branch, &recorded)))
		return 0; /* the common case: nothing to do, no lock taken */
	if (jl_store_exec(s, "BEGIN IMMEDIATE") != 0)
		return JALON_EBUSY;
	int rc = jl_repo_catch_up(s);
	if (rc == 0 && jl_store_exec(s, "COMMIT") == 0)
		return 0;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc ? rc : JALON_ERROR;
}

/* ---------------------------------------------------------------- committing */

static int make_signature(jalon_store *s, git_signature **author, git_signature **committer)
{
	if (!s->author_name)
		return jl_store_fail(s, JALON_EINVALID, "aucun auteur : indiquez qui fait la modification "
		                                        "(--as \"Nom <email>\" ou JALON_AUTHOR)");
	if (git_signature_now(author, s->author_name, s->author_email) != 0)
		return jl_store_fail_git(s, "signature de l'auteur");
	if (git_signature_now(committer, "Jalon", "jalon@localhost") != 0) {
		git_signature_free(*author);
		return jl_store_fail_git(s, "signature du système");
	}
	return 0;
}

/* A lock file left by a process killed while it held the write lock: we hold SQLite's
 * write lock now, so no Jalon writer can be using it; a lock newer than our transaction
 * start belongs to someone else (an outside git) and is left alone. */
static int remove_stale_lock(jalon_store *s, struct timespec start)
{
	char *path = jl_sprintf("%s/history.git/%s.lock", s->dir, BRANCH);
	struct stat st;
	int removed = 0;
	/* To the nanosecond: a writer killed a moment before we took over left it. */
	if (path && stat(path, &st) == 0 &&
	    (st.st_mtim.tv_sec < start.tv_sec ||
	     (st.st_mtim.tv_sec == start.tv_sec && st.st_mtim.tv_nsec < start.tv_nsec)))
		removed = unlink(path) == 0;
	free(path);
	return removed;
}

/* Moves the branch from `expected` (NULL: must not exist yet) to `target`. */
static int move_branch(jalon_store *s, const git_oid *target, const git_oid *expected)
{
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	for (int attempt = 0;; attempt++) {
		git_reference *ref = NULL;
		int rc = expected ? git_reference_create_matching(&ref, s->repo, BRANCH, target, 1,
		                                                  expected, "jalon")
		                  : git_reference_create(&ref, s->repo, BRANCH, target, 0, "jalon");
		git_reference_free(ref);
		if (rc == 0)
			return 0;
		if (rc == GIT_ELOCKED && attempt < 6) {
			if (attempt >= 3 && remove_stale_lock(s, start))
				continue;
			struct timespec ts = {0, 5000000L << attempt}; /* 5, 10, 20… ms */
			nanosleep(&ts, NULL);
			continue;
		}
		if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
			return jl_store_fail(s, JALON_ECONFLICT, "l'historique a changé pendant la "
			                                         "modification ; réessayez");
		return jl_store_fail_git(s, "mise à jour de la branche");
	}
}

static int build_tree(jalon_store *s, git_repository *repo, const git_oid *base_commit,
                      const jl_repo_write *writes, size_t n, git_oid *tree_out)
{
	git_commit *commit = NULL;
	git_tree *base = NULL;
	git_tree_update *updates = calloc(n ? n : 1, sizeof *updates);
	char **paths = calloc(n ? n : 1, sizeof *paths);
	int rc = JALON_ERROR;
	if (!updates || !paths)
		goto done;
	if (base_commit && (git_commit_lookup(&commit, repo, base_commit) != 0 ||
	                    git_commit_tree(&base, commit) != 0)) {
		rc = jl_store_fail_git(s, "lecture de l'état enregistré");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		paths[i] = jl_record_path(writes[i].id);
		updates[i].path = paths[i];
		if (writes[i].text) {
			updates[i].action = GIT_TREE_UPDATE_UPSERT;
			updates[i].filemode = GIT_FILEMODE_BLOB;
			if (git_blob_create_from_buffer(&updates[i].id, repo, writes[i].text,
			                                strlen(writes[i].text)) != 0) {
				rc = jl_store_fail_git(s, "écriture d'un enregistrement");
				goto done;
			}
		} else {
			updates[i].action = GIT_TREE_UPDATE_REMOVE;
		}
	}
	if (git_tree_create_updated(tree_out, repo, base, n, updates) != 0)
		rc = jl_store_fail_git(s, "construction de l'arbre");
	else
		rc = 0;
done:
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
	free(updates);
	git_tree_free(base);
	git_commit_free(commit);
	return rc;
}

/* Writes the tree and the commit object into repo (the store's, or a second handle whose
 * writes go to memory). */
static int write_commit(jalon_store *s, git_repository *repo, const git_oid *head,
                        const jl_repo_write *writes, size_t n, const char *message, git_oid *out)
{
	git_oid tree_id;
	git_signature *author = NULL, *committer = NULL;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	int rc = make_signature(s, &author, &committer);
	if (rc == 0)
		rc = build_tree(s, repo, head, writes, n, &tree_id);
	if (rc == 0 && (git_tree_lookup(&tree, repo, &tree_id) != 0 ||
	                (head && git_commit_lookup(&parent, repo, head) != 0)))
		rc = jl_store_fail_git(s, "lecture de l'arbre");
	if (rc == 0) {
		const git_commit *parents[1] = {parent};
		if (git_commit_create(out, repo, NULL, author, committer, "UTF-8", message, tree,
		                      head ? 1 : 0, parents) != 0)
			rc = jl_store_fail_git(s, "création du commit");
	}
	git_commit_free(parent);
	git_tree_free(tree);
	git_signature_free(author);
	git_signature_free(committer);
	return rc;
}

/* Sends a pack held in memory to the store's object database. */
static int land_pack(jalon_store *s, const git_buf *pack)
{
	git_odb *odb = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats;
	int rc = 0;
	if (git_repository_odb(&odb, s->repo) != 0 || git_odb_write_pack(&wp, odb, NULL, NULL) != 0 ||
	    wp->append(wp, pack->ptr, pack->size, &stats) != 0 || wp->commit(wp, &stats) != 0)
		rc = jl_store_fail_git(s, "écriture du paquet d'objets");
	if (wp)
		wp->free(wp);
	if (rc == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
	return rc;
}

/* A large commit: objects built in memory through a second handle on the repository,
 * then written as one pack. */
static int write_commit_bulk(jalon_store *s, const git_oid *head, const jl_repo_write *writes,
                             size_t n, const char *message, git_oid *out)
{
	git_repository *mem = NULL;
	git_odb *odb = NULL;
	git_odb_backend *mempack = NULL;
	git_buf pack = GIT_BUF_INIT;
	int rc = 0;
	if (git_repository_open_bare(&mem, git_repository_path(s->repo)) != 0 ||
	    git_repository_odb(&odb, mem) != 0 || git_mempack_new(&mempack) != 0 ||
	    git_odb_add_backend(odb, mempack, 1000) != 0) {
		rc = jl_store_fail_git(s, "préparation d'un paquet d'objets");
		if (mempack && !odb)
			mempack->free(mempack);
	}
	if (rc == 0)
		rc = write_commit(s, mem, head, writes, n, message, out);
	if (rc == 0 && git_mempack_dump(&pack, mem, mempack) != 0)
		rc = jl_store_fail_git(s, "assemblage du paquet d'objets");
	if (rc == 0)
		rc = land_pack(s, &pack);
	git_buf_dispose(&pack);
	git_odb_free(odb);
	git_repository_free(mem); /* frees the mempack backend with its odb */
	return rc;
}

int jl_repo_commit(jalon_store *s, const jl_repo_write *writes, size_t n, const char *message,
                   git_oid *out)
{
	git_oid head;
	int has_head;
	int rc = jl_repo_recorded_head(s, &head, &has_head);
	if (rc == 0)
		rc = n >= BULK_WRITES
		         ? write_commit_bulk(s, has_head ? &head : NULL, writes, n, message, out)
		         : write_commit(s, s->repo, has_head ? &head : NULL, writes, n, message, out);
	if (rc == 0)
		rc = move_branch(s, out, has_head ? &head : NULL);
	git_commit *commit = NULL;
	if (rc == 0 && git_commit_lookup(&commit, s->repo, out) != 0)
		rc = jl_store_fail_git(s, "lecture du commit");
	if (rc == 0)
		rc = index_commit(s, commit, 0);
	git_commit_free(commit);
	return rc;
}

json_t *jl_repo_blob_record(jalon_store *s, const char *blob_hex)
{
	git_oid oid;
	git_blob *blob;
	char err[256];
	if (!blob_hex || git_oid_fromstr(&oid, blob_hex) != 0 ||
	    git_blob_lookup(&blob, s->repo, &oid) != 0)
		return NULL;
	json_t *rec = jl_record_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), err,
	                              sizeof err);
	git_blob_free(blob);
	return rec;
}
