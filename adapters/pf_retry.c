/*  pf_retry.c — the retry policy of the provider adapters (see pf_retry.h).

    Pure arithmetic on the caller's clock and random source.  HTTP-dates
    are parsed by hand rather than with strptime/timegm: those depend on the
    locale and the TZ environment, and accept more than the three forms
    HTTP allows.                                                            */
#include "pf_retry.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>

#include <sodium.h>

#include "pf_alloc.h"
#include "pf_error.h"

/*  Units of time, not tunables.                                            */
#define S_MS_PER_S 1000
#define S_MS_PER_MIN 60000
#define S_S_PER_DAY 86400
#define S_S_PER_HOUR 3600
#define S_S_PER_MIN 60
/*  Days from 0001-01-01 to 1970-01-01 in the proleptic Gregorian calendar. */
#define S_DAYS_TO_EPOCH 719162
/*  RFC 9110: a two-digit year more than this many years ahead is in the
    past century.                                                           */
#define S_RFC850_FUTURE_YEARS 50

struct pf_retry_budget_t {
    uint64_t units;               /* retries held, PF_RETRY_BUDGET_UNIT each  */
    uint64_t cap_units;           /* most units held                          */
    uint64_t floor_units;         /* time refills up to this; also the rate
                                     per minute                              */
    uint64_t earn_units;          /* earned per first attempt                 */
    uint64_t rem;                 /* refill remainder, in units*ms, < 1 min   */
    int64_t clock_ms;             /* time of the last refill                  */
};

/*  ---- configuration ----------------------------------------------------- */

void
pf_retry_config_defaults(pf_retry_config_t *cfg)
{
    assert(cfg);
    *cfg = (pf_retry_config_t) {
        .max_attempts = PF_RETRY_DEFAULT_MAX_ATTEMPTS,
        .base_ms = PF_RETRY_DEFAULT_BASE_MS,
        .cap_ms = PF_RETRY_DEFAULT_CAP_MS,
        .retry_after_cap_ms = PF_RETRY_DEFAULT_RETRY_AFTER_CAP_MS,
        .deadline_ms = PF_RETRY_DEFAULT_DEADLINE_MS,
        .budget_percent = PF_RETRY_DEFAULT_BUDGET_PERCENT,
        .budget_min_per_min = PF_RETRY_DEFAULT_BUDGET_MIN_PER_MIN,
        .budget_max = PF_RETRY_DEFAULT_BUDGET_MAX,
    };
}

int
pf_retry_config_check(const pf_retry_config_t *cfg)
{
    if (!cfg || cfg->max_attempts == 0 || cfg->base_ms == 0 || cfg->deadline_ms == 0)
        return PF_EINVAL;
    if (cfg->cap_ms < cfg->base_ms || cfg->cap_ms > PF_RETRY_MS_MAX
        || cfg->retry_after_cap_ms > PF_RETRY_MS_MAX || cfg->deadline_ms > PF_RETRY_MS_MAX)
        return PF_EINVAL;
    if (cfg->budget_percent > PF_RETRY_BUDGET_PERCENT_MAX)
        return PF_EINVAL;
    return 0;
}

/*  ---- classification ---------------------------------------------------- */

#define S_HTTP_STATUS_MIN 100
#define S_HTTP_STATUS_MAX 599
#define S_HTTP_TOO_MANY_REQUESTS 429
#define S_HTTP_SERVER_ERROR 500
#define S_HTTP_BAD_GATEWAY 502
#define S_HTTP_UNAVAILABLE 503
#define S_HTTP_GATEWAY_TIMEOUT 504

bool
pf_retry_is_retryable(const pf_retry_outcome_t *outcome)
{
    assert(outcome);
    switch (outcome->net) {
    case PF_RETRY_NET_TIMEOUT:
    case PF_RETRY_NET_CONNECT:
    case PF_RETRY_NET_RESET:
        return true;
    case PF_RETRY_NET_NONE:
        return outcome->status == S_HTTP_TOO_MANY_REQUESTS
               || outcome->status == S_HTTP_BAD_GATEWAY
               || outcome->status == S_HTTP_UNAVAILABLE
               || outcome->status == S_HTTP_GATEWAY_TIMEOUT;
    default:
        return false;
    }
}

