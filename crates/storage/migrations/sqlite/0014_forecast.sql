-- The demand forecast (수요예보, issue #26; SPEC §3 "Demand forecast", §4 "Demand forecast and
-- statistics"). A survey asks every approved agency; each agency has one response per survey
-- (draft until submitted, editable while the survey is open) holding its systems by the
-- agency's own key. Reports count submitted responses only and never name an agency.

-- What kind of public body an agency is: central, local, public_institution, other (NULL =
-- not said yet; reports count it as other).
ALTER TABLE organisations ADD COLUMN agency_kind TEXT;

CREATE TABLE forecast_surveys (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- One per survey and agency, made when the survey opens (or when an agency approved later
-- first opens it); agency_kind is the agency's kind when it was asked.
CREATE TABLE forecast_responses (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES forecast_surveys(id),
    org_id TEXT NOT NULL REFERENCES organisations(id),
    agency_kind TEXT NOT NULL,
    status TEXT NOT NULL,
    -- the earlier response its systems were copied from
    prefilled_from TEXT,
    submitted_at INTEGER,
    submitted_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT uq_forecast_response UNIQUE (survey_id, org_id),
    CONSTRAINT ck_forecast_response_status CHECK (status IN ('draft', 'submitted'))
);
CREATE INDEX ix_forecast_responses_org ON forecast_responses(org_id);

-- A system of a response; functions is a JSON array of texts.
CREATE TABLE forecast_systems (
    response_id TEXT NOT NULL REFERENCES forecast_responses(id),
    system_key TEXT NOT NULL,
    name TEXT NOT NULL,
    current_hosting TEXT NOT NULL,
    planned_year INTEGER,
    target_type TEXT,
    change_kind TEXT,
    functions TEXT NOT NULL,
    budget_krw INTEGER,
    no_plan_reason TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (response_id, system_key),
    CONSTRAINT ck_forecast_system_plan CHECK (planned_year IS NOT NULL OR no_plan_reason IS NOT NULL)
);

-- Each reminder (14, 7, 1 days before the close) once per survey and agency.
CREATE TABLE forecast_reminders (
    survey_id TEXT NOT NULL REFERENCES forecast_surveys(id),
    org_id TEXT NOT NULL REFERENCES organisations(id),
    threshold INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (survey_id, org_id, threshold)
);
