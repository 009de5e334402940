/* mdl_pricing.c - price catalogue loading, validation and look-ups.
 *
 * The loader walks the JSON against the static entry table (MDL_ENTRY_LIST):
 * every section, service and key must be in the table, every entry must have
 * the table's unit and a source, numbers must be finite and non-negative,
 * tiers strictly increasing.  The parsed values land in a fixed array indexed
 * by entry id, so a look-up during billing is an array access, and the JSON
 * document is released as soon as loading ends (only the source strings are
 * kept, for the bill's citations).
 */
#include "models/pricing/mdl_pricing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim_json.h"

typedef struct entry_def {
    const char *section, *service, *key;
    mdl_kind kind;
    const char *unit;
    const char *name;
} entry_def;

static const entry_def k_defs[MDL_ENTRY_COUNT] = {
#define MDL__ENTRY_DEF(id, sec, svc, key, kind, unit) \
    { sec, svc, key, MDL_KIND_##kind, unit, sec "." svc "." key },
    MDL_ENTRY_LIST(MDL__ENTRY_DEF)
#undef MDL__ENTRY_DEF
};

static const char *const k_sections[] = { "rates", "free_tier", "rules", NULL };
static const char *const k_regimes[] = { "always_free", "legacy_12mo", NULL };
static const char *const k_confidence[] = { "H", "M", "L", NULL };

typedef struct mdl_entry {
    bool present;
    double usd;                       /* FLAT */
    int n;                            /* tiers, sizes or types */
    double upto[MDL_MAX_CHOICES];     /* TIERED upper bounds (INFINITY = open) */
    double cusd[MDL_MAX_CHOICES];     /* price of tier/size/type i */
    double gb[MDL_MAX_CHOICES];       /* SIZES */
    char type[MDL_MAX_CHOICES][32];   /* TYPES */
    double quantity;                  /* QUANTITY */
    mdl_free_tier regime;
    double number;                    /* NUMBER */
    char date[11];                    /* DATE */
    char *source;                     /* owned */
} mdl_entry;

struct mdl_catalog {
    char path[512];
    char region[32];
    char effective_date[11];
    mdl_entry e[MDL_ENTRY_COUNT];
};

const char *mdl_arch_name(mdl_arch a)
{
    return a == MDL_ARCH_ARM64 ? "arm64" : "x86_64";
}

const char *mdl_free_tier_name(mdl_free_tier f)
{
    switch (f) {
    case MDL_FREE_ALWAYS: return "always_free";
    case MDL_FREE_LEGACY_12MO: return "legacy_12mo";
    default: return "none";
    }
}

const char *mdl_entry_name(mdl_entry_id id)
{
    SIM_ASSERT(id >= 0 && id < MDL_ENTRY_COUNT);
    return k_defs[id].name;
}

const char *mdl_entry_unit(mdl_entry_id id)
{
    SIM_ASSERT(id >= 0 && id < MDL_ENTRY_COUNT);
    return k_defs[id].unit;
}

mdl_kind mdl_entry_kind(mdl_entry_id id)
{
    SIM_ASSERT(id >= 0 && id < MDL_ENTRY_COUNT);
    return k_defs[id].kind;
}

/* ---- loading ----------------------------------------------------------- */

static bool valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static sim_status parse_source(const sim_json_doc *doc, json_object *obj, const char *path,
                               mdl_entry *e, sim_error *err)
{
    const char *src = NULL;
    char p[512];
    SIM_TRY(sim_json_get_string(doc, obj, path, "source", true, &src, NULL, err));
    if (!src[0])
        SIM_JSON_FAIL(err, SIM_EMISSING, doc, sim_json_path(p, sizeof p, path, "source"),
                      "every rate must cite its source");
    int conf = 0;
    SIM_TRY(sim_json_get_enum(doc, obj, path, "confidence", false, k_confidence, &conf,
                              NULL, err));
    free(e->source);
    e->source = sim_xstrdup(src);
    return SIM_OK;
}

static sim_status parse_tiers(const sim_json_doc *doc, json_object *obj, const char *path,
                              mdl_entry *e, sim_error *err)
{
    static const char *const keys[] = { "upto", "usd", NULL };
    json_object *arr;
    char ap[512], ip[512];
    SIM_TRY(sim_json_get_child(doc, obj, path, "tiers", true, json_type_array, &arr, err));
    sim_json_path(ap, sizeof ap, path, "tiers");
    size_t n = json_object_array_length(arr);
    if (n == 0 || n > MDL_MAX_TIERS)
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, ap, "needs 1 to %d tiers (got %zu)",
                      MDL_MAX_TIERS, n);
    double prev = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(arr, i);
        sim_json_path_index(ip, sizeof ip, ap, i);
        SIM_TRY(sim_json_check_keys(doc, t, ip, keys, err));
        bool has_upto = false;
        double upto = INFINITY, usd = 0;
        SIM_TRY(sim_json_get_number(doc, t, ip, "upto", false, 0, 1e300, &upto, &has_upto,
                                    err));
        SIM_TRY(sim_json_get_number(doc, t, ip, "usd", true, 0, 1e300, &usd, NULL, err));
        if (!has_upto && i + 1 < n)
            SIM_JSON_FAIL(err, SIM_EMISSING, doc, ip,
                          "only the last tier may omit 'upto' (it is then open-ended)");
        if (has_upto && upto <= prev)
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, ip,
                          "'upto' must increase from tier to tier (%g after %g)", upto, prev);
        e->upto[i] = has_upto ? upto : INFINITY;
        e->cusd[i] = usd;
        prev = upto;
    }
    e->n = (int)n;
    return SIM_OK;
}

