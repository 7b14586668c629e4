/*  pf_upctl.h — `pf ps` and `pf restart` talking to `pf up`'s control
    socket (actors/pf_supctl.h), with failures explained for people.

    The socket is found through the data dir (--data-dir / PF_DATA_DIR,
    as `pf up` was given it), not through the coordinator's endpoints.     */
#ifndef PF_UPCTL_H
#define PF_UPCTL_H

#include <stdio.h>

#include "pf_cli.h"
#include "pf_value.h"

#ifdef __cplusplus
extern "C" {
#endif

/*  Sends {cmd, name} (name omitted when NULL) to the pf up of
    cli->config.data_dir and waits up to the request timeout.  Returns 0
    with *reply_p (caller owns) when the reply says ok:true.  Otherwise
    says why on stderr — "no pf up is running with data dir X", no reply
    in time, a malformed reply, or the reply's error — and returns PF_EIO
    (or PF_ENOTFOUND when no pf up runs there).                             */
int pf_upctl_ask(const pf_cli_t *cli, const char *cmd, const char *name, pf_value_t **reply_p);

/*  Writes "2d03h", "4h05m", "6m07s" or "8s" for ms milliseconds into out
    (truncated to size).                                                     */
void pf_upctl_duration(long long ms, char *out, size_t size);

/*  Writes text to out with control characters replaced by '?' (text from
    a socket must not drive the terminal).  NULL writes "?".                */
void pf_upctl_put_safe(FILE *out, const char *text);

#ifdef __cplusplus
}
#endif
#endif
