/*  pf_report.c — readable forms of STATUS and RESULT (see pf_report.h).   */
#include "pf_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf_alloc.h"
#include "pf_cli.h"
#include "pf_error.h"
#include "pf_json.h"

#define S_TEXT_MAX 160       /* bytes of a fact's text in a module summary  */
#define S_LIST_INLINE 6      /* lists of at most this many scalars are shown */
#define S_COUNT_MAX 32       /* room for "(N items)"                        */

/*  A copy of server text (NULL -> "?") with control characters replaced by
    '?' so it cannot drive the terminal.  Caller frees.                      */
static char *
s_clean(const char *text)
{
    char *copy = pf_strdup(text ? text : "?");
    for (unsigned char *p = (unsigned char *)copy; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
    }
    return copy;
}

/*  A string value cleaned, or anything else as cleaned compact JSON.      */
static char *
s_clean_value(const pf_value_t *v)
{
    const char *s = pf_value_as_str(v, NULL);
    if (s)
        return s_clean(s);
    char *json = pf_json_text(v, PF_JSON_COMPACT);
    char *clean = s_clean(json);
    free(json);
    return clean;
}

int
pf_report_format_parse(const char *text, pf_report_format_t *format)
{
    if (text && strcmp(text, "md") == 0)
        *format = PF_REPORT_MD;
    else if (text && strcmp(text, "json") == 0)
        *format = PF_REPORT_JSON;
    else
        return PF_EINVAL;
    return PF_OK;
}

int
pf_report_format_merge(pf_report_format_t *format, pf_report_format_t flag)
{
    if (*format != PF_REPORT_AUTO && flag != PF_REPORT_AUTO && *format != flag)
        return PF_EINVAL;
    if (flag != PF_REPORT_AUTO)
        *format = flag;
    return PF_OK;
}

pf_report_format_t
pf_report_format_resolve(pf_report_format_t format, int fd)
{
    if (format != PF_REPORT_AUTO)
        return format;
    return isatty(fd) ? PF_REPORT_MD : PF_REPORT_JSON;
}

const pf_value_t *
pf_report_brief_result(const pf_value_t *result)
{
    return pf_map_get(pf_map_get(result, "results"), "strategic_signal_brief");
}

const char *
pf_report_brief(const pf_value_t *result)
{
    const char *md = pf_map_get_str(pf_map_get(pf_report_brief_result(result), "data"),
                                    "markdown");
    return md && *md ? md : NULL;
}

int
pf_report_write_brief(FILE *out, const pf_value_t *result)
{
    const char *md = pf_report_brief(result);
    if (!md)
        return PF_ENOTFOUND;
    for (const unsigned char *p = (const unsigned char *)md; *p; p++) {
        unsigned char c = *p;
        fputc(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f) ? c : '?', out);
    }
    if (md[strlen(md) - 1] != '\n')
        fputc('\n', out);
    return fflush(out) != 0 || ferror(out) ? PF_EIO : PF_OK;
}

bool
pf_report_simulated(const pf_value_t *result)
{
    if (pf_map_get_bool(result, "simulated", false))
        return true;
    const pf_value_t *results = pf_map_get(result, "results");
    size_t n = pf_map_size(results);
    for (size_t i = 0; i < n; i++) {
        if (pf_map_get_bool(pf_map_value_at(results, i), "simulated", false))
            return true;
    }
    return false;
}

void
pf_report_simulated_notice(FILE *out)
{
    fprintf(out, "NOTICE: SIMULATED DATA. These results come from simulated modules "
                 "(--simulate); they say nothing true about the company.\n");
}

bool
pf_report_module_synthetic(const pf_value_t *module_result)
{
    if (pf_map_get_bool(module_result, "synthetic", false))
        return true;
    const pf_value_t *sources = pf_map_get(module_result, "sources");
    for (size_t i = 0; i < pf_array_size(sources); i++) {
        const char *origin = pf_map_get_str(pf_array_at(sources, i), "origin");
        if (origin && strcmp(origin, "synthetic") == 0)
            return true;
    }
    return false;
}

pf_value_t *
pf_report_synthetic_modules(const pf_value_t *result)
{
    pf_value_t *names = pf_value_array();
    const pf_value_t *results = pf_map_get(result, "results");
    size_t n = pf_map_size(results);
    for (size_t i = 0; i < n; i++) {
        const char *name = pf_value_as_str(pf_map_key_at(results, i), NULL);
        if (name && pf_report_module_synthetic(pf_map_value_at(results, i)))
            pf_array_push_str(names, name);
    }
    return names;
}

