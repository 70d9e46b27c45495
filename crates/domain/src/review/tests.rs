//! Every answer of the application machine, the tally, the ties, the settings' limits.

use super::*;
use proptest::prelude::*;
use time::macros::date;

/// `decide(status, action, performer)` for each status (rows) and action (columns): the status
/// afterwards, or `!` for 409 `invalid_status`.
const TABLE: &str = r"
status               | assign    vote      request_supplement   answer_supplement  withdraw   recuse               decide
received             | assigned  !         !                    !                  withdrawn  !                    !
assigned             | assigned  in_review supplement_requested !                  withdrawn  assigned             assigned
in_review            | in_review in_review supplement_requested !                  withdrawn  in_review            in_review
supplement_requested | supplement_requested ! !                 in_review          withdrawn  supplement_requested supplement_requested
selected             | !         !         !                    !                  !          !                    !
not_selected         | !         !         !                    !                  !          !                    !
withdrawn            | !         !         !                    !                  !          !                    !
";

fn performer(a: Action) -> Actor {
    match a {
        Action::Assign | Action::Decide | Action::RequestSupplement => Actor::Operator,
        Action::Vote | Action::Recuse => Actor::AssignedReviewer,
        Action::AnswerSupplement | Action::Withdraw => Actor::Owner,
    }
}

#[test]
fn every_status_and_action_answers_as_the_table_says() {
    let mut rows = 0;
    for line in TABLE.lines().filter(|l| !l.trim().is_empty()).skip(1) {
        let (status, cells) = line.split_once('|').expect("row");
        let status = ApplicationStatus::parse(status.trim()).expect("status");
        let cells: Vec<&str> = cells.split_whitespace().collect();
        assert_eq!(cells.len(), Action::ALL.len(), "{line}");
        for (action, cell) in Action::ALL.into_iter().zip(cells) {
            let got = decide(status, action, performer(action));
            match cell {
                "!" => assert_eq!(got, Err(Refusal::InvalidStatus(status, action)), "{status:?} {action:?}"),
                s => assert_eq!(got, Ok(ApplicationStatus::parse(s).expect("cell")), "{status:?} {action:?}"),
            }
        }
        rows += 1;
    }
    assert_eq!(rows, ApplicationStatus::ALL.len());
}

#[test]
fn who_may_ask() {
    for status in ApplicationStatus::ALL {
        for action in Action::ALL {
            for actor in Actor::ALL {
                let got = decide(status, action, actor);
                let allowed = match action {
                    Action::Assign | Action::Decide => actor == Actor::Operator,
                    Action::Vote | Action::Recuse => actor == Actor::AssignedReviewer,
                    Action::RequestSupplement => matches!(actor, Actor::AssignedReviewer | Actor::Operator),
                    Action::AnswerSupplement | Action::Withdraw => actor == Actor::Owner,
                };
                if allowed {
                    assert!(!matches!(got, Err(Refusal::Forbidden | Refusal::NotFound)), "{status:?} {action:?} {actor:?}");
                } else if matches!(actor, Actor::OtherReviewer | Actor::OtherSupplier) {
                    assert_eq!(got, Err(Refusal::NotFound), "{actor:?} never learns it exists");
                } else {
                    assert_eq!(got, Err(Refusal::Forbidden), "{status:?} {action:?} {actor:?}");
                }
            }
        }
    }
    assert!(Actor::Operator.sees() && Actor::Owner.sees() && Actor::AssignedReviewer.sees());
    assert!(!Actor::OtherReviewer.sees() && !Actor::OtherSupplier.sees() && !Actor::Other.sees());
    assert!(!Actor::Owner.sees_reviewers() && Actor::AssignedReviewer.sees_reviewers());
}

#[test]
fn refusals_carry_their_codes() {
    assert_eq!((Refusal::Forbidden.code(), Refusal::Forbidden.http_status()), ("forbidden", 403));
    assert_eq!((Refusal::NotFound.code(), Refusal::NotFound.http_status()), ("not_found", 404));
    let r = Refusal::InvalidStatus(ApplicationStatus::Selected, Action::Vote);
    assert_eq!((r.code(), r.http_status()), ("invalid_status", 409));
    assert!(r.message_ko().contains("선정"));
    assert!(r.to_string().contains("selected"));
}

#[test]
fn names_round_trip() {
    for s in ApplicationStatus::ALL {
        assert_eq!(ApplicationStatus::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::Value::from(s.as_str())));
    }
    for c in Criterion::ALL {
        assert_eq!(Criterion::parse(c.as_str()), Some(c));
        assert_eq!(serde_json::to_value(c).ok(), Some(serde_json::Value::from(c.as_str())));
    }
    assert_eq!(RoundStatus::parse("open"), Some(RoundStatus::Open));
    assert_eq!(RoundStatus::parse("closed"), Some(RoundStatus::Closed));
    assert_eq!(RoundStatus::parse("Open"), None);
    assert_eq!(Verdict::parse("pass"), Some(Verdict::Pass));
    assert_eq!(Verdict::parse("PASS"), None);
}

fn all(v: Verdict) -> Verdicts {
    Criterion::ALL.into_iter().map(|c| (c, v)).collect()
}

