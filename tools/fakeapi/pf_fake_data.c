/*  pf_fake_data.c — curated records and deterministic synthetic ones.       */
#include "pf_fake_data.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pf_alloc.h"
#include "pf_error.h"
#include "pf_fake_rng.h"

struct pf_fake_data_t {
    json_t **records;            /* curated records, sorted by domain        */
    size_t count;                /* records used                             */
};

/*  Real products, for synthetic technology stacks.                         */
static const struct {
    const char *name, *tag, *category;
} s_techs[] = {
    {"Google Analytics", "analytics", "Audience Measurement"},
    {"Google Tag Manager", "widgets", "Tag Management"},
    {"HubSpot", "analytics", "Marketing Automation"},
    {"Hotjar", "analytics", "Heatmaps"},
    {"Segment", "analytics", "Customer Data Platform"},
    {"Mixpanel", "analytics", "Product Analytics"},
    {"Intercom", "widgets", "Live Chat"},
    {"Zendesk", "widgets", "Help Desk"},
    {"Cloudflare", "cdns", "CDN"},
    {"Fastly", "cdns", "CDN"},
    {"Amazon CloudFront", "cdns", "CDN"},
    {"WordPress", "cms", "Open Source CMS"},
    {"Contentful", "cms", "Headless CMS"},
    {"Webflow", "cms", "Hosted CMS"},
    {"React", "javascript", "JavaScript Library"},
    {"Vue.js", "javascript", "JavaScript Framework"},
    {"jQuery", "javascript", "JavaScript Library"},
    {"Next.js", "framework", "JavaScript Framework"},
    {"Stripe", "payment", "Payment Processor"},
    {"Shopify", "shop", "Hosted Solution"},
    {"Salesforce", "analytics", "CRM"},
    {"Marketo", "analytics", "Marketing Automation"},
    {"Optimizely", "analytics", "A/B Testing"},
    {"Sentry", "analytics", "Error Tracking"},
    {"New Relic", "analytics", "Application Performance"},
    {"OneTrust", "widgets", "Privacy Compliance"},
    {"Algolia", "widgets", "Site Search"},
    {"Nginx", "Web Server", "Web Server"},
    {"Amazon Web Services", "hosting", "Cloud Hosting"},
    {"Google Workspace", "mx", "Business Email Hosting"},
};

static const char *const s_industries[][2] = {
    {"Software - Application", "Technology"},
    {"Software - Infrastructure", "Technology"},
    {"Internet Retail", "Consumer Cyclical"},
    {"Specialty Business Services", "Industrials"},
    {"Marketing Services", "Communication Services"},
    {"Medical Devices", "Healthcare"},
    {"Education & Training Services", "Consumer Defensive"},
    {"Financial Data & Stock Exchanges", "Financial Services"},
    {"Information Technology Services", "Technology"},
    {"Packaged Foods", "Consumer Defensive"},
};

static const char *const s_cities[][4] = {
    /* city, state, country, ISO 3166 alpha-2 */
    {"Austin", "TX", "United States", "US"},
    {"Denver", "CO", "United States", "US"},
    {"Boston", "MA", "United States", "US"},
    {"Seattle", "WA", "United States", "US"},
    {"Toronto", "ON", "Canada", "CA"},
    {"London", "", "United Kingdom", "GB"},
    {"Berlin", "", "Germany", "DE"},
    {"Amsterdam", "", "Netherlands", "NL"},
    {"Sydney", "NSW", "Australia", "AU"},
    {"Dublin", "", "Ireland", "IE"},
};

/*  ISO 3166 numeric codes for traffic by country.                         */
static const int s_countries[] = {840, 826, 124, 276, 250, 356, 36, 528, 724, 392, 76, 372};

static const char *const s_syllables[] = {"nova", "lum", "tek", "ora", "vex", "zen", "pix",
    "bri", "qua", "sol", "mar", "kin", "dal", "fy", "io", "ster", "ly", "gen", "cor", "vo"};

static const char *const s_tlds[] = {".com", ".io", ".co", ".net", ".ai"};

static const char *const s_job_titles[] = {"Senior Software Engineer", "Account Executive",
    "Product Manager", "Data Engineer", "Customer Success Manager", "DevOps Engineer",
    "Marketing Manager", "Sales Development Representative", "Engineering Manager",
    "Security Engineer"};

static const char *const s_news_topics[] = {"announces new product line", "raises new funding",
    "expands into new markets", "names new chief technology officer",
    "partners with a major retailer", "opens a new office", "reports record customer growth"};

