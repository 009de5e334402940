/* mdl_tf_api.c - front doors: Lambda Function URLs, API Gateway HTTP APIs
 * (integrations, routes, stage) and REST APIs (resources, methods,
 * integrations, stage, method settings) -> entries (mdl_tf_build.h). */
#include "models/terraform/mdl_tf_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* REST resource trees deeper than this are refused (API Gateway allows a
 * path of at most 8,192 characters; no real API nests this deep). */
#define TF_REST_DEPTH 64

static const char *const k_functions[] = { "aws_lambda_function", NULL };
static const char *const k_http_apis[] = { "aws_apigatewayv2_api", NULL };
static const char *const k_http_integrations[] = { "aws_apigatewayv2_integration", NULL };
static const char *const k_rest_apis[] = { "aws_api_gateway_rest_api", NULL };
static const char *const k_rest_nodes[] = { "aws_api_gateway_resource", "aws_api_gateway_rest_api",
                                            NULL };



/* Whether resource ri's `attr` names api (an error when it names nothing). */
static sim_status belongs(tf_build *b, size_t ri, const char *attr, const char *const *types,
                          int api, bool *yes)
{
    int a = -1;
    SIM_TRY(mdl_tf_link(b->p, ri, attr, types, true, &a, b->err));
    *yes = a == api;
    return SIM_OK;
}

/* The function a Lambda integration calls (its URI: a function ARN, an
 * invoke ARN, or a reference), or -1 with a warning when the integration is
 * not a Lambda proxy. */
static sim_status integration_function(tf_build *b, size_t gi, const char *type_attr,
                                       const char *uri_attr, const char *route, int *f)
{
    const mdl_tf_resource *g = tf_res(b, gi);
    json_object *t = NULL;
    *f = -1;
    const char *type = mdl_tf_attr(g, type_attr, &t) == MDL_TF_KNOWN ? tf_str(t) : NULL;
    if (!type || (strcmp(type, "AWS_PROXY") != 0 && strcmp(type, "AWS") != 0)) {
        tf_warn(b, "%s: route %s goes to a %s integration, not a Lambda function: not simulated",
                g->address, route, type ? type : "(unknown)");
        return SIM_OK;
    }
    json_object *u = NULL;
    if (mdl_tf_attr(g, uri_attr, &u) == MDL_TF_KNOWN && tf_str(u) &&
        !strstr(tf_str(u), ":lambda:")) {
        tf_warn(b, "%s: route %s integrates %s, not a Lambda function: not simulated",
                g->address, route, tf_str(u));
        return SIM_OK;
    }
    return mdl_tf_link(b->p, gi, uri_attr, k_functions, true, f, b->err);
}

/* target, routes and timeout_s of an API entry from its routes. */
static void api_entry(tf_build *b, json_object *e, json_object *routes, const char *dflt,
                      long long timeout_ms)
{
    const char *only = NULL;
    bool one = true;
    json_object_object_foreach(routes, k, v) {
        (void)k;
        if (only && strcmp(only, json_object_get_string(v)) != 0)
            one = false;
        only = json_object_get_string(v);
    }
    const char *target = dflt ? dflt : (one ? only : NULL);
    if (target)
        json_object_object_add(e, "target", json_object_new_string(target));
    json_object_object_add(e, "routes", routes);
    json_object_object_add(e, "timeout_s", tf_number((double)timeout_ms / 1e3));
    (void)b;
}

/* ---- Function URLs ---------------------------------------------------------- */

static sim_status function_urls(tf_build *b)
{
    const char *t = "aws_lambda_function_url";
    for (int i = tf_next(b->p, t, 0); i >= 0; i = tf_next(b->p, t, i + 1)) {
        int f = -1;
        SIM_TRY(mdl_tf_link(b->p, (size_t)i, "function_name", k_functions, true, &f, b->err));
        char mode[32], name[TF_NAME_MAX];
        tf_get_str(tf_res(b, i), MDL_TF_ROW_URL_MODE, "BUFFERED", mode, sizeof mode);
        if (strcmp(mode, "RESPONSE_STREAM") == 0)
            tf_warn(b, "%s: response streaming is simulated as a buffered response", tf_res(b, i)->address);
        json_object *e = tf_entry(b, tf_res(b, i), "url", "function_url", name, sizeof name);
        json_object_object_add(e, "target", json_object_new_string(b->cname[f]));
        b->used[i] = true;
    }
    return SIM_OK;
}

