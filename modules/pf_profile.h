/*  pf_profile.h — the seller profile: everything seller-specific.

    PartnerForge judges a prospect for one seller.  What that seller sells,
    which technologies it can displace, which ones signal a good fit, how it
    weighs an ideal customer, how it weighs and ages buying signals, and its
    case studies all live in one JSON file (docs/MODULES.md, "The seller
    profile"), never in code.  The shipped default describes a fictional
    site-search vendor (modules/profiles/site-search.json, "sample": true).

    pf_profile_load reads and validates a file completely: every field's
    type and range, weights that sum to 100, unique names, bounded sizes,
    no unknown keys.  The first problem is reported with its JSON path
    ("$.icp.factors[2].weight: …").  A loaded profile is immutable; its
    strings live as long as the profile.

    A process has at most one installed profile (pf_profile_install), which
    modules read with pf_profile_current: `pf module` loads it at start
    from --profile, PF_SELLER_PROFILE or the compiled-in default
    (pf_profile_path).  Not thread-safe: install before the actor runs.    */
#ifndef PF_PROFILE_H
#define PF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*  The format version this code reads ("format" in the file).             */
#define PF_PROFILE_FORMAT 2
/*  Bounds of a profile, so a wrong file cannot make modules slow.          */
#define PF_PROFILE_FILE_MAX (1u << 20)    /* bytes of the file              */
#define PF_PROFILE_TEXT_MAX 512           /* bytes of any one string        */
#define PF_PROFILE_TECHS_MAX 256          /* displaceable or fit entries    */
#define PF_PROFILE_LIST_MAX 32            /* categories, aliases, replaced… */
#define PF_PROFILE_FACTORS_MAX 16         /* ICP factors                    */
#define PF_PROFILE_SIGNALS_MAX 32         /* signal kinds                   */
#define PF_PROFILE_CASES_MAX 64           /* case studies                   */
#define PF_PROFILE_WEIGHT_SUM 100         /* ICP and signal weights add up  */
#define PF_PROFILE_HALF_LIFE_MAX_DAYS 3650 /* ten years                     */
#define PF_PROFILE_TIERS 4                /* A, B, C, D                     */
#define PF_PROFILE_ERROR_MAX 512          /* room for an error message      */
#define PF_PROFILE_AMOUNT_MAX 1e15        /* revenue or visits on a scale   */
#define PF_PROFILE_PERSONAS_MAX 4         /* buying-committee personas      */
/*  The environment variable naming the profile file.                       */
#define PF_PROFILE_ENV "PF_SELLER_PROFILE"

typedef struct pf_profile_t pf_profile_t;

/*  A technology the seller can displace, or one that signals a good fit.  */
typedef struct {
    const char *name;             /* product name, as BuiltWith spells it    */
    const char *const *aliases;   /* other spellings (count: n_aliases)      */
    size_t n_aliases;
    const char *const *categories; /* BuiltWith-style categories            */
    size_t n_categories;
    const char *reason;           /* why it matters to the seller            */
} pf_profile_tech_t;

/*  One factor of the ideal-customer score.                                 */
typedef struct {
    const char *name;             /* snake_case, unique                      */
    const char *input;            /* the module whose result it reads        */
    int weight;                   /* share of the 100 points                 */
    const char *description;      /* for people                              */
} pf_profile_factor_t;

/*  A group of words (phrases) of which a text must show one.              */
typedef struct {
    const char *const *words;     /* whole-word phrases (count: n_words)     */
    size_t n_words;
} pf_profile_words_t;

/*  One kind of buying signal.                                              */
typedef struct {
    const char *name;             /* snake_case, unique                      */
    const char *input;            /* the module that reports it              */
    int weight;                   /* share of the 100 points                 */
    int half_life_days;           /* its weight halves every this many days  */
    const char *description;      /* for people                              */
    const char *const *kinds;     /* the input's evidence kinds that show it
                                     (none listed: every kind it reports)   */
    size_t n_kinds;
    bool dated_only;              /* only evidence with a date of its own
                                     counts ("dated_only", default false)  */
    const pf_profile_words_t *require; /* groups the evidence's title must
                                     each show a phrase of ("require"; none:
                                     any title)                            */
    size_t n_require;
    const char *const *also;      /* further modules whose evidence of the
                                     same kinds counts too ("also_inputs";
                                     e.g. an 8-K's filed leadership change
                                     from investor_intelligence)           */
    size_t n_also;
} pf_profile_signal_t;