bool
pf_retry_is_breaker_failure(const pf_retry_outcome_t *outcome)
{
    assert(outcome);
    switch (outcome->net) {
    case PF_RETRY_NET_NONE:
        if (outcome->status < S_HTTP_STATUS_MIN || outcome->status > S_HTTP_STATUS_MAX)
            return true;
        return outcome->status >= S_HTTP_SERVER_ERROR
               || outcome->status == S_HTTP_TOO_MANY_REQUESTS;
    case PF_RETRY_NET_TOO_LARGE:
        return false;
    default:
        return true;
    }
}

/*  ---- Retry-After ------------------------------------------------------- */

/*  A read position in [p, end).                                             */
typedef struct {
    const char *p;                /* next byte                                */
    const char *end;              /* one past the last byte                   */
} s_cursor_t;

static bool
s_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char
s_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/*  Consumes exactly the byte c.                                            */
static bool
s_take_char(s_cursor_t *cur, char c)
{
    if (cur->p >= cur->end || *cur->p != c)
        return false;
    cur->p++;
    return true;
}

/*  Consumes exactly n digits into *value.                                  */
static bool
s_take_digits(s_cursor_t *cur, int n, int *value)
{
    if (cur->end - cur->p < n)
        return false;
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!s_is_digit(cur->p[i]))
            return false;
        v = v * 10 + (cur->p[i] - '0');
    }
    cur->p += n;
    *value = v;
    return true;
}

/*  Consumes one of names (case-insensitively, whole run of letters) and
    returns its index, or -1.                                               */
static int
s_take_name(s_cursor_t *cur, const char *const *names, int count)
{
    const char *start = cur->p;
    const char *q = start;
    while (q < cur->end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
        q++;
    size_t len = (size_t) (q - start);
    for (int i = 0; i < count; i++) {
        size_t k = 0;
        while (k < len && names[i][k] && s_lower(start[k]) == s_lower(names[i][k]))
            k++;
        if (k == len && names[i][k] == '\0') {
            cur->p = q;
            return i;
        }
    }
    return -1;
}

static const char *const s_months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const s_wkdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const s_weekdays[] = { "Monday", "Tuesday", "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday" };
#define S_COUNT(a) ((int) (sizeof(a) / sizeof((a)[0])))

static bool
s_is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
s_days_in_month(int64_t y, int month)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return days[month - 1] + (month == 2 && s_is_leap(y));
}

/*  Days from 1970-01-01 to y-month-day (y >= 1, month 1..12, valid day).  */
static int64_t
s_days_from_civil(int64_t y, int month, int day)
{
    int64_t before = y - 1;   /* whole years since 0001-01-01 */
    int64_t days = 365 * before + before / 4 - before / 100 + before / 400;
    for (int m = 1; m < month; m++)
        days += s_days_in_month(y, m);
    return days + (day - 1) - S_DAYS_TO_EPOCH;
}

/*  The Gregorian year containing unix ms t (t >= 0 or not).                */
static int64_t
s_year_of(int64_t unix_ms)
{
    int64_t days = unix_ms / S_MS_PER_S / S_S_PER_DAY;
    int64_t y = 1970 + days / 365;
    if (y < 1)
        y = 1;
    while (y > 1 && s_days_from_civil(y, 1, 1) > days)
        y--;
    while (s_days_from_civil(y + 1, 1, 1) <= days)
        y++;
    return y;
}

/*  "HH:MM:SS", range-checked (a leap second 60 is allowed).                */
static bool
s_take_time(s_cursor_t *cur, int *h, int *m, int *s)
{
    return s_take_digits(cur, 2, h) && s_take_char(cur, ':') && s_take_digits(cur, 2, m)
           && s_take_char(cur, ':') && s_take_digits(cur, 2, s) && *h <= 23 && *m <= 59
           && *s <= 60;
}

/*  Parses one of the three HTTP-date forms covering all of cur; sets
    *unix_ms.                                                               */
