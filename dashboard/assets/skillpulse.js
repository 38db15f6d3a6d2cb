/* Client-side callbacks (served from assets: no inline script, so the CSP stays strict).
 *
 * URL state sync runs here, not on the server: a server round trip on page load would delay every
 * content callback (they wait for the controls it may change). Controls → query string pushes a
 * history entry; the query string → controls only on back/forward (a popstate), because on first
 * load the server already built the controls from the URL (resolving aliases). The server
 * validates every value again in the content callbacks.
 */
(function () {
    var popped = false;
    window.addEventListener("popstate", function () { popped = true; });

    var HORIZONS = [6, 12, 24, 36, 60];
    var SCALES = ["share", "count", "index"];
    var VIEWS = ["absolute", "relative"];
    var SEGMENTS = ["source", "region", "occupation"];

    function nu() { return window.dash_clientside.no_update; }
    function fromUrl() {
        var trig = (window.dash_clientside.callback_context || {}).triggered || [];
        return trig.some(function (t) { return /-url\.search$/.test(t.prop_id); });
    }
    function search(params) { var s = params.toString(); return s ? "?" + s : ""; }
    function runOf(params, options, name) {
        var run = parseInt(params.get(name || "run") || "0", 10);
        var known = (options || []).map(function (o) { return o.value; });
        return (run > 0 && known.indexOf(run) >= 0) ? run : 0;
    }

    var FORMULA_START = ["=", "+", "-", "@", "\t", "\r"];
    function safeCsvCell(p) {
        var v = p.value;
        if (typeof v === "string" && v.length && FORMULA_START.indexOf(v.charAt(0)) >= 0) {
            return "'" + v;
        }
        return v;
    }

    // ag-grid cell/overlay components named in Python (a plain text element: no HTML parsing).
    var gridComponents = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
    // A grid cell linking to a page of this site: the cell's text, the row's href field
    // (components.link_column). Only same-site paths are links; anything else stays text.
    gridComponents.SkillLink = function (props) {
        var field = props.hrefField || (props.colDef && props.colDef.cellRendererParams || {}).hrefField;
        var href = props.data && field ? props.data[field] : null;
        if (typeof href !== "string" || href.charAt(0) !== "/" || href.charAt(1) === "/" ||
                href.indexOf("\\") >= 0) {
            return props.value;
        }
        return window.React.createElement("a", {href: href}, props.value);
    };
    gridComponents.NoRowsOverlay = function (props) {
        return window.React.createElement("div", {className: "grid-empty", role: "status"}, props.message);
    };

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        skillpulse: {
            copyLink: function (n) { return window.location.href; },
            // The phone menu: the toggler opens/closes it, following a link closes it.
            toggleMenu: function (n, pathname, open) {
                var trig = (window.dash_clientside.callback_context || {}).triggered || [];
                var byToggler = trig.some(function (t) { return /^navbar-toggler\./.test(t.prop_id); });
                return byToggler ? !open : false;
            },
            // "Download CSV": the grid's export with every text cell a spreadsheet would run as a
            // formula (= + - @ tab CR first) prefixed with ', as the CLI export does
            // (data/tables.py _FORMULA_START). Called on the grid's API, so the rule is ours, not
            // a function string the grid would have to evaluate.
            // An upload's size, checked before anything is sent: a refusal is said at once, in
            // text (never HTML); an accepted file goes on to the server (which checks again).
            uploadGuard: function (contents, filename, limit) {
                if (!contents) { return [nu(), nu()]; }
                var comma = contents.indexOf(",");
                var bytes = Math.floor((contents.length - comma - 1) * 3 / 4);
                if (limit && bytes > limit) {
                    var kb = function (b) { return Math.ceil(b / 1024).toLocaleString("en"); };
                    return [nu(), String(filename || "The file") + " is " + kb(bytes) +
                            " KB, over the " + kb(limit) + " KB upload limit; nothing was sent. " +
                            "Use the command line (skillpulse catalogue / gaps) for larger files."];
                }
                return [{contents: contents, filename: filename}, ""];
            },
            exportCsv: function (n, params) {
                var out = (window.dash_clientside.callback_context || {}).outputs_list || {};
                var id = out.id;
                var grids = window.dash_ag_grid;
                if (!n || !id || !grids || !grids.getApiAsync) { return nu(); }
                grids.getApiAsync(id).then(function (api) {
                    api.exportDataAsCsv(Object.assign({}, params || {}, {processCellCallback: safeCsvCell}));
                });
                return nu();
            },

            runSync: function (searchStr, value, options) {
                var params = new URLSearchParams(searchStr || "");
                if (fromUrl()) {
                    if (!popped) { return [nu(), nu()]; }
                    popped = false;
                    var run = runOf(params, options);
                    return run === value ? [nu(), nu()] : [nu(), run];
                }
                var out = new URLSearchParams();
                if (value) { out.set("run", String(value)); }
                return [search(out), nu()];
            },

            explorerSync: function (searchStr, skills, horizon, scale, view, source, region,
                                    occupation, run, compare, skillOptions, runOptions) {
                var n = 10;
                var keep = Array(n).fill(nu());
                if (fromUrl()) {
                    if (!popped) { return keep; }
                    popped = false;
                    var p = new URLSearchParams(searchStr || "");
                    var byKey = {};
                    (skillOptions || []).forEach(function (o) { byKey[String(o.value).toLowerCase()] = o.value; });
                    var wanted = [];
                    p.getAll("skill").forEach(function (s) {
                        var v = byKey[s.trim().toLowerCase()];
                        if (v !== undefined && wanted.indexOf(v) < 0) { wanted.push(v); }
                    });
                    var h = parseInt(p.get("horizon") || "24", 10);
                    var next = [
                        wanted,
                        HORIZONS.indexOf(h) >= 0 ? h : 24,
                        SCALES.indexOf(p.get("scale")) >= 0 ? p.get("scale") : "share",
                        VIEWS.indexOf(p.get("view")) >= 0 ? p.get("view") : "absolute",
                        p.has("source") ? p.get("source") : source,
                        p.has("region") ? p.get("region") : region,
                        p.has("occupation") ? p.get("occupation") : occupation,
                        runOf(p, runOptions),
                        runOf(p, runOptions, "compare")
                    ];
                    var current = [skills || [], horizon, scale, view, source, region, occupation, run,
                                   compare];
                    if (JSON.stringify(next) === JSON.stringify(current)) { return keep; }
                    return [nu()].concat(next);
                }
                var out = new URLSearchParams();
                (skills || []).forEach(function (s) { out.append("skill", s); });
                if (horizon !== 24 && horizon !== null && horizon !== undefined) { out.set("horizon", String(horizon)); }
                if (scale && scale !== "share") { out.set("scale", scale); }
                if (view && view !== "absolute") { out.set("view", view); }
                var seg = [source, region, occupation];
                SEGMENTS.forEach(function (name, i) {
                    if (seg[i] !== null && seg[i] !== undefined) { out.set(name, seg[i]); }
                });
                if (run) { out.set("run", String(run)); }
                if (compare) { out.set("compare", String(compare)); }
                return [search(out)].concat(Array(9).fill(nu()));
            },

            // /changes: the two run pickers <-> ?from=&to= (same rules as runSync).
            changesSync: function (searchStr, before, after, fromOptions, toOptions) {
                var params = new URLSearchParams(searchStr || "");
                if (fromUrl()) {
                    if (!popped) { return [nu(), nu(), nu()]; }
                    popped = false;
                    var a = runOf(params, fromOptions, "from") || null;
                    var b = runOf(params, toOptions, "to") || null;
                    return [nu(), a === before ? nu() : a, b === after ? nu() : b];
                }
                var out = new URLSearchParams();
                if (before) { out.set("from", String(before)); }
                if (after) { out.set("to", String(after)); }
                return [search(out), nu(), nu()];
            }
        }
    });
})();
