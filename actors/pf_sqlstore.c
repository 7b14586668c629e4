/*  pf_sqlstore.c — the durable job store in SQLite (see pf_sqlstore.h and
    docs/STORE.md).

    Every statement is prepared once at open.  Writes run inside a group
    transaction opened lazily by the first of them; a failed write poisons
    the group so that commit rolls all of it back and says so — the caller
    acknowledges nothing of a group that did not commit.  Reading back
    treats every column as untrusted: types, NULLs, ranges and sizes are
    checked before a row reaches a callback.                                */
#include "pf_sqlstore.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pf_alloc.h"
#include "pf_config.h"
#include "pf_error.h"
#include "pf_fs.h"

/*  Bytes of the last failure message kept for pf_sqlstore_errmsg().       */
#define S_ERRMSG_SIZE 512
/*  Latest plausible unix ms (year ~2286): beyond it a time is garbage.     */
#define S_MS_MAX 1e13

/* ------------------------------------------------------------ schema */

/*  One migration: the SQL that takes the schema from version - 1 to
    version.  Applied in order, each in its own transaction together with
    PRAGMA user_version.  Never edit a released step; append a new one.    */
typedef struct {
    int version;                /* user_version after this step            */
    const char *sql;            /* statements, separated by ';'            */
} s_migration_t;

static const s_migration_t s_migrations[] = {
    { 1,
      "CREATE TABLE batches ("
      "  id              TEXT PRIMARY KEY NOT NULL CHECK (typeof(id) = 'text'),"
      "  total           INTEGER NOT NULL CHECK (typeof(total) = 'integer' AND total > 0),"
      "  max_concurrency INTEGER NOT NULL"
      "                  CHECK (typeof(max_concurrency) = 'integer' AND max_concurrency > 0),"
      "  created_ms      REAL NOT NULL"
      ");"
      "CREATE TABLE jobs ("
      "  id          TEXT PRIMARY KEY NOT NULL CHECK (typeof(id) = 'text'),"
      "  seq         INTEGER NOT NULL UNIQUE CHECK (typeof(seq) = 'integer' AND seq > 0),"
      "  domain      TEXT NOT NULL CHECK (typeof(domain) = 'text'),"
      "  requested   INTEGER NOT NULL CHECK (typeof(requested) = 'integer'),"
      "  module_set  INTEGER NOT NULL CHECK (typeof(module_set) = 'integer'),"
      "  priority    INTEGER NOT NULL CHECK (typeof(priority) = 'integer'),"
      "  idem_key    TEXT,"
      "  batch_id    TEXT REFERENCES batches(id) ON DELETE CASCADE,"
      "  batch_index INTEGER CHECK ((batch_id IS NULL) = (batch_index IS NULL)),"
      "  status      INTEGER NOT NULL CHECK (typeof(status) = 'integer'),"
      "  created_ms  REAL NOT NULL,"
      "  ended_ms    REAL"
      ");"
      "CREATE INDEX jobs_batch ON jobs(batch_id);"
      "CREATE INDEX jobs_ended ON jobs(ended_ms) WHERE ended_ms IS NOT NULL;"
      "CREATE TABLE modules ("
      "  job_id      TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
      "  module      INTEGER NOT NULL CHECK (typeof(module) = 'integer'),"
      "  state       INTEGER NOT NULL CHECK (typeof(state) = 'integer'),"
      "  attempts    INTEGER NOT NULL CHECK (typeof(attempts) = 'integer'),"
      "  failures    INTEGER NOT NULL CHECK (typeof(failures) = 'integer'),"
      "  duration_ms INTEGER NOT NULL CHECK (typeof(duration_ms) = 'integer'),"
      "  error       TEXT,"
      "  result      BLOB,"
      "  PRIMARY KEY (job_id, module)"
      ");" },
    /* 2: integer keys on the hot path.  A job's row is its seq (the rowid);
       module rows, written twice per module, are keyed by (job seq, module)
       in one b-tree (WITHOUT ROWID) and carry no CHECKs: the loader
       validates every row it reads anyway.  Half the cost of version 1 per
       job (docs/STORE.md).  Column order of jobs is kept.                  */
    { 2,
      "CREATE TABLE jobs_v2 ("
      "  id          TEXT NOT NULL UNIQUE CHECK (typeof(id) = 'text'),"
      "  seq         INTEGER PRIMARY KEY CHECK (seq > 0),"
      "  domain      TEXT NOT NULL CHECK (typeof(domain) = 'text'),"
      "  requested   INTEGER NOT NULL CHECK (typeof(requested) = 'integer'),"
      "  module_set  INTEGER NOT NULL CHECK (typeof(module_set) = 'integer'),"
      "  priority    INTEGER NOT NULL CHECK (typeof(priority) = 'integer'),"
      "  idem_key    TEXT,"
      "  batch_id    TEXT REFERENCES batches(id) ON DELETE CASCADE,"
      "  batch_index INTEGER CHECK ((batch_id IS NULL) = (batch_index IS NULL)),"
      "  status      INTEGER NOT NULL CHECK (typeof(status) = 'integer'),"
      "  created_ms  REAL NOT NULL,"
      "  ended_ms    REAL"
      ");"
      "INSERT INTO jobs_v2 SELECT id, seq, domain, requested, module_set, priority, idem_key,"
      "  batch_id, batch_index, status, created_ms, ended_ms FROM jobs;"
      "CREATE TABLE modules_v2 ("
      "  job_seq     INTEGER NOT NULL REFERENCES jobs_v2(seq) ON DELETE CASCADE,"
      "  module      INTEGER NOT NULL,"
      "  state       INTEGER NOT NULL,"
      "  attempts    INTEGER NOT NULL,"
      "  failures    INTEGER NOT NULL,"
      "  duration_ms INTEGER NOT NULL,"
      "  error       TEXT,"
      "  result      BLOB,"
      "  PRIMARY KEY (job_seq, module)"
      ") WITHOUT ROWID;"
      "INSERT INTO modules_v2 SELECT j.seq, m.module, m.state, m.attempts, m.failures,"
      "  m.duration_ms, m.error, m.result FROM modules m JOIN jobs j ON j.id = m.job_id;"
      "DROP TABLE modules;"
      "DROP TABLE jobs;"
      "ALTER TABLE jobs_v2 RENAME TO jobs;"
      "ALTER TABLE modules_v2 RENAME TO modules;"
      "CREATE INDEX jobs_batch ON jobs(batch_id) WHERE batch_id IS NOT NULL;"
      "CREATE INDEX jobs_ended ON jobs(ended_ms) WHERE ended_ms IS NOT NULL;" },
    /* 3: dispatches in the job's row.  A module sent to an instance used to
       cost a module row of its own, written again when the module ended;
       now the job's row carries each module's attempt count (one byte per
       module, in module order), updated once per job per loop turn however
       many of its modules were dispatched, and a module row is written when
       the module ends or is retried.                                        */
    { 3, "ALTER TABLE jobs ADD COLUMN attempts BLOB;" },
};

