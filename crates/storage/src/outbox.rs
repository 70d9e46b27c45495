//! The mail outbox: e-mails written in the same transaction as the change that caused them,
//! sent afterwards by the mail worker (leased, so two instances never send the same mail).
