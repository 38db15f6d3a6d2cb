"""Component ids: defined once here, used by pages, callbacks and tests."""
from __future__ import annotations

# shell
NAVBAR = "navbar"
NAV_TOGGLER = "navbar-toggler"
NAV_COLLAPSE = "navbar-collapse"
PAGES_LOCATION = "_pages_location"  # Dash pages' own dcc.Location
COPY_LINK = "copy-link"

# overview
OV_URL = "ov-url"
OV_RUN = "ov-run"
OV_ALERT = "ov-alert"
OV_FRESHNESS = "ov-freshness"
OV_STATUS_CARDS = "ov-status-cards"
OV_RISERS = "ov-risers"
OV_DECLINERS = "ov-decliners"
OV_RISERS_CSV = "ov-risers-csv"
OV_DECLINERS_CSV = "ov-decliners-csv"
OV_MARKET = "ov-market"

# explorer
EX_URL = "ex-url"
EX_ALERT = "ex-alert"
EX_CALLBACK_ALERT = "ex-callback-alert"
EX_SKILLS = "ex-skills"
EX_HORIZON = "ex-horizon"
EX_SCALE = "ex-scale"
EX_VIEW = "ex-view"
EX_SOURCE = "ex-source"
EX_REGION = "ex-region"
EX_OCCUPATION = "ex-occupation"
EX_RUN = "ex-run"
EX_COMPARE = "ex-compare"
EX_FIGURE = "ex-figure"
EX_BADGES = "ex-badges"
EX_TABLE = "ex-table"
EX_TABLE_CSV = "ex-table-csv"
EX_NOTES = "ex-notes"

# categories
CAT_NAV = "cat-nav"
CAT_HEATMAP = "cat-heatmap"
CAT_TABLE = "cat-table"
CAT_TABLE_CSV = "cat-table-csv"
CAT_LINKS = "cat-links"
CAT_ALERT = "cat-alert"

# methodology
METH_RUN = "meth-run"
METH_URL = "meth-url"
METH_SCORECARD = "meth-scorecard"
METH_SCORECARD_CSV = "meth-scorecard-csv"
METH_FIGURE = "meth-figure"
METH_ALERT = "meth-alert"

# changes
CH_URL = "ch-url"
CH_FROM = "ch-from"
CH_TO = "ch-to"
CH_ALERT = "ch-alert"
CH_SUMMARY = "ch-summary"
CH_TABLE = "ch-table"
CH_TABLE_CSV = "ch-table-csv"

# overview: changes since the previous run
OV_CHANGES = "ov-changes"

# catalogue
CG_URL = "cg-url"
CG_UPLOAD = "cg-upload"
CG_STORE = "cg-store"
CG_ALERT = "cg-alert"
CG_ACTION = "cg-action"
CG_SOURCE = "cg-source"
CG_CARDS = "cg-cards"
CG_TABLE = "cg-table"
CG_TABLE_CSV = "cg-table-csv"

# gaps
GP_URL = "gp-url"
GP_UPLOAD = "gp-upload"
GP_STORE = "gp-store"
GP_ALERT = "gp-alert"
GP_SOURCE = "gp-source"
GP_PERSON = "gp-person"
GP_KIND = "gp-kind"
GP_PLAN = "gp-plan"
GP_TABLE = "gp-table"
GP_TABLE_CSV = "gp-table-csv"
GP_PEOPLE = "gp-people"
GP_PEOPLE_CSV = "gp-people-csv"
GP_TEAM = "gp-team"
GP_TEAM_CSV = "gp-team-csv"
GP_FIGURE = "gp-breadth"
