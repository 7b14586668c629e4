/*  test_pf_sqlstore.c — the durable job store: schema creation and
    migration, group commit and its durability across a dying process, the
    round trip of batches, jobs and module results, purge, cascades, and
    hostile rows in the file.

    PF_SQLSTORE_BENCH=1 runs, instead of the tests, a by-hand measurement:
    10,000 jobs x 15 module rows committed every 100 jobs vs every job
    (in PF_SQLSTORE_BENCH_DIR, default /tmp).                               */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pf_alloc.h"
#include "pf_check.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_sqlstore.h"

/* ------------------------------------------------------------ temp dirs */

static char s_base[256];        /* removed by the unchecked teardown, which
                                   runs in the parent even if a test fails */

static int
s_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void
s_rm_tree(const char *dir)
{
    nftw(dir, s_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
s_base_setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s_base, sizeof s_base, "%s/pf-sqlstore-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s_base)) {
        perror("mkdtemp");
        abort();
    }
}

static void
s_base_teardown(void)
{
    s_rm_tree(s_base);
}

/*  A fresh directory for one test, under the base.                         */
static void
s_tmpdir(char *out, size_t size)
{
    snprintf(out, size, "%s/t-XXXXXX", s_base);
    ck_assert_ptr_nonnull(mkdtemp(out));
}

/* ----------------------------------------------------------- raw sqlite */

static sqlite3 *
s_raw_open(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, PF_SQLSTORE_FILE);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, PF_STORE_BUSY_TIMEOUT_MS);
    return db;
}

static void
s_raw_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
    sqlite3_free(msg);
}

static int64_t
s_raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int64_t
s_count(const char *dir, const char *sql)
{
    sqlite3 *db = s_raw_open(dir);
    int64_t n = s_raw_int(db, sql);
    sqlite3_close(db);
    return n;
}

/* -------------------------------------------------------------- records */

static pf_job_t *
s_job(const char *id, uint64_t seq, const char *domain, pf_modset_t requested, pf_modset_t set)
{
    pf_job_t *j = pf_calloc(1, sizeof *j);
    snprintf(j->id, sizeof j->id, "%s", id);
    j->seq = seq;
    j->domain = pf_strdup(domain);
    j->requested = requested;
    j->set = set;
    j->priority = PFP_PRIORITY_DEFAULT;
    j->status = PF_JOB_QUEUED;
    j->created_ms = 1700000000000.0 + (double)seq;
    return j;
}

static void
s_job_free(pf_job_t **job_p)
{
    pf_job_t *j = *job_p;
    for (int m = 0; m < PF_MODULE_COUNT; m++) {
        free(j->result[m]);
        free(j->error[m]);
    }
    free(j->domain);
    free(j->idem_key);
    free(j);
    *job_p = NULL;
}

static void
s_complete(pf_job_t *j, int m, const void *data, uint32_t size)
{
    pf_blob_t *b = pf_malloc(sizeof *b + size);
    b->size = size;
    memcpy(b->data, data, size);
    free(j->result[m]);
    j->result[m] = b;
    j->mstate[m] = PF_MOD_COMPLETED;
}

static pf_batch_t *
s_batch(const char *id, uint32_t total)
{
    pf_batch_t *b = pf_calloc(1, sizeof *b);
    snprintf(b->id, sizeof b->id, "%s", id);
    b->total = total;
    b->max_concurrency = 3;
    return b;
}

static pf_sqlstore_t *
s_open(const char *dir)
{
    char err[256];
    pf_sqlstore_t *s = pf_sqlstore_open(dir, err, sizeof err);
    ck_assert_msg(s != NULL, "open %s: %s", dir, err);
    return s;
}

/* ---------------------------------------------------- what load visits */

#define S_SEEN_MAX 64

typedef struct {
    char id[PF_ID_SIZE];
    uint32_t total, max_concurrency;
    double created_ms;
} s_seen_batch_t;

typedef struct {
    pf_sqlstore_job_t row;      /* strings below replace the borrowed ones */
    char id[PF_ID_SIZE];
    char domain[PFP_DOMAIN_MAX + 1];
    char idem_key[PF_SQLSTORE_IDEM_KEY_MAX + 1];
    char batch_id[PF_ID_SIZE];
    bool has_key, has_batch;
} s_seen_job_t;

typedef struct {
    pf_sqlstore_module_t row;
    char job_id[PF_ID_SIZE];
    char error[PF_SQLSTORE_ERROR_MAX + 1];
    bool has_error;
    uint8_t *result;            /* copy, or NULL                          */
} s_seen_module_t;

typedef struct {
    s_seen_batch_t batches[S_SEEN_MAX];
    size_t batch_count;
    s_seen_job_t jobs[S_SEEN_MAX];
    size_t job_count;
    s_seen_module_t modules[S_SEEN_MAX];
    size_t module_count;
    size_t invalid;
    char invalid_keys[S_SEEN_MAX][64];
    int stop_after_jobs;        /* > 0: job callback returns 42 then       */
} s_seen_t;

static int
s_on_batch(void *arg, const pf_sqlstore_batch_t *row)
{
    s_seen_t *seen = arg;
    ck_assert_uint_lt(seen->batch_count, S_SEEN_MAX);
    s_seen_batch_t *b = &seen->batches[seen->batch_count++];
    snprintf(b->id, sizeof b->id, "%s", row->id);
    b->total = row->total;
    b->max_concurrency = row->max_concurrency;
    b->created_ms = row->created_ms;
    return 0;
}

static int
s_on_job(void *arg, const pf_sqlstore_job_t *row)
{
    s_seen_t *seen = arg;
    ck_assert_uint_lt(seen->job_count, S_SEEN_MAX);
    s_seen_job_t *j = &seen->jobs[seen->job_count++];
    j->row = *row;
    snprintf(j->id, sizeof j->id, "%s", row->id);
    snprintf(j->domain, sizeof j->domain, "%s", row->domain);
    j->has_key = row->idem_key != NULL;
    snprintf(j->idem_key, sizeof j->idem_key, "%s", row->idem_key ? row->idem_key : "");
    j->has_batch = row->batch_id != NULL;
    snprintf(j->batch_id, sizeof j->batch_id, "%s", row->batch_id ? row->batch_id : "");
    if (seen->stop_after_jobs && (int)seen->job_count >= seen->stop_after_jobs)
        return 42;
    return 0;
}

static int
s_on_module(void *arg, const pf_sqlstore_module_t *row)
{
    s_seen_t *seen = arg;
    ck_assert_uint_lt(seen->module_count, S_SEEN_MAX);
    s_seen_module_t *m = &seen->modules[seen->module_count++];
    m->row = *row;
    snprintf(m->job_id, sizeof m->job_id, "%s", row->job_id);
    m->has_error = row->error != NULL;
    snprintf(m->error, sizeof m->error, "%s", row->error ? row->error : "");
    if (row->result) {
        m->result = pf_malloc(row->result_size + 1);
        memcpy(m->result, row->result, row->result_size);
    }
    return 0;
}