int
pf_fake_data_normalize(const char *domain, char *out, size_t size)
{
    if (!domain)
        return PF_EDOMAIN;
    size_t len = strlen(domain);
    while (len > 0 && domain[len - 1] == '.')
        len--;
    if (len >= 4 && strncasecmp(domain, "www.", 4) == 0) {
        domain += 4;
        len -= 4;
    }
    if (len == 0 || len >= PF_FAKE_DOMAIN_MAX || len >= size)
        return PF_EDOMAIN;
    bool dot = false;
    for (size_t i = 0; i < len; i++) {
        char c = (char) tolower((unsigned char) domain[i]);
        if (!(isalnum((unsigned char) c) || c == '-' || c == '.'))
            return PF_EDOMAIN;
        if (c == '.') {
            if (i == 0 || domain[i - 1] == '.')
                return PF_EDOMAIN;
            dot = true;
        }
        out[i] = c;
    }
    out[len] = '\0';
    return dot && out[len - 1] != '-' && out[0] != '-' ? 0 : PF_EDOMAIN;
}

static int
s_cmp_records(const void *a, const void *b)
{
    const json_t *ra = *(json_t *const *) a, *rb = *(json_t *const *) b;
    return strcmp(json_string_value(json_object_get(ra, "domain")),
                  json_string_value(json_object_get(rb, "domain")));
}

static int
s_check_record(const json_t *r, const char *file, char *err, size_t size)
{
    const char *domain = json_string_value(json_object_get(r, "domain"));
    char norm[PF_FAKE_DOMAIN_MAX];
    if (!json_is_object(r) || !domain || pf_fake_data_normalize(domain, norm, sizeof norm) ||
        strcmp(norm, domain) != 0 || !json_is_string(json_object_get(r, "name")) ||
        !json_is_object(json_object_get(r, "illustrative")) ||
        !json_is_array(json_object_get(r, "financials")) ||
        !json_is_array(json_object_get(r, "filings"))) {
        snprintf(err, size, "%s: not a company record (domain, name, financials, filings, "
                            "illustrative are required)", file);
        return PF_EINVAL;
    }
    return 0;
}

pf_fake_data_t *
pf_fake_data_new(const char *dir, char *err, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/companies", dir);
    DIR *d = opendir(path);
    if (!d) {
        snprintf(err, size, "cannot open %s", path);
        return NULL;
    }
    pf_fake_data_t *self = pf_calloc(1, sizeof *self);
    self->records = pf_calloc(PF_FAKE_COMPANIES_MAX, sizeof *self->records);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (self->count == PF_FAKE_COMPANIES_MAX) {
            snprintf(err, size, "more than %d company records in %s", PF_FAKE_COMPANIES_MAX, path);
            goto fail;
        }
        char file[8192];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        json_error_t jerr;
        json_t *r = json_load_file(file, 0, &jerr);
        if (!r) {
            snprintf(err, size, "%s:%d: %s", file, jerr.line, jerr.text);
            goto fail;
        }
        self->records[self->count++] = r;
        if (s_check_record(r, file, err, size))
            goto fail;
    }
    closedir(d);
    qsort(self->records, self->count, sizeof *self->records, s_cmp_records);
    return self;
fail:
    closedir(d);
    pf_fake_data_destroy(&self);
    return NULL;
}

void
pf_fake_data_destroy(pf_fake_data_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pf_fake_data_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++)
        json_decref(self->records[i]);
    free(self->records);
    free(self);
    *self_p = NULL;
}

size_t
pf_fake_data_count(const pf_fake_data_t *self)
{
    return self->count;
}

const json_t *
pf_fake_data_at(const pf_fake_data_t *self, size_t i)
{
    return i < self->count ? self->records[i] : NULL;
}

static const json_t *
s_by_domain(const pf_fake_data_t *self, const char *domain)
{
    for (size_t i = 0; i < self->count; i++)
        if (!strcmp(json_string_value(json_object_get(self->records[i], "domain")), domain))
            return self->records[i];
    return NULL;
}

json_t *
pf_fake_data_company(const pf_fake_data_t *self, const char *domain, bool *synthetic)
{
    const json_t *r = s_by_domain(self, domain);
    if (r) {
        *synthetic = false;
        return json_incref((json_t *) r);
    }
    *synthetic = true;
    return pf_fake_data_synthesize(domain);
}

