/*  pf_progress.c — merged view of one job from tap events and STATUS
    replies, rendered as a table (see pf_progress.h).                        */
#include "pf_progress.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pf_alloc.h"

/*  Order of module states within one attempt; a message never moves a
    module to a lower rank of the same attempt.                             */
enum {
    S_RANK_PENDING = 0,
    S_RANK_READY = 1,
    S_RANK_RUNNING = 2,
    S_RANK_RETRYING = 3,
    S_RANK_ENDED = 4
};

/*  Order of job states.                                                     */
enum { S_JOB_QUEUED = 0, S_JOB_RUNNING = 1, S_JOB_ENDED = 2 };

#define S_LINE_MAX 512       /* bytes in one rendered line                  */
#define S_ERROR_SHOWN 60     /* bytes of an error message shown in a row    */
#define S_NAME_WIDTH 24      /* column width of module names                */

typedef struct {
    char *name;             /* module name                                   */
    char *status;           /* last accepted module status                   */
    int rank;               /* S_RANK_* of status                            */
    long long attempt;      /* attempt number learnt, 0 when unknown         */
    long long duration_ms;  /* duration once ended, -1 when unknown          */
    char *error;            /* error or skip reason, NULL when none          */
    long long running_since; /* local clock when seen running, -1 if not    */
} s_row_t;

struct pf_progress_t {
    char *job_id;           /* the job followed                              */
    char *domain;           /* its domain, NULL until known                  */
    char *status;           /* job status as learnt                          */
    long long started_ms;   /* local clock at creation                       */
    long long duration_ms;  /* job duration once ended, -1 unknown           */
    s_row_t *rows;          /* modules in display order                      */
    size_t count;           /* rows in use                                   */
    size_t capacity;        /* rows allocated                                */
    int drawn_lines;        /* lines written by the last render              */
};

static void
s_set(char **field, const char *value)
{
    char *copy = pf_strdup(value);
    free(*field);
    *field = copy;
}

static int
s_module_rank(const char *status)
{
    if (!status)
        return S_RANK_PENDING;
    if (strcmp(status, "ready") == 0)
        return S_RANK_READY;
    if (strcmp(status, "running") == 0)
        return S_RANK_RUNNING;
    if (strcmp(status, "retrying") == 0)
        return S_RANK_RETRYING;
    if (strcmp(status, "completed") == 0 || strcmp(status, "failed") == 0
        || strcmp(status, "skipped") == 0 || strcmp(status, "cancelled") == 0)
        return S_RANK_ENDED;
    return S_RANK_PENDING;
}

bool
pf_progress_is_final_status(const char *status)
{
    return status && (strcmp(status, "completed") == 0 || strcmp(status, "partial") == 0
                      || strcmp(status, "failed") == 0 || strcmp(status, "cancelled") == 0);
}

static int
s_job_rank(const char *status)
{
    if (pf_progress_is_final_status(status))
        return S_JOB_ENDED;
    if (status && strcmp(status, "running") == 0)
        return S_JOB_RUNNING;
    return S_JOB_QUEUED;
}

pf_progress_t *
pf_progress_new(const char *job_id, const char *domain, long long now_ms)
{
    pf_progress_t *self = pf_calloc(1, sizeof *self);
    self->job_id = pf_strdup(job_id ? job_id : "");
    self->domain = pf_strdup(domain);
    self->status = pf_strdup("queued");
    self->started_ms = now_ms;
    self->duration_ms = -1;
    return self;
}

void
pf_progress_destroy(pf_progress_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_progress_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        free(self->rows[i].name);
        free(self->rows[i].status);
        free(self->rows[i].error);
    }
    free(self->rows);
    free(self->job_id);
    free(self->domain);
    free(self->status);
    free(self);
    *self_p = NULL;
}

static s_row_t *
s_find(const pf_progress_t *self, const char *name)
{
    for (size_t i = 0; i < self->count; i++) {
        if (strcmp(self->rows[i].name, name) == 0)
            return &self->rows[i];
    }
    return NULL;
}

static s_row_t *
s_row(pf_progress_t *self, const char *name)
{
    s_row_t *row = s_find(self, name);
    if (row)
        return row;
    if (self->count == self->capacity) {
        self->capacity = self->capacity ? self->capacity * 2 : 16;
        self->rows = pf_realloc(self->rows, self->capacity * sizeof *self->rows);
    }
    row = &self->rows[self->count++];
    memset(row, 0, sizeof *row);
    row->name = pf_strdup(name);
    row->status = pf_strdup("pending");
    row->duration_ms = -1;
    row->running_since = -1;
    return row;
}