static sim_status parse_sizes(const sim_json_doc *doc, json_object *obj, const char *path,
                              mdl_entry *e, sim_error *err)
{
    static const char *const keys[] = { "gb", "usd", NULL };
    json_object *arr;
    char ap[512], ip[512];
    SIM_TRY(sim_json_get_child(doc, obj, path, "sizes", true, json_type_array, &arr, err));
    sim_json_path(ap, sizeof ap, path, "sizes");
    size_t n = json_object_array_length(arr);
    if (n == 0 || n > MDL_MAX_CHOICES)
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, ap, "needs 1 to %d sizes (got %zu)",
                      MDL_MAX_CHOICES, n);
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(arr, i);
        sim_json_path_index(ip, sizeof ip, ap, i);
        SIM_TRY(sim_json_check_keys(doc, t, ip, keys, err));
        SIM_TRY(sim_json_get_number(doc, t, ip, "gb", true, 1e-9, 1e9, &e->gb[i], NULL, err));
        SIM_TRY(sim_json_get_number(doc, t, ip, "usd", true, 0, 1e300, &e->cusd[i], NULL,
                                    err));
        for (size_t j = 0; j < i; j++)
            if (e->gb[j] == e->gb[i])
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, ip, "size %g GB is listed twice",
                              e->gb[i]);
    }
    e->n = (int)n;
    return SIM_OK;
}