bool
pf_report_synthetic(const pf_value_t *result)
{
    pf_value_t *names = pf_report_synthetic_modules(result);
    bool any = pf_array_size(names) > 0;
    pf_value_destroy(&names);
    return any;
}

void
pf_report_synthetic_notice(FILE *out, const pf_value_t *result)
{
    pf_value_t *names = pf_report_synthetic_modules(result);
    size_t n = pf_array_size(names);
    if (n > 0) {
        char *domain = s_clean(pf_map_get_str(result, "domain"));
        fprintf(out, "> **SYNTHETIC DATA**: the results of %zu module(s) rest on provider "
                     "answers that the offline emulator (pf-fakeapi) made up; they show the "
                     "format and are not facts about %s: ", n, domain);
        free(domain);
        for (size_t i = 0; i < n; i++) {
            char *name = s_clean(pf_value_as_str(pf_array_at(names, i), NULL));
            fprintf(out, "%s%s", i ? ", " : "", name);
            free(name);
        }
        fprintf(out, ".\n");
    }
    pf_value_destroy(&names);
}

/*  Server text for a Markdown table cell: cleaned, '|' escaped.  Caller
    frees.                                                                   */
static char *
s_cell(const char *text)
{
    char *clean = s_clean(text);
    size_t bars = 0;
    for (const char *p = clean; *p; p++)
        bars += *p == '|';
    char *cell = pf_malloc(strlen(clean) + bars + 1);
    char *q = cell;
    for (const char *p = clean; *p; p++) {
        if (*p == '|')
            *q++ = '\\';
        *q++ = *p;
    }
    *q = '\0';
    free(clean);
    return cell;
}

/*  True for a value that is neither a list nor a map.                      */
static bool
s_scalar(const pf_value_t *v)
{
    return !pf_value_is(v, PF_MAP) && !pf_value_is(v, PF_ARRAY);
}

/*  A fact's value for one line of text: a string cleaned and cut to
    S_TEXT_MAX bytes, a list or map of at most S_LIST_INLINE scalars
    joined ("a, b" / "k: v, k: v"), a longer or nested one counted,
    anything else as compact JSON.  Caller
    frees.                                                                   */
static char *
s_fact_text(const pf_value_t *v)
{
    const char *s = pf_value_as_str(v, NULL);
    if (s) {
        char *clean = s_clean(s);
        if (strlen(clean) > S_TEXT_MAX) {
            /*  Cut at a character boundary (never inside UTF-8).           */
            size_t cut = S_TEXT_MAX - 3;
            while (cut > 0 && ((unsigned char)clean[cut] & 0xC0) == 0x80)
                cut--;
            memcpy(clean + cut, "...", 4);
        }
        return clean;
    }
    bool map = pf_value_is(v, PF_MAP);
    if (!map && !pf_value_is(v, PF_ARRAY))
        return s_clean_value(v);
    size_t n = map ? pf_map_size(v) : pf_array_size(v);
    bool inline_ok = n > 0 && n <= S_LIST_INLINE;
    for (size_t i = 0; i < n && inline_ok; i++)
        inline_ok = s_scalar(map ? pf_map_value_at(v, i) : pf_array_at(v, i));
    if (!inline_ok) {
        char text[S_COUNT_MAX];
        snprintf(text, sizeof text, map ? "(%zu fields)" : "(%zu items)", n);
        return pf_strdup(text);
    }
    /*  "a, b" for a list, "key: value, key: value" for a map.              */
    char **parts = pf_calloc(n, sizeof *parts);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        char *value = s_fact_text(map ? pf_map_value_at(v, i) : pf_array_at(v, i));
        if (map) {
            char *key = s_clean_value(pf_map_key_at(v, i));
            size_t size = strlen(key) + strlen(value) + 3;
            parts[i] = pf_malloc(size);
            snprintf(parts[i], size, "%s: %s", key, value);
            free(key);
            free(value);
        } else {
            parts[i] = value;
        }
        len += strlen(parts[i]) + 2;
    }
    char *text = pf_malloc(len + 1);
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(text, ", ");
        strcat(text, parts[i]);
        free(parts[i]);
    }
    free(parts);
    return text;
}

/*  The four module lists of a RESULT body, in the order they are shown:
    the key, the status its modules have, and the key of each entry's
    detail (NULL: the list holds names, not {module, detail} maps).         */
typedef struct {
    const char *key;         /* "failed_modules"                            */
    const char *status;      /* "failed"                                    */
    const char *detail;      /* "error", or NULL for a list of names        */
} s_list_t;

