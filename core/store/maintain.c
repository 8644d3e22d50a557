/* SPDX-License-Identifier: MIT */
/*
 * Keeping a store sound (include/jalon/store.h): rebuilding the SQLite state from the
 * history alone, checking that the two agree, packing the history's objects.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/util.h"
#include "store/repo.h"
#include "store/store.h"

int jalon_store_rebuild(jalon_store *s)
{
	git_oid branch;
	int has_branch;
	jl_store_clear_error(s);
	if (jl_store_exec(s, "BEGIN IMMEDIATE") != 0)
		return JALON_EBUSY;
	int rc = jl_store_clear_records(s);
	if (rc == 0)
		rc = jl_store_exec(s, "DELETE FROM commits; DELETE FROM record_changes;"
		                   " DELETE FROM id_counters; DELETE FROM meta WHERE key = 'head';");
	if (rc == 0)
		rc = jl_repo_branch_head(s, &branch, &has_branch);
	if (rc == 0 && has_branch)
		rc = jl_repo_replay(s, NULL, &branch);
	if (rc == 0)
		rc = jl_store_exec(s, "COMMIT");
	if (rc != 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

struct fsck_walk {
	jalon_store *s;
	jl_buf *report;
	int problems;
	sqlite3_stmt *lookup;
	size_t seen;
	int rc; /* the database failed: the walk stopped */
};

static int fsck_entry(const char *root, const git_tree_entry *entry, void *payload)
{
	struct fsck_walk *w = payload;
	char idbuf[128];
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		return 0;
	const char *id = jl_repo_path_id(git_tree_entry_name(entry), idbuf, sizeof idbuf);
	if (!id) {
		jl_buf_printf(w->report, "fichier inattendu dans l'historique : %s%s\n", root,
		              git_tree_entry_name(entry));
		w->problems++;
		return 0;
	}
	w->seen++;
	git_blob *blob;
	if (git_blob_lookup(&blob, w->s->repo, git_tree_entry_id(entry)) != 0) {
		jl_buf_printf(w->report, "%s : objet manquant dans l'historique\n", id);
		w->problems++;
		return 0;
	}
	sqlite3_reset(w->lookup);
	sqlite3_bind_text(w->lookup, 1, id, -1, SQLITE_TRANSIENT);
	int step = sqlite3_step(w->lookup);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		w->rc = jl_store_fail_db(w->s, "vérification du registre");
		git_blob_free(blob);
		return -1;
	}
	if (step == SQLITE_DONE) {
		jl_buf_printf(w->report, "%s : dans l'historique mais absent de SQLite\n", id);
		w->problems++;
	} else if ((size_t)sqlite3_column_bytes(w->lookup, 0) != (size_t)git_blob_rawsize(blob) ||
	           memcmp(sqlite3_column_blob(w->lookup, 0), git_blob_rawcontent(blob),
	                  (size_t)git_blob_rawsize(blob))) {
		jl_buf_printf(w->report, "%s : SQLite diffère de l'historique\n", id);
		w->problems++;
	}
	git_blob_free(blob);
	return 0;
}

static size_t count_commits(jalon_store *s, const git_oid *head)
{
	git_revwalk *walk;
	git_oid oid;
	size_t n = 0;
	if (git_revwalk_new(&walk, s->repo) != 0)
		return 0;
	git_revwalk_simplify_first_parent(walk);
	if (git_revwalk_push(walk, head) == 0)
		while (git_revwalk_next(&oid, walk) == 0)
			n++;
	git_revwalk_free(walk);
	return n;
}