static sim_status parse_types(const sim_json_doc *doc, json_object *obj, const char *path,
                              mdl_entry *e, sim_error *err)
{
    static const char *const keys[] = { "type", "usd", "source", "confidence", "note", NULL };
    json_object *arr;
    char ap[512], ip[512];
    SIM_TRY(sim_json_get_child(doc, obj, path, "types", true, json_type_array, &arr, err));
    sim_json_path(ap, sizeof ap, path, "types");
    size_t n = json_object_array_length(arr);
    if (n == 0 || n > MDL_MAX_CHOICES)
        SIM_JSON_FAIL(err, SIM_ERANGE, doc, ap, "needs 1 to %d types (got %zu)",
                      MDL_MAX_CHOICES, n);
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(arr, i);
        const char *name = NULL, *src = NULL;
        int conf = 0;
        sim_json_path_index(ip, sizeof ip, ap, i);
        SIM_TRY(sim_json_check_keys(doc, t, ip, keys, err));
        SIM_TRY(sim_json_get_string(doc, t, ip, "type", true, &name, NULL, err));
        SIM_TRY(sim_json_get_number(doc, t, ip, "usd", true, 0, 1e300, &e->cusd[i], NULL,
                                    err));
        SIM_TRY(sim_json_get_string(doc, t, ip, "source", true, &src, NULL, err));
        SIM_TRY(sim_json_get_enum(doc, t, ip, "confidence", false, k_confidence, &conf, NULL,
                                  err));
        if (!name[0] || strlen(name) >= sizeof e->type[i])
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, ip, "instance type must be 1-%zu characters",
                          sizeof e->type[i] - 1);
        if (!src[0])
            SIM_JSON_FAIL(err, SIM_EMISSING, doc, ip, "every rate must cite its source");
        for (size_t j = 0; j < i; j++)
            if (strcmp(e->type[j], name) == 0)
                SIM_JSON_FAIL(err, SIM_ERANGE, doc, ip, "type '%s' is listed twice", name);
        snprintf(e->type[i], sizeof e->type[i], "%s", name);
    }
    e->n = (int)n;
    return SIM_OK;
}

static sim_status parse_entry(const sim_json_doc *doc, json_object *obj, const char *path,
                              mdl_entry_id id, mdl_entry *e, sim_error *err)
{
    static const char *const k_flat[] = { "unit", "usd", "source", "confidence", "note", NULL };
    static const char *const k_tier[] = { "unit", "tiers", "source", "confidence", "note", NULL };
    static const char *const k_size[] = { "unit", "sizes", "source", "confidence", "note", NULL };
    static const char *const k_type[] = { "unit", "types", "source", "confidence", "note", NULL };
    static const char *const k_qty[] = { "unit", "quantity", "regime", "source", "note", NULL };
    static const char *const k_num[] = { "unit", "value", "source", "note", NULL };
    static const char *const k_date[] = { "value", "source", "note", NULL };
    const entry_def *d = &k_defs[id];
    const char *const *allowed = k_flat;
    switch (d->kind) {
    case MDL_KIND_FLAT: allowed = k_flat; break;
    case MDL_KIND_TIERED: allowed = k_tier; break;
    case MDL_KIND_SIZES: allowed = k_size; break;
    case MDL_KIND_TYPES: allowed = k_type; break;
    case MDL_KIND_QUANTITY: allowed = k_qty; break;
    case MDL_KIND_NUMBER: allowed = k_num; break;
    case MDL_KIND_DATE: allowed = k_date; break;
    }
    SIM_TRY(sim_json_check_keys(doc, obj, path, allowed, err));
    SIM_TRY(parse_source(doc, obj, path, e, err));
    char p[512];
    if (d->kind != MDL_KIND_DATE) {
        const char *unit = NULL;
        SIM_TRY(sim_json_get_string(doc, obj, path, "unit", true, &unit, NULL, err));
        if (strcmp(unit, d->unit) != 0)
            SIM_JSON_FAIL(err, SIM_EFORMAT, doc, sim_json_path(p, sizeof p, path, "unit"),
                          "unit '%s' is not the expected '%s'", unit, d->unit);
    }
    switch (d->kind) {
    case MDL_KIND_FLAT:
        SIM_TRY(sim_json_get_number(doc, obj, path, "usd", true, 0, 1e300, &e->usd, NULL, err));
        break;
    case MDL_KIND_TIERED:
        SIM_TRY(parse_tiers(doc, obj, path, e, err));
        break;
    case MDL_KIND_SIZES:
        SIM_TRY(parse_sizes(doc, obj, path, e, err));
        break;
    case MDL_KIND_TYPES:
        SIM_TRY(parse_types(doc, obj, path, e, err));
        break;
    case MDL_KIND_QUANTITY: {
        int r = 0;
        SIM_TRY(sim_json_get_number(doc, obj, path, "quantity", true, 0, 1e300, &e->quantity,
                                    NULL, err));
        SIM_TRY(sim_json_get_enum(doc, obj, path, "regime", true, k_regimes, &r, NULL, err));
        e->regime = r == 0 ? MDL_FREE_ALWAYS : MDL_FREE_LEGACY_12MO;
        break;
    }
    case MDL_KIND_NUMBER:
        SIM_TRY(sim_json_get_number(doc, obj, path, "value", true, 0, 1e300, &e->number, NULL,
                                    err));
        if (e->number <= 0)
            SIM_JSON_FAIL(err, SIM_ERANGE, doc, sim_json_path(p, sizeof p, path, "value"),
                          "a metering rule must be positive (got %g)", e->number);
        break;
    case MDL_KIND_DATE: {
        const char *s = NULL;
        SIM_TRY(sim_json_get_string(doc, obj, path, "value", true, &s, NULL, err));
        if (!valid_date(s))
            SIM_JSON_FAIL(err, SIM_EFORMAT, doc, sim_json_path(p, sizeof p, path, "value"),
                          "expected a date YYYY-MM-DD, got '%s'", s);
        snprintf(e->date, sizeof e->date, "%s", s);
        break;
    }
    }
    e->present = true;
    return SIM_OK;
}