static const s_list_t s_lists[] = {
    { "completed_modules", "completed", NULL },
    { "failed_modules", "failed", "error" },
    { "skipped_modules", "skipped", "reason" },
    { "pending_modules", "pending", NULL },
};
#define S_LISTS (sizeof s_lists / sizeof s_lists[0])

/*  Entry i of list l in result: the module's name (NULL when malformed)
    and its detail (borrowed; NULL for name lists).                          */
static const char *
s_entry(const pf_value_t *result, const s_list_t *l, size_t i, const pf_value_t **detail)
{
    const pf_value_t *item = pf_array_at(pf_map_get(result, l->key), i);
    if (!l->detail) {
        *detail = NULL;
        return pf_value_as_str(item, NULL);
    }
    *detail = pf_map_get(item, l->detail);
    return pf_map_get_str(item, "module");
}

/*  Where a module stands in a RESULT body: its status ("completed",
    "failed", "skipped", "pending") and, for failed and skipped, the error
    or reason (borrowed).  NULL status when the job does not include it.   */
static const char *
s_module_status(const pf_value_t *result, const char *module, const pf_value_t **detail)
{
    for (size_t k = 0; k < S_LISTS; k++) {
        size_t n = pf_array_size(pf_map_get(result, s_lists[k].key));
        for (size_t i = 0; i < n; i++) {
            const char *name = s_entry(result, &s_lists[k], i, detail);
            if (name && strcmp(name, module) == 0)
                return s_lists[k].status;
        }
    }
    *detail = NULL;
    return NULL;
}

/*  One row of the module table.                                            */
static void
s_table_row(FILE *out, const pf_value_t *result, const char *name, const char *status,
            const pf_value_t *detail, const pf_progress_t *progress)
{
    char *cell = s_cell(name);
    fprintf(out, "| %s | %s | ", cell, status);
    free(cell);
    long long ms = progress && name ? pf_progress_module_ms(progress, name) : -1;
    if (ms >= 0)
        fprintf(out, "%.2f s", ms / 1000.0);
    fputs(" | ", out);
    if (detail) {
        char *text = s_clean_value(detail);
        cell = s_cell(text);
        fputs(cell, out);
        free(cell);
        free(text);
    } else if (strcmp(status, "completed") == 0 && name) {
        const pf_value_t *r = pf_map_get(pf_map_get(result, "results"), name);
        size_t facts = pf_map_size(pf_map_get(r, "data"));
        size_t unknown = pf_array_size(pf_map_get(r, "missing"));
        if (pf_map_get_bool(r, "simulated", false))
            fputs("simulated placeholder", out);
        else
            fprintf(out, "%zu facts, %zu unknown%s", facts, unknown,
                    pf_report_module_synthetic(r) ? ", synthetic data" : "");
    }
    fputs(" |\n", out);
}

/*  The table of every module of the job, list by list.                     */
static void
s_module_table(FILE *out, const pf_value_t *result, const pf_progress_t *progress)
{
    fprintf(out, "| module | status | time | detail |\n|---|---|---|---|\n");
    for (size_t k = 0; k < S_LISTS; k++) {
        size_t n = pf_array_size(pf_map_get(result, s_lists[k].key));
        for (size_t i = 0; i < n; i++) {
            const pf_value_t *detail;
            const char *name = s_entry(result, &s_lists[k], i, &detail);
            s_table_row(out, result, name, s_lists[k].status, detail, progress);
        }
    }
}

/*  "**Job** J for D: **status** in S s; N of M modules completed."          */
static void
s_job_line(FILE *out, const pf_value_t *result)
{
    char *job = s_clean(pf_map_get_str(result, "job_id"));
    char *domain = s_clean(pf_map_get_str(result, "domain"));
    char *status = s_clean(pf_map_get_str(result, "status"));
    size_t completed = pf_array_size(pf_map_get(result, "completed_modules"));
    size_t total = completed + pf_array_size(pf_map_get(result, "failed_modules"))
                   + pf_array_size(pf_map_get(result, "skipped_modules"))
                   + pf_array_size(pf_map_get(result, "pending_modules"));
    fprintf(out, "**Job** %s for %s: **%s**", job, domain, status);
    if (pf_map_has(result, "duration_ms"))
        fprintf(out, " in %.2f s", pf_map_get_float(result, "duration_ms", 0) / 1000.0);
    fprintf(out, "; %zu of %zu modules completed.\n", completed, total);
    free(status);
    free(domain);
    free(job);
}