int jalon_store_fsck(jalon_store *s, char **report)
{
	jl_buf b = JL_BUF_INIT;
	git_oid branch, recorded;
	int has_branch, has_recorded;
	struct fsck_walk w = {s, &b, 0, NULL, 0, 0};
	jl_store_clear_error(s);
	*report = NULL;
	/* A read transaction: one consistent snapshot of SQLite for the whole check. */
	if (jl_store_exec(s, "BEGIN") != 0)
		return JALON_ERROR;
	if (jl_repo_branch_head(s, &branch, &has_branch) != 0 || jl_repo_recorded_head(s, &recorded, &has_recorded)) {
		jl_store_exec(s, "ROLLBACK");
		return JALON_ERROR;
	}
	if (has_branch != has_recorded || (has_branch && !git_oid_equal(&branch, &recorded))) {
		jl_buf_puts(&b, "la tête de l'historique n'est pas celle enregistrée dans SQLite\n");
		w.problems++;
	}
	if (has_branch) {
		git_commit *c = NULL;
		git_tree *tree = NULL;
		if (git_commit_lookup(&c, s->repo, &branch) != 0 || git_commit_tree(&tree, c) != 0) {
			jl_buf_puts(&b, "la tête de l'historique est illisible\n");
			w.problems++;
		} else if (jl_store_prepare(s, &w.lookup, "SELECT body FROM records WHERE id = ?1") == 0) {
			git_tree_walk(tree, GIT_TREEWALK_PRE, fsck_entry, &w);
			sqlite3_finalize(w.lookup);
		} else {
			w.rc = JALON_ERROR;
		}
		git_tree_free(tree);
		git_commit_free(c);
		size_t commits = count_commits(s, &branch);
		sqlite3_int64 indexed = w.rc ? 0 : jl_store_count(s, "SELECT count(*) FROM commits");
		if (indexed < 0)
			w.rc = JALON_ERROR;
		if (!w.rc && (sqlite3_int64)commits != indexed) {
			jl_buf_printf(&b, "l'index de l'historique couvre %lld commits sur %zu\n",
			              (long long)indexed, commits);
			w.problems++;
		}
	}
	sqlite3_int64 stored = w.rc ? 0 : jl_store_count(s, "SELECT count(*) FROM records");
	if (stored < 0)
		w.rc = JALON_ERROR;
	if (w.rc == 0 && jl_store_exec(s, "COMMIT") != 0)
		w.rc = JALON_ERROR;
	/* A failing database is an error of its own, not inconsistencies to rebuild. */
	if (w.rc) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		jl_buf_free(&b);
		return w.rc;
	}
	if (stored != (sqlite3_int64)w.seen) {
		jl_buf_printf(&b, "SQLite tient %lld enregistrements, l'historique %zu\n",
		              (long long)stored, w.seen);
		w.problems++;
	}
	if (!w.problems)
		jl_buf_printf(&b, "cohérent : %zu enregistrements, SQLite et l'historique concordent\n",
		              w.seen);
	*report = jl_buf_detach(&b);
	return w.problems ? jl_store_fail(s, JALON_ECORRUPT, "%d incohérence(s) ; lancez « jalon "
	                                                     "rebuild »", w.problems)
	                  : 0;
}

static int insert_object(const git_oid *id, void *payload)
{
	return git_packbuilder_insert(payload, id, NULL);
}

/* Deletes the loose objects once they are all in a pack. */
static void remove_loose(jalon_store *s)
{
	for (int i = 0; i < 256; i++) {
		char *dir = jl_sprintf("%s/history.git/objects/%02x", s->dir, i);
		DIR *d = dir ? opendir(dir) : NULL;
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char *path = jl_sprintf("%s/%s", dir, e->d_name);
			if (path)
				unlink(path);
			free(path);
		}
		if (d) {
			closedir(d);
			rmdir(dir);
		}
		free(dir);
	}
}

/* Deletes the packs other than `keep` once it holds every object, as `git repack -a -d`
 * does. A reader holding an old pack open keeps reading it (unlinked files live on). */
static void remove_other_packs(jalon_store *s, const char *keep)
{
	char *dir = jl_sprintf("%s/history.git/objects/pack", s->dir);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	while (d && keep && (e = readdir(d))) {
		if (strncmp(e->d_name, "pack-", 5) || strstr(e->d_name, keep) ||
		    strstr(e->d_name, ".keep"))
			continue;
		char *path = jl_sprintf("%s/%s", dir, e->d_name);
		if (path)
			unlink(path);
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
}

int jalon_store_gc(jalon_store *s)
{
	git_odb *odb = NULL;
	git_packbuilder *pb = NULL;
	int rc = 0;
	jl_store_clear_error(s);
	/* Holding the write lock: no writer adds loose objects while we pack them. */
	if (jl_store_exec(s, "BEGIN IMMEDIATE") != 0)
		return JALON_EBUSY;
	if (git_repository_odb(&odb, s->repo) != 0 || git_packbuilder_new(&pb, s->repo) != 0 ||
	    git_odb_foreach(odb, insert_object, pb) != 0 ||
	    git_packbuilder_write(pb, NULL, 0, NULL, NULL) != 0)
		rc = jl_store_fail_git(s, "compactage de l'historique");
	char *keep = rc == 0 ? jl_strdup(git_packbuilder_name(pb)) : NULL;
	git_packbuilder_free(pb);
	git_odb_free(odb);
	if (rc == 0) {
		remove_loose(s);
		remove_other_packs(s, keep);
		git_odb *fresh = NULL;
		if (git_repository_odb(&fresh, s->repo) == 0)
			git_odb_refresh(fresh);
		git_odb_free(fresh);
	}
	free(keep);
	if (jl_store_exec(s, "COMMIT") != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		rc = rc ? rc : JALON_ERROR;
	}
	return rc;
}

int jl_store_maybe_pack(jalon_store *s)
{
	/* As git does: estimate the loose objects from one of the 256 fan-out folders. */
	char *dir = jl_sprintf("%s/history.git/objects/17", s->dir);
	DIR *d = dir ? opendir(dir) : NULL;
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	free(dir);
	return n * 256 > 6700 ? jalon_store_gc(s) : 0;
}

