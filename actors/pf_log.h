/*  pf_log.h — one log line on stderr, for every PartnerForge process.

    Each line is "<UTC time> <who>: <message>" and is written with a single
    write so that lines of processes sharing a terminal or a log file (the
    supervisor's children) never interleave.                                */
#ifndef PF_LOG_H
#define PF_LOG_H

#include <stdarg.h>

/*  Writes one line; who names the process ("coordinator", "pf actor X").  */
void pf_log(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pf_logv(const char *who, const char *fmt, va_list ap);

#endif