static bool
s_parse_http_date(s_cursor_t *cur, int64_t now_unix_ms, int64_t *unix_ms)
{
    int day = 0, month = 0, year = 0, h = 0, mi = 0, s = 0;
    int64_t full_year;
    s_cursor_t at = *cur;
    if (s_take_name(&at, s_wkdays, S_COUNT(s_wkdays)) >= 0) {
        if (s_take_char(&at, ',')) {
            /*  IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT                 */
            if (!(s_take_char(&at, ' ') && s_take_digits(&at, 2, &day) && s_take_char(&at, ' ')
                  && (month = s_take_name(&at, s_months, S_COUNT(s_months)) + 1) > 0
                  && s_take_char(&at, ' ') && s_take_digits(&at, 4, &year)
                  && s_take_char(&at, ' ') && s_take_time(&at, &h, &mi, &s)
                  && s_take_char(&at, ' ')))
                return false;
            static const char *const gmt[] = { "GMT" };
            if (s_take_name(&at, gmt, 1) != 0)
                return false;
        }
        else {
            /*  asctime: Sun Nov  6 08:49:37 1994 (day may be unpadded)     */
            if (!(s_take_char(&at, ' ')
                  && (month = s_take_name(&at, s_months, S_COUNT(s_months)) + 1) > 0
                  && s_take_char(&at, ' ')))
                return false;
            s_take_char(&at, ' ');
            if (!s_take_digits(&at, 2, &day) && !s_take_digits(&at, 1, &day))
                return false;
            if (!(s_take_char(&at, ' ') && s_take_time(&at, &h, &mi, &s)
                  && s_take_char(&at, ' ') && s_take_digits(&at, 4, &year)))
                return false;
        }
        full_year = year;
    }
    else if (s_take_name(&at, s_weekdays, S_COUNT(s_weekdays)) >= 0) {
        /*  RFC 850: Sunday, 06-Nov-94 08:49:37 GMT                         */
        int yy = 0;
        if (!(s_take_char(&at, ',') && s_take_char(&at, ' ') && s_take_digits(&at, 2, &day)
              && s_take_char(&at, '-')
              && (month = s_take_name(&at, s_months, S_COUNT(s_months)) + 1) > 0
              && s_take_char(&at, '-') && s_take_digits(&at, 2, &yy) && s_take_char(&at, ' ')
              && s_take_time(&at, &h, &mi, &s) && s_take_char(&at, ' ')))
            return false;
        static const char *const gmt[] = { "GMT" };
        if (s_take_name(&at, gmt, 1) != 0)
            return false;
        int64_t now_year = s_year_of(now_unix_ms);
        full_year = now_year - now_year % 100 + yy;
        if (full_year > now_year + S_RFC850_FUTURE_YEARS)
            full_year -= 100;
    }
    else
        return false;
    if (at.p != at.end || full_year < 1 || month < 1 || day < 1
        || day > s_days_in_month(full_year, month))
        return false;
    int64_t secs = s_days_from_civil(full_year, month, day) * S_S_PER_DAY + h * S_S_PER_HOUR
                   + mi * S_S_PER_MIN + s;
    *unix_ms = secs * S_MS_PER_S;
    return true;
}

static bool
s_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

int
pf_retry_parse_retry_after(const char *value, int64_t now_unix_ms, int64_t *delay_ms)
{
    if (!value || !delay_ms)
        return PF_EINVAL;
    s_cursor_t cur = { value, value };
    while (*cur.end)
        cur.end++;
    while (cur.p < cur.end && s_is_ows(*cur.p))
        cur.p++;
    while (cur.end > cur.p && s_is_ows(cur.end[-1]))
        cur.end--;
    if (cur.p == cur.end)
        return PF_EPROTO;

    if (s_is_digit(*cur.p)) {
        /*  delay-seconds: digits only, saturating.                         */
        int64_t secs = 0;
        bool saturated = false;
        for (const char *q = cur.p; q < cur.end; q++) {
            if (!s_is_digit(*q))
                return PF_EPROTO;
            int d = *q - '0';
            if (secs > (INT64_MAX / S_MS_PER_S - d) / 10)
                saturated = true;
            else
                secs = secs * 10 + d;
        }
        *delay_ms = saturated ? INT64_MAX : secs * S_MS_PER_S;
        return 0;
    }

    int64_t at_ms;
    if (!s_parse_http_date(&cur, now_unix_ms, &at_ms))
        return PF_EPROTO;
    int64_t delay;
    if (__builtin_sub_overflow(at_ms, now_unix_ms, &delay))
        delay = at_ms > now_unix_ms ? INT64_MAX : 0;
    *delay_ms = delay > 0 ? delay : 0;
    return 0;
}