/*  The constants of the ICP rules ("icp.rules"): the log scales of
    revenue_scale and traffic_scale, and the fit technologies that earn
    technology_fit in full.                                                */
typedef struct {
    double revenue_floor;         /* annual revenue (USD) earning nothing    */
    double revenue_full;          /* annual revenue (USD) earning all        */
    double visits_floor;          /* monthly visits earning nothing          */
    double visits_full;           /* monthly visits earning all              */
    int fit_full;                 /* fit technologies earning all            */
} pf_profile_icp_rules_t;

/*  How signal_scoring calls the timing ("signal_timing"): the lowest
    composite scores of "act_now" and "nurture" (below: "monitor"), and
    the pieces of evidence at which a signal is at full strength.          */
typedef struct {
    int act_now;                  /* lowest score to act now                 */
    int nurture;                  /* lowest score to nurture                 */
    int full_strength;            /* evidence pieces at full strength        */
} pf_profile_signal_timing_t;

/*  One outcome metric of a case study.                                     */
typedef struct {
    const char *metric;           /* what was measured                       */
    double change_pct;            /* change in percent (negative: fell)      */
} pf_profile_outcome_t;

/*  One case study (sample data when the profile says "sample": true).     */
typedef struct {
    const char *id;               /* unique                                  */
    const char *customer;         /* customer name                           */
    const char *industry;         /* customer industry                       */
    const char *size_band;        /* "smb", "mid-market" or "enterprise"     */
    const char *const *replaced;  /* technologies it replaced                */
    size_t n_replaced;
    const char *const *platforms; /* the customer's platforms                */
    size_t n_platforms;
    const pf_profile_outcome_t *outcomes; /* at least one                    */
    size_t n_outcomes;
    const char *summary;          /* one sentence                            */
} pf_profile_case_t;

/*  How case_study_matching scores a case study ("case_matching"): points
    for the same industry, for the case's technologies in use and for the
    same size band (they sum to PF_PROFILE_WEIGHT_SUM), and the employee
    counts where the mid-market and enterprise bands begin.                */
typedef struct {
    int industry;                 /* points for the same industry            */
    int technology;               /* points for the case's technologies      */
    int size;                     /* points for the same size band           */
    int mid_market_employees;     /* fewest employees of a mid-market firm   */
    int enterprise_employees;     /* fewest employees of an enterprise       */
} pf_profile_case_matching_t;

/*  How displacement_analysis scores the opportunity ("displacement"):
    points (summing to PF_PROFILE_WEIGHT_SUM) for a displaceable incumbent,
    for its tenure, for switching signals and for competitors already on
    the seller's product, and the amounts that earn the full points.       */
typedef struct {
    int incumbent;                /* points for a displaceable incumbent     */
    int tenure;                   /* points for its years on the site        */
    int switching;                /* points for switching signals            */
    int peers;                    /* points for competitors on the product   */
    int tenure_years;             /* years of tenure worth the full points   */
    int switching_full;           /* signals worth the full points           */
    int peers_full;               /* competitors worth the full points       */
} pf_profile_displacement_t;

/*  One persona of the buying committee ("personas"): the titles the seller
    looks for in it and why it matters to the sale.  name is one of the
    personas buying_committee knows: economic_buyer, champion,
    technical_evaluator, user.                                             */
typedef struct {
    const char *name;             /* the persona (see above), unique         */
    const char *const *titles;    /* job titles to look for, most likely
                                     first (count: n_titles)               */
    size_t n_titles;
    const char *reason;           /* why the persona matters to the sale     */
} pf_profile_persona_t;

/*  Reads and validates the profile at path.  Returns it (the caller owns
    it: pf_profile_destroy), or NULL with a message in err (when given;
    size bytes, PF_PROFILE_ERROR_MAX is enough) naming the file and the
    JSON path of the first problem.                                         */
