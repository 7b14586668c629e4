/*  pf_report.c — readable forms of STATUS and RESULT (see pf_report.h).   */
#include "pf_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_json.h"

#define S_NAME_WIDTH 24      /* column width of module names                */
#define S_STATUS_WIDTH 10    /* column width of module statuses             */
#define S_INDENT "    "      /* indentation of a module's result JSON       */

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

const char *
pf_report_brief(const pf_value_t *result)
{
    const pf_value_t *brief = pf_map_get(pf_map_get(result, "results"), "strategic_signal_brief");
    const char *md = pf_map_get_str(pf_map_get(brief, "data"), "markdown");
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

/*  "label:    text" with text from the server.                             */
static void
s_field(FILE *out, const char *label, const char *text)
{
    char *clean = s_clean(text);
    fprintf(out, "%-10s%s\n", label, clean);
    free(clean);
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

/*  One line of the module list.  detail (may be NULL) follows the status as
    "label: detail"; a known duration follows as seconds.                   */
static void
s_module_row(FILE *out, const char *name, const char *status, long long ms,
             const char *label, const pf_value_t *detail)
{
    char *clean = s_clean(name);
    fprintf(out, "  %-*s %-*s", S_NAME_WIDTH, clean, S_STATUS_WIDTH, status);
    free(clean);
    if (ms >= 0)
        fprintf(out, " %8.2fs", ms / 1000.0);
    if (detail) {
        char *text = s_clean_value(detail);
        fprintf(out, "  %s: %s", label, text);
        free(text);
    }
    fputc('\n', out);
}

/*  Rows for a list of names (completed_modules, pending_modules).         */
static void
s_name_rows(FILE *out, const pf_value_t *list, const char *status,
            const pf_progress_t *progress)
{
    for (size_t i = 0; i < pf_array_size(list); i++) {
        const char *name = pf_value_as_str(pf_array_at(list, i), NULL);
        long long ms = progress && name ? pf_progress_module_ms(progress, name) : -1;
        s_module_row(out, name, status, ms, NULL, NULL);
    }
}

/*  Rows for a list of {module, <key>} maps (failed_modules, skipped_modules). */
static void
s_detail_rows(FILE *out, const pf_value_t *list, const char *status, const char *key,
              const pf_progress_t *progress)
{
    for (size_t i = 0; i < pf_array_size(list); i++) {
        const pf_value_t *item = pf_array_at(list, i);
        const char *name = pf_map_get_str(item, "module");
        long long ms = progress && name ? pf_progress_module_ms(progress, name) : -1;
        s_module_row(out, name, status, ms, key, pf_map_get(item, key));
    }
}

/*  Writes text with every line prefixed by indent.                         */
static void
s_indented(FILE *out, const char *text, const char *indent)
{
    const char *line = text;
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        fprintf(out, "%s%.*s\n", indent, (int)len, line);
        line += len + (nl ? 1 : 0);
    }
}

int
pf_report_result(FILE *out, const pf_value_t *result, const pf_progress_t *progress)
{
    s_field(out, "domain:", pf_map_get_str(result, "domain"));
    s_field(out, "job:", pf_map_get_str(result, "job_id"));
    s_field(out, "status:", pf_map_get_str(result, "status"));
    if (pf_map_has(result, "duration_ms"))
        fprintf(out, "%-10s%.2f s\n", "duration:",
                pf_map_get_float(result, "duration_ms", 0) / 1000.0);
    bool simulated = pf_report_simulated(result);
    if (simulated)
        pf_report_simulated_notice(out);

    fprintf(out, "\nmodules:\n");
    s_name_rows(out, pf_map_get(result, "completed_modules"), "completed", progress);
    s_detail_rows(out, pf_map_get(result, "failed_modules"), "failed", "error", progress);
    s_detail_rows(out, pf_map_get(result, "skipped_modules"), "skipped", "reason", progress);
    s_name_rows(out, pf_map_get(result, "pending_modules"), "pending", progress);

    if (pf_report_brief(result)) {
        /*  A real job: the brief is what a person reads; every module's
            result is one `pf results JOB --json` away.                     */
        fprintf(out, "\n");
        pf_report_write_brief(out, result);
        fprintf(out, "\n(every module's result with its sources: pf results %s --json)\n",
                pf_map_get_str(result, "job_id") ? pf_map_get_str(result, "job_id") : "JOB");
        if (fflush(out) != 0 || ferror(out))
            return PF_EIO;
        return PF_OK;
    }
    const pf_value_t *results = pf_map_get(result, "results");
    size_t n = pf_map_size(results);
    if (n > 0)
        fprintf(out, "\nresults:\n");
    for (size_t i = 0; i < n; i++) {
        char *name = s_clean_value(pf_map_key_at(results, i));
        fprintf(out, "  %s:\n", name);
        free(name);
        /*  JSON escapes every control character, so this text is safe.     */
        char *json = pf_json_text(pf_map_value_at(results, i), PF_JSON_PRETTY);
        if (json)
            s_indented(out, json, S_INDENT);
        free(json);
    }
    if (simulated && n > 0)
        pf_report_simulated_notice(out);
    if (fflush(out) != 0 || ferror(out))
        return PF_EIO;
    return PF_OK;
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