/*  Merges one observation into row; returns true if anything changed.     */
static bool
s_apply(s_row_t *row, const char *status, long long attempt, long long duration_ms,
        const char *error, long long now_ms)
{
    int rank = s_module_rank(status);
    bool newer = attempt > row->attempt;
    bool same = attempt == row->attempt || attempt <= 0;
    /*  An end state is believed even from an older attempt number: sources
        may count attempts differently, and an end is never undone.         */
    bool ends = rank == S_RANK_ENDED && row->rank != S_RANK_ENDED;
    if (!newer && !ends && !(same && rank >= row->rank))
        return false;
    bool changed = strcmp(row->status, status) != 0 || (newer && attempt > 0);
    if (rank == S_RANK_RUNNING && (row->rank != S_RANK_RUNNING || newer))
        row->running_since = now_ms >= 0 ? now_ms : -1;
    s_set(&row->status, status);
    row->rank = rank;
    if (attempt > row->attempt)
        row->attempt = attempt;
    if (duration_ms >= 0 && duration_ms != row->duration_ms) {
        row->duration_ms = duration_ms;
        changed = true;
    }
    if (error && (!row->error || strcmp(row->error, error) != 0)) {
        s_set(&row->error, error);
        changed = true;
    }
    return changed;
}

static bool
s_job_apply(pf_progress_t *self, const char *status, long long duration_ms)
{
    if (!status || s_job_rank(status) < s_job_rank(self->status))
        return false;
    /*  The first end state learnt stays: the job cannot end twice.         */
    if (s_job_rank(self->status) == S_JOB_ENDED)
        return false;
    bool changed = strcmp(self->status, status) != 0;
    s_set(&self->status, status);
    if (duration_ms >= 0)
        self->duration_ms = duration_ms;
    return changed;
}

/*  A duration field in ms, integer or real; -1 when absent.                */
static long long
s_duration(const pf_value_t *map)
{
    const pf_value_t *v = pf_map_get(map, "duration_ms");
    if (!v || !(pf_value_is(v, PF_INT) || pf_value_is(v, PF_FLOAT) || pf_value_is(v, PF_UINT)))
        return -1;
    double d = pf_value_as_float(v, -1);
    return d < 0 ? -1 : (long long)(d + 0.5);
}

bool
pf_progress_event(pf_progress_t *self, const char *topic, const pf_value_t *event,
                  long long now_ms)
{
    const char *job_id = pf_map_get_str(event, "job_id");
    if (!topic || !job_id || strcmp(job_id, self->job_id) != 0)
        return false;
    const char *domain = pf_map_get_str(event, "domain");
    if (domain && !self->domain)
        s_set(&self->domain, domain);
    if (strncmp(topic, "job.", 4) == 0) {
        const char *what = topic + 4;
        if (strcmp(what, "accepted") == 0)
            return s_job_apply(self, "queued", -1);
        if (strcmp(what, "started") == 0)
            return s_job_apply(self, "running", -1);
        if (pf_progress_is_final_status(what))
            return s_job_apply(self, what, s_duration(event));
        return false;
    }
    if (strncmp(topic, "module.", 7) != 0)
        return false;
    const char *module = pf_map_get_str(event, "module");
    if (!module)
        return false;
    const char *what = topic + 7;
    const char *status;
    if (strcmp(what, "ready") == 0)
        status = "ready";
    else if (strcmp(what, "started") == 0)
        status = "running";
    else if (strcmp(what, "completed") == 0 || strcmp(what, "failed") == 0
             || strcmp(what, "skipped") == 0 || strcmp(what, "cancelled") == 0)
        status = what;
    else if (strcmp(what, "retried") == 0)
        status = "retrying";
    else
        return false;
    /*  The job runs once one of its modules does, whatever the tap lost.   */
    if (strcmp(status, "running") == 0)
        s_job_apply(self, "running", -1);
    const char *error = pf_map_get_str(event, "error");
    if (!error)
        error = pf_map_get_str(event, "reason");
    return s_apply(s_row(self, module), status, pf_map_get_int(event, "attempt", 0),
                   s_duration(event), error, now_ms);
}