/* ---- HTTP APIs -------------------------------------------------------------- */

/* The integration a route targets ("integrations/<id>", or a reference). */
static sim_status route_integration(tf_build *b, size_t ri, int *g)
{
    const mdl_tf_resource *r = tf_res(b, ri);
    json_object *v = NULL;
    int n = 0;
    *g = -1;
    switch (mdl_tf_attr(r, "target", &v)) {
    case MDL_TF_KNOWN: {
        const char *s = tf_str(v);
        if (s && strncmp(s, "integrations/", 13) == 0)
            mdl_tf_match(b->p, s + 13, k_http_integrations, g, 1, &n);
        if (n != 1)
            return mdl_tf_fail(b->p, r, "target", b->err, SIM_EUNKNOWN, "'%s' names no "
                               "integration of this configuration", s ? s : "?");
        return SIM_OK;
    }
    case MDL_TF_UNKNOWN:
        return mdl_tf_link(b->p, ri, "target", k_http_integrations, true, g, b->err);
    case MDL_TF_ABSENT:
        break;
    }
    return SIM_OK;
}

static sim_status http_route(tf_build *b, size_t ri, json_object *routes, const char **dflt,
                             long long *timeout_ms)
{
    const mdl_tf_resource *r = tf_res(b, ri);
    json_object *k = NULL;
    if (mdl_tf_attr(r, "route_key", &k) != MDL_TF_KNOWN || !tf_str(k))
        return mdl_tf_fail(b->p, r, "route_key", b->err, SIM_EMISSING, "the route key must be "
                           "known at plan time");
    const char *key = tf_str(k);
    int g = -1, f = -1;
    SIM_TRY(route_integration(b, ri, &g));
    b->used[ri] = true;
    if (g < 0) {
        tf_warn(b, "%s: route %s has no integration: not simulated", r->address, key);
        return SIM_OK;
    }
    b->used[g] = true;
    SIM_TRY(integration_function(b, (size_t)g, "integration_type", "integration_uri", key, &f));
    if (f < 0)
        return SIM_OK;
    long long ms = tf_get_int(tf_res(b, (size_t)g), MDL_TF_ROW_HTTP_TIMEOUT, 30000);
    *timeout_ms = ms > *timeout_ms ? ms : *timeout_ms;
    json_object_object_add(routes, key, json_object_new_string(b->cname[f]));
    if (strcmp(key, "$default") == 0)
        *dflt = b->cname[f];
    return SIM_OK;
}

static sim_status http_api(tf_build *b, size_t ai)
{
    const mdl_tf_resource *a = tf_res(b, ai);
    json_object *pt = NULL;
    b->used[ai] = true;
    if (mdl_tf_attr(a, "protocol_type", &pt) == MDL_TF_KNOWN && tf_str(pt) &&
        strcmp(tf_str(pt), "HTTP") != 0) {
        tf_warn(b, "%s: a %s API is not simulated", a->address, tf_str(pt));
        return SIM_OK;
    }
    json_object *routes = json_object_new_object();
    const char *dflt = NULL;
    long long timeout_ms = 0;
    sim_status s = SIM_OK;
    for (int i = tf_next(b->p, "aws_apigatewayv2_route", 0); i >= 0 && s == SIM_OK;
         i = tf_next(b->p, "aws_apigatewayv2_route", i + 1)) {
        bool mine = false;
        s = belongs(b, (size_t)i, "api_id", k_http_apis, (int)ai, &mine);
        if (s == SIM_OK && mine)
            s = http_route(b, (size_t)i, routes, &dflt, &timeout_ms);
    }
    if (s != SIM_OK) {
        json_object_put(routes);
        return s;
    }
    char name[TF_NAME_MAX];
    json_object *e = tf_entry(b, a, "http", "apigw_http", name, sizeof name);
    api_entry(b, e, routes, dflt, timeout_ms ? timeout_ms : 30000);
    int stages = 0;
    for (int i = tf_next(b->p, "aws_apigatewayv2_stage", 0); i >= 0;
         i = tf_next(b->p, "aws_apigatewayv2_stage", i + 1)) {
        bool mine = false;
        SIM_TRY(belongs(b, (size_t)i, "api_id", k_http_apis, (int)ai, &mine));
        if (!mine)
            continue;
        b->used[i] = true;
        if (stages++ == 0)
            SIM_TRY(tf_apply_rows(b, (size_t)i, MDL_TF_OWNER_ENTRY, e));
        else
            tf_warn(b, "%s: entry %s has one stage in the simulator: the first one's throttle is "
                    "used", tf_res(b, i)->address, name);
    }
    if (!json_object_object_length(routes))
        tf_warn(b, "%s: no route reaches a Lambda function", a->address);
    return SIM_OK;
}