static void
s_on_invalid(void *arg, const char *table, const char *key, int code, const char *why)
{
    s_seen_t *seen = arg;
    ck_assert_int_eq(code, PF_EPROTO);
    ck_assert_ptr_nonnull(why);
    ck_assert_uint_lt(seen->invalid, S_SEEN_MAX);
    snprintf(seen->invalid_keys[seen->invalid++], 64, "%s:%s", table, key);
}

static const pf_sqlstore_visitor_t s_visitor = {
    .batch = s_on_batch, .job = s_on_job, .module = s_on_module, .invalid = s_on_invalid,
};

static s_seen_t *
s_seen_new(void)
{
    return pf_calloc(1, sizeof(s_seen_t));
}

static void
s_seen_free(s_seen_t **seen_p)
{
    s_seen_t *seen = *seen_p;
    for (size_t i = 0; i < seen->module_count; i++)
        free(seen->modules[i].result);
    free(seen);
    *seen_p = NULL;
}

static bool
s_invalid_has(const s_seen_t *seen, const char *entry)
{
    for (size_t i = 0; i < seen->invalid; i++)
        if (strcmp(seen->invalid_keys[i], entry) == 0)
            return true;
    return false;
}

static const s_seen_job_t *
s_seen_job(const s_seen_t *seen, const char *id)
{
    for (size_t i = 0; i < seen->job_count; i++)
        if (strcmp(seen->jobs[i].id, id) == 0)
            return &seen->jobs[i];
    return NULL;
}

/* ---------------------------------------------------------------- tests */

START_TEST(test_open_creates_and_reopen_keeps_data)
{
    char dir[PATH_MAX], data[PATH_MAX + 16];
    s_tmpdir(dir, sizeof dir);
    snprintf(data, sizeof data, "%s/a/b", dir);
    pf_sqlstore_t *s = s_open(data);
    struct stat st;
    ck_assert_int_eq(stat(data, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, PF_SQLSTORE_DIR_MODE);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", data, PF_SQLSTORE_FILE);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, PF_SQLSTORE_FILE_MODE);
    ck_assert(!pf_sqlstore_pending(s));

    pf_job_t *j = s_job("job_one", 7, "example.com", 1, 1);
    ck_assert_int_eq(pf_sqlstore_put_job(s, j, 0), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    pf_sqlstore_close(&s);
    ck_assert_ptr_null(s);
    pf_sqlstore_close(&s);      /* twice is fine */

    sqlite3 *db = s_raw_open(data);
    ck_assert_int_eq(s_raw_int(db, "PRAGMA user_version"), pf_sqlstore_schema_version());
    sqlite3_stmt *q = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    sqlite3_close(db);

    s = s_open(data);
    uint64_t seq = 0;
    ck_assert_int_eq(pf_sqlstore_max_seq(s, &seq), 0);
    ck_assert_uint_eq(seq, 7);
    s_seen_t *seen = s_seen_new();
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), 0);
    ck_assert_uint_eq(seen->job_count, 1);
    ck_assert_str_eq(seen->jobs[0].id, "job_one");
    s_seen_free(&seen);
    pf_sqlstore_close(&s);
    s_job_free(&j);
}
END_TEST

START_TEST(test_open_refuses_bad_places)
{
    char dir[PATH_MAX], err[256];
    s_tmpdir(dir, sizeof dir);
    ck_assert_ptr_null(pf_sqlstore_open("", err, sizeof err));
    ck_assert_str_ne(err, "");

    /* The data dir is a file. */
    char file[PATH_MAX + 16];
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("x", f);
    fclose(f);
    err[0] = '\0';
    ck_assert_ptr_null(pf_sqlstore_open(file, err, sizeof err));
    ck_assert_str_ne(err, "");

    /* The database file is not a database. */
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, PF_SQLSTORE_FILE);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 4096; i++)
        fputc('g', f);
    fclose(f);
    err[0] = '\0';
    ck_assert_ptr_null(pf_sqlstore_open(dir, err, sizeof err));
    ck_assert_msg(strstr(err, "not a database") != NULL, "%s", err);
    /* err may be NULL / 0. */
    ck_assert_ptr_null(pf_sqlstore_open(dir, NULL, 0));
}
END_TEST

START_TEST(test_migrate_from_empty_v0)
{
    /* A zero-byte file is an empty version-0 database. */
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, PF_SQLSTORE_FILE);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    pf_sqlstore_t *s = s_open(dir);
    pf_sqlstore_close(&s);
    ck_assert_int_eq(s_count(dir, "PRAGMA user_version"), pf_sqlstore_schema_version());
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                                  " AND name IN ('batches', 'jobs', 'modules')"), 3);

    /* A version-0 database with something else in it keeps that. */
    char dir2[PATH_MAX];
    s_tmpdir(dir2, sizeof dir2);
    sqlite3 *db = s_raw_open(dir2);
    s_raw_exec(db, "CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('keep me')");
    ck_assert_int_eq(s_raw_int(db, "PRAGMA user_version"), 0);
    sqlite3_close(db);
    s = s_open(dir2);
    pf_sqlstore_close(&s);
    ck_assert_int_eq(s_count(dir2, "PRAGMA user_version"), pf_sqlstore_schema_version());
    ck_assert_int_eq(s_count(dir2, "SELECT count(*) FROM notes"), 1);
    /* Reopening an up-to-date file applies nothing again. */
    s = s_open(dir2);
    pf_sqlstore_close(&s);
    ck_assert_int_eq(s_count(dir2, "PRAGMA user_version"), pf_sqlstore_schema_version());
}
END_TEST

/*  A file as schema version 1 wrote it: text-keyed module rows.           */
static const char s_v1_file[] =
    "CREATE TABLE batches (id TEXT PRIMARY KEY NOT NULL, total INTEGER NOT NULL,"
    "  max_concurrency INTEGER NOT NULL, created_ms REAL NOT NULL);"
    "CREATE TABLE jobs (id TEXT PRIMARY KEY NOT NULL, seq INTEGER NOT NULL UNIQUE,"
    "  domain TEXT NOT NULL, requested INTEGER NOT NULL, module_set INTEGER NOT NULL,"
    "  priority INTEGER NOT NULL, idem_key TEXT,"
    "  batch_id TEXT REFERENCES batches(id) ON DELETE CASCADE, batch_index INTEGER,"
    "  status INTEGER NOT NULL, created_ms REAL NOT NULL, ended_ms REAL);"
    "CREATE INDEX jobs_batch ON jobs(batch_id);"
    "CREATE INDEX jobs_ended ON jobs(ended_ms) WHERE ended_ms IS NOT NULL;"
    "CREATE TABLE modules (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
    "  module INTEGER NOT NULL, state INTEGER NOT NULL, attempts INTEGER NOT NULL,"
    "  failures INTEGER NOT NULL, duration_ms INTEGER NOT NULL, error TEXT, result BLOB,"
    "  PRIMARY KEY (job_id, module));"
    "INSERT INTO batches VALUES ('batch_v1', 2, 1, 5);"
    "INSERT INTO jobs VALUES ('job_v1a', 7, 'a.example', 1, 1, 1, 'key', 'batch_v1', 0, 2, 5, 9);"
    "INSERT INTO jobs VALUES ('job_v1b', 9, 'b.example', 3, 3, 1, NULL, 'batch_v1', 1, 1, 6,"
    "  NULL);"
    "INSERT INTO modules VALUES ('job_v1a', 0, 3, 1, 0, 12, NULL, X'81a178a179');"
    "INSERT INTO modules VALUES ('job_v1b', 0, 3, 1, 0, 4, NULL, X'80');"
    "INSERT INTO modules VALUES ('job_v1b', 1, 2, 2, 1, 0, 'boom: x', NULL);"
    "PRAGMA user_version = 1;";

