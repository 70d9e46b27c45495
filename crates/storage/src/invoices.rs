//! (filled by the invoices work of issue #24)