#define S_MIGRATION_COUNT (sizeof s_migrations / sizeof s_migrations[0])

/* -------------------------------------------------------- statements */

typedef enum {
    S_BEGIN_WRITE,
    S_BEGIN_READ,
    S_COMMIT,
    S_ROLLBACK,
    S_PUT_BATCH,
    S_PUT_JOB,
    S_PUT_MODULE,
    S_PUT_STATUS,
    S_PUT_ATTEMPTS,
    S_DELETE_JOB,
    S_DELETE_BATCH,
    S_PURGE_JOBS,
    S_PURGE_BATCHES,
    S_LOAD_BATCHES,
    S_LOAD_JOBS,
    S_LOAD_MODULES,
    S_MAX_SEQ,
    S_STMT_COUNT
} s_stmt_id_t;

static const char *const s_sql[S_STMT_COUNT] = {
    [S_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [S_BEGIN_READ] = "BEGIN",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_PUT_BATCH] =
        "INSERT INTO batches (id, total, max_concurrency, created_ms) VALUES (?1, ?2, ?3, ?4)",
    [S_PUT_JOB] =
        "INSERT INTO jobs (id, seq, domain, requested, module_set, priority, idem_key,"
        " batch_id, batch_index, status, created_ms, ended_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL)",
    [S_PUT_MODULE] =
        "INSERT INTO modules (job_seq, module, state, attempts, failures, duration_ms, error,"
        " result) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        " ON CONFLICT (job_seq, module) DO UPDATE SET state = excluded.state,"
        " attempts = excluded.attempts, failures = excluded.failures,"
        " duration_ms = excluded.duration_ms, error = excluded.error,"
        " result = excluded.result",
    [S_PUT_STATUS] = "UPDATE jobs SET status = ?2, ended_ms = ?3 WHERE seq = ?1",
    [S_PUT_ATTEMPTS] = "UPDATE jobs SET status = ?2, attempts = ?3 WHERE seq = ?1",
    [S_DELETE_JOB] = "DELETE FROM jobs WHERE id = ?1",
    [S_DELETE_BATCH] = "DELETE FROM batches WHERE id = ?1",
    /* Oldest first through jobs_ended; the bound keeps one step short.  A
       job of a batch that still runs stays with its batch (whose STATUS
       names it) until the batch's last job ends.                          */
    [S_PURGE_JOBS] =
        "DELETE FROM jobs WHERE seq IN (SELECT seq FROM jobs j"
        " WHERE ended_ms < ?1 AND status >= ?2 AND (batch_id IS NULL OR NOT EXISTS"
        " (SELECT 1 FROM jobs o WHERE o.batch_id = j.batch_id AND o.ended_ms IS NULL))"
        " ORDER BY ended_ms LIMIT ?3)",
    /* A batch goes once it has no job left.  created_ms < cutoff spares a
       batch whose jobs are still being put in the open group.             */
    [S_PURGE_BATCHES] =
        "DELETE FROM batches WHERE created_ms < ?1"
        " AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.batch_id = batches.id)",
    [S_LOAD_BATCHES] =
        "SELECT id, total, max_concurrency, created_ms FROM batches ORDER BY rowid",
    [S_LOAD_JOBS] =
        "SELECT j.id, j.seq, j.domain, j.requested, j.module_set, j.priority, j.idem_key,"
        " j.batch_id, j.batch_index, j.status, j.created_ms, j.ended_ms, b.total, j.attempts"
        " FROM jobs j LEFT JOIN batches b ON b.id = j.batch_id ORDER BY j.seq",
    /* The size is asked first so an oversize blob is never read in.      */
    [S_LOAD_MODULES] =
        "SELECT module, state, attempts, failures, duration_ms, error, typeof(result),"
        " length(result), CASE WHEN length(result) <= ?2 THEN result END"
        " FROM modules WHERE job_seq = ?1 ORDER BY module",
    [S_MAX_SEQ] = "SELECT max(seq) FROM jobs",
};

/*  Columns of S_LOAD_JOBS and S_LOAD_MODULES.                              */
enum {
    S_J_ID, S_J_SEQ, S_J_DOMAIN, S_J_REQUESTED, S_J_SET, S_J_PRIORITY, S_J_IDEM_KEY,
    S_J_BATCH_ID, S_J_BATCH_INDEX, S_J_STATUS, S_J_CREATED, S_J_ENDED, S_J_BATCH_TOTAL,
    S_J_ATTEMPTS
};
enum {
    S_M_MODULE, S_M_STATE, S_M_ATTEMPTS, S_M_FAILURES, S_M_DURATION, S_M_ERROR,
    S_M_RESULT_TYPE, S_M_RESULT_SIZE, S_M_RESULT
};

struct pf_sqlstore_t {
    sqlite3 *db;                            /* the connection              */
    sqlite3_stmt *stmt[S_STMT_COUNT];       /* prepared once, reused       */
    bool in_txn;                            /* a write group is open       */
    bool failed;                            /* a write of the group failed */
    bool loading;                           /* inside pf_sqlstore_load     */
    int lock_fd;                            /* flock'ed lock file, for life */
    atomic_int wal_pages;                   /* log pages at the last commit,
                                               when checkpointed elsewhere  */
    char errmsg[S_ERRMSG_SIZE];             /* last failure, for people    */
};