/*  Puts job number i (seq i) with one completed module whose result is
    blob, in the open group.                                                */
static void
s_put_completed(pf_sqlstore_t *s, int i, const void *blob, uint32_t size)
{
    char id[PF_ID_SIZE];
    snprintf(id, sizeof id, "job_%d", i);
    pf_job_t *j = s_job(id, (uint64_t)i, "bulk.example", 1, 1);
    ck_assert_int_eq(pf_sqlstore_put_job(s, j, 0), 0);
    s_complete(j, 0, blob, size);
    ck_assert_int_eq(pf_sqlstore_put_module(s, j, 0), 0);
    s_job_free(&j);
}

START_TEST(test_checkpoints_elsewhere)
{
    char dir[PATH_MAX], err[256] = "";
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_sqlstore_checkpoint_elsewhere(s);
    pf_sqlstore_checkpointer_t *cp = pf_sqlstore_checkpointer_new(dir, err, sizeof err);
    ck_assert_msg(cp != NULL, "%s", err);
    ck_assert_int_eq(pf_sqlstore_checkpointer_run(cp, s), 0);   /* nothing yet */
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, PF_SQLSTORE_FILE);
    struct stat before;
    ck_assert_int_eq(stat(path, &before), 0);
    /* Well past the threshold: each result is a 2 KiB blob.               */
    static uint8_t blob[2048];
    int jobs = PF_STORE_CHECKPOINT_PAGES;
    for (int i = 1; i <= jobs; i++) {
        s_put_completed(s, i, blob, sizeof blob);
        if (i % 100 == 0)
            ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    }
    /* SQLite itself did not checkpoint: the database file has not grown. */
    struct stat mid;
    ck_assert_int_eq(stat(path, &mid), 0);
    ck_assert_int_eq(mid.st_size, before.st_size);
    ck_assert_int_eq(pf_sqlstore_checkpointer_run(cp, s), 1);
    struct stat after;
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_int_gt(after.st_size, (off_t)jobs * (off_t)sizeof blob);
    ck_assert_int_eq(pf_sqlstore_checkpointer_run(cp, s), 0);   /* done     */
    /* The store goes on writing, and reads everything back.               */
    pf_job_t *j = s_job("job_last", (uint64_t)jobs + 1, "cp.example", 1, 1);
    ck_assert_int_eq(pf_sqlstore_put_job(s, j, 0), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    s_job_free(&j);
    pf_sqlstore_checkpointer_destroy(&cp);
    ck_assert_ptr_null(cp);
    pf_sqlstore_close(&s);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), jobs + 1);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM modules"), jobs);
    /* Without a store file there is nothing to checkpoint.                */
    char empty[PATH_MAX];
    s_tmpdir(empty, sizeof empty);
    ck_assert_ptr_null(pf_sqlstore_checkpointer_new(empty, err, sizeof err));
    ck_assert_str_ne(err, "");
}
END_TEST

START_TEST(test_the_log_is_bounded_without_the_checkpointer)
{
    /* Checkpoints run elsewhere, but that thread never gets to it: past
       PF_STORE_WAL_MAX_PAGES the store checkpoints itself, so the log
       stops growing.                                                       */
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_sqlstore_checkpoint_elsewhere(s);
    char wal[PATH_MAX + 64];
    snprintf(wal, sizeof wal, "%s/%s-wal", dir, PF_SQLSTORE_FILE);
    static uint8_t blob[8192];
    off_t bound = (off_t)(PF_STORE_WAL_MAX_PAGES + 200) * 4096 * 11 / 10;
    int jobs = PF_STORE_WAL_MAX_PAGES;   /* about 2 pages each: twice the bound */
    for (int i = 1; i <= jobs; i++) {
        s_put_completed(s, i, blob, sizeof blob);
        if (i % 50 == 0) {
            ck_assert_int_eq(pf_sqlstore_commit(s), 0);
            struct stat st;
            ck_assert_int_eq(stat(wal, &st), 0);
            ck_assert_msg(st.st_size <= bound, "log of %lld bytes after %d jobs",
                          (long long)st.st_size, i);
        }
    }
    pf_sqlstore_close(&s);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), jobs);
}
END_TEST

START_TEST(test_migrates_version_1_data)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    sqlite3 *db = s_raw_open(dir);
    s_raw_exec(db, s_v1_file);
    sqlite3_close(db);
    pf_sqlstore_t *s = s_open(dir);
    ck_assert_int_eq(s_count(dir, "PRAGMA user_version"), pf_sqlstore_schema_version());
    /* Every row came across, module rows now under their job's seq.       */
    s_seen_t *seen = s_seen_new();
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), 0);
    ck_assert_uint_eq(seen->batch_count, 1);
    ck_assert_uint_eq(seen->job_count, 2);
    const s_seen_job_t *a = s_seen_job(seen, "job_v1a");
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a->row.seq, 7);
    ck_assert(a->row.ended);
    ck_assert_str_eq(a->idem_key, "key");
    ck_assert_uint_eq(seen->module_count, 3);
    ck_assert_str_eq(seen->modules[0].job_id, "job_v1a");
    ck_assert_mem_eq(seen->modules[0].result, "\x81\xa1\x78\xa1\x79", 5);
    ck_assert_str_eq(seen->modules[2].job_id, "job_v1b");
    ck_assert_str_eq(seen->modules[2].error, "boom: x");
    ck_assert_uint_eq(seen->modules[2].row.failures, 1);
    s_seen_free(&seen);
    /* The cascades still hold: a batch takes its jobs and their modules.  */
    ck_assert_int_eq(pf_sqlstore_delete_batch(s, "batch_v1"), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM modules"), 0);
    pf_sqlstore_close(&s);
}
END_TEST

START_TEST(test_refuses_newer_version)
{
    char dir[PATH_MAX], err[256] = "";
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_sqlstore_close(&s);
    sqlite3 *db = s_raw_open(dir);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", pf_sqlstore_schema_version() + 1);
    s_raw_exec(db, sql);
    sqlite3_close(db);
    ck_assert_ptr_null(pf_sqlstore_open(dir, err, sizeof err));
    ck_assert_msg(strstr(err, "newer") != NULL, "%s", err);
    /* Untouched: still the newer version. */
    ck_assert_int_eq(s_count(dir, "PRAGMA user_version"), pf_sqlstore_schema_version() + 1);
}
END_TEST