/* ---- REST APIs -------------------------------------------------------------- */

/* The path of a REST resource ("/photos/{id}"), from its parents. */
static sim_status rest_path(tf_build *b, int node, char *buf, size_t n, int depth)
{
    const mdl_tf_resource *r = tf_res(b, (size_t)node);
    if (strcmp(r->type, "aws_api_gateway_rest_api") == 0) {
        buf[0] = '\0';
        return SIM_OK;
    }
    if (depth > TF_REST_DEPTH)
        return mdl_tf_fail(b->p, r, "parent_id", b->err, SIM_EFORMAT, "resource cycle (or a path "
                           "deeper than %d)", TF_REST_DEPTH);
    int parent = -1;
    SIM_TRY(mdl_tf_link(b->p, (size_t)node, "parent_id", k_rest_nodes, true, &parent, b->err));
    SIM_TRY(rest_path(b, parent, buf, n, depth + 1));
    json_object *part = NULL;
    mdl_tf_attr(r, "path_part", &part);
    size_t l = strlen(buf);
    snprintf(buf + l, n - l, "/%s", tf_str(part) ? tf_str(part) : "?");
    b->used[node] = true;
    return SIM_OK;
}

/* The integration of (resource, method): same REST API, resource and
 * http_method. */
static sim_status rest_integration(tf_build *b, int api, int node, const char *method, int *g)
{
    *g = -1;
    const char *t = "aws_api_gateway_integration";
    for (int i = tf_next(b->p, t, 0); i >= 0; i = tf_next(b->p, t, i + 1)) {
        bool mine = false, here = false;
        SIM_TRY(belongs(b, (size_t)i, "rest_api_id", k_rest_apis, api, &mine));
        if (!mine)
            continue;
        SIM_TRY(belongs(b, (size_t)i, "resource_id", k_rest_nodes, node, &here));
        json_object *m = NULL;
        mdl_tf_attr(tf_res(b, i), "http_method", &m);
        if (here && tf_str(m) && strcmp(tf_str(m), method) == 0) {
            *g = i;
            b->used[i] = true;
        }
    }
    return SIM_OK;
}

static sim_status rest_method(tf_build *b, int api, size_t mi, json_object *routes,
                              long long *timeout_ms)
{
    const mdl_tf_resource *m = tf_res(b, mi);
    int node = -1, g = -1, f = -1;
    SIM_TRY(mdl_tf_link(b->p, mi, "resource_id", k_rest_nodes, true, &node, b->err));
    char path[1024], key[1100];
    SIM_TRY(rest_path(b, node, path, sizeof path, 0));
    json_object *hm = NULL;
    if (mdl_tf_attr(m, "http_method", &hm) != MDL_TF_KNOWN || !tf_str(hm))
        return mdl_tf_fail(b->p, m, "http_method", b->err, SIM_EMISSING, "the method must be "
                           "known at plan time");
    snprintf(key, sizeof key, "%s %s", tf_str(hm), path[0] ? path : "/");
    b->used[mi] = true;
    SIM_TRY(rest_integration(b, api, node, tf_str(hm), &g));
    if (g < 0) {
        tf_warn(b, "%s: route %s has no integration: not simulated", m->address, key);
        return SIM_OK;
    }
    SIM_TRY(integration_function(b, (size_t)g, "type", "uri", key, &f));
    if (f < 0)
        return SIM_OK;
    long long ms = tf_get_int(tf_res(b, (size_t)g), MDL_TF_ROW_REST_TIMEOUT, 29000);
    *timeout_ms = ms > *timeout_ms ? ms : *timeout_ms;
    json_object_object_add(routes, key, json_object_new_string(b->cname[f]));
    return SIM_OK;
}

