//! The lifecycle's every answer: one table row per standing (status, open revision, whether it
//! has a public revision) with the answer to each action by its performer; the actors; what
//! each action does to the revisions; and properties of any walk through the machine.

use super::*;
use proptest::prelude::*;

/// Each cell is the answer of `decide(standing, action, action.performer())`: `STATUS:OPEN`
/// for the standing afterwards (`-` when no revision is open, `+` when the service now has a
/// public revision), or `!conflict` for a 409 `invalid_status`. Written from the checks the API
/// made before the domain owned them (crates/web/src/lifecycle.rs), not from `decide`.
const TABLE: &str = r"
status     open       public | edit                 attach_document      submit               review               list                 reject               suspend              reinstate            recall               expire               cancel
draft      -          no     | draft:draft          draft:-              !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
draft      draft      no     | draft:draft          draft:draft          submitted:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
draft      submitted  no     | !with_operator       draft:submitted      !already_submitted   in_review:in_review  listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
draft      in_review  no     | !with_operator       draft:in_review      !already_submitted   !already_in_review   listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
draft      listed     no     | !with_operator       draft:listed         !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
draft      rejected   no     | !with_operator       draft:rejected       !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
draft      superseded no     | !with_operator       draft:superseded     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
draft      -          yes    | draft:draft          draft:-              !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
draft      draft      yes    | draft:draft          draft:draft          draft:submitted      !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
draft      submitted  yes    | !with_operator       draft:submitted      !already_submitted   draft:in_review      listed:-             draft:-              !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
draft      in_review  yes    | !with_operator       draft:in_review      !already_submitted   !already_in_review   listed:-             draft:-              !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
draft      listed     yes    | !with_operator       draft:listed         !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
draft      rejected   yes    | !with_operator       draft:rejected       !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
draft      superseded yes    | !with_operator       draft:superseded     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  -          no     | submitted:draft      submitted:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  draft      no     | submitted:draft      submitted:draft      submitted:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  submitted  no     | !with_operator       submitted:submitted  !already_submitted   in_review:in_review  listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
submitted  in_review  no     | !with_operator       submitted:in_review  !already_submitted   !already_in_review   listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
submitted  listed     no     | !with_operator       submitted:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  rejected   no     | !with_operator       submitted:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  superseded no     | !with_operator       submitted:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  -          yes    | submitted:draft      submitted:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  draft      yes    | submitted:draft      submitted:draft      submitted:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  submitted  yes    | !with_operator       submitted:submitted  !already_submitted   submitted:in_review  listed:-             submitted:-          !not_listed          !not_suspended       submitted:draft      !not_selected        !not_cancellable
submitted  in_review  yes    | !with_operator       submitted:in_review  !already_submitted   !already_in_review   listed:-             submitted:-          !not_listed          !not_suspended       submitted:draft      !not_selected        !not_cancellable
submitted  listed     yes    | !with_operator       submitted:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  rejected   yes    | !with_operator       submitted:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
submitted  superseded yes    | !with_operator       submitted:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  -          no     | in_review:draft      in_review:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  draft      no     | in_review:draft      in_review:draft      submitted:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  submitted  no     | !with_operator       in_review:submitted  !already_submitted   in_review:in_review  listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
in_review  in_review  no     | !with_operator       in_review:in_review  !already_submitted   !already_in_review   listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
in_review  listed     no     | !with_operator       in_review:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  rejected   no     | !with_operator       in_review:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  superseded no     | !with_operator       in_review:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  -          yes    | in_review:draft      in_review:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  draft      yes    | in_review:draft      in_review:draft      in_review:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  submitted  yes    | !with_operator       in_review:submitted  !already_submitted   in_review:in_review  listed:-             in_review:-          !not_listed          !not_suspended       in_review:draft      !not_selected        !not_cancellable
in_review  in_review  yes    | !with_operator       in_review:in_review  !already_submitted   !already_in_review   listed:-             in_review:-          !not_listed          !not_suspended       in_review:draft      !not_selected        !not_cancellable
in_review  listed     yes    | !with_operator       in_review:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  rejected   yes    | !with_operator       in_review:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
in_review  superseded yes    | !with_operator       in_review:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
listed     -          no     | listed:draft         listed:-             !no_draft            !not_pending         !not_pending         !not_pending         suspended:-          !not_suspended       !not_pending         expired:-            cancelled:-
listed     draft      no     | listed:draft         listed:draft         submitted:submitted  !not_pending         !not_pending         !not_pending         suspended:draft      !not_suspended       !not_pending         expired:draft        cancelled:draft
listed     submitted  no     | !with_operator       listed:submitted     !already_submitted   in_review:in_review  listed:-+            rejected:-           suspended:submitted  !not_suspended       draft:draft          expired:submitted    cancelled:submitted
listed     in_review  no     | !with_operator       listed:in_review     !already_submitted   !already_in_review   listed:-+            rejected:-           suspended:in_review  !not_suspended       draft:draft          expired:in_review    cancelled:in_review
listed     listed     no     | !with_operator       listed:listed        !already_submitted   !not_pending         !not_pending         !not_pending         suspended:listed     !not_suspended       !not_pending         expired:listed       cancelled:listed
listed     rejected   no     | !with_operator       listed:rejected      !already_submitted   !not_pending         !not_pending         !not_pending         suspended:rejected   !not_suspended       !not_pending         expired:rejected     cancelled:rejected
listed     superseded no     | !with_operator       listed:superseded    !already_submitted   !not_pending         !not_pending         !not_pending         suspended:superseded !not_suspended       !not_pending         expired:superseded   cancelled:superseded
listed     -          yes    | listed:draft         listed:-             !no_draft            !not_pending         !not_pending         !not_pending         suspended:-          !not_suspended       !not_pending         expired:-            cancelled:-
listed     draft      yes    | listed:draft         listed:draft         listed:submitted     !not_pending         !not_pending         !not_pending         suspended:draft      !not_suspended       !not_pending         expired:draft        cancelled:draft
listed     submitted  yes    | !with_operator       listed:submitted     !already_submitted   listed:in_review     listed:-             listed:-             suspended:submitted  !not_suspended       listed:draft         expired:submitted    cancelled:submitted
listed     in_review  yes    | !with_operator       listed:in_review     !already_submitted   !already_in_review   listed:-             listed:-             suspended:in_review  !not_suspended       listed:draft         expired:in_review    cancelled:in_review
listed     listed     yes    | !with_operator       listed:listed        !already_submitted   !not_pending         !not_pending         !not_pending         suspended:listed     !not_suspended       !not_pending         expired:listed       cancelled:listed
listed     rejected   yes    | !with_operator       listed:rejected      !already_submitted   !not_pending         !not_pending         !not_pending         suspended:rejected   !not_suspended       !not_pending         expired:rejected     cancelled:rejected
listed     superseded yes    | !with_operator       listed:superseded    !already_submitted   !not_pending         !not_pending         !not_pending         suspended:superseded !not_suspended       !not_pending         expired:superseded   cancelled:superseded
rejected   -          no     | draft:draft          rejected:-           !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
rejected   draft      no     | draft:draft          rejected:draft       submitted:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
rejected   submitted  no     | !with_operator       rejected:submitted   !already_submitted   in_review:in_review  listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
rejected   in_review  no     | !with_operator       rejected:in_review   !already_submitted   !already_in_review   listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
rejected   listed     no     | !with_operator       rejected:listed      !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
rejected   rejected   no     | !with_operator       rejected:rejected    !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
rejected   superseded no     | !with_operator       rejected:superseded  !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
rejected   -          yes    | rejected:draft       rejected:-           !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
rejected   draft      yes    | rejected:draft       rejected:draft       rejected:submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
rejected   submitted  yes    | !with_operator       rejected:submitted   !already_submitted   rejected:in_review   listed:-             rejected:-           !not_listed          !not_suspended       rejected:draft       !not_selected        !not_cancellable
rejected   in_review  yes    | !with_operator       rejected:in_review   !already_submitted   !already_in_review   listed:-             rejected:-           !not_listed          !not_suspended       rejected:draft       !not_selected        !not_cancellable
rejected   listed     yes    | !with_operator       rejected:listed      !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
rejected   rejected   yes    | !with_operator       rejected:rejected    !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
rejected   superseded yes    | !with_operator       rejected:superseded  !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
suspended  -          no     | suspended:draft      suspended:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          listed:-             !not_pending         expired:-            cancelled:-
suspended  draft      no     | suspended:draft      suspended:draft      submitted:submitted  !not_pending         !not_pending         !not_pending         !not_listed          listed:draft         !not_pending         expired:draft        cancelled:draft
suspended  submitted  no     | !with_operator       suspended:submitted  !already_submitted   in_review:in_review  suspended:-+         rejected:-           !not_listed          listed:submitted     draft:draft          expired:submitted    cancelled:submitted
suspended  in_review  no     | !with_operator       suspended:in_review  !already_submitted   !already_in_review   suspended:-+         rejected:-           !not_listed          listed:in_review     draft:draft          expired:in_review    cancelled:in_review
suspended  listed     no     | !with_operator       suspended:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          listed:listed        !not_pending         expired:listed       cancelled:listed
suspended  rejected   no     | !with_operator       suspended:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          listed:rejected      !not_pending         expired:rejected     cancelled:rejected
suspended  superseded no     | !with_operator       suspended:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          listed:superseded    !not_pending         expired:superseded   cancelled:superseded
suspended  -          yes    | suspended:draft      suspended:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          listed:-             !not_pending         expired:-            cancelled:-
suspended  draft      yes    | suspended:draft      suspended:draft      suspended:submitted  !not_pending         !not_pending         !not_pending         !not_listed          listed:draft         !not_pending         expired:draft        cancelled:draft
suspended  submitted  yes    | !with_operator       suspended:submitted  !already_submitted   suspended:in_review  suspended:-          suspended:-          !not_listed          listed:submitted     suspended:draft      expired:submitted    cancelled:submitted
suspended  in_review  yes    | !with_operator       suspended:in_review  !already_submitted   !already_in_review   suspended:-          suspended:-          !not_listed          listed:in_review     suspended:draft      expired:in_review    cancelled:in_review
suspended  listed     yes    | !with_operator       suspended:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          listed:listed        !not_pending         expired:listed       cancelled:listed
suspended  rejected   yes    | !with_operator       suspended:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          listed:rejected      !not_pending         expired:rejected     cancelled:rejected
suspended  superseded yes    | !with_operator       suspended:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          listed:superseded    !not_pending         expired:superseded   cancelled:superseded
cancelled  -          no     | !not_editable        cancelled:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
cancelled  draft      no     | !not_editable        cancelled:draft      submitted:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
cancelled  submitted  no     | !not_editable        cancelled:submitted  !already_submitted   in_review:in_review  listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
cancelled  in_review  no     | !not_editable        cancelled:in_review  !already_submitted   !already_in_review   listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
cancelled  listed     no     | !not_editable        cancelled:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
cancelled  rejected   no     | !not_editable        cancelled:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
cancelled  superseded no     | !not_editable        cancelled:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
cancelled  -          yes    | !not_editable        cancelled:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
cancelled  draft      yes    | !not_editable        cancelled:draft      cancelled:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
cancelled  submitted  yes    | !not_editable        cancelled:submitted  !already_submitted   cancelled:in_review  listed:-             cancelled:-          !not_listed          !not_suspended       cancelled:draft      !not_selected        !not_cancellable
cancelled  in_review  yes    | !not_editable        cancelled:in_review  !already_submitted   !already_in_review   listed:-             cancelled:-          !not_listed          !not_suspended       cancelled:draft      !not_selected        !not_cancellable
cancelled  listed     yes    | !not_editable        cancelled:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
cancelled  rejected   yes    | !not_editable        cancelled:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
cancelled  superseded yes    | !not_editable        cancelled:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  -          no     | !not_editable        withdrawn:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  draft      no     | !not_editable        withdrawn:draft      submitted:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  submitted  no     | !not_editable        withdrawn:submitted  !already_submitted   in_review:in_review  listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
withdrawn  in_review  no     | !not_editable        withdrawn:in_review  !already_submitted   !already_in_review   listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        !not_cancellable
withdrawn  listed     no     | !not_editable        withdrawn:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  rejected   no     | !not_editable        withdrawn:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  superseded no     | !not_editable        withdrawn:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  -          yes    | !not_editable        withdrawn:-          !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  draft      yes    | !not_editable        withdrawn:draft      withdrawn:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  submitted  yes    | !not_editable        withdrawn:submitted  !already_submitted   withdrawn:in_review  listed:-             withdrawn:-          !not_listed          !not_suspended       withdrawn:draft      !not_selected        !not_cancellable
withdrawn  in_review  yes    | !not_editable        withdrawn:in_review  !already_submitted   !already_in_review   listed:-             withdrawn:-          !not_listed          !not_suspended       withdrawn:draft      !not_selected        !not_cancellable
withdrawn  listed     yes    | !not_editable        withdrawn:listed     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  rejected   yes    | !not_editable        withdrawn:rejected   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
withdrawn  superseded yes    | !not_editable        withdrawn:superseded !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        !not_cancellable
expired    -          no     | expired:draft        expired:-            !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:-
expired    draft      no     | expired:draft        expired:draft        submitted:submitted  !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:draft
expired    submitted  no     | !with_operator       expired:submitted    !already_submitted   in_review:in_review  listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        cancelled:submitted
expired    in_review  no     | !with_operator       expired:in_review    !already_submitted   !already_in_review   listed:-+            rejected:-           !not_listed          !not_suspended       draft:draft          !not_selected        cancelled:in_review
expired    listed     no     | !with_operator       expired:listed       !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:listed
expired    rejected   no     | !with_operator       expired:rejected     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:rejected
expired    superseded no     | !with_operator       expired:superseded   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:superseded
expired    -          yes    | expired:draft        expired:-            !no_draft            !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:-
expired    draft      yes    | expired:draft        expired:draft        expired:submitted    !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:draft
expired    submitted  yes    | !with_operator       expired:submitted    !already_submitted   expired:in_review    listed:-             expired:-            !not_listed          !not_suspended       expired:draft        !not_selected        cancelled:submitted
expired    in_review  yes    | !with_operator       expired:in_review    !already_submitted   !already_in_review   listed:-             expired:-            !not_listed          !not_suspended       expired:draft        !not_selected        cancelled:in_review
expired    listed     yes    | !with_operator       expired:listed       !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:listed
expired    rejected   yes    | !with_operator       expired:rejected     !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:rejected
expired    superseded yes    | !with_operator       expired:superseded   !already_submitted   !not_pending         !not_pending         !not_pending         !not_listed          !not_suspended       !not_pending         !not_selected        cancelled:superseded
";