/* One section ("rates", "free_tier", "rules"): services, then entries. */
static sim_status parse_section(const sim_json_doc *doc, json_object *sec, const char *sname,
                                mdl_catalog *cat, sim_error *err)
{
    const char *services[MDL_ENTRY_COUNT + 1];
    int ns = 0;
    for (int i = 0; i < MDL_ENTRY_COUNT; i++) {
        if (strcmp(k_defs[i].section, sname) != 0)
            continue;
        bool seen = false;
        for (int j = 0; j < ns && !seen; j++)
            seen = strcmp(services[j], k_defs[i].service) == 0;
        if (!seen)
            services[ns++] = k_defs[i].service;
    }
    services[ns] = NULL;
    SIM_TRY(sim_json_check_keys(doc, sec, sname, services, err));
    json_object_object_foreach(sec, svc, sobj) {
        char spath[512], epath[512];
        const char *keys[MDL_ENTRY_COUNT + 1];
        int nk = 0;
        sim_json_path(spath, sizeof spath, sname, svc);
        for (int i = 0; i < MDL_ENTRY_COUNT; i++)
            if (strcmp(k_defs[i].section, sname) == 0 && strcmp(k_defs[i].service, svc) == 0)
                keys[nk++] = k_defs[i].key;
        keys[nk] = NULL;
        SIM_TRY(sim_json_check_keys(doc, sobj, spath, keys, err));
        json_object_object_foreach(sobj, key, eobj) {
            for (int i = 0; i < MDL_ENTRY_COUNT; i++) {
                if (strcmp(k_defs[i].section, sname) == 0 &&
                    strcmp(k_defs[i].service, svc) == 0 && strcmp(k_defs[i].key, key) == 0) {
                    sim_json_path(epath, sizeof epath, spath, key);
                    SIM_TRY(parse_entry(doc, eobj, epath, (mdl_entry_id)i, &cat->e[i], err));
                }
            }
        }
    }
    return SIM_OK;
}

static sim_status parse_catalog(const sim_json_doc *doc, mdl_catalog *cat, sim_error *err)
{
    static const char *const top[] = { "region", "effective_date", "currency", "notes",
                                       "rates", "free_tier", "rules", NULL };
    json_object *root = doc->root;
    const char *region = NULL, *date = NULL, *cur = "USD";
    SIM_TRY(sim_json_check_keys(doc, root, "", top, err));
    SIM_TRY(sim_json_get_string(doc, root, "", "region", true, &region, NULL, err));
    if (!region[0] || strlen(region) >= sizeof cat->region ||
        strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(region))
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, "region",
                      "a region is lower-case letters, digits and '-' (got '%s')", region);
    snprintf(cat->region, sizeof cat->region, "%s", region);
    SIM_TRY(sim_json_get_string(doc, root, "", "effective_date", true, &date, NULL, err));
    if (!valid_date(date))
        SIM_JSON_FAIL(err, SIM_EFORMAT, doc, "effective_date",
                      "expected a date YYYY-MM-DD, got '%s'", date);
    snprintf(cat->effective_date, sizeof cat->effective_date, "%s", date);
    SIM_TRY(sim_json_get_string(doc, root, "", "currency", false, &cur, NULL, err));
    if (strcmp(cur, "USD") != 0)
        SIM_JSON_FAIL(err, SIM_EUNSUPPORTED, doc, "currency",
                      "only USD catalogues are supported (got '%s')", cur);
    for (int s = 0; k_sections[s]; s++) {
        json_object *sec = NULL;
        SIM_TRY(sim_json_get_child(doc, root, "", k_sections[s], s == 0, json_type_object,
                                   &sec, err));
        if (sec)
            SIM_TRY(parse_section(doc, sec, k_sections[s], cat, err));
    }
    return SIM_OK;
}