START_TEST(test_group_commit_visibility)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);      /* nothing open: no-op */
    pf_job_t *a = s_job("job_a", 1, "a.example", 1, 1);
    pf_job_t *b = s_job("job_b", 2, "b.example", 1, 1);
    ck_assert_int_eq(pf_sqlstore_put_job(s, a, 0), 0);
    ck_assert(pf_sqlstore_pending(s));
    ck_assert_int_eq(pf_sqlstore_put_job(s, b, 0), 0);
    a->mstate[0] = PF_MOD_RUNNING;
    ck_assert_int_eq(pf_sqlstore_put_module(s, a, 0), 0);

    sqlite3 *other = s_raw_open(dir);
    ck_assert_int_eq(s_raw_int(other, "SELECT count(*) FROM jobs"), 0);
    ck_assert_int_eq(s_raw_int(other, "SELECT count(*) FROM modules"), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert(!pf_sqlstore_pending(s));
    ck_assert_int_eq(s_raw_int(other, "SELECT count(*) FROM jobs"), 2);
    ck_assert_int_eq(s_raw_int(other, "SELECT count(*) FROM modules"), 1);
    sqlite3_close(other);
    pf_sqlstore_close(&s);
    s_job_free(&a);
    s_job_free(&b);
}
END_TEST

START_TEST(test_failed_write_fails_the_group)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_job_t *a = s_job("job_a", 1, "a.example", 1, 1);
    pf_job_t *b = s_job("job_b", 2, "b.example", 1, 1);
    ck_assert_int_eq(pf_sqlstore_put_job(s, a, 0), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_str_eq(pf_sqlstore_errmsg(s), "");

    ck_assert_int_eq(pf_sqlstore_put_job(s, b, 0), 0);
    ck_assert_int_eq(pf_sqlstore_put_job(s, a, 0), PF_EIO);     /* id exists */
    ck_assert_msg(strstr(pf_sqlstore_errmsg(s), "UNIQUE") != NULL, "%s",
                  pf_sqlstore_errmsg(s));
    ck_assert(pf_sqlstore_pending(s));
    ck_assert_int_eq(pf_sqlstore_commit(s), PF_EIO);
    ck_assert(!pf_sqlstore_pending(s));
    /* b went down with the group. */
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), 1);
    /* The next group is clean. */
    ck_assert_int_eq(pf_sqlstore_put_job(s, b, 0), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), 2);

    /* Arguments the schema cannot hold are refused before any SQL. */
    pf_job_t *bad = s_job("job_bad", 3, "c.example", 1, 1);
    free(bad->domain);
    bad->domain = pf_malloc(PFP_DOMAIN_MAX + 2);
    memset(bad->domain, 'a', PFP_DOMAIN_MAX + 1);
    bad->domain[PFP_DOMAIN_MAX + 1] = '\0';
    ck_assert_int_eq(pf_sqlstore_put_job(s, bad, 0), PF_EINVAL);
    bad->mstate[0] = PF_MOD_COMPLETED;      /* completed without a result */
    ck_assert_int_eq(pf_sqlstore_put_module(s, bad, 0), PF_EINVAL);
    ck_assert_int_eq(pf_sqlstore_put_module(s, a, PF_MODULE_COUNT), PF_EINVAL);
    ck_assert_int_eq(pf_sqlstore_purge_before(s, 1, 0, NULL), PF_EINVAL);
    /* A refused put poisons its group: the rest of it is not kept either,
       so nothing that depended on the refused write is acknowledged.       */
    ck_assert(pf_sqlstore_pending(s));
    ck_assert_int_eq(pf_sqlstore_commit(s), PF_EIO);
    ck_assert_str_ne(pf_sqlstore_errmsg(s), "");
    ck_assert(!pf_sqlstore_pending(s));
    pf_job_t *c = s_job("job_c", 4, "c.example", 1, 1);
    ck_assert_int_eq(pf_sqlstore_put_job(s, c, 0), 0);
    bad->mstate[0] = PF_MOD_COMPLETED;
    ck_assert_int_eq(pf_sqlstore_put_module(s, bad, 0), PF_EINVAL);
    ck_assert_int_eq(pf_sqlstore_commit(s), PF_EIO);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs WHERE id = 'job_c'"), 0);
    s_job_free(&c);
    /* A scoped idempotency key (digest of the api key + the client's key)
       at its longest is kept whole.                                        */
    pf_job_t *k = s_job("job_k", 5, "k.example", 1, 1);
    k->idem_key = pf_malloc(PF_SQLSTORE_IDEM_KEY_MAX + 1);
    memset(k->idem_key, 'k', PF_SQLSTORE_IDEM_KEY_MAX);
    k->idem_key[PF_SQLSTORE_IDEM_KEY_MAX] = '\0';
    ck_assert_int_eq(pf_sqlstore_put_job(s, k, 0), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    s_seen_t *seen = s_seen_new();
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), 0);
    const s_seen_job_t *kj = s_seen_job(seen, "job_k");
    ck_assert_ptr_nonnull(kj);
    ck_assert_str_eq(kj->idem_key, k->idem_key);
    s_seen_free(&seen);
    s_job_free(&k);
    ck_assert(!pf_sqlstore_pending(s));
    pf_sqlstore_close(&s);
    s_job_free(&a);
    s_job_free(&b);
    s_job_free(&bad);
}
END_TEST

/*  A child that writes and _exits: committed data must survive the process
    (and the unclosed connection); uncommitted data must not.               */
static void
s_child_writes(const char *dir, bool commit)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char err[256];
        pf_sqlstore_t *s = pf_sqlstore_open(dir, err, sizeof err);
        if (!s)
            _exit(2);
        pf_job_t *j = s_job(commit ? "job_durable" : "job_lost", commit ? 1 : 2,
                            "fork.example", 1, 1);
        s_complete(j, 0, "\x81\xa1k\xa1v", 5);
        if (pf_sqlstore_put_job(s, j, 0) != 0 || pf_sqlstore_put_module(s, j, 0) != 0)
            _exit(3);
        if (commit && pf_sqlstore_commit(s) != 0)
            _exit(4);
        _exit(0);   /* no close, no flush, no atexit */
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
}

START_TEST(test_commit_survives_process_exit)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    s_child_writes(dir, true);
    s_child_writes(dir, false);
    pf_sqlstore_t *s = s_open(dir);
    s_seen_t *seen = s_seen_new();
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), 0);
    ck_assert_uint_eq(seen->job_count, 1);
    ck_assert_str_eq(seen->jobs[0].id, "job_durable");
    ck_assert_uint_eq(seen->module_count, 1);
    ck_assert_uint_eq(seen->modules[0].row.result_size, 5);
    ck_assert_mem_eq(seen->modules[0].result, "\x81\xa1k\xa1v", 5);
    s_seen_free(&seen);
    pf_sqlstore_close(&s);
}
END_TEST