int64_t
pf_retry_after_from_curl(int64_t curl_seconds)
{
    if (curl_seconds <= 0)
        return 0;
    if (curl_seconds > INT64_MAX / S_MS_PER_S)
        return INT64_MAX;
    return curl_seconds * S_MS_PER_S;
}

/*  ---- jitter ------------------------------------------------------------ */

uint32_t
pf_retry_rng_sodium(void *arg, uint32_t upper_bound)
{
    (void) arg;
    return randombytes_uniform(upper_bound);
}

uint32_t
pf_retry_backoff_bound_ms(const pf_retry_config_t *cfg, uint32_t attempts)
{
    assert(cfg && attempts >= 1);
    /*  Doubling stops once past the cap, so this never overflows and never
        loops more than ~32 times.                                          */
    uint64_t bound = cfg->base_ms;
    for (uint32_t i = 1; i < attempts && bound < cfg->cap_ms; i++)
        bound <<= 1;
    return bound < cfg->cap_ms ? (uint32_t) bound : cfg->cap_ms;
}

uint32_t
pf_retry_backoff_ms(const pf_retry_config_t *cfg, uint32_t attempts, pf_retry_rng_fn *rng,
                    void *rng_arg)
{
    assert(rng);
    uint32_t bound = pf_retry_backoff_bound_ms(cfg, attempts);
    /*  bound <= PF_RETRY_MS_MAX, so bound + 1 fits: both ends included.    */
    uint32_t draw = rng(rng_arg, bound + 1);
    assert(draw <= bound);
    return draw;
}

/*  ---- retry budget ------------------------------------------------------ */

pf_retry_budget_t *
pf_retry_budget_new(const pf_retry_config_t *cfg, int64_t now_ms)
{
    if (pf_retry_config_check(cfg) != 0)
        return NULL;
    pf_retry_budget_t *self = pf_calloc(1, sizeof *self);
    uint64_t floor_retries = cfg->budget_min_per_min;
    uint64_t cap_retries = cfg->budget_max > floor_retries ? cfg->budget_max : floor_retries;
    self->floor_units = floor_retries * PF_RETRY_BUDGET_UNIT;
    self->cap_units = cap_retries * PF_RETRY_BUDGET_UNIT;
    self->earn_units = cfg->budget_percent;
    self->units = self->floor_units;
    self->clock_ms = now_ms;
    return self;
}