/* cache from the stage, throttle from the method settings. */
static sim_status rest_stage(tf_build *b, int api, json_object *e, const char *name)
{
    int stages = 0;
    for (int i = tf_next(b->p, "aws_api_gateway_stage", 0); i >= 0;
         i = tf_next(b->p, "aws_api_gateway_stage", i + 1)) {
        bool mine = false;
        SIM_TRY(belongs(b, (size_t)i, "rest_api_id", k_rest_apis, api, &mine));
        if (!mine)
            continue;
        b->used[i] = true;
        if (stages++) {
            tf_warn(b, "%s: entry %s has one stage in the simulator: the first one's cache is used",
                    tf_res(b, i)->address, name);
            continue;
        }
        json_object *on = tf_get(tf_res(b, i), MDL_TF_ROW_REST_CACHE, NULL);
        if (on && json_object_get_boolean(on)) {
            char size[32];
            double gb = 0;
            tf_get_str(tf_res(b, i), MDL_TF_ROW_REST_CACHE_SIZE, "0.5", size, sizeof size);
            if (tf_number_attr(b, tf_res(b, i), "cache_cluster_size", size, &gb) != SIM_OK) {
                json_object_put(on);
                return b->err->code;
            }
            json_object *c = json_object_new_object();
            json_object_object_add(c, "hit_ratio", tf_placeholder("the share of requests entry "
                                   "%s's cache answers, between 0 and 1", name));
            json_object_object_add(c, "size_gb", tf_number(gb));
            json_object_object_add(e, "cache", c);
        }
        json_object_put(on);
    }
    const char *t = "aws_api_gateway_method_settings";
    for (int i = tf_next(b->p, t, 0); i >= 0; i = tf_next(b->p, t, i + 1)) {
        bool mine = false;
        SIM_TRY(belongs(b, (size_t)i, "rest_api_id", k_rest_apis, api, &mine));
        if (mine) {
            SIM_TRY(tf_apply_rows(b, (size_t)i, MDL_TF_OWNER_ENTRY, e));
            b->used[i] = true;
        }
    }
    return SIM_OK;
}

static sim_status rest_api(tf_build *b, size_t ai)
{
    json_object *routes = json_object_new_object();
    long long timeout_ms = 0;
    sim_status s = SIM_OK;
    b->used[ai] = true;
    const char *t = "aws_api_gateway_method";
    for (int i = tf_next(b->p, t, 0); i >= 0 && s == SIM_OK; i = tf_next(b->p, t, i + 1)) {
        bool mine = false;
        s = belongs(b, (size_t)i, "rest_api_id", k_rest_apis, (int)ai, &mine);
        if (s == SIM_OK && mine)
            s = rest_method(b, (int)ai, (size_t)i, routes, &timeout_ms);
    }
    if (s != SIM_OK) {
        json_object_put(routes);
        return s;
    }
    char name[TF_NAME_MAX];
    json_object *e = tf_entry(b, tf_res(b, ai), "rest", "apigw_rest", name, sizeof name);
    api_entry(b, e, routes, NULL, timeout_ms ? timeout_ms : 29000);
    if (!json_object_object_length(tf_key(e, "routes")))
        tf_warn(b, "%s: no method reaches a Lambda function", tf_res(b, ai)->address);
    return rest_stage(b, (int)ai, e, name);
}

sim_status tf_front_doors(tf_build *b)
{
    SIM_TRY(function_urls(b));
    for (int i = tf_next(b->p, "aws_apigatewayv2_api", 0); i >= 0;
         i = tf_next(b->p, "aws_apigatewayv2_api", i + 1))
        SIM_TRY(http_api(b, (size_t)i));
    for (int i = tf_next(b->p, "aws_api_gateway_rest_api", 0); i >= 0;
         i = tf_next(b->p, "aws_api_gateway_rest_api", i + 1))
        SIM_TRY(rest_api(b, (size_t)i));
    return SIM_OK;
}