/* ----------------------------------------------------------- helpers */

static void
s_err(char *err, size_t err_size, const char *fmt, ...)
{
    if (!err || err_size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

/*  Records sqlite's message for the last failure and returns PF_EIO.  If
    the failure ended the open transaction (sqlite rolls back by itself on
    I/O errors, a full disk, ...) the group is gone; either way it fails. */
static int
s_fail(pf_sqlstore_t *self, const char *what)
{
    snprintf(self->errmsg, sizeof self->errmsg, "%s: %s", what, sqlite3_errmsg(self->db));
    if (self->in_txn && sqlite3_get_autocommit(self->db))
        self->in_txn = false;
    return PF_EIO;
}

/*  Steps a statement that returns no rows and resets it.  0 or PF_EIO.    */
static int
s_run(pf_sqlstore_t *self, s_stmt_id_t id, const char *what)
{
    sqlite3_stmt *st = self->stmt[id];
    int rc = sqlite3_step(st);
    int rc_reset = sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE || rc_reset != SQLITE_OK)
        return s_fail(self, what);
    return PF_OK;
}

/*  Opens the write group if none is open.  A failure here loses the write
    that asked, so it fails the group too.                                  */
static int
s_write_begin(pf_sqlstore_t *self)
{
    assert(!self->loading);     /* callbacks must not write (header)       */
    if (self->in_txn)
        return PF_OK;
    if (s_run(self, S_BEGIN_WRITE, "begin") != PF_OK) {
        self->failed = true;
        return PF_EIO;
    }
    self->in_txn = true;
    return PF_OK;
}

/*  A put whose argument the schema cannot hold: refused, and the group is
    poisoned like a failed write — a state change the store could not keep
    must not be acknowledged by the commit of the rest of its group.        */
static int
s_refuse(pf_sqlstore_t *self, const char *what)
{
    self->failed = true;
    snprintf(self->errmsg, sizeof self->errmsg, "%s: refused, an argument is outside the schema",
             what);
    return PF_EINVAL;
}

/*  Runs a bound write statement inside the group.  On failure the group is
    poisoned: commit will roll it back and report PF_EIO.                   */
static int
s_write(pf_sqlstore_t *self, s_stmt_id_t id, const char *what)
{
    if (s_run(self, id, what) != PF_OK) {
        self->failed = true;
        return PF_EIO;
    }
    return PF_OK;
}

static bool
s_id_ok(const char *id)
{
    size_t n = strnlen(id, PF_ID_SIZE);
    return n > 0 && n < PF_ID_SIZE;
}

/*  Runs one PRAGMA (or any one-row statement) and copies its first column
    as text into out.  0 or PF_EIO with sqlite's message in err.            */
static int
s_pragma(sqlite3 *db, const char *sql, char *out, size_t out_size, char *err, size_t err_size)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        s_err(err, err_size, "%s: %s", sql, sqlite3_errmsg(db));
        return PF_EIO;
    }
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        s_err(err, err_size, "%s: %s", sql, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return PF_EIO;
    }
    if (out && out_size) {
        const unsigned char *text = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
        snprintf(out, out_size, "%s", text ? (const char *)text : "");
    }
    sqlite3_finalize(st);
    return PF_OK;
}

/*  Brings the schema to the newest version, one transaction per step.  The
    version is read again inside each transaction so that two processes
    opening the same new file cannot both apply a step.                     */
static int
s_migrate(sqlite3 *db, char *err, size_t err_size)
{
    char text[32];
    if (s_pragma(db, "PRAGMA user_version", text, sizeof text, err, err_size) != PF_OK)
        return PF_EIO;
    long version = strtol(text, NULL, 10);
    int newest = s_migrations[S_MIGRATION_COUNT - 1].version;
    if (version > newest) {
        s_err(err, err_size,
              "database schema version %ld is newer than this build knows (%d): "
              "run a newer PartnerForge or restore a backup", version, newest);
        return PF_EVERSION;
    }
    if (version < 0) {
        s_err(err, err_size, "database schema version %ld is not valid", version);
        return PF_EVERSION;
    }
    for (size_t i = 0; i < S_MIGRATION_COUNT; i++) {
        const s_migration_t *m = &s_migrations[i];
        if (m->version <= version)
            continue;
        char *msg = NULL;
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK) {
            s_err(err, err_size, "schema v%d: begin: %s", m->version, msg ? msg : "?");
            sqlite3_free(msg);
            return PF_EIO;
        }
        if (s_pragma(db, "PRAGMA user_version", text, sizeof text, err, err_size) != PF_OK) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return PF_EIO;
        }
        if (strtol(text, NULL, 10) >= m->version) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            continue;   /* somebody else applied it meanwhile               */
        }
        char set_version[64];
        snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d", m->version);
        if (sqlite3_exec(db, m->sql, NULL, NULL, &msg) != SQLITE_OK
            || sqlite3_exec(db, set_version, NULL, NULL, &msg) != SQLITE_OK
            || sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
            s_err(err, err_size, "schema v%d: %s", m->version, msg ? msg : sqlite3_errmsg(db));
            sqlite3_free(msg);
            if (!sqlite3_get_autocommit(db))
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return PF_EIO;
        }
    }
    return PF_OK;
}

/*  Connection settings: WAL (readers never block the writer), FULL sync (a
    commit is on disk when it returns), enforced foreign keys, a lock wait,
    and no trust in functions a hostile schema might call.                  */