START_TEST(test_round_trip)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_batch_t *batch = s_batch("batch_1", 2);
    batch->max_concurrency = 5;
    ck_assert_int_eq(pf_sqlstore_put_batch(s, batch, 1700000000123.5), 0);

    /* Put out of seq order: load returns them by seq. */
    pf_job_t *j3 = s_job("job_3", 30, "three.example", 0x6, 0x7);
    j3->batch = batch;
    j3->priority = PFP_PRIORITY_LOW;
    pf_job_t *j1 = s_job("job_1", 10, "one.example", PF_MODULE_ALL, PF_MODULE_ALL);
    j1->idem_key = pf_strdup("key with spaces \xc3\xa9");
    j1->priority = PFP_PRIORITY_HIGH;
    pf_job_t *j2 = s_job("job_2", 20, "two.example", 0x1, 0x1);
    j2->batch = batch;
    ck_assert_int_eq(pf_sqlstore_put_job(s, j3, 1), 0);
    ck_assert_int_eq(pf_sqlstore_put_job(s, j1, 0), 0);
    ck_assert_int_eq(pf_sqlstore_put_job(s, j2, 0), 0);

    /* Binary-safe result: NULs, 0xff, all byte values. */
    uint8_t blob[600];
    for (size_t i = 0; i < sizeof blob; i++)
        blob[i] = (uint8_t)(i * 7);
    blob[0] = 0;
    blob[1] = 0xff;
    s_complete(j1, 0, blob, sizeof blob);
    j1->attempts[0] = 2;
    j1->failures[0] = 1;
    j1->duration_ms[0] = 1234;
    j1->mstate[3] = PF_MOD_FAILED;
    j1->attempts[3] = 3;
    j1->failures[3] = 3;
    j1->error[3] = pf_strdup("timeout: no answer");
    j1->mstate[5] = PF_MOD_RUNNING;
    j1->attempts[5] = 1;
    s_complete(j3, 2, "", 0);      /* an empty result stays a result */
    ck_assert_int_eq(pf_sqlstore_put_module(s, j1, 5), 0);
    ck_assert_int_eq(pf_sqlstore_put_module(s, j1, 0), 0);
    ck_assert_int_eq(pf_sqlstore_put_module(s, j1, 3), 0);
    ck_assert_int_eq(pf_sqlstore_put_module(s, j3, 2), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    pf_sqlstore_close(&s);

    s = s_open(dir);
    s_seen_t *seen = s_seen_new();
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), 0);
    ck_assert_uint_eq(seen->invalid, 0);
    ck_assert_uint_eq(seen->batch_count, 1);
    ck_assert_str_eq(seen->batches[0].id, "batch_1");
    ck_assert_uint_eq(seen->batches[0].total, 2);
    ck_assert_uint_eq(seen->batches[0].max_concurrency, 5);
    ck_assert(seen->batches[0].created_ms == 1700000000123.5);

    ck_assert_uint_eq(seen->job_count, 3);
    ck_assert_str_eq(seen->jobs[0].id, "job_1");
    ck_assert_str_eq(seen->jobs[1].id, "job_2");
    ck_assert_str_eq(seen->jobs[2].id, "job_3");
    const s_seen_job_t *r1 = &seen->jobs[0], *r3 = &seen->jobs[2];
    ck_assert_uint_eq(r1->row.seq, 10);
    ck_assert_str_eq(r1->domain, "one.example");
    ck_assert_uint_eq(r1->row.requested, PF_MODULE_ALL);
    ck_assert_uint_eq(r1->row.set, PF_MODULE_ALL);
    ck_assert_int_eq(r1->row.priority, PFP_PRIORITY_HIGH);
    ck_assert(r1->has_key);
    ck_assert_str_eq(r1->idem_key, "key with spaces \xc3\xa9");
    ck_assert(!r1->has_batch);
    ck_assert_int_eq(r1->row.status, PF_JOB_QUEUED);
    ck_assert(r1->row.created_ms == j1->created_ms);
    ck_assert(!r1->row.ended);
    ck_assert(!r3->has_key);
    ck_assert(r3->has_batch);
    ck_assert_str_eq(r3->batch_id, "batch_1");
    ck_assert_uint_eq(r3->row.batch_index, 1);
    ck_assert_uint_eq(r3->row.requested, 0x6);
    ck_assert_uint_eq(r3->row.set, 0x7);
    ck_assert_int_eq(r3->row.priority, PFP_PRIORITY_LOW);

    /* Modules follow their job, in module order. */
    ck_assert_uint_eq(seen->module_count, 4);
    const s_seen_module_t *m = seen->modules;
    ck_assert_str_eq(m[0].job_id, "job_1");
    ck_assert_int_eq(m[0].row.module, 0);
    ck_assert_int_eq(m[0].row.state, PF_MOD_COMPLETED);
    ck_assert_uint_eq(m[0].row.attempts, 2);
    ck_assert_uint_eq(m[0].row.failures, 1);
    ck_assert_uint_eq(m[0].row.duration_ms, 1234);
    ck_assert(!m[0].has_error);
    ck_assert_uint_eq(m[0].row.result_size, sizeof blob);
    ck_assert_mem_eq(m[0].result, blob, sizeof blob);
    ck_assert_int_eq(m[1].row.module, 3);
    ck_assert_int_eq(m[1].row.state, PF_MOD_FAILED);
    ck_assert(m[1].has_error);
    ck_assert_str_eq(m[1].error, "timeout: no answer");
    ck_assert_ptr_null(m[1].result);
    ck_assert_int_eq(m[2].row.module, 5);
    ck_assert_int_eq(m[2].row.state, PF_MOD_RUNNING);
    ck_assert_uint_eq(m[2].row.attempts, 1);
    ck_assert_ptr_null(m[2].result);
    ck_assert_str_eq(m[3].job_id, "job_3");
    ck_assert_int_eq(m[3].row.state, PF_MOD_COMPLETED);
    ck_assert_ptr_nonnull(m[3].result);
    ck_assert_uint_eq(m[3].row.result_size, 0);
    s_seen_free(&seen);

    /* A callback's nonzero return stops the load and is returned. */
    seen = s_seen_new();
    seen->stop_after_jobs = 2;
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), 42);
    ck_assert_uint_eq(seen->job_count, 2);
    s_seen_free(&seen);
    /* A visitor without callbacks just walks. */
    pf_sqlstore_visitor_t none = { 0 };
    ck_assert_int_eq(pf_sqlstore_load(s, &none, NULL), 0);
    uint64_t seq = 0;
    ck_assert_int_eq(pf_sqlstore_max_seq(s, &seq), 0);
    ck_assert_uint_eq(seq, 30);
    pf_sqlstore_close(&s);
    s_job_free(&j1);
    s_job_free(&j2);
    s_job_free(&j3);
    free(batch);
}
END_TEST

START_TEST(test_module_upsert)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_job_t *j = s_job("job_u", 1, "u.example", 0x3, 0x3);
    ck_assert_int_eq(pf_sqlstore_put_job(s, j, 0), 0);
    j->mstate[1] = PF_MOD_RUNNING;
    j->attempts[1] = 1;
    ck_assert_int_eq(pf_sqlstore_put_module(s, j, 1), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    j->attempts[1] = 2;
    j->failures[1] = 1;
    j->error[1] = pf_strdup("first try failed");
    ck_assert_int_eq(pf_sqlstore_put_module(s, j, 1), 0);
    s_complete(j, 1, "\x80", 1);
    free(j->error[1]);
    j->error[1] = NULL;
    j->duration_ms[1] = 99;
    ck_assert_int_eq(pf_sqlstore_put_module(s, j, 1), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM modules"), 1);

    s_seen_t *seen = s_seen_new();
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), 0);
    ck_assert_uint_eq(seen->module_count, 1);
    ck_assert_int_eq(seen->modules[0].row.state, PF_MOD_COMPLETED);
    ck_assert_uint_eq(seen->modules[0].row.attempts, 2);
    ck_assert_uint_eq(seen->modules[0].row.failures, 1);
    ck_assert_uint_eq(seen->modules[0].row.duration_ms, 99);
    ck_assert(!seen->modules[0].has_error);
    ck_assert_mem_eq(seen->modules[0].result, "\x80", 1);
    s_seen_free(&seen);

    /* Back to not completed (a cancel, say): the result goes with it. */
    j->mstate[1] = PF_MOD_CANCELLED;
    j->error[1] = pf_strdup("cancelled");
    ck_assert_int_eq(pf_sqlstore_put_module(s, j, 1), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM modules WHERE result IS NULL"), 1);
    pf_sqlstore_close(&s);
    s_job_free(&j);
}
END_TEST