/*  Why a RESULT body has no brief, as one Markdown paragraph.              */
static void
s_no_brief(FILE *out, const pf_value_t *result)
{
    const pf_value_t *detail = NULL;
    const char *status = s_module_status(result, "strategic_signal_brief", &detail);
    char *domain = s_clean(pf_map_get_str(result, "domain"));
    if (!status) {
        fprintf(out, "**No brief: the strategic signal brief was not part of this job.** It "
                     "ran only the modules asked for (--modules) and the modules they need; "
                     "`pf enrich %s` without --modules ends in the brief.  Each module's "
                     "summary follows.\n",
                domain);
    } else if (strcmp(status, "completed") == 0) {
        fprintf(out, "**No brief:** %s\n",
                pf_report_simulated(result)
                    ? "the modules ran simulated (--simulate): their results are "
                      "placeholders and the brief has no Markdown."
                    : "the strategic signal brief completed without Markdown.");
    } else {
        char *text = detail ? s_clean_value(detail) : NULL;
        fprintf(out, "**No brief: the strategic signal brief %s%s%s.** Each module's summary "
                     "follows.\n",
                strcmp(status, "pending") == 0 ? "has not run yet" : status,
                text ? ": " : "", text ? text : "");
        free(text);
    }
    free(domain);
}

/*  Per completed module: its facts and its unknowns.                       */
static void
s_module_facts(FILE *out, const pf_value_t *result)
{
    const pf_value_t *list = pf_map_get(result, "completed_modules");
    const pf_value_t *results = pf_map_get(result, "results");
    for (size_t i = 0; i < pf_array_size(list); i++) {
        const char *name = pf_value_as_str(pf_array_at(list, i), NULL);
        const pf_value_t *r = name ? pf_map_get(results, name) : NULL;
        if (!r)
            continue;
        char *clean = s_clean(name);
        fprintf(out, "\n## %s%s\n\n", clean,
                pf_report_module_synthetic(r) ? " (synthetic data)" : "");
        free(clean);
        /*  A pf_facts result has its facts under "data"; a simulated
            placeholder is the map itself.                                  */
        const pf_value_t *data = pf_map_get(r, "data");
        if (!pf_value_is(data, PF_MAP))
            data = r;
        size_t n = pf_map_size(data);
        for (size_t f = 0; f < n; f++) {
            char *key = s_clean_value(pf_map_key_at(data, f));
            char *text = s_fact_text(pf_map_value_at(data, f));
            fprintf(out, "- **%s**: %s\n", key, text);
            free(text);
            free(key);
        }
        const pf_value_t *missing = pf_map_get(r, "missing");
        for (size_t m = 0; m < pf_array_size(missing); m++) {
            const pf_value_t *item = pf_array_at(missing, m);
            char *field = s_clean(pf_map_get_str(item, "field"));
            char *reason = s_clean(pf_map_get_str(item, "reason"));
            fprintf(out, "- _unknown_ **%s**: %s\n", field, reason);
            free(reason);
            free(field);
        }
        if (n == 0 && pf_array_size(missing) == 0)
            fprintf(out, "- _no facts_\n");
    }
}

int
pf_report_result(FILE *out, const pf_value_t *result, const pf_progress_t *progress)
{
    bool simulated = pf_report_simulated(result);
    if (simulated)
        pf_report_simulated_notice(out);
    pf_report_synthetic_notice(out, result);
    if (pf_report_brief(result)) {
        /*  The brief is what a person reads; every module's result is one
            `pf results JOB --format json` away.                            */
        if (pf_report_synthetic(result))
            fputc('\n', out);
        pf_report_write_brief(out, result);
        fprintf(out, "\n---\n\n");
        s_job_line(out, result);
        /*  The modules that did not complete, with why.                    */
        bool any = false;
        for (size_t k = 0; k < S_LISTS; k++) {
            size_t n = s_lists[k].detail ? pf_array_size(pf_map_get(result, s_lists[k].key)) : 0;
            for (size_t i = 0; i < n; i++) {
                const pf_value_t *detail;
                char *name = s_clean(s_entry(result, &s_lists[k], i, &detail));
                char *text = s_clean_value(detail);
                fprintf(out, "%s- %s %s: %s\n", any ? "" : "\n", name, s_lists[k].status, text);
                any = true;
                free(text);
                free(name);
            }
        }
        char *job = s_clean(pf_map_get_str(result, "job_id"));
        fprintf(out, "\nEvery module's result with its sources: `pf results %s --format json`\n",
                job);
        free(job);
        if (pf_report_synthetic(result))
            fputc('\n', out);
        pf_report_synthetic_notice(out, result);
    } else {
        if (simulated || pf_report_synthetic(result))
            fputc('\n', out);
        s_job_line(out, result);
        fputc('\n', out);
        s_no_brief(out, result);
        fputc('\n', out);
        s_module_table(out, result, progress);
        s_module_facts(out, result);
        if (simulated || pf_report_synthetic(result))
            fputc('\n', out);
        if (simulated)
            pf_report_simulated_notice(out);
        pf_report_synthetic_notice(out, result);
    }
    if (fflush(out) != 0 || ferror(out))
        return PF_EIO;
    return PF_OK;
}