static int
s_configure(sqlite3 *db, char *err, size_t err_size)
{
    sqlite3_busy_timeout(db, PF_STORE_BUSY_TIMEOUT_MS);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    char mode[16];
    if (s_pragma(db, "PRAGMA journal_mode = WAL", mode, sizeof mode, err, err_size) != PF_OK)
        return PF_EIO;
    if (strcmp(mode, "wal") != 0) {
        s_err(err, err_size, "cannot use WAL mode (journal_mode is '%s')", mode);
        return PF_EIO;
    }
    if (s_pragma(db, "PRAGMA synchronous = FULL", NULL, 0, err, err_size) != PF_OK
        || s_pragma(db, "PRAGMA foreign_keys = ON", NULL, 0, err, err_size) != PF_OK)
        return PF_EIO;
    char fk[8];
    if (s_pragma(db, "PRAGMA foreign_keys", fk, sizeof fk, err, err_size) != PF_OK)
        return PF_EIO;
    if (strcmp(fk, "1") != 0) {
        s_err(err, err_size, "this SQLite cannot enforce foreign keys");
        return PF_EIO;
    }
    return PF_OK;
}

/* -------------------------------------------------------- open/close */

int
pf_sqlstore_set_sync(pf_sqlstore_t *self, bool full)
{
    char err[S_ERRMSG_SIZE];
    if (s_pragma(self->db, full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                 NULL, 0, err, sizeof err)
        != PF_OK) {
        snprintf(self->errmsg, sizeof self->errmsg, "%s", err);
        return PF_EIO;
    }
    return PF_OK;
}

/*  The store's own wal hook once checkpoints run elsewhere: it replaces
    SQLite's auto-checkpoint and only publishes the log's size.             */
static int
s_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    pf_sqlstore_t *self = arg;
    if (pages >= PF_STORE_WAL_MAX_PAGES) {
        /* Under steady load the other thread's PASSIVE checkpoints never
           catch the log's tail, so it is never started over and grows.
           Past the bound, checkpoint here with RESTART: it waits for the
           log to be copied whole, so our next commit starts it over.  A
           rare pause of the loop, instead of a log without bound.          */
        int log = 0, done = 0;
        if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, &log, &done)
            == SQLITE_OK)
            pages = 0;
    }
    atomic_store_explicit(&self->wal_pages, pages, memory_order_relaxed);
    return SQLITE_OK;
}

void
pf_sqlstore_checkpoint_elsewhere(pf_sqlstore_t *self)
{
    sqlite3_wal_hook(self->db, s_wal_hook, self);
}

struct pf_sqlstore_checkpointer_t {
    sqlite3 *db;                /* second connection, one thread's alone   */
};

pf_sqlstore_checkpointer_t *
pf_sqlstore_checkpointer_new(const char *data_dir, char *err, size_t err_size)
{
    s_err(err, err_size, "%s", "");
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", data_dir, PF_SQLSTORE_FILE);
    if (n < 0 || (size_t)n >= sizeof path) {
        s_err(err, err_size, "data directory path too long");
        return NULL;
    }
    pf_sqlstore_checkpointer_t *self = pf_calloc(1, sizeof *self);
    /* No CREATE: the store made the file; this connection only copies.    */
    int rc = sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        s_err(err, err_size, "%s: %s", path,
              self->db ? sqlite3_errmsg(self->db) : sqlite3_errstr(rc));
        pf_sqlstore_checkpointer_destroy(&self);
        return NULL;
    }
    sqlite3_busy_timeout(self->db, PF_STORE_BUSY_TIMEOUT_MS);
    sqlite3_db_config(self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    /* It must not checkpoint on its own account, nor write anything.      */
    sqlite3_wal_autocheckpoint(self->db, 0);
    char mode[16];
    if (s_pragma(self->db, "PRAGMA journal_mode", mode, sizeof mode, err, err_size) != PF_OK
        || strcmp(mode, "wal") != 0
        || s_pragma(self->db, "PRAGMA synchronous = NORMAL", NULL, 0, err, err_size)
               != PF_OK) {
        if (err && !*err)
            s_err(err, err_size, "%s is not in WAL mode", path);
        pf_sqlstore_checkpointer_destroy(&self);
        return NULL;
    }
    return self;
}

void
pf_sqlstore_checkpointer_destroy(pf_sqlstore_checkpointer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sqlite3_close_v2((*self_p)->db);
    free(*self_p);
    *self_p = NULL;
}

int
pf_sqlstore_checkpointer_run(pf_sqlstore_checkpointer_t *self, pf_sqlstore_t *store)
{
    int pages = atomic_load_explicit(&store->wal_pages, memory_order_relaxed);
    if (pages < PF_STORE_CHECKPOINT_PAGES)
        return 0;
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        return PF_EIO;
    /* Counted again from the writer's next commit: after a complete
       checkpoint it starts the log over; after a partial one the hook
       reports what is still there and we come back.                        */
    atomic_store_explicit(&store->wal_pages, 0, memory_order_relaxed);
    return 1;
}

int
pf_sqlstore_schema_version(void)
{
    return s_migrations[S_MIGRATION_COUNT - 1].version;
}

pf_sqlstore_t *
pf_sqlstore_open(const char *data_dir, char *err, size_t err_size)
{
    s_err(err, err_size, "%s", "");
    if (!data_dir || !*data_dir) {
        s_err(err, err_size, "no data directory");
        return NULL;
    }
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", data_dir, PF_SQLSTORE_FILE);
    if (n < 0 || (size_t)n >= sizeof path) {
        s_err(err, err_size, "data directory path too long");
        return NULL;
    }
    if (pf_fs_make_dir(data_dir, PF_SQLSTORE_DIR_MODE) != PF_OK) {
        s_err(err, err_size, "cannot create %s: %s", data_dir, strerror(errno));
        return NULL;
    }
    /* Create it ourselves so it (and the -wal and -shm files sqlite makes
       with the same mode) is private to the owner.                         */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, PF_SQLSTORE_FILE_MODE);
    if (fd < 0) {
        s_err(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    close(fd);

    /* One writer per file: a second coordinator on the same data dir would
       hand out the same jobs twice.  The lock dies with the process, so a
       kill -9 never leaves it behind.                                      */
    char lock_path[PATH_MAX];
    n = snprintf(lock_path, sizeof lock_path, "%s/%s", data_dir, PF_SQLSTORE_LOCK_FILE);
    if (n < 0 || (size_t)n >= sizeof lock_path) {
        s_err(err, err_size, "data directory path too long");
        return NULL;
    }
    int lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, PF_SQLSTORE_FILE_MODE);
    if (lock_fd < 0) {
        s_err(err, err_size, "cannot open %s: %s", lock_path, strerror(errno));
        return NULL;
    }
    if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(lock_fd);
        if (e == EWOULDBLOCK)
            s_err(err, err_size, "%s is in use by another process (%s is locked)", path,
                  lock_path);
        else
            s_err(err, err_size, "cannot lock %s: %s", lock_path, strerror(e));
        return NULL;
    }

    pf_sqlstore_t *self = pf_calloc(1, sizeof *self);
    self->lock_fd = lock_fd;
    int rc = sqlite3_open_v2(path, &self->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        s_err(err, err_size, "%s: %s", path,
              self->db ? sqlite3_errmsg(self->db) : sqlite3_errstr(rc));
        goto fail;
    }
    if (s_configure(self->db, err, err_size) != PF_OK
        || s_migrate(self->db, err, err_size) != PF_OK)
        goto fail;
    for (int i = 0; i < S_STMT_COUNT; i++)
        if (sqlite3_prepare_v3(self->db, s_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &self->stmt[i], NULL) != SQLITE_OK) {
            s_err(err, err_size, "%s: schema does not match: %s", path,
                  sqlite3_errmsg(self->db));
            goto fail;
        }
    return self;

