/*  pf_log.c — timestamped, unbroken log lines (see pf_log.h).              */
#include "pf_log.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 1024   /* longer messages are cut */

void
pf_logv(const char *who, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    int k = snprintf(line + n, sizeof line - n, ".%03dZ %s: ", (int)(tv.tv_usec / 1000), who);
    if (k > 0 && (size_t)k < sizeof line - n)
        n += (size_t)k;
    int m = vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (m > 0)
        n = n + (size_t)m < sizeof line - 1 ? n + (size_t)m : sizeof line - 2;
    line[n++] = '\n';
    /* One write: the line reaches the file or terminal whole.             */
    ssize_t rc = write(STDERR_FILENO, line, n);
    (void)rc;
}

void
pf_log(const char *who, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pf_logv(who, fmt, ap);
    va_end(ap);
}