#[test]
fn tally_needs_a_quorum_and_a_majority_per_criterion() {
    assert_eq!(tally(&[all(Verdict::Pass)], 2), None);
    assert_eq!(tally(&[], 0), None);
    let o = tally(&[all(Verdict::Pass), all(Verdict::Pass)], 2).expect("quorum met");
    assert!(o.selected && o.failing().is_empty() && o.votes == 2);
    // One pass and one fail is not more than half: the criterion fails.
    let mut split = all(Verdict::Pass);
    split.insert(Criterion::Security, Verdict::Fail);
    let o = tally(&[all(Verdict::Pass), split.clone()], 2).expect("quorum met");
    assert!(!o.selected);
    assert_eq!(o.failing(), [Criterion::Security]);
    // Two of three pass: it passes.
    let o = tally(&[all(Verdict::Pass), split, all(Verdict::Pass)], 2).expect("quorum met");
    assert!(o.selected);
}

proptest! {
    #[test]
    fn selected_exactly_when_every_criterion_has_a_majority(votes in proptest::collection::vec(proptest::collection::vec(any::<bool>(), 5), 0..8), quorum in 0u32..5) {
        let votes: Vec<Verdicts> = votes.iter().map(|v| Criterion::ALL.into_iter().zip(v).map(|(c, p)| (c, if *p { Verdict::Pass } else { Verdict::Fail })).collect()).collect();
        match tally(&votes, quorum) {
            None => prop_assert!(votes.is_empty() || votes.len() < quorum as usize),
            Some(o) => {
                prop_assert_eq!(o.votes, votes.len());
                for c in Criterion::ALL {
                    let passes = votes.iter().filter(|v| v[&c] == Verdict::Pass).count();
                    prop_assert_eq!(o.criteria[&c] == Verdict::Pass, passes * 2 > votes.len());
                }
                prop_assert_eq!(o.selected, o.failing().is_empty());
            }
        }
    }

    #[test]
    fn a_final_status_never_moves(action in proptest::sample::select(Action::ALL.to_vec()), actor in proptest::sample::select(Actor::ALL.to_vec())) {
        for s in [ApplicationStatus::Selected, ApplicationStatus::NotSelected, ApplicationStatus::Withdrawn] {
            prop_assert!(decide(s, action, actor).is_err());
        }
    }
}

#[test]
fn ties_are_membership_or_a_declaration() {
    let declared = vec!["1234567890".to_owned()];
    assert!(is_tied("org-a", Some("org-a"), &[], "1112223333"));
    assert!(is_tied("org-r", Some("org-s"), &declared, "1234567890"));
    assert!(!is_tied("org-r", Some("org-s"), &declared, "1112223333"));
    assert!(!is_tied("org-r", None, &[], "1112223333"));
}

#[test]
fn what_needs_the_committee() {
    assert!(needs_selection(false, Some(false)), "a first listing always");
    assert!(needs_selection(false, None));
    assert!(needs_selection(true, Some(true)), "a material change");
    assert!(needs_selection(true, None), "never submitted");
    assert!(!needs_selection(true, Some(false)), "a non-material change is the operator's");
}

#[test]
fn settings_defaults_and_limits() {
    let s = ReviewSettings::default();
    assert!(s.validate().is_ok());
    assert_eq!(s.quorum, 2);
    assert_eq!(s.selection_years, 3);
    assert_eq!(s.target(ApplicationStatus::InReview), Some(10));
    assert_eq!(s.target(ApplicationStatus::Selected), None);
    assert!(s.required_for(crate::ServiceKind::Saas).contains(&"certificate"));
    assert!(!s.required_for(crate::ServiceKind::Support).contains(&"certificate"));
    assert!(s.accepts_doc_type("no_debarment") && !s.accepts_doc_type("photo"));
    let mut bad = s.clone();
    bad.quorum = 0;
    assert!(bad.validate().is_err_and(|e| e.starts_with("quorum")));
    let mut bad = s.clone();
    bad.selection_years = 11;
    assert!(bad.validate().is_err_and(|e| e.starts_with("selection_years")));
    let mut bad = s.clone();
    bad.targets.insert("selected".into(), 3);
    assert!(bad.validate().is_err_and(|e| e.starts_with("targets.selected")));
    let mut bad = s.clone();
    bad.targets.insert("received".into(), 0);
    assert!(bad.validate().is_err_and(|e| e.starts_with("targets.received")));
    let mut bad = s.clone();
    bad.required_documents.push("Bad Name".into());
    assert!(bad.validate().is_err_and(|e| e.starts_with("required_documents[6]")));
    let mut bad = s.clone();
    bad.required_documents.push("sla".into());
    assert!(bad.validate().is_err_and(|e| e.contains("twice")));
    let mut custom = s;
    custom.required_documents.push("financial_statement".into());
    assert!(custom.validate().is_ok() && custom.accepts_doc_type("financial_statement"));
}

#[test]
fn a_selection_ends_the_day_before_its_anniversary() {
    assert_eq!(selection_valid_to(date!(2026 - 12 - 07), 3), date!(2029 - 12 - 06));
    assert_eq!(selection_valid_to(date!(2028 - 02 - 29), 1), date!(2029 - 02 - 27));
    assert_eq!(selection_valid_to(date!(2027 - 01 - 01), 1), date!(2027 - 12 - 31));
}