fail:
    pf_sqlstore_close(&self);
    return NULL;
}

void
pf_sqlstore_close(pf_sqlstore_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_sqlstore_t *self = *self_p;
    if (self->in_txn)
        sqlite3_step(self->stmt[S_ROLLBACK]);
    for (int i = 0; i < S_STMT_COUNT; i++)
        sqlite3_finalize(self->stmt[i]);
    sqlite3_close_v2(self->db);
    close(self->lock_fd);     /* releases the flock                          */
    free(self);
    *self_p = NULL;
}

/* ------------------------------------------------------------- group */

int
pf_sqlstore_commit(pf_sqlstore_t *self)
{
    if (self->failed) {
        if (self->in_txn && !sqlite3_get_autocommit(self->db))
            s_run(self, S_ROLLBACK, "rollback");
        self->in_txn = false;
        self->failed = false;
        return PF_EIO;          /* errmsg still names the failed write      */
    }
    if (!self->in_txn)
        return PF_OK;
    int rc = s_run(self, S_COMMIT, "commit");
    if (rc != PF_OK && !sqlite3_get_autocommit(self->db)) {
        /* COMMIT can fail and leave the transaction open (a busy reader
           lock, a full disk): nothing of it may survive.                   */
        char saved[S_ERRMSG_SIZE];
        snprintf(saved, sizeof saved, "%s", self->errmsg);
        s_run(self, S_ROLLBACK, "rollback");
        snprintf(self->errmsg, sizeof self->errmsg, "%s", saved);
    }
    self->in_txn = false;
    return rc;
}

bool
pf_sqlstore_pending(const pf_sqlstore_t *self)
{
    return self->in_txn || self->failed;
}

const char *
pf_sqlstore_errmsg(const pf_sqlstore_t *self)
{
    return self->errmsg;
}

/* ------------------------------------------------------------ writes */

int
pf_sqlstore_put_batch(pf_sqlstore_t *self, const pf_batch_t *batch, double created_ms)
{
    if (!s_id_ok(batch->id) || batch->total == 0 || batch->max_concurrency == 0)
        return s_refuse(self, "put batch");
    if (s_write_begin(self) != PF_OK)
        return PF_EIO;
    sqlite3_stmt *st = self->stmt[S_PUT_BATCH];
    sqlite3_bind_text(st, 1, batch->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, batch->total);
    sqlite3_bind_int64(st, 3, batch->max_concurrency);
    sqlite3_bind_double(st, 4, created_ms);
    return s_write(self, S_PUT_BATCH, "put batch");
}

int
pf_sqlstore_put_job(pf_sqlstore_t *self, const pf_job_t *job, uint32_t batch_index)
{
    if (!s_id_ok(job->id) || !job->domain || strlen(job->domain) > PFP_DOMAIN_MAX
        || (job->idem_key && strlen(job->idem_key) > PF_SQLSTORE_IDEM_KEY_MAX)
        || (job->batch && !s_id_ok(job->batch->id)) || job->seq == 0 || job->seq > INT64_MAX)
        return s_refuse(self, "put job");
    if (s_write_begin(self) != PF_OK)
        return PF_EIO;
    sqlite3_stmt *st = self->stmt[S_PUT_JOB];
    sqlite3_bind_text(st, 1, job->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)job->seq);
    sqlite3_bind_text(st, 3, job->domain, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, job->requested);
    sqlite3_bind_int64(st, 5, job->set);
    sqlite3_bind_int(st, 6, (int)job->priority);
    if (job->idem_key)
        sqlite3_bind_text(st, 7, job->idem_key, -1, SQLITE_STATIC);
    if (job->batch) {
        sqlite3_bind_text(st, 8, job->batch->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 9, batch_index);
    }
    sqlite3_bind_int(st, 10, (int)job->status);
    sqlite3_bind_double(st, 11, job->created_ms);
    return s_write(self, S_PUT_JOB, "put job");
}

int
pf_sqlstore_put_module(pf_sqlstore_t *self, const pf_job_t *job, int module)
{
    if (!s_id_ok(job->id) || job->seq == 0 || job->seq > INT64_MAX || module < 0
        || module >= PF_MODULE_COUNT)
        return s_refuse(self, "put module");
    bool completed = job->mstate[module] == PF_MOD_COMPLETED;
    const pf_blob_t *result = job->result[module];
    if (completed && (!result || result->size > PF_RESULT_MAX_BYTES))
        return s_refuse(self, "put module");
    if (s_write_begin(self) != PF_OK)
        return PF_EIO;
    sqlite3_stmt *st = self->stmt[S_PUT_MODULE];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)job->seq);
    sqlite3_bind_int(st, 2, module);
    sqlite3_bind_int(st, 3, job->mstate[module]);
    sqlite3_bind_int(st, 4, job->attempts[module]);
    sqlite3_bind_int(st, 5, job->failures[module]);
    sqlite3_bind_int64(st, 6, job->duration_ms[module]);
    const char *error = job->error[module];
    if (error)   /* longer than any the engine makes: keep what fits       */
        sqlite3_bind_text(st, 7, error, (int)strnlen(error, PF_SQLSTORE_ERROR_MAX),
                          SQLITE_STATIC);
    if (completed)   /* "" keeps an empty result a blob, not NULL           */
        sqlite3_bind_blob(st, 8, result->size ? (const void *)result->data : "",
                          (int)result->size, SQLITE_STATIC);
    return s_write(self, S_PUT_MODULE, "put module");
}