pf_profile_t *pf_profile_load(const char *path, char *err, size_t size);

/*  Frees a profile.  Accepts NULL; nulls *self_p.                          */
void pf_profile_destroy(pf_profile_t **self_p);

/*  The file to load: flag when given, else $PF_SELLER_PROFILE when set
    and non-empty, else the compiled-in default.  Static or borrowed.      */
const char *pf_profile_path(const char *flag);

/*  Installs *profile_p (taken; NULL or *NULL uninstalls) as the process's
    profile, freeing the one installed before.                             */
void pf_profile_install(pf_profile_t **profile_p);

/*  The installed profile (borrowed), or NULL when none is.                */
const pf_profile_t *pf_profile_current(void);

/*  ---- accessors (strings owned by the profile) ------------------------ */

const char *pf_profile_file(const pf_profile_t *self);      /* path loaded    */
bool pf_profile_sample(const pf_profile_t *self);           /* sample data?   */
const char *pf_profile_seller(const pf_profile_t *self);    /* seller name    */
const char *pf_profile_product(const pf_profile_t *self);   /* product name   */
const char *pf_profile_category(const pf_profile_t *self);  /* what it sells  */

size_t pf_profile_displaceable_count(const pf_profile_t *self);
const pf_profile_tech_t *pf_profile_displaceable_at(const pf_profile_t *self, size_t i);
size_t pf_profile_fit_count(const pf_profile_t *self);
const pf_profile_tech_t *pf_profile_fit_at(const pf_profile_t *self, size_t i);

/*  The displaceable (or fit) entry whose name or an alias equals name,
    ignoring case; NULL when none does.                                     */
const pf_profile_tech_t *pf_profile_displaceable_find(const pf_profile_t *self,
                                                      const char *name);
const pf_profile_tech_t *pf_profile_fit_find(const pf_profile_t *self, const char *name);

size_t pf_profile_factor_count(const pf_profile_t *self);
const pf_profile_factor_t *pf_profile_factor_at(const pf_profile_t *self, size_t i);
/*  Industries (keywords) the ICP's industry fit looks for.                 */
size_t pf_profile_industry_count(const pf_profile_t *self);
const char *pf_profile_industry_at(const pf_profile_t *self, size_t i);
/*  The lowest score (0–100) of tier 'A' + i, i in [0, PF_PROFILE_TIERS).   */
int pf_profile_tier_min(const pf_profile_t *self, size_t i);
/*  The tier letter of a score (0–100): the best tier whose minimum it
    reaches ('D' has minimum 0, so every score has a tier).                 */
char pf_profile_tier(const pf_profile_t *self, double score);

/*  The ICP rules' constants (owned by the profile).                       */
const pf_profile_icp_rules_t *pf_profile_icp_rules(const pf_profile_t *self);

size_t pf_profile_signal_count(const pf_profile_t *self);
const pf_profile_signal_t *pf_profile_signal_at(const pf_profile_t *self, size_t i);

/*  The timing call's thresholds and full strength (owned by the profile). */
const pf_profile_signal_timing_t *pf_profile_signal_timing(const pf_profile_t *self);

size_t pf_profile_case_count(const pf_profile_t *self);
const pf_profile_case_t *pf_profile_case_at(const pf_profile_t *self, size_t i);

/*  The case-matching weights and size bands (owned by the profile).       */
const pf_profile_case_matching_t *pf_profile_case_matching(const pf_profile_t *self);
/*  The displacement scoring ("displacement"), owned by the profile.        */
const pf_profile_displacement_t *pf_profile_displacement(const pf_profile_t *self);

/*  The buying-committee personas ("personas", optional: none when absent),
    and the one named name (NULL when the profile does not define it).    */
size_t pf_profile_persona_count(const pf_profile_t *self);
const pf_profile_persona_t *pf_profile_persona_at(const pf_profile_t *self, size_t i);
const pf_profile_persona_t *pf_profile_persona_find(const pf_profile_t *self,
                                                    const char *name);

#ifdef __cplusplus
}
#endif
#endif