/*  "acme-widgets.co.uk" -> "Acme Widgets".                                 */
static void
s_name_from_domain(const char *domain, char *out, size_t size)
{
    size_t o = 0;
    bool start = true;
    for (const char *p = domain; *p && *p != '.' && o + 1 < size; p++) {
        if (*p == '-') {
            if (o + 1 < size && o > 0)
                out[o++] = ' ';
            start = true;
            continue;
        }
        out[o++] = start ? (char) toupper((unsigned char) *p) : *p;
        start = false;
    }
    out[o] = '\0';
}

static void
s_synthetic_domain(pf_fake_rng_t *rng, char *out, size_t size)
{
    size_t n = (size_t) pf_fake_rng_range(rng, 2, 3);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strncat(out, s_syllables[pf_fake_rng_range(rng, 0, 19)], size - strlen(out) - 1);
    strncat(out, s_tlds[pf_fake_rng_range(rng, 0, 4)], size - strlen(out) - 1);
}

json_t *
pf_fake_data_synthesize(const char *domain)
{
    pf_fake_rng_t rng;
    pf_fake_rng_seed_text(&rng, domain, "company");
    char name[128], text[512];
    s_name_from_domain(domain, name, sizeof name);
    size_t ind = (size_t) pf_fake_rng_range(&rng, 0, 9);
    size_t city = (size_t) pf_fake_rng_range(&rng, 0, 9);
    /*  Log-uniform sizes: most synthetic companies are small.             */
    json_int_t employees = (json_int_t) exp(log(10.0) + pf_fake_rng_unit(&rng) * log(500.0));
    json_int_t founded = (json_int_t) pf_fake_rng_range(&rng, 1995, 2021);
    json_t *r = json_object();
    json_object_set_new(r, "domain", json_string(domain));
    json_object_set_new(r, "name", json_string(name));
    snprintf(text, sizeof text, "%s Inc.", name);
    json_object_set_new(r, "legal_name", json_string(text));
    snprintf(text, sizeof text, "Synthetic data generated by pf-fakeapi for %s", domain);
    json_object_set_new(r, "description", json_string(text));
    json_object_set_new(r, "industry", json_string(s_industries[ind][0]));
    json_object_set_new(r, "sector", json_string(s_industries[ind][1]));
    json_object_set_new(r, "founded", json_integer(founded));
    json_object_set_new(r, "employees", json_integer(employees));
    json_object_set_new(r, "city", json_string(s_cities[city][0]));
    json_object_set_new(r, "state", json_string(s_cities[city][1]));
    json_object_set_new(r, "country", json_string(s_cities[city][2]));
    json_object_set_new(r, "country_code", json_string(s_cities[city][3]));
    json_object_set_new(r, "synthetic", json_true());
    json_object_set_new(r, "financials", json_array());
    json_object_set_new(r, "filings", json_array());

    json_t *ill = json_object();
    json_object_set_new(ill, "illustrative", json_true());
    json_object_set_new(ill, "synthetic", json_true());
    size_t ntech = sizeof s_techs / sizeof s_techs[0];
    bool used[sizeof s_techs / sizeof s_techs[0]] = {false};
    size_t want = (size_t) pf_fake_rng_range(&rng, 6, 12);
    json_t *techs = json_array();
    for (size_t k = 0; k < want; k++) {
        size_t t = (size_t) pf_fake_rng_range(&rng, 0, (int64_t) ntech - 1);
        while (used[t])
            t = (t + 1) % ntech;
        used[t] = true;
        json_array_append_new(techs, json_pack("{s:s, s:s, s:[s]}", "name", s_techs[t].name,
                                               "tag", s_techs[t].tag, "categories",
                                               s_techs[t].category));
    }
    json_object_set_new(ill, "technologies", techs);
    double visits = exp(log(5000.0) + pf_fake_rng_unit(&rng) * log(1000.0));
    json_object_set_new(ill, "monthly_visits", json_integer((json_int_t) visits));
    json_object_set_new(ill, "bounce_rate", json_real(0.30 + 0.40 * pf_fake_rng_unit(&rng)));
    json_object_set_new(ill, "pages_per_visit", json_real(1.5 + 4.5 * pf_fake_rng_unit(&rng)));
    json_object_set_new(ill, "avg_visit_duration",
                        json_integer((json_int_t) pf_fake_rng_range(&rng, 40, 400)));
    json_t *shares = json_array();
    size_t ncountries = sizeof s_countries / sizeof s_countries[0];
    size_t first = (size_t) pf_fake_rng_range(&rng, 0, (int64_t) ncountries - 1);
    double left = 0.95;
    size_t nshare = (size_t) pf_fake_rng_range(&rng, 3, 5);
    for (size_t k = 0; k < nshare; k++) {
        double share = left * (0.35 + 0.3 * pf_fake_rng_unit(&rng));
        left -= share;
        json_array_append_new(shares, json_pack("[i, f]", s_countries[(first + k) % ncountries],
                                                share));
    }
    json_object_set_new(ill, "country_shares", shares);
    json_t *similar = json_array();
    for (size_t k = 0; k < 5; k++) {
        char sd[64];
        s_synthetic_domain(&rng, sd, sizeof sd);
        json_array_append_new(similar, json_string(sd));
    }
    json_object_set_new(ill, "similar_sites", similar);
    char lname[128];
    snprintf(lname, sizeof lname, "%s", name);
    for (char *p = lname; *p; p++)
        *p = (char) tolower((unsigned char) *p);
    snprintf(text, sizeof text, "%s %s", lname, "pricing");
    json_object_set_new(ill, "keywords", json_pack("[s, s]", lname, text));
    json_t *news = json_array();
    for (size_t k = 0; k < 3; k++) {
        char title[256];
        snprintf(title, sizeof title, "%s %s", name,
                 s_news_topics[pf_fake_rng_range(&rng, 0, 6)]);
        snprintf(text, sizeof text, "Synthetic data generated by pf-fakeapi for %s", domain);
        json_array_append_new(news, json_pack("{s:s, s:s, s:s}", "title", title, "host",
                                              domain, "description", text));
    }
    json_object_set_new(ill, "news", news);
    json_t *jobs = json_array();
    size_t njobs = (size_t) pf_fake_rng_range(&rng, 2, 5);
    for (size_t k = 0; k < njobs; k++)
        json_array_append_new(jobs, json_string(s_job_titles[pf_fake_rng_range(&rng, 0, 9)]));
    json_object_set_new(ill, "jobs", jobs);
    json_object_set_new(r, "illustrative", ill);
    return r;
}