int
pf_sqlstore_put_attempts(pf_sqlstore_t *self, const pf_job_t *job)
{
    if (!s_id_ok(job->id) || job->seq == 0 || job->seq > INT64_MAX)
        return s_refuse(self, "put attempts");
    if (s_write_begin(self) != PF_OK)
        return PF_EIO;
    sqlite3_stmt *st = self->stmt[S_PUT_ATTEMPTS];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)job->seq);
    sqlite3_bind_int(st, 2, (int)job->status);
    sqlite3_bind_blob(st, 3, job->attempts, PF_MODULE_COUNT, SQLITE_STATIC);
    return s_write(self, S_PUT_ATTEMPTS, "put attempts");
}

int
pf_sqlstore_put_job_status(pf_sqlstore_t *self, const pf_job_t *job, double ended_ms)
{
    if (!s_id_ok(job->id) || job->seq == 0 || job->seq > INT64_MAX)
        return s_refuse(self, "put job status");
    if (s_write_begin(self) != PF_OK)
        return PF_EIO;
    sqlite3_stmt *st = self->stmt[S_PUT_STATUS];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)job->seq);
    sqlite3_bind_int(st, 2, (int)job->status);
    if (pf_job_is_final(job))
        sqlite3_bind_double(st, 3, ended_ms);
    return s_write(self, S_PUT_STATUS, "put job status");
}

static int
s_delete(pf_sqlstore_t *self, s_stmt_id_t id, const char *key, const char *what)
{
    if (!key || !s_id_ok(key))
        return PF_EINVAL;
    if (s_write_begin(self) != PF_OK)
        return PF_EIO;
    sqlite3_bind_text(self->stmt[id], 1, key, -1, SQLITE_STATIC);
    return s_write(self, id, what);
}

int
pf_sqlstore_delete_job(pf_sqlstore_t *self, const char *id)
{
    return s_delete(self, S_DELETE_JOB, id, "delete job");
}

int
pf_sqlstore_delete_batch(pf_sqlstore_t *self, const char *id)
{
    return s_delete(self, S_DELETE_BATCH, id, "delete batch");
}

int
pf_sqlstore_purge_before(pf_sqlstore_t *self, double cutoff_ms, size_t limit, size_t *purged)
{
    if (limit == 0 || limit > INT64_MAX)
        return PF_EINVAL;
    if (s_write_begin(self) != PF_OK)
        return PF_EIO;
    sqlite3_stmt *st = self->stmt[S_PURGE_JOBS];
    sqlite3_bind_double(st, 1, cutoff_ms);
    sqlite3_bind_int(st, 2, PF_JOB_COMPLETED);   /* final states follow it  */
    sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
    if (s_write(self, S_PURGE_JOBS, "purge jobs") != PF_OK)
        return PF_EIO;
    /* Direct deletions only: the cascaded module rows are not counted.    */
    size_t count = (size_t)sqlite3_changes64(self->db);
    sqlite3_bind_double(self->stmt[S_PURGE_BATCHES], 1, cutoff_ms);
    if (s_write(self, S_PURGE_BATCHES, "purge batches") != PF_OK)
        return PF_EIO;
    if (purged)
        *purged = count;
    return PF_OK;
}

/* -------------------------------------------------------------- load */

/*  Reading state of one load: counts rows refused, keeps the reason.       */
typedef struct {
    pf_sqlstore_t *self;                /* the store                        */
    const pf_sqlstore_visitor_t *v;     /* callbacks                        */
    void *arg;                          /* their argument                   */
    size_t invalid;                     /* rows refused                     */
} s_load_t;

static void
s_invalid(s_load_t *ld, const char *table, const char *key, const char *why)
{
    ld->invalid++;
    snprintf(ld->self->errmsg, sizeof ld->self->errmsg, "%s row '%s': %s", table, key, why);
    if (ld->v->invalid)
        ld->v->invalid(ld->arg, table, key, PF_EPROTO, why);
}

/*  Text column: NULL allowed only if nullable (then *out = NULL), else
    1..max bytes, no NUL inside, and if printable every byte is visible
    ASCII.  Returns NULL if it fits, otherwise why not.                     */
static const char *
s_col_text(sqlite3_stmt *st, int col, size_t max, bool nullable, bool printable,
           const char **out)
{
    int type = sqlite3_column_type(st, col);
    if (type == SQLITE_NULL) {
        *out = NULL;
        return nullable ? NULL : "NULL where text is required";
    }
    if (type != SQLITE_TEXT)
        return "not text";
    const char *text = (const char *)sqlite3_column_text(st, col);
    size_t size = (size_t)sqlite3_column_bytes(st, col);
    if (!text)
        return "unreadable text";
    if (size == 0 || size > max)
        return "text length out of range";
    if (strlen(text) != size)
        return "NUL inside text";
    if (printable)
        for (size_t i = 0; i < size; i++)
            if (text[i] <= ' ' || text[i] > '~')
                return "non-printable character";
    *out = text;
    return NULL;
}

/*  Integer column in [min, max].                                           */
static const char *
s_col_int(sqlite3_stmt *st, int col, int64_t min, int64_t max, int64_t *out)
{
    int type = sqlite3_column_type(st, col);
    if (type == SQLITE_NULL)
        return "NULL where an integer is required";
    if (type != SQLITE_INTEGER)
        return "not an integer";
    int64_t value = sqlite3_column_int64(st, col);
    if (value < min || value > max)
        return "integer out of range";
    *out = value;
    return NULL;
}

