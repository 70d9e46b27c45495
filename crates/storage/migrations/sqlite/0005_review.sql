-- The review committee (SPEC §3 "Review", §4 "Review"): the operator's settings, the public
-- holidays business days skip, rounds, applications with the steps they went through, their
-- reviewers and votes, supplement requests, and reviewers' declared ties to suppliers.

-- Settings the operator edits, one JSON document a name (`review`).
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Korean public holidays (공휴일, substitute and temporary holidays included), Asia/Seoul dates.
CREATE TABLE holidays (
    day TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE review_rounds (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    meets_on TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at INTEGER
);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    revision INTEGER NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    status TEXT NOT NULL,
    round_id TEXT REFERENCES review_rounds(id),
    outcome TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    decided_at INTEGER,
    CONSTRAINT uq_application_revision UNIQUE (service_id, revision)
);
CREATE INDEX ix_applications_status ON applications(status, created_at);
CREATE INDEX ix_applications_round ON applications(round_id);
CREATE INDEX ix_applications_supplier ON applications(supplier_id);

-- Each status an application has been in, in order; the open step has no end.
CREATE TABLE application_steps (
    application_id TEXT NOT NULL REFERENCES applications(id),
    seq INTEGER NOT NULL,
    step TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE application_reviewers (
    application_id TEXT NOT NULL REFERENCES applications(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    assigned_at INTEGER NOT NULL,
    recused_at INTEGER,
    recuse_reason TEXT,
    PRIMARY KEY (application_id, user_id)
);
CREATE INDEX ix_application_reviewers_user ON application_reviewers(user_id);

CREATE TABLE review_votes (
    application_id TEXT NOT NULL REFERENCES applications(id),
    reviewer_id TEXT NOT NULL REFERENCES users(id),
    verdicts TEXT NOT NULL,
    comments TEXT NOT NULL,
    innovativeness TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT uq_review_vote PRIMARY KEY (application_id, reviewer_id)
);

CREATE TABLE supplement_requests (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    requested_by TEXT NOT NULL,
    message TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    answered_at INTEGER,
    answer TEXT
);
CREATE INDEX ix_supplement_requests_application ON supplement_requests(application_id);

CREATE TABLE reviewer_conflicts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    business_number TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT uq_reviewer_conflict UNIQUE (user_id, business_number)
);

-- Seeded for the years in use; the operator edits them (docs/RULES.md#time-and-calendar).
INSERT INTO holidays (day, name) VALUES
    ('2025-01-01', '신정'),
    ('2025-01-27', '임시공휴일'),
    ('2025-01-28', '설날 연휴'),
    ('2025-01-29', '설날'),
    ('2025-01-30', '설날 연휴'),
    ('2025-03-01', '삼일절'),
    ('2025-03-03', '대체공휴일(삼일절)'),
    ('2025-05-05', '어린이날·부처님오신날'),
    ('2025-05-06', '대체공휴일'),
    ('2025-06-03', '제21대 대통령 선거일'),
    ('2025-06-06', '현충일'),
    ('2025-08-15', '광복절'),
    ('2025-10-03', '개천절'),
    ('2025-10-05', '추석 연휴'),
    ('2025-10-06', '추석'),
    ('2025-10-07', '추석 연휴'),
    ('2025-10-08', '대체공휴일(추석)'),
    ('2025-10-09', '한글날'),
    ('2025-12-25', '성탄절'),
    ('2026-01-01', '신정'),
    ('2026-02-16', '설날 연휴'),
    ('2026-02-17', '설날'),
    ('2026-02-18', '설날 연휴'),
    ('2026-03-01', '삼일절'),
    ('2026-03-02', '대체공휴일(삼일절)'),
    ('2026-05-05', '어린이날'),
    ('2026-05-24', '부처님오신날'),
    ('2026-05-25', '대체공휴일(부처님오신날)'),
    ('2026-06-03', '제9회 전국동시지방선거일'),
    ('2026-06-06', '현충일'),
    ('2026-08-15', '광복절'),
    ('2026-08-17', '대체공휴일(광복절)'),
    ('2026-09-24', '추석 연휴'),
    ('2026-09-25', '추석'),
    ('2026-09-26', '추석 연휴'),
    ('2026-10-03', '개천절'),
    ('2026-10-05', '대체공휴일(개천절)'),
    ('2026-10-09', '한글날'),
    ('2026-12-25', '성탄절'),
    ('2027-01-01', '신정'),
    ('2027-02-06', '설날 연휴'),
    ('2027-02-07', '설날'),
    ('2027-02-08', '설날 연휴'),
    ('2027-02-09', '대체공휴일(설날)'),
    ('2027-03-01', '삼일절'),
    ('2027-05-05', '어린이날'),
    ('2027-05-13', '부처님오신날'),
    ('2027-06-06', '현충일'),
    ('2027-08-15', '광복절'),
    ('2027-08-16', '대체공휴일(광복절)'),
    ('2027-09-14', '추석 연휴'),
    ('2027-09-15', '추석'),
    ('2027-09-16', '추석 연휴'),
    ('2027-10-03', '개천절'),
    ('2027-10-04', '대체공휴일(개천절)'),
    ('2027-10-09', '한글날'),
    ('2027-10-11', '대체공휴일(한글날)'),
    ('2027-12-25', '성탄절'),
    ('2027-12-27', '대체공휴일(성탄절)');