void
pf_retry_budget_destroy(pf_retry_budget_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

/*  Brings the time refill up to now_ms: floor_units per minute, exactly,
    while below floor_units.                                                */
static void
s_budget_refill(pf_retry_budget_t *self, int64_t now_ms)
{
    if (now_ms <= self->clock_ms)
        return;   /* same instant, or a clock that went back: nothing */
    int64_t elapsed = now_ms - self->clock_ms;
    self->clock_ms = now_ms;
    if (self->units >= self->floor_units) {
        self->rem = 0;   /* time banks nothing above the floor */
        return;
    }
    if (elapsed >= S_MS_PER_MIN) {
        /*  A minute refills the whole floor from anywhere below it; capping
            elapsed here also keeps the product below from overflowing.     */
        self->units = self->floor_units;
        self->rem = 0;
        return;
    }
    uint64_t scaled = (uint64_t) elapsed * self->floor_units + self->rem;
    self->units += scaled / S_MS_PER_MIN;
    self->rem = scaled % S_MS_PER_MIN;
    if (self->units >= self->floor_units) {
        self->units = self->floor_units;
        self->rem = 0;
    }
}

void
pf_retry_budget_deposit(pf_retry_budget_t *self, int64_t now_ms)
{
    assert(self);
    s_budget_refill(self, now_ms);
    self->units += self->earn_units;
    if (self->units > self->cap_units)
        self->units = self->cap_units;
}

bool
pf_retry_budget_withdraw(pf_retry_budget_t *self, int64_t now_ms)
{
    assert(self);
    s_budget_refill(self, now_ms);
    if (self->units < PF_RETRY_BUDGET_UNIT)
        return false;
    self->units -= PF_RETRY_BUDGET_UNIT;
    return true;
}

uint32_t
pf_retry_budget_available(pf_retry_budget_t *self, int64_t now_ms)
{
    assert(self);
    s_budget_refill(self, now_ms);
    return (uint32_t) (self->units / PF_RETRY_BUDGET_UNIT);
}

/*  ---- one call ---------------------------------------------------------- */

const char *
pf_retry_stop_str(pf_retry_stop_t stop)
{
    switch (stop) {
    case PF_RETRY_STOP_NONE:
        return "";
    case PF_RETRY_STOP_NOT_RETRYABLE:
        return "not retryable";
    case PF_RETRY_STOP_ATTEMPTS:
        return "attempts exhausted";
    case PF_RETRY_STOP_BUDGET:
        return "retry budget spent";
    case PF_RETRY_STOP_DEADLINE:
        return "deadline would pass";
    case PF_RETRY_STOP_RETRY_AFTER:
        return "Retry-After beyond cap";
    }
    return "unknown";
}

void
pf_retry_call_start(pf_retry_call_t *call, const pf_retry_config_t *cfg,
                    pf_retry_budget_t *budget, int64_t now_ms)
{
    assert(call && cfg);
    call->attempts = 1;
    call->started_ms = now_ms;
    if (__builtin_add_overflow(now_ms, (int64_t) cfg->deadline_ms, &call->deadline_ms))
        call->deadline_ms = INT64_MAX;
    if (budget)
        pf_retry_budget_deposit(budget, now_ms);
}

int64_t
pf_retry_call_remaining_ms(const pf_retry_call_t *call, int64_t now_ms)
{
    assert(call);
    if (now_ms >= call->deadline_ms)
        return 0;
    int64_t left;
    if (__builtin_sub_overflow(call->deadline_ms, now_ms, &left))
        return INT64_MAX;
    return left;
}

static void
s_give_up(pf_retry_verdict_t *verdict, pf_retry_stop_t stop)
{
    *verdict = (pf_retry_verdict_t) {
        .retry = false, .delay_ms = 0, .stop = stop, .reason = pf_retry_stop_str(stop)
    };
}

void
pf_retry_next(pf_retry_call_t *call, const pf_retry_config_t *cfg, pf_retry_budget_t *budget,
              const pf_retry_outcome_t *outcome, int64_t retry_after_ms, int64_t now_ms,
              pf_retry_rng_fn *rng, void *rng_arg, pf_retry_verdict_t *verdict)
{
    assert(call && cfg && outcome && rng && verdict);
    assert(call->attempts >= 1);
    if (!pf_retry_is_retryable(outcome)) {
        s_give_up(verdict, PF_RETRY_STOP_NOT_RETRYABLE);
        return;
    }
    if (call->attempts >= cfg->max_attempts) {
        s_give_up(verdict, PF_RETRY_STOP_ATTEMPTS);
        return;
    }
    if (retry_after_ms > (int64_t) cfg->retry_after_cap_ms) {
        s_give_up(verdict, PF_RETRY_STOP_RETRY_AFTER);
        return;
    }
    int64_t delay = pf_retry_backoff_ms(cfg, call->attempts, rng, rng_arg);
    if (retry_after_ms > delay)
        delay = retry_after_ms;   /* the provider's wait is a floor */
    if (delay >= pf_retry_call_remaining_ms(call, now_ms)) {
        s_give_up(verdict, PF_RETRY_STOP_DEADLINE);
        return;
    }
    if (budget && !pf_retry_budget_withdraw(budget, now_ms)) {
        s_give_up(verdict, PF_RETRY_STOP_BUDGET);
        return;
    }
    call->attempts++;
    *verdict = (pf_retry_verdict_t) {
        .retry = true, .delay_ms = delay, .stop = PF_RETRY_STOP_NONE, .reason = NULL
    };
}