fn status(s: &str) -> ServiceStatus {
    ServiceStatus::parse(s).unwrap_or_else(|| panic!("status {s}"))
}

fn open(s: &str) -> Option<RevisionState> {
    if s == "-" { None } else { Some(RevisionState::parse(s).unwrap_or_else(|| panic!("revision state {s}"))) }
}

fn conflict_name(c: Conflict) -> &'static str {
    match c {
        Conflict::NotEditable(_) => "not_editable",
        Conflict::WithOperator => "with_operator",
        Conflict::NoDraft => "no_draft",
        Conflict::AlreadySubmitted => "already_submitted",
        Conflict::NotPending(_) => "not_pending",
        Conflict::AlreadyInReview => "already_in_review",
        Conflict::NotListed => "not_listed",
        Conflict::NotCancellable => "not_cancellable",
        Conflict::NotSuspended => "not_suspended",
        Conflict::NotSelected => "not_selected",
    }
}

/// A cell of the table for an answer.
fn cell(answer: Result<Transition, Refusal>) -> String {
    match answer {
        Ok(t) => {
            let open = t.after.open.map_or("-", RevisionState::as_str);
            let public = if t.after.has_public && !t.before.has_public { "+" } else { "" };
            format!("{}:{open}{public}", t.after.status.as_str())
        }
        Err(Refusal::InvalidState(c)) => format!("!{}", conflict_name(c)),
        Err(r) => format!("!{}", r.code()),
    }
}

