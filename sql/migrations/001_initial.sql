-- 001: initial skillpulse schema (taxonomy, series, observations, provenance, forecast runs).
CREATE SEQUENCE IF NOT EXISTS skill_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS series_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS batch_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS run_id_seq START 1;

CREATE TABLE skill (
    skill_id    INTEGER PRIMARY KEY DEFAULT nextval('skill_id_seq'),
    name        VARCHAR NOT NULL,
    name_key    VARCHAR NOT NULL UNIQUE,          -- lower(trim(name)): case-insensitive uniqueness
    category    VARCHAR NOT NULL DEFAULT 'uncategorised',
    description VARCHAR
);

CREATE TABLE skill_alias (
    alias     VARCHAR NOT NULL,
    alias_key VARCHAR NOT NULL PRIMARY KEY,       -- lower(trim(alias))
    skill_id  INTEGER NOT NULL
);

CREATE TABLE series (
    series_id  INTEGER PRIMARY KEY DEFAULT nextval('series_id_seq'),
    skill_id   INTEGER NOT NULL,
    source     VARCHAR NOT NULL DEFAULT '',
    region     VARCHAR NOT NULL DEFAULT '',
    occupation VARCHAR NOT NULL DEFAULT '',
    measure    VARCHAR NOT NULL CHECK (measure IN ('count', 'share', 'index')),
    UNIQUE (skill_id, source, region, occupation, measure)
);

-- No index on (series_id, period): ingest replaces rows by delete+insert inside one transaction,
-- which keeps bulk loads fast; uniqueness is enforced by the ingest code and checked in tests.
CREATE TABLE observation (
    series_id INTEGER NOT NULL,
    period    DATE NOT NULL,
    value     DOUBLE NOT NULL,
    total     DOUBLE,
    batch_id  INTEGER NOT NULL
);

CREATE TABLE ingest_batch (
    batch_id    INTEGER PRIMARY KEY DEFAULT nextval('batch_id_seq'),
    source_file VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    format      VARCHAR NOT NULL,
    rows        BIGINT NOT NULL,
    loaded_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The whole-market series ("all job postings") is an ordinary series whose skill has the
-- reserved category 'market' (see data/store.py MARKET_CATEGORY).

CREATE TABLE forecast_run (
    run_id     INTEGER PRIMARY KEY DEFAULT nextval('run_id_seq'),
    as_of      DATE NOT NULL,
    horizon    INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    settings   VARCHAR NOT NULL,                  -- JSON of the settings used
    seconds    DOUBLE NOT NULL
);

CREATE TABLE forecast (
    run_id    INTEGER NOT NULL,
    series_id INTEGER NOT NULL,
    period    DATE NOT NULL,
    mean      DOUBLE NOT NULL,
    lower_80  DOUBLE NOT NULL,
    upper_80  DOUBLE NOT NULL,
    lower_95  DOUBLE NOT NULL,
    upper_95  DOUBLE NOT NULL
);

CREATE TABLE outlook (
    run_id           INTEGER NOT NULL,
    series_id        INTEGER NOT NULL,
    status           VARCHAR NOT NULL CHECK (status IN ('emerging', 'rising', 'stable', 'declining',
                                                        'obsolescent', 'uncertain', 'insufficient-history')),
    last_period      DATE,
    last_value       DOUBLE,
    horizon          INTEGER NOT NULL,
    forecast         DOUBLE,
    lower_80         DOUBLE,
    upper_80         DOUBLE,
    lower_95         DOUBLE,
    upper_95         DOUBLE,
    growth_pct       DOUBLE,
    growth_lower_80  DOUBLE,
    growth_upper_80  DOUBLE,
    p_value          DOUBLE,
    q_value          DOUBLE,
    half_life_months DOUBLE,
    half_life_lower  DOUBLE,
    half_life_upper  DOUBLE,
    changepoint      DATE,
    peak_ratio       DOUBLE,                      -- last level / historical peak level
    market_relative_growth_pct DOUBLE,
    model            VARCHAR,
    backtest_mase    DOUBLE,
    coverage_80      DOUBLE,
    coverage_95      DOUBLE,
    note             VARCHAR,                     -- fallbacks and rules applied, readable
    PRIMARY KEY (run_id, series_id)
);

CREATE TABLE backtest (
    run_id     INTEGER NOT NULL,
    series_id  INTEGER NOT NULL,
    model      VARCHAR NOT NULL,                  -- candidate name or 'headline'
    mase       DOUBLE,
    coverage_80 DOUBLE,
    coverage_95 DOUBLE,
    origins    INTEGER NOT NULL,
    PRIMARY KEY (run_id, series_id, model)
);