sim_status mdl_catalog_load(const char *path, mdl_catalog **out, sim_error *err)
{
    *out = NULL;
    sim_json_doc doc;
    SIM_TRY(sim_json_doc_load(&doc, path, err));
    mdl_catalog *cat = sim_xcalloc(1, sizeof *cat);
    snprintf(cat->path, sizeof cat->path, "%s", path);
    sim_status s = parse_catalog(&doc, cat, err);
    sim_json_doc_fini(&doc);
    if (s != SIM_OK) {
        mdl_catalog_destroy(cat);
        return s;
    }
    *out = cat;
    return SIM_OK;
}

static bool file_exists(const char *p)
{
    return access(p, R_OK) == 0;
}

/* Regions with a bundled catalogue, for the "unknown region" message. */
static const char *const k_known_regions[] = { "us-east-1", "eu-central-1", "ap-southeast-1",
                                               NULL };

sim_status mdl_catalog_load_region(const char *data_dir, const char *region, const char *input,
                                   long line, const char *field, mdl_catalog **out,
                                   sim_error *err)
{
    *out = NULL;
    char path[1200];
    if (!data_dir) data_dir = "data";
    if (!region[0] || strlen(region) > 40 ||
        strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(region))
        SIM_FAIL(err, SIM_EUNKNOWN, input, line, field, "'%s' is not a region name", region);
    snprintf(path, sizeof path, "%s/prices/%s.json", data_dir, region);
    if (!file_exists(path)) {
        char list[256] = "";
        for (int i = 0; k_known_regions[i]; i++) {
            char probe[1200];
            snprintf(probe, sizeof probe, "%s/prices/%s.json", data_dir, k_known_regions[i]);
            if (file_exists(probe)) {
                size_t u = strlen(list);
                snprintf(list + u, sizeof list - u, "%s%s", u ? ", " : "", k_known_regions[i]);
            }
        }
        if (!list[0])   /* not the region: the data directory */
            SIM_FAIL(err, SIM_ENOENT, input, line, field,
                     "no price catalogue %s: the data directory '%s' has none (pass --data DIR "
                     "or set LAMBDASIM_DATA)", path, data_dir);
        SIM_FAIL(err, SIM_EUNKNOWN, input, line, field,
                 "unknown region '%s': no price catalogue %s (catalogues: %s; or pass "
                 "--catalog FILE)", region, path, list);
    }
    return mdl_catalog_load(path, out, err);
}

void mdl_catalog_destroy(mdl_catalog *cat)
{
    if (!cat)
        return;
    for (int i = 0; i < MDL_ENTRY_COUNT; i++)
        free(cat->e[i].source);
    free(cat);
}

const char *mdl_catalog_region(const mdl_catalog *cat) { return cat->region; }
const char *mdl_catalog_effective_date(const mdl_catalog *cat) { return cat->effective_date; }
const char *mdl_catalog_path(const mdl_catalog *cat) { return cat->path; }

/* ---- look-ups ---------------------------------------------------------- */