/*  Wall-clock ms column: a finite number in [0, S_MS_MAX]; NULL only if
    nullable (then *present = false).                                       */
static const char *
s_col_ms(sqlite3_stmt *st, int col, bool nullable, double *out, bool *present)
{
    int type = sqlite3_column_type(st, col);
    if (type == SQLITE_NULL) {
        if (present)
            *present = false;
        return nullable ? NULL : "NULL where a time is required";
    }
    if (type != SQLITE_FLOAT && type != SQLITE_INTEGER)
        return "time is not a number";
    double value = sqlite3_column_double(st, col);
    if (!isfinite(value) || value < 0 || value > S_MS_MAX)
        return "time out of range";
    *out = value;
    if (present)
        *present = true;
    return NULL;
}

/*  The key to name a row by in a report: its text id if it has one.        */
static const char *
s_row_key(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) != SQLITE_TEXT)
        return "";
    const char *text = (const char *)sqlite3_column_text(st, col);
    return text ? text : "";
}

/*  Steps a read statement: 1 row, 0 done, PF_EIO.                          */
static int
s_step_row(pf_sqlstore_t *self, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return s_fail(self, what);
}

static int
s_load_batches(s_load_t *ld)
{
    sqlite3_stmt *st = ld->self->stmt[S_LOAD_BATCHES];
    int rc = PF_OK, row = 0;
    while (rc == PF_OK && (row = s_step_row(ld->self, st, "load batches")) == 1) {
        pf_sqlstore_batch_t b = { 0 };
        int64_t total = 0, conc = 0;
        const char *why = s_col_text(st, 0, PF_ID_SIZE - 1, false, true, &b.id);
        if (!why)
            why = s_col_int(st, 1, 1, UINT32_MAX, &total);
        if (!why)
            why = s_col_int(st, 2, 1, UINT32_MAX, &conc);
        if (!why)
            why = s_col_ms(st, 3, false, &b.created_ms, NULL);
        if (why) {
            s_invalid(ld, "batches", s_row_key(st, 0), why);
            continue;
        }
        b.total = (uint32_t)total;
        b.max_concurrency = (uint32_t)conc;
        if (ld->v->batch)
            rc = ld->v->batch(ld->arg, &b);
    }
    if (rc == PF_OK && row < 0)
        rc = row;
    sqlite3_reset(st);
    return rc;
}

/*  Checks one job row into *j; NULL or why it does not fit.                */
static const char *
s_job_row(sqlite3_stmt *st, pf_sqlstore_job_t *j)
{
    int64_t seq = 0, requested = 0, set = 0, priority = 0, index = 0, status = 0, total = 0;
    const char *why = s_col_text(st, S_J_ID, PF_ID_SIZE - 1, false, true, &j->id);
    if (!why)
        why = s_col_int(st, S_J_SEQ, 1, INT64_MAX, &seq);
    if (!why)
        why = s_col_text(st, S_J_DOMAIN, PFP_DOMAIN_MAX, false, true, &j->domain);
    if (!why)
        why = s_col_int(st, S_J_REQUESTED, 1, PF_MODULE_ALL, &requested);
    if (!why)
        why = s_col_int(st, S_J_SET, 1, PF_MODULE_ALL, &set);
    if (!why && (requested & ~set))
        why = "requested modules outside the module set";
    if (!why)
        why = s_col_int(st, S_J_PRIORITY, 0, PFP_PRIORITY_COUNT - 1, &priority);
    if (!why)
        why = s_col_text(st, S_J_IDEM_KEY, PF_SQLSTORE_IDEM_KEY_MAX, true, false, &j->idem_key);
    if (!why)
        why = s_col_text(st, S_J_BATCH_ID, PF_ID_SIZE - 1, true, true, &j->batch_id);
    if (!why && j->batch_id) {
        why = s_col_int(st, S_J_BATCH_TOTAL, 1, UINT32_MAX, &total);
        if (why)
            why = "its batch is missing or invalid";
        else
            why = s_col_int(st, S_J_BATCH_INDEX, 0, total - 1, &index);
    } else if (!why && sqlite3_column_type(st, S_J_BATCH_INDEX) != SQLITE_NULL)
        why = "batch_index without a batch";
    if (!why)
        why = s_col_int(st, S_J_STATUS, PF_JOB_QUEUED, PF_JOB_CANCELLED, &status);
    if (!why)
        why = s_col_ms(st, S_J_CREATED, false, &j->created_ms, NULL);
    if (!why)
        why = s_col_ms(st, S_J_ENDED, true, &j->ended_ms, &j->ended);
    if (!why && j->ended != (status >= PF_JOB_COMPLETED))
        why = j->ended ? "ended_ms set on an unfinished job" : "finished job without ended_ms";
    if (!why) {
        int type = sqlite3_column_type(st, S_J_ATTEMPTS);
        if (type == SQLITE_BLOB
            && sqlite3_column_bytes(st, S_J_ATTEMPTS) == PF_MODULE_COUNT) {
            memcpy(j->attempts, sqlite3_column_blob(st, S_J_ATTEMPTS), PF_MODULE_COUNT);
            for (int m = 0; m < PF_MODULE_COUNT && !why; m++)
                if (j->attempts[m] && !(set & (1 << m)))
                    why = "attempts for a module outside the set";
        } else if (type != SQLITE_NULL) {
            why = "attempts is not a blob of one byte per module";
        }
    }
    if (why)
        return why;
    j->seq = (uint64_t)seq;
    j->requested = (pf_modset_t)requested;
    j->set = (pf_modset_t)set;
    j->priority = (pfp_priority_t)priority;
    j->batch_index = (uint32_t)index;
    j->status = (pf_job_status_t)status;
    return NULL;
}