const json_t *
pf_fake_data_by_symbol(const pf_fake_data_t *self, const char *symbol)
{
    for (size_t i = 0; symbol && i < self->count; i++) {
        const char *t = json_string_value(
            json_object_get(json_object_get(self->records[i], "public"), "ticker"));
        if (t && strcasecmp(t, symbol) == 0)
            return self->records[i];
    }
    return NULL;
}

const json_t *
pf_fake_data_by_cik(const pf_fake_data_t *self, uint64_t cik)
{
    for (size_t i = 0; i < self->count; i++) {
        json_t *c = json_object_get(json_object_get(self->records[i], "public"), "cik");
        if (json_is_integer(c) && (uint64_t) json_integer_value(c) == cik)
            return self->records[i];
    }
    return NULL;
}

/*  Whether needle occurs in hay as a whole word (case-insensitive).        */
static bool
s_has_word(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return false;
    for (const char *p = hay; *p; p++) {
        if (strncasecmp(p, needle, n) != 0)
            continue;
        bool before = p == hay || !isalnum((unsigned char) p[-1]);
        bool after = !isalnum((unsigned char) p[n]);
        if (before && after)
            return true;
    }
    return false;
}

const json_t *
pf_fake_data_match_query(const pf_fake_data_t *self, const char *query)
{
    for (size_t i = 0; query && i < self->count; i++) {
        const json_t *r = self->records[i];
        const char *keys[] = {json_string_value(json_object_get(r, "domain")),
                              json_string_value(json_object_get(r, "name")),
                              json_string_value(json_object_get(r, "legal_name")),
                              json_string_value(
                                  json_object_get(json_object_get(r, "public"), "ticker"))};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (keys[k] && s_has_word(query, keys[k]))
                return r;
    }
    return NULL;
}

json_t *
pf_fake_data_tickers(const pf_fake_data_t *self)
{
    json_t *out = json_object();
    size_t n = 0;
    for (size_t i = 0; i < self->count; i++) {
        json_t *pub = json_object_get(self->records[i], "public");
        json_t *cik = json_object_get(pub, "cik");
        if (!json_is_integer(cik))
            continue;
        char key[32];
        snprintf(key, sizeof key, "%zu", n++);
        const char *title = json_string_value(json_object_get(self->records[i], "legal_name"));
        json_object_set_new(out, key,
                            json_pack("{s:I, s:s, s:s}", "cik_str", json_integer_value(cik),
                                      "ticker", json_string_value(json_object_get(pub, "ticker")),
                                      "title", title));
    }
    return out;
}