static const mdl_entry *entry_of(const mdl_catalog *cat, mdl_entry_id id, mdl_kind kind)
{
    SIM_ASSERT(cat && id >= 0 && id < MDL_ENTRY_COUNT);
    SIM_ASSERT(k_defs[id].kind == kind);
    SIM_ASSERT(cat->e[id].present); /* callers check with mdl_catalog_need first */
    return &cat->e[id];
}

bool mdl_catalog_has(const mdl_catalog *cat, mdl_entry_id id)
{
    SIM_ASSERT(cat && id >= 0 && id < MDL_ENTRY_COUNT);
    return cat->e[id].present;
}

int mdl_catalog_missing_count(const mdl_catalog *cat)
{
    int n = 0;
    for (int i = 0; i < MDL_ENTRY_COUNT; i++)
        n += !cat->e[i].present;
    return n;
}

sim_status mdl_catalog_need(const mdl_catalog *cat, mdl_entry_id id, const char *why,
                            sim_error *err)
{
    if (mdl_catalog_has(cat, id))
        return SIM_OK;
    SIM_FAIL(err, SIM_EMISSING, cat->path, 0, k_defs[id].name,
             "the %s catalogue has no rate '%s' (its sources give no %s figure for this "
             "region), so %s cannot be priced; a missing rate is never taken as zero",
             cat->region, k_defs[id].name, k_defs[id].service, why);
}

const char *mdl_catalog_source(const mdl_catalog *cat, mdl_entry_id id)
{
    SIM_ASSERT(cat && id >= 0 && id < MDL_ENTRY_COUNT);
    return cat->e[id].source ? cat->e[id].source : "";
}

double mdl_catalog_usd(const mdl_catalog *cat, mdl_entry_id id)
{
    return entry_of(cat, id, MDL_KIND_FLAT)->usd;
}

double mdl_catalog_quantity(const mdl_catalog *cat, mdl_entry_id id)
{
    return entry_of(cat, id, MDL_KIND_QUANTITY)->quantity;
}

mdl_free_tier mdl_catalog_regime(const mdl_catalog *cat, mdl_entry_id id)
{
    return entry_of(cat, id, MDL_KIND_QUANTITY)->regime;
}

double mdl_catalog_number(const mdl_catalog *cat, mdl_entry_id id)
{
    return entry_of(cat, id, MDL_KIND_NUMBER)->number;
}

const char *mdl_catalog_date(const mdl_catalog *cat, mdl_entry_id id)
{
    return entry_of(cat, id, MDL_KIND_DATE)->date;
}

int mdl_catalog_tier_count(const mdl_catalog *cat, mdl_entry_id id)
{
    return entry_of(cat, id, MDL_KIND_TIERED)->n;
}

double mdl_catalog_tier_upto(const mdl_catalog *cat, mdl_entry_id id, int i)
{
    const mdl_entry *e = entry_of(cat, id, MDL_KIND_TIERED);
    SIM_ASSERT(i >= 0 && i < e->n);
    return e->upto[i];
}

double mdl_catalog_tier_usd(const mdl_catalog *cat, mdl_entry_id id, int i)
{
    const mdl_entry *e = entry_of(cat, id, MDL_KIND_TIERED);
    SIM_ASSERT(i >= 0 && i < e->n);
    return e->cusd[i];
}

sim_status mdl_catalog_tier_split(const mdl_catalog *cat, mdl_entry_id id, double quantity,
                                  mdl_tier_part parts[MDL_MAX_TIERS], int *n_parts,
                                  const char *why, sim_error *err)
{
    *n_parts = 0;
    SIM_TRY(mdl_catalog_need(cat, id, why, err));
    const mdl_entry *e = entry_of(cat, id, MDL_KIND_TIERED);
    SIM_ASSERT(quantity >= 0);
    double from = 0;
    for (int i = 0; i < e->n; i++) {
        double to = quantity < e->upto[i] ? quantity : e->upto[i];
        if (to > from || (i == 0 && quantity == 0)) {
            parts[*n_parts] = (mdl_tier_part){ i, from, to, e->cusd[i] };
            ++*n_parts;
        }
        if (quantity <= e->upto[i])
            return SIM_OK;
        from = e->upto[i];
    }
    SIM_FAIL(err, SIM_EMISSING, cat->path, 0, k_defs[id].name,
             "the %s catalogue lists '%s' only up to %.10g %s, and %s needs %.10g; its "
             "sources give no higher tier for this region", cat->region, k_defs[id].name,
             e->upto[e->n - 1], k_defs[id].unit, why, quantity);
}