/*  Checks one module row of job j into *m; NULL or why it does not fit.    */
static const char *
s_module_row(sqlite3_stmt *st, const pf_sqlstore_job_t *j, pf_sqlstore_module_t *m)
{
    int64_t module = 0, state = 0, attempts = 0, failures = 0, duration = 0, size = 0;
    const char *why = s_col_int(st, S_M_MODULE, 0, PF_MODULE_COUNT - 1, &module);
    if (!why && !(j->set & (1u << module)))
        why = "module not in the job's set";
    if (!why)
        why = s_col_int(st, S_M_STATE, PF_MOD_PENDING, PF_MOD_CANCELLED, &state);
    if (!why)
        why = s_col_int(st, S_M_ATTEMPTS, 0, UINT8_MAX, &attempts);
    if (!why)
        why = s_col_int(st, S_M_FAILURES, 0, UINT8_MAX, &failures);
    if (!why)
        why = s_col_int(st, S_M_DURATION, 0, UINT32_MAX, &duration);
    if (!why)
        why = s_col_text(st, S_M_ERROR, PF_SQLSTORE_ERROR_MAX, true, false, &m->error);
    if (why)
        return why;
    int type = sqlite3_column_type(st, S_M_RESULT);
    const char *result_type = (const char *)sqlite3_column_text(st, S_M_RESULT_TYPE);
    bool has_result = result_type && strcmp(result_type, "null") != 0;
    if (state != PF_MOD_COMPLETED) {
        if (has_result)
            return "result on a module that did not complete";
    } else if (!result_type || strcmp(result_type, "blob") != 0) {
        return "completed module without a blob result";
    } else if (s_col_int(st, S_M_RESULT_SIZE, 0, PF_RESULT_MAX_BYTES, &size) != NULL) {
        return "result larger than PF_RESULT_MAX_BYTES";
    } else if (type != SQLITE_BLOB && !(type == SQLITE_NULL && size == 0)) {
        return "unreadable result";
    } else {
        const void *data = sqlite3_column_blob(st, S_M_RESULT);
        if ((size_t)sqlite3_column_bytes(st, S_M_RESULT) != (size_t)size)
            return "unreadable result";
        m->result = data ? data : "";    /* a zero-length blob reads as NULL */
        m->result_size = (size_t)size;
    }
    m->job_id = j->id;
    m->module = (int)module;
    m->state = (pf_mod_status_t)state;
    m->attempts = (uint8_t)attempts;
    m->failures = (uint8_t)failures;
    m->duration_ms = (uint32_t)duration;
    return NULL;
}

static int
s_load_modules(s_load_t *ld, const pf_sqlstore_job_t *j)
{
    sqlite3_stmt *st = ld->self->stmt[S_LOAD_MODULES];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)j->seq);
    sqlite3_bind_int64(st, 2, PF_RESULT_MAX_BYTES);
    int rc = PF_OK, row = 0;
    while (rc == PF_OK && (row = s_step_row(ld->self, st, "load modules")) == 1) {
        pf_sqlstore_module_t m = { 0 };
        const char *why = s_module_row(st, j, &m);
        if (why) {
            char key[PF_ID_SIZE + 24];
            if (sqlite3_column_type(st, S_M_MODULE) == SQLITE_INTEGER)
                snprintf(key, sizeof key, "%s/%lld", j->id,
                         (long long)sqlite3_column_int64(st, S_M_MODULE));
            else
                snprintf(key, sizeof key, "%s/?", j->id);
            s_invalid(ld, "modules", key, why);
            continue;
        }
        if (ld->v->module)
            rc = ld->v->module(ld->arg, &m);
    }
    if (rc == PF_OK && row < 0)
        rc = row;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int
s_load_jobs(s_load_t *ld)
{
    sqlite3_stmt *st = ld->self->stmt[S_LOAD_JOBS];
    int rc = PF_OK, row = 0;
    while (rc == PF_OK && (row = s_step_row(ld->self, st, "load jobs")) == 1) {
        pf_sqlstore_job_t j = { 0 };
        const char *why = s_job_row(st, &j);
        if (why) {
            s_invalid(ld, "jobs", s_row_key(st, S_J_ID), why);
            continue;
        }
        if (ld->v->job)
            rc = ld->v->job(ld->arg, &j);
        if (rc == PF_OK)
            rc = s_load_modules(ld, &j);
    }
    if (rc == PF_OK && row < 0)
        rc = row;
    sqlite3_reset(st);
    return rc;
}

int
pf_sqlstore_load(pf_sqlstore_t *self, const pf_sqlstore_visitor_t *v, void *arg)
{
    assert(v);
    /* One snapshot for the whole read, unless our own group is open (then
       we read through it and see our own writes).                          */
    bool own_txn = !self->in_txn;
    if (own_txn && s_run(self, S_BEGIN_READ, "begin read") != PF_OK)
        return PF_EIO;
    s_load_t ld = { .self = self, .v = v, .arg = arg };
    self->loading = true;
    int rc = s_load_batches(&ld);
    if (rc == PF_OK)
        rc = s_load_jobs(&ld);
    self->loading = false;
    if (own_txn) {
        char saved[S_ERRMSG_SIZE];
        snprintf(saved, sizeof saved, "%s", self->errmsg);
        s_run(self, S_ROLLBACK, "end read");    /* read only: nothing to keep */
        snprintf(self->errmsg, sizeof self->errmsg, "%s", saved);
    }
    if (rc == PF_OK && ld.invalid)
        rc = PF_EPROTO;
    return rc;
}

int
pf_sqlstore_max_seq(pf_sqlstore_t *self, uint64_t *seq)
{
    sqlite3_stmt *st = self->stmt[S_MAX_SEQ];
    int row = s_step_row(self, st, "max seq");
    if (row < 0) {
        sqlite3_reset(st);
        return row;
    }
    int rc = PF_OK;
    uint64_t value = 0;
    int type = row == 1 ? sqlite3_column_type(st, 0) : SQLITE_NULL;
    if (type == SQLITE_INTEGER && sqlite3_column_int64(st, 0) > 0)
        value = (uint64_t)sqlite3_column_int64(st, 0);
    else if (type != SQLITE_NULL) {
        snprintf(self->errmsg, sizeof self->errmsg, "jobs: a seq is not a positive integer");
        rc = PF_EPROTO;
    }
    sqlite3_reset(st);
    if (rc == PF_OK)
        *seq = value;
    return rc;
}