int
pf_report_json(FILE *out, pf_value_t *result)
{
    pf_map_set_bool(result, "synthetic", pf_report_synthetic(result));
    return pf_cli_print_json(out, result, PF_JSON_PRETTY);
}

pf_value_t *
pf_report_batch_line(const pf_value_t *result)
{
    pf_value_t *line = pf_value_map();
    static const char *const copied[] = { "domain", "job_id", "status" };
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
        const char *text = pf_map_get_str(result, copied[i]);
        if (text)
            pf_map_set_str(line, copied[i], text);
        else
            pf_map_set_nil(line, copied[i]);
    }
    if (pf_map_has(result, "duration_ms"))
        pf_map_set_int(line, "duration_ms", pf_map_get_int(result, "duration_ms", 0));
    pf_value_t *synthetic = pf_report_synthetic_modules(result);
    pf_map_set_bool(line, "synthetic", pf_array_size(synthetic) > 0);
    pf_map_set(line, "synthetic_modules", &synthetic);
    /*  name -> status, in the RESULT's list order; the failed and skipped
        lists as they are.                                                   */
    pf_value_t *modules = pf_value_map();
    for (size_t k = 0; k < S_LISTS; k++) {
        const pf_value_t *list = pf_map_get(result, s_lists[k].key);
        for (size_t i = 0; i < pf_array_size(list); i++) {
            const pf_value_t *detail;
            const char *name = s_entry(result, &s_lists[k], i, &detail);
            if (name)
                pf_map_set_str(modules, name, s_lists[k].status);
        }
        if (s_lists[k].detail) {
            pf_value_t *copy = list ? pf_value_dup(list) : pf_value_array();
            pf_map_set(line, s_lists[k].key, &copy);
        }
    }
    pf_map_set(line, "modules", &modules);
    const pf_value_t *data = pf_map_get(pf_report_brief_result(result), "data");
    if (pf_value_is(data, PF_MAP)) {
        pf_value_t *brief = pf_value_dup(data);
        pf_map_set(line, "brief", &brief);
    } else {
        pf_map_set_nil(line, "brief");
    }
    return line;
}

/*  Short form of a batch STATUS.                                           */
static void
s_batch_status(FILE *out, const pf_value_t *status)
{
    char *id = s_clean(pf_map_get_str(status, "batch_id"));
    fprintf(out, "%s  total %lld: queued %lld, running %lld, completed %lld, partial %lld, "
                 "failed %lld, cancelled %lld\n",
            id, (long long)pf_map_get_int(status, "total", 0),
            (long long)pf_map_get_int(status, "queued", 0),
            (long long)pf_map_get_int(status, "running", 0),
            (long long)pf_map_get_int(status, "completed", 0),
            (long long)pf_map_get_int(status, "partial", 0),
            (long long)pf_map_get_int(status, "failed", 0),
            (long long)pf_map_get_int(status, "cancelled", 0));
    free(id);
}

int
pf_report_status(FILE *out, const pf_value_t *status)
{
    if (pf_map_has(status, "batch_id")) {
        s_batch_status(out, status);
    } else {
        /*  The progress table renders a job; its clock starts at 0 and
            "now" is the job's elapsed time, so the header shows it.        */
        long long elapsed = (long long)(pf_map_get_float(status, "elapsed_seconds", 0) * 1000.0);
        pf_progress_t *table =
            pf_progress_new(pf_map_get_str(status, "job_id"), pf_map_get_str(status, "domain"), 0);
        pf_progress_status(table, status, -1);
        pf_progress_render(table, out, false, elapsed);
        pf_progress_destroy(&table);
        char *priority = s_clean(pf_map_get_str(status, "priority"));
        fprintf(out, "priority %s", priority);
        free(priority);
        if (pf_map_has(status, "estimated_remaining_seconds")
            && !pf_progress_is_final_status(pf_map_get_str(status, "status")))
            fprintf(out, ", about %.0f s remaining",
                    pf_map_get_float(status, "estimated_remaining_seconds", 0));
        fputc('\n', out);
    }
    if (fflush(out) != 0 || ferror(out))
        return PF_EIO;
    return PF_OK;
}