static void choice_list(const mdl_entry *e, bool sizes, char *buf, size_t n)
{
    size_t u = 0;
    buf[0] = '\0';
    for (int i = 0; i < e->n && u < n; i++) {
        int w = sizes ? snprintf(buf + u, n - u, "%s%g", i ? ", " : "", e->gb[i])
                      : snprintf(buf + u, n - u, "%s%s", i ? ", " : "", e->type[i]);
        if (w > 0)
            u += (size_t)w;
    }
}

sim_status mdl_catalog_size_usd(const mdl_catalog *cat, mdl_entry_id id, double gb,
                                const char *input, long line, const char *field,
                                double *usd, sim_error *err)
{
    SIM_TRY(mdl_catalog_need(cat, id, field, err));
    const mdl_entry *e = entry_of(cat, id, MDL_KIND_SIZES);
    for (int i = 0; i < e->n; i++) {
        if (fabs(e->gb[i] - gb) <= 1e-9 * e->gb[i]) {
            *usd = e->cusd[i];
            return SIM_OK;
        }
    }
    char list[512];
    choice_list(e, true, list, sizeof list);
    SIM_FAIL(err, SIM_EUNKNOWN, input, line, field,
             "no %s price for %g GB in %s (sizes: %s GB)", k_defs[id].name, gb, cat->region,
             list);
}

sim_status mdl_catalog_type_usd(const mdl_catalog *cat, mdl_entry_id id, const char *type,
                                const char *input, long line, const char *field,
                                double *usd, sim_error *err)
{
    SIM_TRY(mdl_catalog_need(cat, id, field, err));
    const mdl_entry *e = entry_of(cat, id, MDL_KIND_TYPES);
    for (int i = 0; i < e->n; i++) {
        if (strcmp(e->type[i], type) == 0) {
            *usd = e->cusd[i];
            return SIM_OK;
        }
    }
    char list[512];
    choice_list(e, false, list, sizeof list);
    SIM_FAIL(err, SIM_EUNKNOWN, input, line, field,
             "no %s price for instance type '%s' in %s (types: %s)", k_defs[id].name, type,
             cat->region, list);
}

/* ---- single-invocation price (sizing) --------------------------------- */

double mdl_billed_ms(double duration_ms, int granularity_ms)
{
    SIM_ASSERT(granularity_ms >= 1 && duration_ms >= 0);
    double g = (double)granularity_ms;
    /* A tiny epsilon keeps 200.0000000001 (float noise from ms arithmetic)
     * from billing an extra unit; real durations are far coarser. */
    double units = ceil(duration_ms / g - 1e-9);
    return (units < 0 ? 0 : units) * g;
}

sim_status mdl_price_lambda_invocation(const mdl_catalog *cat, mdl_arch arch,
                                       double memory_mb, double duration_ms,
                                       int granularity_ms, double *usd, sim_error *err)
{
    mdl_entry_id dur = arch == MDL_ARCH_ARM64 ? MDL_LAMBDA_DURATION_ARM
                                              : MDL_LAMBDA_DURATION_X86;
    SIM_TRY(mdl_catalog_need(cat, MDL_LAMBDA_REQUESTS, "a Lambda invocation", err));
    SIM_TRY(mdl_catalog_need(cat, dur, "a Lambda invocation", err));
    double gbs = mdl_billed_ms(duration_ms, granularity_ms) / 1000.0 * (memory_mb / 1024.0);
    *usd = mdl_catalog_usd(cat, MDL_LAMBDA_REQUESTS) + gbs * mdl_catalog_tier_usd(cat, dur, 0);
    return SIM_OK;
}
