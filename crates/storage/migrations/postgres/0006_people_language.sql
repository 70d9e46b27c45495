-- The language each person reads Gureum in (issue #22): the pages they open signed in and the
-- e-mails they get. Korean unless they chose English.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'ko' CHECK (lang IN ('ko', 'en'));
