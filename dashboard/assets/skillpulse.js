/* Client-side callbacks (served from assets: no inline script, so the CSP stays strict). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    skillpulse: {
        copyLink: function (n) { return window.location.href; },
        exportCsv: function (n) { return n > 0; }
    }
});
