/*  pf_upctl.c — the CLI side of `pf up`'s control socket (see pf_upctl.h). */
#include "pf_upctl.h"

#include <errno.h>
#include <string.h>

#include "pf_error.h"
#include "pf_supctl.h"

/*  Milliseconds per unit, for durations.                                   */
#define S_SECOND_MS 1000LL
#define S_MINUTE_MS (60 * S_SECOND_MS)
#define S_HOUR_MS (60 * S_MINUTE_MS)
#define S_DAY_MS (24 * S_HOUR_MS)

void
pf_upctl_put_safe(FILE *out, const char *text)
{
    if (!text)
        text = "?";
    for (const unsigned char *p = (const unsigned char *) text; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

int
pf_upctl_ask(const pf_cli_t *cli, const char *cmd, const char *name, pf_value_t **reply_p)
{
    const char *dir = cli->config.data_dir;
    int timeout_ms = pf_cli_request_timeout(cli);
    pf_value_t *request = pf_value_map();
    pf_map_set_str(request, "cmd", cmd);
    if (name)
        pf_map_set_str(request, "name", name);
    pf_value_t *reply = NULL;
    int rc = pf_supctl_request(dir, request, timeout_ms, &reply);
    pf_value_destroy(&request);
    switch (rc) {
    case PF_OK:
        break;
    case PF_ENOTFOUND:
        fprintf(stderr, "pf %s: no pf up is running with data dir %s\n", cli->command, dir);
        return PF_ENOTFOUND;
    case PF_ETIMEDOUT:
        fprintf(stderr, "pf %s: the pf up of data dir %s did not answer within %.1f s\n",
                cli->command, dir, timeout_ms / 1000.0);
        return PF_EIO;
    case PF_EPROTO:
        fprintf(stderr, "pf %s: malformed reply from the pf up of data dir %s\n", cli->command,
                dir);
        return PF_EIO;
    case PF_ETOOBIG:
        fprintf(stderr, "pf %s: data dir %s is too long for a control socket path\n",
                cli->command, dir);
        return PF_EIO;
    default:
        fprintf(stderr, "pf %s: cannot reach the pf up of data dir %s: %s (%s)\n", cli->command,
                dir, pf_strerror(rc), strerror(errno));
        return PF_EIO;
    }
    if (!pf_map_get_bool(reply, "ok", false)) {
        fprintf(stderr, "pf %s: ", cli->command);
        pf_upctl_put_safe(stderr, pf_map_get_str(reply, "error"));
        fputc('\n', stderr);
        pf_value_destroy(&reply);
        return PF_EIO;
    }
    *reply_p = reply;
    return PF_OK;
}

void
pf_upctl_duration(long long ms, char *out, size_t size)
{
    if (ms < 0)
        ms = 0;
    if (ms >= S_DAY_MS)
        snprintf(out, size, "%lldd%02lldh", ms / S_DAY_MS, ms % S_DAY_MS / S_HOUR_MS);
    else if (ms >= S_HOUR_MS)
        snprintf(out, size, "%lldh%02lldm", ms / S_HOUR_MS, ms % S_HOUR_MS / S_MINUTE_MS);
    else if (ms >= S_MINUTE_MS)
        snprintf(out, size, "%lldm%02llds", ms / S_MINUTE_MS, ms % S_MINUTE_MS / S_SECOND_MS);
    else
        snprintf(out, size, "%llds", ms / S_SECOND_MS);
}