fn all_standings() -> Vec<Standing> {
    let mut out = Vec::new();
    for status in ServiceStatus::ALL {
        for has_public in [false, true] {
            for open in std::iter::once(None).chain(RevisionState::ALL.map(Some)) {
                out.push(Standing { status, open, has_public });
            }
        }
    }
    out
}

#[test]
fn every_standing_and_action_answers_as_the_table_says() {
    let mut lines = TABLE.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap_or_default().split_whitespace().collect();
    let actions: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    assert_eq!(header[4..], actions[..], "the table's columns are the actions in order");
    let mut seen = std::collections::HashSet::new();
    let mut wrong = Vec::new();
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words.len(), 4 + Action::ALL.len(), "{line}");
        let standing = Standing { status: status(words[0]), open: open(words[1]), has_public: words[2] == "yes" };
        assert!(seen.insert(standing), "row twice: {line}");
        for (action, expected) in Action::ALL.into_iter().zip(&words[4..]) {
            let got = cell(decide(standing, action, action.performer()));
            if got != *expected {
                wrong.push(format!("{standing:?} {}: table {expected}, decide {got}", action.as_str()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(seen.len(), all_standings().len(), "every standing has its row");
}

/// Who may ask, whatever the standing: the owner for the supplier's actions, the operator for
/// the operator's; another supplier is told the service does not exist.
#[test]
fn actors() {
    // owner, other supplier, operator, auditor, other; "ok" = answered as the table says.
    let table = [
        (Action::Edit, ["ok", "not_found", "forbidden", "forbidden", "forbidden"]),
        (Action::AttachDocument, ["ok", "not_found", "forbidden", "forbidden", "forbidden"]),
        (Action::Submit, ["ok", "not_found", "forbidden", "forbidden", "forbidden"]),
        (Action::StartReview, ["forbidden", "forbidden", "ok", "forbidden", "forbidden"]),
        (Action::List, ["forbidden", "forbidden", "ok", "forbidden", "forbidden"]),
        (Action::Reject, ["forbidden", "forbidden", "ok", "forbidden", "forbidden"]),
        (Action::Suspend, ["forbidden", "forbidden", "ok", "forbidden", "forbidden"]),
        (Action::Reinstate, ["forbidden", "forbidden", "ok", "forbidden", "forbidden"]),
        (Action::Recall, ["ok", "not_found", "forbidden", "forbidden", "forbidden"]),
        (Action::Expire, ["forbidden", "forbidden", "ok", "forbidden", "forbidden"]),
        (Action::Cancel, ["forbidden", "forbidden", "ok", "forbidden", "forbidden"]),
    ];
    assert_eq!(table.map(|(a, _)| a), Action::ALL);
    for (action, answers) in table {
        for (actor, expected) in Actor::ALL.into_iter().zip(answers) {
            for s in all_standings() {
                let got = decide(s, action, actor);
                if expected == "ok" {
                    assert_eq!(got, decide(s, action, action.performer()), "{action:?} by {actor:?} on {s:?}");
                } else {
                    assert_eq!(got.map_err(Refusal::code), Err(expected), "{action:?} by {actor:?} on {s:?}");
                }
            }
        }
    }
}

#[test]
fn actor_of_roles_and_supplier() {
    assert_eq!(Actor::of(&[Role::Supplier], Some("s1"), "s1"), Actor::Owner);
    assert_eq!(Actor::of(&[Role::Supplier], Some("s2"), "s1"), Actor::OtherSupplier);
    assert_eq!(Actor::of(&[Role::Supplier], None, "s1"), Actor::Other, "an organisation that is no catalog supplier");
    assert_eq!(Actor::of(&[Role::Operator], None, "s1"), Actor::Operator);
    assert_eq!(Actor::of(&[Role::Auditor], None, "s1"), Actor::Auditor);
    assert_eq!(Actor::of(&[Role::Buyer, Role::Signatory], None, "s1"), Actor::Other);
    assert_eq!(Actor::of(&[], Some("s1"), "s1"), Actor::Other, "a supplier company's person without the supplier role");
    let seeing: Vec<Actor> = Actor::ALL.into_iter().filter(|a| a.sees_drafts()).collect();
    assert_eq!(seeing, [Actor::Owner, Actor::Operator, Actor::Auditor]);
}

/// What each allowed action does to the revisions, by the open revision before it.
#[test]
fn revision_changes() {
    use RevisionChange as C;
    use RevisionState as R;
    let change = |status, open, has_public, action: Action| {
        decide(Standing { status, open, has_public }, action, action.performer()).map(|t| t.change)
    };
    let (listed, draft) = (ServiceStatus::Listed, ServiceStatus::Draft);
    assert_eq!(change(listed, None, true, Action::Edit), Ok(C::OpenNew), "an edit of a listed service opens a new revision");
    assert_eq!(change(listed, Some(R::Draft), true, Action::Edit), Ok(C::EditOpen));
    assert_eq!(change(draft, Some(R::Draft), false, Action::Edit), Ok(C::EditOpen));
    assert_eq!(change(ServiceStatus::Rejected, None, false, Action::Edit), Ok(C::OpenNew));
    assert_eq!(change(listed, None, true, Action::AttachDocument), Ok(C::AttachToLatest));
    assert_eq!(change(listed, Some(R::InReview), true, Action::AttachDocument), Ok(C::AttachToOpen));
    assert_eq!(change(draft, Some(R::Draft), false, Action::Submit), Ok(C::Advance(R::Submitted)));
    assert_eq!(change(listed, Some(R::Submitted), true, Action::StartReview), Ok(C::Advance(R::InReview)));
    assert_eq!(change(listed, Some(R::InReview), true, Action::List), Ok(C::Publish));
    assert_eq!(change(ServiceStatus::Submitted, Some(R::Submitted), false, Action::List), Ok(C::Publish));
    assert_eq!(change(listed, Some(R::Submitted), true, Action::Reject), Ok(C::Reject));
    assert_eq!(change(listed, Some(R::Draft), true, Action::Suspend), Ok(C::None), "a suspension leaves the open draft alone");
    assert_eq!(change(ServiceStatus::Suspended, None, true, Action::Reinstate), Ok(C::None));
    assert_eq!(
        change(ServiceStatus::InReview, Some(R::InReview), false, Action::Recall),
        Ok(C::Advance(R::Draft)),
        "a recalled revision is a draft again"
    );
    assert_eq!(change(listed, Some(R::InReview), true, Action::Expire), Ok(C::None), "an expiry leaves a re-review alone");
}

/// The API's answers keep their codes and English messages; each has a Korean one.
#[test]
fn refusals_as_the_api_answers_them() {
    let conflict = |s: Standing, a: Action| match decide(s, a, a.performer()) {
        Err(r @ Refusal::InvalidState(_)) => (r.http_status(), r.code(), r.message_en()),
        other => panic!("{other:?}"),
    };
    let st = |status, open, has_public| Standing { status, open, has_public };
    let listed = st(ServiceStatus::Listed, None, true);
    let with_op = st(ServiceStatus::Submitted, Some(RevisionState::Submitted), false);
    assert_eq!(
        conflict(st(ServiceStatus::Cancelled, None, true), Action::Edit),
        (409, "invalid_status", "a cancelled service cannot be edited".into())
    );
    assert_eq!(conflict(with_op, Action::Edit).2, "the revision is with the operator; it can be edited again once it is decided");
    assert_eq!(conflict(listed, Action::Submit).2, "there is no draft to submit; edit the service first");
    assert_eq!(conflict(with_op, Action::Submit).2, "this revision was already submitted");
    assert_eq!(conflict(listed, Action::StartReview).2, "only a submitted or in-review service can be taken into review");
    assert_eq!(conflict(listed, Action::List).2, "only a submitted or in-review service can be listed");
    assert_eq!(conflict(listed, Action::Reject).2, "only a submitted or in-review service can be rejected");
    assert_eq!(
        conflict(st(ServiceStatus::InReview, Some(RevisionState::InReview), false), Action::StartReview).2,
        "this revision is already in review"
    );
    assert_eq!(conflict(with_op, Action::Suspend).2, "only a listed service can be suspended");
    assert_eq!(conflict(listed, Action::Reinstate).2, "only a suspended service can be reinstated");
    assert_eq!(conflict(with_op, Action::Expire).2, "only a listed or suspended service's selection can expire");
    assert_eq!((Refusal::Forbidden.http_status(), Refusal::Forbidden.code()), (403, "forbidden"));
    assert_eq!((Refusal::NotFound.http_status(), Refusal::NotFound.code()), (404, "not_found"));
    assert_eq!(Refusal::NotFound.to_string(), "service not found");
    assert_eq!(
        decide(st(ServiceStatus::Withdrawn, None, true), Action::Edit, Actor::Owner).map_err(Refusal::message_ko),
        Err("철회 상태의 서비스는 수정할 수 없습니다.".to_owned())
    );
    // Every refusal that can happen has a Korean message of its own and an English one.
    for s in all_standings() {
        for action in Action::ALL {
            for actor in Actor::ALL {
                if let Err(r) = decide(s, action, actor) {
                    assert!(!r.message_en().is_empty() && r.message_ko().chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)), "{r:?}");
                }
            }
        }
    }
}

/// What the desks offered before they asked the domain (pages/desk/operator.rs and
/// supplier.rs), for every standing.
#[test]
fn page_helpers_offer_what_the_desks_offered() {
    for s in all_standings() {
        assert_eq!(s.can_submit(), s.open == Some(RevisionState::Draft), "{s:?}");
        assert_eq!(s.can_review(), s.open == Some(RevisionState::Submitted), "{s:?}");
        assert_eq!(s.can_decide(), s.open.is_some_and(|r| r.is_pending()), "{s:?}");
        assert_eq!(s.can_list(), s.can_decide(), "{s:?}");
        assert_eq!(s.can_reject(), s.can_decide(), "{s:?}");
        assert_eq!(s.can_suspend(), s.status == ServiceStatus::Listed, "{s:?}");
        assert_eq!(s.can_reinstate(), s.status == ServiceStatus::Suspended, "{s:?}");
        assert_eq!(s.can_expire(), matches!(s.status, ServiceStatus::Listed | ServiceStatus::Suspended), "{s:?}");
        assert_eq!(s.with_operator(), s.open.is_some_and(|r| r != RevisionState::Draft), "{s:?}");
        // The form is editable exactly when an edit would be accepted.
        let closed = matches!(s.status, ServiceStatus::Cancelled | ServiceStatus::Withdrawn);
        assert_eq!(s.can_edit(), !s.with_operator() && !closed, "{s:?}");
        for action in Action::ALL {
            assert_eq!(s.allows(action), s.can(action, action.performer()));
            assert!(!s.can(action, Actor::Auditor), "the auditor changes nothing");
        }
    }
}

fn standing() -> impl Strategy<Value = Standing> {
    (
        proptest::sample::select(ServiceStatus::ALL.to_vec()),
        proptest::option::of(proptest::sample::select(RevisionState::ALL.to_vec())),
        any::<bool>(),
    )
        .prop_map(|(status, open, has_public)| Standing { status, open, has_public })
}

fn action() -> impl Strategy<Value = Action> {
    proptest::sample::select(Action::ALL.to_vec())
}

fn actor() -> impl Strategy<Value = Actor> {
    proptest::sample::select(Actor::ALL.to_vec())
}

proptest! {
    /// Every question has an answer, and a transition starts where it was asked.
    #[test]
    fn decide_is_total(s in standing(), a in action(), who in actor()) {
        match decide(s, a, who) {
            Ok(t) => {
                prop_assert_eq!((t.before, t.action), (s, a));
                prop_assert_eq!(who, a.performer());
                prop_assert!(s.can(a, who));
            }
            Err(r) => {
                prop_assert!(!s.can(a, who));
                prop_assert!([403, 404, 409].contains(&r.http_status()));
            }
        }
    }

    /// A cancelled or withdrawn service with no open revision is at its end: nothing moves it
    /// (a document may still be filed with its latest revision).
    #[test]
    fn nothing_leaves_a_terminal_standing(
        status in proptest::sample::select(vec![ServiceStatus::Cancelled, ServiceStatus::Withdrawn]),
        has_public in any::<bool>(),
        a in action(),
        who in actor(),
    ) {
        let s = Standing { status, open: None, has_public };
        if let Ok(t) = decide(s, a, who) {
            prop_assert_eq!(t.after, s);
            prop_assert_eq!(t.change, RevisionChange::AttachToLatest);
        }
    }

    /// A public revision never changes in place: only an open draft is edited; an edit without
    /// one opens a new revision; a service once listed keeps a public revision.
    #[test]
    fn the_public_revision_never_changes_in_place(s in standing(), a in action(), who in actor()) {
        if let Ok(t) = decide(s, a, who) {
            if t.change == RevisionChange::EditOpen {
                prop_assert_eq!(s.open, Some(RevisionState::Draft));
            }
            if a == Action::Edit && s.open.is_none() {
                prop_assert_eq!(t.change, RevisionChange::OpenNew);
            }
            prop_assert!(!s.has_public || t.after.has_public);
            if t.change == RevisionChange::Publish {
                prop_assert!(t.after.has_public && t.after.open.is_none());
            }
        }
    }

    /// While a change of a listed service is reviewed, the service stays visible; only the end
    /// of its selection (its expiry or its cancellation) takes it out of view.
    #[test]
    fn a_listed_service_stays_visible(s in standing(), a in action()) {
        if let Ok(t) = decide(s, a, a.performer())
            && s.has_public && s.status.is_public() && !matches!(a, Action::Expire | Action::Cancel)
        {
            prop_assert!(t.after.status.is_public(), "{:?} → {:?}", s, t.after);
        }
    }

    /// The actor is asked before the standing: who may not ask gets the same answer anywhere,
    /// and the one who may is refused only by the standing.
    #[test]
    fn the_actor_comes_first(s in standing(), t in standing(), a in action(), who in actor()) {
        if who != a.performer() {
            prop_assert_eq!(decide(s, a, who).err(), decide(t, a, who).err());
            prop_assert!(matches!(decide(s, a, who), Err(Refusal::Forbidden | Refusal::NotFound)));
        } else if let Err(r) = decide(s, a, who) {
            prop_assert!(matches!(r, Refusal::InvalidState(_)));
        }
    }

    /// From a new draft, whatever anyone asks in whatever order, the standings reached are the
    /// ones the product knows: an open revision is only ever a draft, submitted or in review; a
    /// service has a public revision exactly when it is listed or suspended; and one never
    /// listed shows its open revision's progress as its status (rejected when none is open). A
    /// service whose selection expired keeps its public revision (a re-review lists it again), and
    /// so does a cancelled one (for the record).
    #[test]
    fn every_walk_from_a_new_draft_stays_consistent(steps in proptest::collection::vec((action(), actor()), 0..40)) {
        let mut s = Standing { status: ServiceStatus::Draft, open: Some(RevisionState::Draft), has_public: false };
        for (a, who) in steps {
            if let Ok(t) = decide(s, a, who) {
                s = t.after;
            }
            prop_assert!(matches!(s.open, None | Some(RevisionState::Draft | RevisionState::Submitted | RevisionState::InReview)), "{:?}", s);
            prop_assert_eq!(s.has_public, matches!(s.status, ServiceStatus::Listed | ServiceStatus::Suspended | ServiceStatus::Expired | ServiceStatus::Cancelled), "{:?}", s);
            if !s.has_public {
                let mirrored = match s.open {
                    None => ServiceStatus::Rejected,
                    Some(RevisionState::Draft) => ServiceStatus::Draft,
                    Some(RevisionState::Submitted) => ServiceStatus::Submitted,
                    Some(_) => ServiceStatus::InReview,
                };
                prop_assert_eq!(s.status, mirrored, "{:?}", s);
            }
        }
    }
}