START_TEST(test_status_and_ended)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_job_t *j = s_job("job_s", 1, "s.example", 1, 1);
    ck_assert_int_eq(pf_sqlstore_put_job(s, j, 0), 0);
    j->status = PF_JOB_RUNNING;
    /* Not final: ended_ms is not stored whatever the caller passes. */
    ck_assert_int_eq(pf_sqlstore_put_job_status(s, j, 5000), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs WHERE status = 1"
                                  " AND ended_ms IS NULL"), 1);
    s_seen_t *seen = s_seen_new();
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), 0);
    ck_assert_int_eq(seen->jobs[0].row.status, PF_JOB_RUNNING);
    ck_assert(!seen->jobs[0].row.ended);
    s_seen_free(&seen);

    j->status = PF_JOB_PARTIAL;
    ck_assert_int_eq(pf_sqlstore_put_job_status(s, j, 1700000009999.25), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    seen = s_seen_new();
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), 0);
    ck_assert_int_eq(seen->jobs[0].row.status, PF_JOB_PARTIAL);
    ck_assert(seen->jobs[0].row.ended);
    ck_assert(seen->jobs[0].row.ended_ms == 1700000009999.25);
    s_seen_free(&seen);
    pf_sqlstore_close(&s);
    s_job_free(&j);
}
END_TEST

START_TEST(test_purge_in_chunks)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    /* 20 finished jobs of one batch ended at 1..20, 5 finished stand-alone
       jobs ended at 101..105, 3 unfinished jobs. */
    pf_batch_t *batch = s_batch("batch_p", 20);
    ck_assert_int_eq(pf_sqlstore_put_batch(s, batch, 0.5), 0);
    uint64_t seq = 1;
    for (int i = 0; i < 28; i++) {
        char id[PF_ID_SIZE];
        snprintf(id, sizeof id, "job_%02d", i);
        pf_job_t *j = s_job(id, seq++, "p.example", 0x3, 0x3);
        j->batch = i < 20 ? batch : NULL;
        ck_assert_int_eq(pf_sqlstore_put_job(s, j, (uint32_t)i), 0);
        s_complete(j, 0, "\x90", 1);
        j->mstate[1] = PF_MOD_FAILED;
        ck_assert_int_eq(pf_sqlstore_put_module(s, j, 0), 0);
        ck_assert_int_eq(pf_sqlstore_put_module(s, j, 1), 0);
        if (i < 25) {
            j->status = PF_JOB_COMPLETED;
            ck_assert_int_eq(pf_sqlstore_put_job_status(s, j, i < 20 ? 1 + i : 81 + i), 0);
        }
        s_job_free(&j);
    }
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);

    /* Cutoff 50: the 20 batch jobs go, 7 at a time; the batch goes with
       the last of them. */
    size_t purged = 99, total = 0;
    ck_assert_int_eq(pf_sqlstore_purge_before(s, 50, 7, &purged), 0);
    ck_assert_uint_eq(purged, 7);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    /* Oldest first. */
    ck_assert_int_eq(s_count(dir, "SELECT min(ended_ms) FROM jobs"), 8);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM batches"), 1);
    total += purged;
    ck_assert_int_eq(pf_sqlstore_purge_before(s, 50, 7, &purged), 0);
    ck_assert_uint_eq(purged, 7);
    total += purged;
    ck_assert_int_eq(pf_sqlstore_purge_before(s, 50, 7, &purged), 0);
    ck_assert_uint_eq(purged, 6);
    total += purged;
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_uint_eq(total, 20);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM batches"), 0);
    ck_assert_int_eq(pf_sqlstore_purge_before(s, 50, 7, &purged), 0);
    ck_assert_uint_eq(purged, 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), 8);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM modules"), 16);

    /* A later cutoff takes the rest of the finished ones, never the open. */
    ck_assert_int_eq(pf_sqlstore_purge_before(s, 1e12, 100, &purged), 0);
    ck_assert_uint_eq(purged, 5);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs WHERE ended_ms IS NULL"), 3);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), 3);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM modules"), 6);
    pf_sqlstore_close(&s);
    free(batch);
}
END_TEST

START_TEST(test_purge_keeps_the_jobs_of_an_open_batch)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_batch_t *batch = s_batch("batch_open", 3);
    ck_assert_int_eq(pf_sqlstore_put_batch(s, batch, 0.5), 0);
    pf_job_t *jobs[3];
    for (int i = 0; i < 3; i++) {
        char id[PF_ID_SIZE];
        snprintf(id, sizeof id, "job_o%d", i);
        jobs[i] = s_job(id, (uint64_t)i + 1, "o.example", 1, 1);
        jobs[i]->batch = batch;
        ck_assert_int_eq(pf_sqlstore_put_job(s, jobs[i], (uint32_t)i), 0);
    }
    /* Two ended long ago; the third still runs: none goes.               */
    for (int i = 0; i < 2; i++) {
        jobs[i]->status = PF_JOB_COMPLETED;
        ck_assert_int_eq(pf_sqlstore_put_job_status(s, jobs[i], 1 + i), 0);
    }
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    size_t purged = 99;
    ck_assert_int_eq(pf_sqlstore_purge_before(s, 50, 100, &purged), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_uint_eq(purged, 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), 3);
    /* The last one ends (long ago too): the whole batch goes.            */
    jobs[2]->status = PF_JOB_COMPLETED;
    ck_assert_int_eq(pf_sqlstore_put_job_status(s, jobs[2], 3), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(pf_sqlstore_purge_before(s, 50, 100, &purged), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_uint_eq(purged, 3);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM batches"), 0);
    pf_sqlstore_close(&s);
    for (int i = 0; i < 3; i++)
        s_job_free(&jobs[i]);
    free(batch);
}
END_TEST

START_TEST(test_delete_cascades)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_batch_t *batch = s_batch("batch_d", 2);
    ck_assert_int_eq(pf_sqlstore_put_batch(s, batch, 1), 0);
    pf_job_t *a = s_job("job_a", 1, "a.example", 0x3, 0x3);
    pf_job_t *b = s_job("job_b", 2, "b.example", 0x3, 0x3);
    pf_job_t *c = s_job("job_c", 3, "c.example", 0x3, 0x3);
    a->batch = b->batch = batch;
    pf_job_t *all[] = { a, b, c };
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(pf_sqlstore_put_job(s, all[i], (uint32_t)i % 2), 0);
        all[i]->mstate[0] = all[i]->mstate[1] = PF_MOD_READY;
        ck_assert_int_eq(pf_sqlstore_put_module(s, all[i], 0), 0);
        ck_assert_int_eq(pf_sqlstore_put_module(s, all[i], 1), 0);
    }
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM modules"), 6);

    ck_assert_int_eq(pf_sqlstore_delete_job(s, "job_c"), 0);
    ck_assert_int_eq(pf_sqlstore_delete_job(s, "job_none"), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), 2);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM modules"), 4);

    ck_assert_int_eq(pf_sqlstore_delete_batch(s, "batch_d"), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM batches"), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM jobs"), 0);
    ck_assert_int_eq(s_count(dir, "SELECT count(*) FROM modules"), 0);
    ck_assert_int_eq(pf_sqlstore_delete_job(s, NULL), PF_EINVAL);
    pf_sqlstore_close(&s);
    for (int i = 0; i < 3; i++)
        s_job_free(&all[i]);
    free(batch);
}
END_TEST