bool
pf_progress_status(pf_progress_t *self, const pf_value_t *status, long long now_ms)
{
    const char *job_id = pf_map_get_str(status, "job_id");
    if (job_id && strcmp(job_id, self->job_id) != 0)
        return false;
    bool changed = false;
    const char *domain = pf_map_get_str(status, "domain");
    if (domain && !self->domain) {
        s_set(&self->domain, domain);
        changed = true;
    }
    const pf_value_t *modules = pf_map_get(status, "modules");
    size_t n = pf_map_size(modules);
    /*  Display in the coordinator's order: rows it names come first, in its
        order, then any only the tap has mentioned.                         */
    size_t placed = 0;   /* rows[0..placed) are in the coordinator's order  */
    for (size_t i = 0; i < n; i++) {
        const char *name = pf_value_as_str(pf_map_key_at(modules, i), NULL);
        const pf_value_t *m = pf_map_value_at(modules, i);
        if (!name || !pf_value_is(m, PF_MAP))
            continue;
        s_row_t *row = s_row(self, name);
        size_t at = (size_t)(row - self->rows);
        if (at >= placed) {
            if (at > placed) {
                s_row_t moving = *row;
                memmove(&self->rows[placed + 1], &self->rows[placed],
                        (at - placed) * sizeof *row);
                self->rows[placed] = moving;
                row = &self->rows[placed];
            }
            placed++;
        }
        const char *st = pf_map_get_str(m, "status");
        if (st)
            changed |= s_apply(row, st, pf_map_get_int(m, "attempts", 0), s_duration(m),
                               pf_map_get_str(m, "error"), now_ms);
    }
    const char *st = pf_map_get_str(status, "status");
    if (st) {
        long long duration = -1;
        if (pf_progress_is_final_status(st)) {
            double elapsed = pf_map_get_float(status, "elapsed_seconds", -1);
            if (elapsed >= 0)
                duration = (long long)(elapsed * 1000.0 + 0.5);
        }
        changed |= s_job_apply(self, st, duration);
    }
    return changed;
}

const char *
pf_progress_job_status(const pf_progress_t *self)
{
    return self->status;
}

bool
pf_progress_final(const pf_progress_t *self)
{
    return pf_progress_is_final_status(self->status);
}

long long
pf_progress_module_ms(const pf_progress_t *self, const char *module)
{
    const s_row_t *row = s_find(self, module);
    return row ? row->duration_ms : -1;
}

/*  Replaces control characters (which could drive the terminal) by '?'.   */
static void
s_sanitize(char *text)
{
    for (unsigned char *p = (unsigned char *)text; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
    }
}

/*  Columns of out's terminal, or 0 when unknown.                           */
static int
s_columns(FILE *out)
{
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

/*  Writes one line, cut to the terminal width so a redraw can count lines. */
static void
s_line(FILE *out, char *line, int columns, int *lines)
{
    s_sanitize(line);
    if (columns > 1 && (int)strlen(line) >= columns)
        line[columns - 1] = '\0';
    fprintf(out, "%s\n", line);
    (*lines)++;
}

void
pf_progress_render(pf_progress_t *self, FILE *out, bool redraw, long long now_ms)
{
    int columns = redraw ? s_columns(out) : 0;
    if (redraw && self->drawn_lines > 0)
        fprintf(out, "\033[%dA\033[J", self->drawn_lines);
    int lines = 0;
    char line[S_LINE_MAX];
    size_t ended = 0;
    for (size_t i = 0; i < self->count; i++)
        ended += self->rows[i].rank == S_RANK_ENDED;
    long long elapsed = self->duration_ms >= 0 ? self->duration_ms : now_ms - self->started_ms;
    snprintf(line, sizeof line, "%s  %s  %s  %.1fs  %zu/%zu modules ended", self->job_id,
             self->domain ? self->domain : "?", self->status, elapsed / 1000.0, ended,
             self->count);
    s_line(out, line, columns, &lines);
    for (size_t i = 0; i < self->count; i++) {
        const s_row_t *row = &self->rows[i];
        char took[32] = "";
        if (row->duration_ms >= 0)
            snprintf(took, sizeof took, "%.2fs", row->duration_ms / 1000.0);
        else if (row->rank == S_RANK_RUNNING && row->running_since >= 0)
            snprintf(took, sizeof took, "%.1fs..", (now_ms - row->running_since) / 1000.0);
        char extra[S_ERROR_SHOWN + 48] = "";
        size_t used = 0;
        if (row->attempt > 1)
            used += (size_t)snprintf(extra, sizeof extra, "  attempt %lld", row->attempt);
        if (row->error && used < sizeof extra)
            snprintf(extra + used, sizeof extra - used, "  %.*s", S_ERROR_SHOWN, row->error);
        snprintf(line, sizeof line, "  %-*s %-10s %9s%s", S_NAME_WIDTH, row->name, row->status,
                 took, extra);
        s_line(out, line, columns, &lines);
    }
    fflush(out);
    self->drawn_lines = lines;
}