START_TEST(test_corrupted_rows_are_reported)
{
    char dir[PATH_MAX];
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_batch_t *batch = s_batch("batch_ok", 4);
    ck_assert_int_eq(pf_sqlstore_put_batch(s, batch, 1), 0);
    pf_job_t *good = s_job("job_good", 1, "good.example", 0x3, 0x3);
    good->batch = batch;
    ck_assert_int_eq(pf_sqlstore_put_job(s, good, 0), 0);
    s_complete(good, 0, "\x81\x01\x02", 3);
    ck_assert_int_eq(pf_sqlstore_put_module(s, good, 0), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    pf_sqlstore_close(&s);

    /* Hostile edits, past the schema's own checks. */
    sqlite3 *db = s_raw_open(dir);
    s_raw_exec(db, "PRAGMA ignore_check_constraints = 1");
    char big[160];
    snprintf(big, sizeof big,
             "INSERT INTO modules VALUES (1, 1, 3, 1, 0, 5, NULL, zeroblob(%u))",
             PF_RESULT_MAX_BYTES + 1);
    s_raw_exec(db,
        "INSERT INTO batches VALUES ('batch_neg', -1, 1, 1);"
        "INSERT INTO batches VALUES ('batch_time', 1, 1, 'yesterday');"
        "INSERT INTO batches VALUES (X'00', 1, 1, 1);"
        "INSERT INTO jobs VALUES ('job_domblob', 3, X'00ff', 1, 1, 1, NULL, NULL, NULL, 0, 1,"
        "  NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_status', 4, 'x.example', 1, 1, 1, NULL, NULL, NULL, 99,"
        "  1, NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_noend', 5, 'x.example', 1, 1, 1, NULL, NULL, NULL, 2,"
        "  1, NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_sets', 6, 'x.example', 3, 1, 1, NULL, NULL, NULL, 0,"
        "  1, NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_orphan', 7, 'x.example', 1, 1, 1, NULL, 'batch_gone',"
        "  0, 0, 1, NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_index', 8, 'x.example', 1, 1, 1, NULL, 'batch_ok',"
        "  NULL, 0, 1, NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_bigidx', 9, 'x.example', 1, 1, 1, NULL, 'batch_ok',"
        "  4, 0, 1, NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_ctl\x01', 10, 'x.example', 1, 1, 1, NULL, NULL, NULL,"
        "  0, 1, NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_when', 11, 'x.example', 1, 1, 1, NULL, NULL, NULL,"
        "  0, 'nan', NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_prio', 12, 'x.example', 1, 1, 7, NULL, NULL, NULL,"
        "  0, 1, NULL, NULL);"
        "INSERT INTO jobs VALUES ('job_fine', 13, 'fine.example', 0x1f, 0x7fff, 2, 'k', NULL,"
        "  NULL, 3, 1, 2, NULL);"
        "INSERT INTO jobs VALUES ('job_attlen', 14, 'x.example', 1, 1, 1, NULL, NULL, NULL,"
        "  1, 1, NULL, X'0102');"
        "INSERT INTO jobs VALUES ('job_atttext', 15, 'x.example', 1, 1, 1, NULL, NULL, NULL,"
        "  1, 1, NULL, 'fifteen bytes..');"
        "INSERT INTO jobs VALUES ('job_attset', 16, 'x.example', 1, 1, 1, NULL, NULL, NULL,"
        "  1, 1, NULL, X'010100000000000000000000000000');"
        /* Module rows of a refused job are never visited. */
        "INSERT INTO modules VALUES (4, 0, 0, 0, 0, 0, NULL, NULL);"
        /* Bad module rows of good jobs. */
        "INSERT INTO modules VALUES (1, 5, 1, 1, 0, 5, NULL, NULL);"
        "INSERT INTO modules VALUES (13, 0, 3, 1, 0, 5, NULL, NULL);"
        "INSERT INTO modules VALUES (13, 1, 0, 1, 0, 5, NULL, X'01');"
        "INSERT INTO modules VALUES (13, 2, 1, 'x', 0, 5, NULL, NULL);"
        "INSERT INTO modules VALUES (13, 3, 4, 1, 0, 5, X'6f6f', NULL);"
        "INSERT INTO modules VALUES (13, 4, 3, 1, 0, 5, NULL, 'text, not blob');"
        "INSERT INTO modules VALUES (13, 'two', 1, 1, 0, 5, NULL, NULL);"
        "INSERT INTO modules VALUES (13, 15, 1, 1, 0, 5, NULL, NULL);"
        "INSERT INTO modules VALUES (13, 9, 9, 1, 0, 5, NULL, NULL);"
        "INSERT INTO modules VALUES (13, 10, 1, 300, 0, 5, NULL, NULL);"
        "INSERT INTO modules VALUES (13, 11, 1, 1, 0, -5, NULL, NULL);"
        "INSERT INTO modules VALUES (13, 13, 4, 1, 1, 0, 'a' || char(0) || 'b', NULL);"
        /* And good ones among them. */
        "INSERT INTO modules VALUES (13, 12, 4, 3, 3, 0, 'oops', NULL);"
        "INSERT INTO modules VALUES (13, 14, 2, 1, 0, 0, NULL, NULL);");
    s_raw_exec(db, big);
    sqlite3_close(db);

    s = s_open(dir);
    s_seen_t *seen = s_seen_new();
    ck_assert_int_eq(pf_sqlstore_load(s, &s_visitor, seen), PF_EPROTO);
    ck_assert_str_ne(pf_sqlstore_errmsg(s), "");
    /* Good rows all arrive. */
    ck_assert_uint_eq(seen->batch_count, 1);
    ck_assert_str_eq(seen->batches[0].id, "batch_ok");
    ck_assert_uint_eq(seen->job_count, 2);
    ck_assert_ptr_nonnull(s_seen_job(seen, "job_good"));
    const s_seen_job_t *fine = s_seen_job(seen, "job_fine");
    ck_assert_ptr_nonnull(fine);
    ck_assert(fine->row.ended);
    ck_assert_uint_eq(seen->module_count, 3);
    ck_assert_str_eq(seen->modules[0].job_id, "job_good");
    ck_assert_mem_eq(seen->modules[0].result, "\x81\x01\x02", 3);
    ck_assert_str_eq(seen->modules[1].job_id, "job_fine");
    ck_assert_int_eq(seen->modules[1].row.module, 12);
    ck_assert_str_eq(seen->modules[1].error, "oops");
    ck_assert_int_eq(seen->modules[2].row.module, 14);
    ck_assert_int_eq(seen->modules[2].row.state, PF_MOD_RUNNING);
    /* Every bad row is reported, once. */
    const char *expect[] = {
        "batches:batch_neg", "batches:batch_time", "batches:",
        "jobs:job_domblob", "jobs:job_status", "jobs:job_noend",
        "jobs:job_sets", "jobs:job_orphan", "jobs:job_index", "jobs:job_bigidx",
        "jobs:job_ctl\x01", "jobs:job_when", "jobs:job_prio", "jobs:job_attlen",
        "jobs:job_atttext", "jobs:job_attset",
        "modules:job_good/1", "modules:job_good/5", "modules:job_fine/0", "modules:job_fine/1",
        "modules:job_fine/2", "modules:job_fine/3", "modules:job_fine/4",
        "modules:job_fine/?", "modules:job_fine/15", "modules:job_fine/9",
        "modules:job_fine/10", "modules:job_fine/11", "modules:job_fine/13",
    };
    size_t n = sizeof expect / sizeof expect[0];
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(s_invalid_has(seen, expect[i]), "not reported: %s", expect[i]);
    ck_assert_uint_eq(seen->invalid, n);
    s_seen_free(&seen);

    /* The store still works with such a file.  (A seq is the rowid: the
       file cannot hold one that is not an integer.)                        */
    ck_assert_int_eq(pf_sqlstore_delete_job(s, "job_status"), 0);
    ck_assert_int_eq(pf_sqlstore_commit(s), 0);
    uint64_t seq = 0;
    ck_assert_int_eq(pf_sqlstore_max_seq(s, &seq), 0);
    ck_assert_uint_eq(seq, 16);
    pf_sqlstore_close(&s);
    s_job_free(&good);
    free(batch);
}
END_TEST

START_TEST(test_schema_mismatch_refused)
{
    /* Right version, wrong tables: refused at open, not at first use. */
    char dir[PATH_MAX], err[256] = "";
    s_tmpdir(dir, sizeof dir);
    pf_sqlstore_t *s = s_open(dir);
    pf_sqlstore_close(&s);
    sqlite3 *db = s_raw_open(dir);
    s_raw_exec(db, "PRAGMA foreign_keys = OFF; DROP TABLE modules");
    sqlite3_close(db);
    ck_assert_ptr_null(pf_sqlstore_open(dir, err, sizeof err));
    ck_assert_msg(strstr(err, "modules") != NULL, "%s", err);
}
END_TEST

/* ------------------------------------------------------------ benchmark */

static double
s_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*  Writes jobs x 15 module rows (a 256-byte result each) and the final
    status, committing every `group` jobs.  Returns seconds.                */
static double
s_bench_run(const char *dir, int jobs, int group)
{
    char err[256];
    pf_sqlstore_t *s = pf_sqlstore_open(dir, err, sizeof err);
    if (!s) {
        fprintf(stderr, "bench: %s\n", err);
        exit(EXIT_FAILURE);
    }
    uint8_t result[256];
    memset(result, 0xa5, sizeof result);
    pf_job_t *j = s_job("job_x", 1, "bench.example", PF_MODULE_ALL, PF_MODULE_ALL);
    for (int m = 0; m < PF_MODULE_COUNT; m++)
        s_complete(j, m, result, sizeof result);
    double t0 = s_now_s();
    for (int i = 0; i < jobs; i++) {
        snprintf(j->id, sizeof j->id, "job_%024x", i);
        j->seq = (uint64_t)i + 1;
        j->status = PF_JOB_QUEUED;
        int rc = pf_sqlstore_put_job(s, j, 0);
        for (int m = 0; m < PF_MODULE_COUNT && rc == 0; m++)
            rc = pf_sqlstore_put_module(s, j, m);
        j->status = PF_JOB_COMPLETED;
        if (rc == 0)
            rc = pf_sqlstore_put_job_status(s, j, 1700000000000.0 + i);
        if (rc == 0 && (i + 1) % group == 0)
            rc = pf_sqlstore_commit(s);
        if (rc != 0) {
            fprintf(stderr, "bench: %s\n", pf_sqlstore_errmsg(s));
            exit(EXIT_FAILURE);
        }
    }
    if (pf_sqlstore_commit(s) != 0)
        exit(EXIT_FAILURE);
    double elapsed = s_now_s() - t0;
    pf_sqlstore_close(&s);
    s_job_free(&j);
    return elapsed;
}

static int
s_bench(void)
{
    const char *where = getenv("PF_SQLSTORE_BENCH_DIR");
    snprintf(s_base, sizeof s_base, "%s/pf-sqlstore-bench-XXXXXX",
             where && *where ? where : "/tmp");
    if (!mkdtemp(s_base)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    const int jobs = 10000;
    const int groups[] = { 100, 1 };
    printf("pf_sqlstore bench in %s: %d jobs x %d module rows + status, synchronous=FULL\n",
           s_base, jobs, PF_MODULE_COUNT);
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        char dir[PATH_MAX + 32];
        snprintf(dir, sizeof dir, "%s/g%d", s_base, groups[g]);
        double t = s_bench_run(dir, jobs, groups[g]);
        printf("  commit every %3d jobs: %7.2f s  %9.0f jobs/s  %9.0f rows/s  %d commits\n",
               groups[g], t, jobs / t, jobs * (PF_MODULE_COUNT + 2) / t,
               (jobs + groups[g] - 1) / groups[g]);
    }
    s_rm_tree(s_base);
    return EXIT_SUCCESS;
}

int
main(void)
{
    if (getenv("PF_SQLSTORE_BENCH"))
        return s_bench();
    Suite *su = suite_create("pf_sqlstore");
    TCase *tc = tcase_create("sqlstore");
    tcase_add_unchecked_fixture(tc, s_base_setup, s_base_teardown);
    tcase_add_test(tc, test_open_creates_and_reopen_keeps_data);
    tcase_add_test(tc, test_open_refuses_bad_places);
    tcase_add_test(tc, test_migrate_from_empty_v0);
    tcase_add_test(tc, test_refuses_newer_version);
    tcase_add_test(tc, test_migrates_version_1_data);
    tcase_add_test(tc, test_checkpoints_elsewhere);
    tcase_add_test(tc, test_the_log_is_bounded_without_the_checkpointer);
    tcase_add_test(tc, test_purge_keeps_the_jobs_of_an_open_batch);
    tcase_add_test(tc, test_group_commit_visibility);
    tcase_add_test(tc, test_failed_write_fails_the_group);
    tcase_add_test(tc, test_commit_survives_process_exit);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_module_upsert);
    tcase_add_test(tc, test_status_and_ended);
    tcase_add_test(tc, test_purge_in_chunks);
    tcase_add_test(tc, test_delete_cascades);
    tcase_add_test(tc, test_corrupted_rows_are_reported);
    tcase_add_test(tc, test_schema_mismatch_refused);
    suite_add_tcase(su, tc);
    return pf_check_run(su);
}
